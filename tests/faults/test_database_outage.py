"""PostgreSQL refuses connections for a few seconds (the forwarder in front of it drops every open
connection and refuses new ones): the portal answers its Vietnamese 503 page, nothing is
half-written, and it recovers by itself, without a restart, once the database is back."""
from __future__ import annotations

import re
import threading
import time

import pytest
from django.conf import settings

from criteria.models import Criterion
from nominations.models import Nomination, NominationEvent, Status
from tests.servers import Gunicorn, TcpProxy, subprocess_database_url, wait_for
from tests.test_bad_input import valid_criterion_data


from .conftest import csrf_of, server_env, session_client

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

OUTAGE_SECONDS = 3
UNAVAILABLE = "Hệ thống tạm thời gián đoạn"  # templates/503.html
FIGURE = "du-lieu-mo-theo-danh-muc"  # a percentage criterion (threshold 50 %) of every Sở's collective


def database_proxy():
    db = settings.DATABASES["default"]
    return TcpProxy(db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432)


def save_form(nomination, marker: int) -> dict:
    """The edit form, with the summary and one figure both derived from `marker`: a save is whole
    when the two agree."""
    figure = Criterion.objects.get(round=nomination.round, code=FIGURE)
    data = {
        "kind": "collective", "nominee_unit": str(nomination.nominee_unit_id), "award_form": str(nomination.award_form_id),
        "achievement_summary": f"Bản lưu số {marker}", "eligibility_declared": "on", "save": "1",
        **valid_criterion_data(nomination),
    }
    data[f"tc_{figure.pk}"] = str(50 + marker % 50)
    return data


def stored_marker(nomination) -> int:
    """The marker of the stored save, checking that summary and figure come from the same one."""
    nomination = Nomination.objects.get(pk=nomination.pk)
    figure = nomination.criterion_values.get(criterion__code=FIGURE).number
    marker = int(re.fullmatch(r"Bản lưu số (\d+)", nomination.achievement_summary).group(1))
    assert figure == 50 + marker % 50, f"half-written: summary from save {marker}, figure {figure}"
    return marker


def assert_unavailable_page(response):
    assert response.status_code == 503, (response.status_code, response.text[:300])
    assert UNAVAILABLE in response.text
    assert response.headers.get("Retry-After")


def test_database_outage_503_page_nothing_written_recovers_by_itself(drafts, tmp_path):
    world, nominations = drafts
    nomination = nominations["so-tai-chinh-nt"]
    officer = world.users["officer:so-tai-chinh-nt"]
    with database_proxy() as proxy:
        env = server_env(tmp_path, DATABASE_URL=subprocess_database_url(port=proxy.port), DB_CONN_MAX_AGE="60")
        with Gunicorn(env=env, workers=2, threads=4, settings_module="tests.settings_server", log_path=tmp_path / "gunicorn.log") as server:
            pid = server.process.pid
            http = session_client(server.url, officer)
            detail, edit = f"/ho-so/{nomination.pk}/", f"/ho-so/{nomination.pk}/sua/"
            assert http.get(detail).status_code == 200
            token = csrf_of(http, detail)
            response = http.post(edit, data={**save_form(nomination, 1), "csrfmiddlewaretoken": token})
            assert response.status_code == 302, server.log()
            assert stored_marker(nomination) == 1

            # The database goes away: open connections dropped, new ones refused.
            proxy.cut()
            started = time.monotonic()
            try:
                assert_unavailable_page(http.get(detail))
                assert_unavailable_page(http.post(edit, data={**save_form(nomination, 2), "csrfmiddlewaretoken": token}))
                assert_unavailable_page(http.post(f"/ho-so/{nomination.pk}/gui/", data={"csrfmiddlewaretoken": token}))
                import httpx

                anonymous = httpx.get(server.url + "/tai-khoan/dang-nhap/", timeout=30)
                assert anonymous.status_code in (200, 503), anonymous.status_code  # a login page needs no database
                health = httpx.get(server.url + "/healthz/", timeout=30)
                assert health.status_code == 503 and health.json()["database"].startswith("error")
            finally:
                time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - started)))
                proxy.restore()
            back = time.monotonic()

            # Back by itself: the same server processes reconnect on the next request.
            wait_for(lambda: http.get(detail).status_code == 200, timeout=15, message="the portal did not recover:\n" + server.log())
            recovered_in = time.monotonic() - back
            assert server.process.poll() is None and server.process.pid == pid
            # Nothing written during the outage.
            assert stored_marker(nomination) == 1
            assert Nomination.objects.get(pk=nomination.pk).status == Status.DRAFT
            assert not NominationEvent.objects.filter(nomination=nomination).exists()
            # And the officer carries on: the submit goes through.
            response = http.post(f"/ho-so/{nomination.pk}/gui/", data={"csrfmiddlewaretoken": token})
            assert response.status_code == 302
            assert "Đã gửi hồ sơ đến bước" in http.get(detail).text
            assert Nomination.objects.get(pk=nomination.pk).status == Status.IN_REVIEW
            assert "Traceback" not in server.log(100000) or "OperationalError" in server.log(100000)
            print(f"\nRecovered {recovered_in:.2f} s after the database came back")


def test_database_cut_during_saves_every_answer_clean_every_save_whole(drafts, tmp_path):
    """Saves keep coming while the connections are cut: each answer is a redirect (saved) or the 503
    page, never a 500, and what is stored is one whole save, at least the last one confirmed."""
    world, nominations = drafts
    nomination = nominations["so-y-te-nt"]
    officer = world.users["officer:so-y-te-nt"]
    with database_proxy() as proxy:
        env = server_env(tmp_path, DATABASE_URL=subprocess_database_url(port=proxy.port), DB_CONN_MAX_AGE="60")
        with Gunicorn(env=env, workers=2, threads=4, settings_module="tests.settings_server", log_path=tmp_path / "gunicorn.log") as server:
            edit = f"/ho-so/{nomination.pk}/sua/"
            answers: list[tuple[int, int]] = []
            stop = threading.Event()

            clients = [session_client(server.url, officer) for _ in range(4)]
            tokens = [csrf_of(http, f"/ho-so/{nomination.pk}/") for http in clients]
            assert all(tokens)

            def officer_saving(index):
                http, token = clients[index], tokens[index]
                marker = index
                while not stop.is_set():
                    marker += 4
                    try:
                        response = http.post(edit, data={**save_form(nomination, marker), "csrfmiddlewaretoken": token})
                        answers.append((marker, response.status_code))
                    except Exception as error:  # noqa: BLE001 - a transport error would be a finding too
                        answers.append((marker, type(error).__name__))

            threads = [threading.Thread(target=officer_saving, args=(i,)) for i in range(4)]
            for thread in threads:
                thread.start()
            time.sleep(1.5)
            proxy.outage(OUTAGE_SECONDS)
            time.sleep(3)
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
            wait_for(lambda: session_client(server.url, officer).get(f"/ho-so/{nomination.pk}/").status_code == 200, timeout=15,
                     message="the portal did not recover")

    statuses = {status for _, status in answers}
    assert statuses <= {302, 503}, f"answers other than saved (302) or the 503 page: {sorted(map(str, statuses))}\n{server.log()}"
    assert {302, 503} <= statuses, f"the cut was not felt: {statuses}"
    confirmed = [marker for marker, status in answers if status == 302]
    final = stored_marker(nomination)  # also checks the save is whole
    # Saves of one officer (thread) are sequential; any confirmed save may be overwritten only by a later one.
    assert final in {marker for marker, _ in answers}
    print(f"\n{len(answers)} saves: {len(confirmed)} confirmed, {sum(1 for _, s in answers if s == 503)} answered 503; stored: save {final}")
