"""The dashboard kept as HTML until one of its figures may change (statistics.dashboard_version),
and the award list's filter choices until the next nomination event (selectors.award_list_choices)."""
import datetime as dt

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import clock
from nominations.models import DeadlineExtension, Registration
from nominations.services import grant_extension
from nominations.workflow import Action, advance
from tests.factories import UnitFactory
from tests.nominations.conftest import submitted

pytestmark = pytest.mark.django_db


def _dashboard(client, world, who="administrator", *, language="vi"):
    client.force_login(world.users[who])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reports_dashboard", args=(world.round.pk,)))
    assert response.status_code == 200
    grouped = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"] and "nominations_nomination" in q["sql"]]
    main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]  # not the header's per-request CSRF token
    return main, grouped


def test_dashboard_is_kept_until_a_nomination_event_then_shows_it(client, report_world, kept):
    at_review = report_world.nominations["at_review"]
    with clock.frozen_at(report_world.at_stage(2)):
        cold_html, cold_grouped = _dashboard(client, report_world)
        warm_html, warm_grouped = _dashboard(client, report_world)
        assert cold_grouped and not warm_grouped  # the second view counted nothing again
        assert warm_html == cold_html
        advance(at_review, Action.RETURN, actor=report_world.users["stage:2"], comment="Thiếu báo cáo thành tích có xác nhận.")
        html, grouped = _dashboard(client, report_world)
    assert grouped  # worked out again after the return
    assert "Thiếu báo cáo thành tích có xác nhận." in html and "Thiếu báo cáo thành tích có xác nhận." not in cold_html


def test_dashboard_shows_a_registration_and_an_extension_at_once(client, report_world, kept):
    with clock.frozen_at(report_world.at_stage(1, days_before=3)):
        before, _ = _dashboard(client, report_world)
        unit = UnitFactory(name="Sở Văn hóa, Thể thao và Du lịch tỉnh Ninh Thuận (đăng ký muộn)")
        Registration.objects.create(round=report_world.round, unit=unit, registered_at=clock.now(), registered_by=report_world.users["administrator"])
        after_registration, grouped = _dashboard(client, report_world)
        assert unit.name not in before and unit.name in after_registration and grouped
        extensions = DeadlineExtension.objects.filter(stage__round=report_world.round).count()
        grant_extension(
            actor=report_world.users["stage:2"], stage=report_world.stages[0], unit=unit,
            new_deadline=report_world.stages[0].deadline + dt.timedelta(days=3), reason="Đơn vị mới thành lập.",
        )
        assert DeadlineExtension.objects.filter(stage__round=report_world.round).count() == extensions + 1
        after_extension, grouped = _dashboard(client, report_world)
    assert "2 đơn vị được gia hạn" in after_extension and "2 đơn vị được gia hạn" not in after_registration and grouped


def test_dashboard_kept_per_user_per_day_and_per_language(client, report_world, kept):
    with clock.frozen_at(dt.datetime(2024, 12, 12, 9, tzinfo=clock.VIETNAM)):
        administrator, _ = _dashboard(client, report_world, "administrator")
        reviewer, grouped = _dashboard(client, report_world, "stage:3")
        english, english_grouped = _dashboard(client, report_world, "administrator", language="en")
    assert grouped and english_grouped  # neither took the administrator's Vietnamese page
    assert "Sở Công Thương tỉnh Ninh Thuận" in administrator  # a unit with only a draft: the administrator sees it
    assert administrator != reviewer
    assert "còn 3 ngày" in administrator
    assert english != administrator
    with clock.frozen_at(dt.datetime(2024, 12, 13, 9, tzinfo=clock.VIETNAM)):
        next_day, grouped = _dashboard(client, report_world, "administrator")
    assert grouped and "còn 2 ngày" in next_day and "còn 3 ngày" not in next_day


def test_dashboard_not_kept_when_the_setting_is_zero(client, report_world, settings):
    settings.LIST_SUMMARY_CACHE_SECONDS = 0
    cache.clear()
    with clock.frozen_at(report_world.at_stage(2)):
        _, first = _dashboard(client, report_world)
        _, second = _dashboard(client, report_world)
    assert first and second


def test_award_list_choices_kept_until_a_nomination_event(client, report_world, kept):
    client.force_login(report_world.users["administrator"])
    url = reverse("reports_export", args=(report_world.round.pk,))

    def unit_choices():
        response = client.get(url)
        assert response.status_code == 200
        return [code for code, _ in response.context["form"].fields["unit"].choices if code]

    before = unit_choices()
    assert "so-ct-nt" not in before  # its nomination is a draft
    assert unit_choices() == before
    submitted(report_world, "so-nn-nt")
    after = unit_choices()
    assert "so-nn-nt" in after and set(after) == set(before) | {"so-nn-nt"}
