"""Redis goes away while transition e-mails are queued: the forwarder in front of it drops every
connection of this test's server and worker and refuses new ones for a few seconds (as a restart
does; the machine's Redis itself is shared and keeps running). The queued tasks are not lost, a
submit made during the outage is not answered with an error page and its e-mail is not lost
either, and a short pause of Redis's writes (CLIENT PAUSE) only delays the answer.

E-mail goes to files (Django's file backend) written by the server and the worker, and each
stage-arrival message names the nomination's page (/ho-so/<pk>/)."""
from __future__ import annotations

import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings

from nominations.models import Nomination, Status
from tests.servers import CeleryWorker, Gunicorn, TcpProxy, redirect_url, subprocess_database_url, wait_for


from .conftest import csrf_of, server_env, session_client

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

OUTAGE_SECONDS = 3
PAUSE_MS = 2000


def mails_for(directory: Path, nomination) -> int:
    marker = f"/ho-so/{nomination.pk}/"
    return sum(path.read_text(encoding="utf-8", errors="replace").count(marker) for path in directory.glob("*.log"))


def submit(base_url, officer, nomination):
    http = session_client(base_url, officer)
    token = csrf_of(http, f"/ho-so/{nomination.pk}/")
    started = time.monotonic()
    response = http.post(f"/ho-so/{nomination.pk}/gui/", data={"csrfmiddlewaretoken": token})
    elapsed = time.monotonic() - started
    page = http.get(f"/ho-so/{nomination.pk}/") if response.status_code == 302 else response
    return response.status_code, page.text, elapsed


def test_redis_outage_queued_emails_not_lost_submit_answers_cleanly(drafts, tmp_path):
    world, nominations = drafts
    officers = {code: world.users[f"officer:{code}"] for code in nominations}
    broker = settings.CELERY_BROKER_URL
    parts = urlsplit(broker)
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    mail = tmp_path / "mail"
    mail.mkdir()
    direct = redis.Redis.from_url(broker, socket_timeout=5)
    (a, b, c, d, e) = list(nominations)[:5]
    try:
        with TcpProxy(parts.hostname or "127.0.0.1", parts.port or 6379) as proxy:
            env = server_env(
                tmp_path, DATABASE_URL=subprocess_database_url(), DB_CONN_MAX_AGE="60",
                CELERY_BROKER_URL=redirect_url(broker, proxy.port), TEST_CELERY_QUEUE=queue,
                EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", TEST_EMAIL_DIR=str(mail),
            )
            worker_log = tmp_path / "worker.log"
            with Gunicorn(env=env, workers=2, threads=4, settings_module="tests.settings_server", log_path=tmp_path / "gunicorn.log") as server:
                # 1. All well: a submit, its e-mail sent by the worker.
                with CeleryWorker(env=env, queue=queue, log_path=worker_log):
                    status, page, _ = submit(server.url, officers[a], nominations[a])
                    assert status == 302 and "Đã gửi hồ sơ đến bước" in page
                    wait_for(lambda: mails_for(mail, nominations[a]) == 1, timeout=30, message="first e-mail:\n" + worker_log.read_text())

                # 2. No worker for a moment: two submits, their e-mail tasks wait in Redis.
                for code in (b, c):
                    status, page, _ = submit(server.url, officers[code], nominations[code])
                    assert status == 302 and "Đã gửi hồ sơ đến bước" in page
                assert direct.llen(queue) == 2

                # 3. Redis "restarts": every connection dropped, new ones refused; an officer submits meanwhile.
                proxy.cut()
                started = time.monotonic()
                try:
                    status, page, elapsed = submit(server.url, officers[d], nominations[d])
                finally:
                    time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - started)))
                    proxy.restore()
                assert status != 500 and "Server Error" not in page, f"submit during the outage answered {status}:\n{server.log()}"
                saved = Nomination.objects.get(pk=nominations[d].pk).status == Status.IN_REVIEW
                if saved:
                    assert "Đã gửi hồ sơ đến bước" in page, page[:500]
                else:
                    assert "thử lại" in page, "a submit refused during the outage must say to try again"
                print(f"\nSubmit during the outage: HTTP {status} in {elapsed:.2f} s, saved: {saved}")

                # 4. A short pause of Redis's writes: the submit waits, then goes through.
                direct.client_pause(PAUSE_MS, all=False)
                status, page, elapsed = submit(server.url, officers[e], nominations[e])
                assert status == 302 and "Đã gửi hồ sơ đến bước" in page
                print(f"Submit during CLIENT PAUSE {PAUSE_MS} WRITE: answered in {elapsed:.2f} s")

                # 5. The worker comes back: nothing queued was lost.
                with CeleryWorker(env=env, queue=queue, log_path=worker_log):
                    expected = [a, b, c, e] + ([d] if saved else [])
                    wait_for(lambda: all(mails_for(mail, nominations[code]) >= 1 for code in expected), timeout=60,
                             message="e-mails after the outage: " + str({code: mails_for(mail, nominations[code]) for code in expected})
                             + "\n" + worker_log.read_text()[-3000:])
                assert all(mails_for(mail, nominations[code]) == 1 for code in expected), {code: mails_for(mail, nominations[code]) for code in expected}
    finally:
        direct.delete(queue, f"_kombu.binding.{queue}", f"{queue}\x06\x163", f"{queue}\x06\x166", f"{queue}\x06\x169")
