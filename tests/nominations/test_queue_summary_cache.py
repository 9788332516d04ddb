"""What a review queue shows beside its page, kept until the next nomination event
(nominations.selectors_review.stage_summary)."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import clock
from nominations.workflow import Action, advance

from .conftest import submitted

pytestmark = pytest.mark.django_db


def _queue(client, world):
    with CaptureQueriesContext(connection) as queries, clock.frozen_at(world.at_stage(2)):
        response = client.get(reverse("review_queue", args=(world.round.pk, 2)))
    assert response.status_code == 200
    return response, len(queries)


def test_queue_summary_kept_until_a_return_then_shows_it(nt_world, client, kept):
    first = submitted(nt_world, "so-tai-chinh-nt")
    second = submitted(nt_world, "so-y-te-nt")
    client.force_login(nt_world.users["stage:2"])
    response, cold = _queue(client, nt_world)
    assert response.context["page"].paginator.count == 2
    assert response.context["returned"].count == 0
    response, warm = _queue(client, nt_world)
    assert warm < cold  # the counts, choices, quotas and returns came from the cache

    with clock.frozen_at(nt_world.at_stage(2)):
        advance(second, Action.RETURN, actor=nt_world.users["stage:2"], comment="Bổ sung biên bản.")
    response, _ = _queue(client, nt_world)
    assert [n.pk for n in response.context["page"].object_list] == [first.pk]
    assert response.context["page"].paginator.count == 1
    assert response.context["returned"].count == 1
    assert [n.pk for n in response.context["returned"].first] == [second.pk]
    assert [pk for pk, _ in response.context["filter_form"].fields["proposing_unit"].choices if pk] == [first.proposing_unit_id]


def test_queue_kept_html_follows_events_refused_filters_and_language(nt_world, client, kept, settings):
    """The quotas, filters and returns are kept as HTML under the same nomination event as their
    data: a return shows at once, a refused filter value shows its error, English is kept apart."""
    first = submitted(nt_world, "so-tai-chinh-nt")
    second = submitted(nt_world, "so-y-te-nt")
    client.force_login(nt_world.users["stage:2"])
    url = reverse("review_queue", args=(nt_world.round.pk, 2))

    def html(query=""):
        with clock.frozen_at(nt_world.at_stage(2)):
            response = client.get(url + query)
        assert response.status_code == 200
        return response.content.decode()

    html()
    assert "Không có hồ sơ nào đang chờ đơn vị bổ sung." in html()  # kept
    with clock.frozen_at(nt_world.at_stage(2)):
        advance(second, Action.RETURN, actor=nt_world.users["stage:2"], comment="Bổ sung biên bản.")
    page = html()
    returned = page[page.index('id="tra-lai-tieu-de"'):]
    assert second.nominee_name in returned and "Không có hồ sơ nào đang chờ đơn vị bổ sung." not in page
    # A valid filter kept; a refused value shows its error, never a kept form without it.
    unit = f"?proposing_unit={first.proposing_unit_id}"
    assert f'<option value="{first.proposing_unit_id}" selected>' in html(unit)
    assert f'<option value="{first.proposing_unit_id}" selected>' in html(unit)
    assert "Lựa chọn không hợp lệ." not in html(unit)
    for _ in range(2):
        refused = html("?proposing_unit=999999")
        assert "Lựa chọn không hợp lệ." in refused and "is-invalid" in refused
    assert "Lựa chọn không hợp lệ." not in html()
    # The same kept parts in English for a user who chose it, and Vietnamese again after.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = html()
    assert "Filter nominations" in english and "Award places used" in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    assert "Lọc hồ sơ" in html() and "Filter nominations" not in html()


def test_queue_summary_not_kept_when_turned_off(nt_world, client, settings):
    settings.LIST_SUMMARY_CACHE_SECONDS = 0
    submitted(nt_world, "so-tai-chinh-nt")
    client.force_login(nt_world.users["stage:2"])
    _, cold = _queue(client, nt_world)
    _, again = _queue(client, nt_world)
    assert again == cold


def test_decision_page_keeps_the_recorded_decisions_until_a_decision_is_recorded(nt_world, client, kept):
    """The decisions listed on the decision page, with the number each awarded (a count over the
    round), are kept until the next nomination event: recording a decision moves its nominations."""
    import datetime as dt

    from nominations.services import record_decision

    from .conftest import ready_at_stage

    awarded = ready_at_stage(nt_world, "so-tai-chinh-nt", order=4)
    second = ready_at_stage(nt_world, "so-y-te-nt", order=4)
    user = nt_world.users["stage:4"]
    client.force_login(user)
    url = reverse("review_decision", args=(nt_world.round.pk,))

    def page():
        with CaptureQueriesContext(connection) as queries, clock.frozen_at(nt_world.at_stage(4)):
            response = client.get(url)
        assert response.status_code == 200
        return response, len(queries)

    response, cold = page()
    assert response.context["decisions"] == []
    response, warm = page()
    assert warm < cold
    with clock.frozen_at(nt_world.at_stage(4)):
        record_decision(actor=user, round_=nt_world.round, number="15/QĐ-UBND", date=nt_world.stages[-1].deadline - dt.timedelta(days=1),
                        signer="Trần Quốc Nam", nominations=[awarded])
    response, _ = page()
    assert [(d.number, d.awarded_count) for d in response.context["decisions"]] == [("15/QĐ-UBND", 1)]
    assert "15/QĐ-UBND" in response.content.decode() and [n.pk for n in response.context["page"].object_list] == [second.pk]


def test_review_home_counts_kept_until_the_next_nomination_event(nt_world, client, kept):
    """The number waiting at each stage (a count over the stage's index) is kept until a nomination
    moves: a nomination submitted shows at once."""
    submitted(nt_world, "so-tai-chinh-nt")
    client.force_login(nt_world.users["stage:2"])

    def waiting():
        with CaptureQueriesContext(connection) as queries, clock.frozen_at(nt_world.at_stage(2)):
            response = client.get(reverse("review_home"))
        assert response.status_code == 200
        return {s.order: s.waiting for s in response.context["stages"]}, len(queries)

    (first, cold), (again, warm) = waiting(), waiting()
    assert first[2] == again[2] == 1 and warm < cold
    submitted(nt_world, "so-y-te-nt")
    assert waiting()[0][2] == 2


def test_pages_answer_when_the_redis_cache_is_unreachable(nt_world, client, settings, caplog):
    """Redis restarting or unreachable is a cache miss, logged, never an error page: the queue (its
    summaries and their kept HTML), the review home and the password-reset throttle work from the
    database (config/cache.py)."""
    settings.CACHES = {"default": {
        "BACKEND": "config.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }}
    settings.LIST_SUMMARY_CACHE_SECONDS = 60
    first = submitted(nt_world, "so-tai-chinh-nt")
    client.force_login(nt_world.users["stage:2"])
    with clock.frozen_at(nt_world.at_stage(2)):
        for _ in range(2):
            queue = client.get(reverse("review_queue", args=(nt_world.round.pk, 2)))
            assert queue.status_code == 200
            assert first.nominee_name in queue.content.decode() and "Số lượng khen thưởng đã dùng" in queue.content.decode()
        assert client.get(reverse("review_home")).status_code == 200
    client.logout()
    reset = client.post(reverse("password_reset"), {"email": "khong-co@example.vn"})
    assert reset.status_code == 302
    assert "Redis cache unavailable" in caplog.text
