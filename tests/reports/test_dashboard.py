"""The dashboard: who sees it, what it shows, and a constant number of queries."""
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Membership, Role
from campaigns.services.rounds import clone_round
from reports import statistics
from demo.simulation import simulate_round
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def dashboard_url(round_):
    return reverse("reports_dashboard", args=(round_.pk,))


def client_for(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["administrator", "stage:2", "stage:3", "stage:4"])
def test_dashboard_200_for_staff_and_stage_people(client, report_world, after_export_date, who):
    response = client_for(client, report_world.users[who]).get(dashboard_url(report_world.round))
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["stranger", "officer:so-tai-chinh-nt", "officer:so-ct-nt", "other-reviewer"])
def test_dashboard_404_for_everybody_else(client, report_world, who):
    if who == "other-reviewer":  # a reviewer, but of an organisation with no stage in this round
        user = UserFactory(username="reviewer-elsewhere")
        Membership.objects.create(user=user, unit=UnitFactory(name="Sở TT&TT tỉnh khác"), role=Role.REVIEWER)
    else:
        user = report_world.users[who]
    response = client_for(client, user).get(dashboard_url(report_world.round))
    assert response.status_code == 404


def test_dashboard_404_for_an_unknown_round(client, report_world):
    assert client_for(client, report_world.users["administrator"]).get(reverse("reports_dashboard", args=(999999,))).status_code == 404


def test_dashboard_needs_login(client, report_world):
    response = client.get(dashboard_url(report_world.round))
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


def test_reports_home_lists_the_rounds_a_user_may_open(client, report_world):
    html = client_for(client, report_world.users["stage:3"]).get(reverse("reports_home")).content.decode()
    assert dashboard_url(report_world.round) in html
    html = client_for(client, report_world.users["stranger"]).get(reverse("reports_home")).content.decode()
    assert dashboard_url(report_world.round) not in html


def test_dashboard_figures(report_world, after_export_date):
    data = statistics.dashboard(report_world.round, report_world.users["administrator"])
    assert [row.counts for row in data.stage_rows] == [{"draft": 1, "returned": 1}, {"in_review": 1}, {"in_review": 1}, {"awarded": 2}]
    assert data.statuses == ["draft", "in_review", "returned", "awarded"]
    assert [(c.stage.order, c.deadline.isoformat(), c.days_left, c.label, c.waiting) for c in data.countdowns] == [
        (1, "2024-11-30", -37, "đã quá hạn 37 ngày", 2),
        (2, "2024-12-15", -22, "đã quá hạn 22 ngày", 1),
        (3, "2024-12-25", -12, "đã quá hạn 12 ngày", 1),
        (4, "2024-12-31", -6, "đã quá hạn 6 ngày", 0),
    ]
    assert data.countdowns[0].extended_units == 1
    assert [(u.name, u.drafts, u.extended_to and u.extended_to.isoformat()) for u in data.not_submitted] == [
        ("Sở Công Thương tỉnh Ninh Thuận", 1, None),
        ("Sở Nông nghiệp tỉnh Ninh Thuận", None, "2024-12-05"),
    ]
    assert [(n.nominee_name, n.returned_from, n.outcome_reason) for n in data.returns] == [
        ("Sở Xây dựng tỉnh Ninh Thuận", 2, "Bổ sung biên bản họp Hội đồng.")
    ]
    assert [(r.rule.code, r.used, r.limit) for r in data.quota.rows] == [("bk-tap-the", 2, 5), ("bk-ca-nhan", 1, 7)]


def test_dashboard_counts_only_what_a_reviewer_sees(report_world, after_export_date):
    data = statistics.dashboard(report_world.round, report_world.users["stage:3"])
    assert data.status_totals == {"in_review": 1, "awarded": 2}  # no drafts, nothing stuck before stage 3


def test_dashboard_countdown_before_the_deadlines(client, report_world):
    from campaigns import clock
    import datetime as dt

    with clock.frozen_at(dt.datetime(2024, 12, 12, 9, tzinfo=clock.VIETNAM)):
        data = statistics.dashboard(report_world.round, report_world.users["administrator"])
    assert [(c.label, c.urgency) for c in data.countdowns] == [
        ("đã quá hạn 12 ngày", "secondary"),
        ("còn 3 ngày", "danger"),
        ("còn 13 ngày", "success"),
        ("còn 19 ngày", "success"),
    ]


def test_dashboard_page_draws_svg_charts_with_tables(client, report_world, after_export_date):
    html = client_for(client, report_world.users["administrator"]).get(dashboard_url(report_world.round)).content.decode()
    for ident in ("bieu-do-buoc", "bieu-do-so-luong", "bieu-do-so-sanh-trang-thai", "bieu-do-so-sanh-khen-thuong"):
        assert f'aria-labelledby="{ident}-title {ident}-desc"' in html, ident
        assert f'<title id="{ident}-title">' in html and f'<desc id="{ident}-desc">' in html
    assert html.count('role="img"') == 4
    assert html.count("<caption") >= 7  # every figure also as a table
    assert "<title>4. Chủ tịch UBND tỉnh quyết định khen thưởng — Được khen thưởng: 2</title>" in html
    assert "Bằng khen của Chủ tịch UBND tỉnh: không quá 05 tập thể: đã dùng 2/5, còn 3" in html
    assert "đã quá hạn 6 ngày" in html
    assert "Sở Công Thương tỉnh Ninh Thuận" in html and "Sở Nông nghiệp tỉnh Ninh Thuận" in html
    assert "Bổ sung biên bản họp Hội đồng." in html
    # SVG numbers are written unlocalised (a Vietnamese "12,5" would break the drawing).
    assert not re.search(r'(x|y|width|height)="\d+,\d', html)
    assert "<script" not in html.split("</main>")[0].split('<main')[1]  # the charts need no JavaScript


def test_dashboard_compares_the_campaign_rounds(client, report_world, after_export_date):
    later = clone_round(round_=report_world.round, year=2025)
    simulate_round(round_=later, nominations=6, seed=3)
    data = statistics.dashboard(report_world.round, report_world.users["administrator"])
    comparison = data.comparison
    assert [r.year for r in comparison.rounds] == [2024, 2025]
    totals = comparison.totals()
    assert totals[0] == 6 and totals[1] == 6
    awards = dict(comparison.award_rows())
    assert awards["Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"][0] == 2
    assert awards["Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"][1] >= 1
    html = client_for(client, report_world.users["administrator"]).get(dashboard_url(report_world.round)).content.decode()
    assert later.name in html


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), response.context["data"].total


@pytest.mark.parametrize("who", ["administrator", "stage:2"])
def test_dashboard_queries_do_not_grow_with_nominations(client, report_world, after_export_date, django_assert_num_queries, who):
    c = client_for(client, report_world.users[who])
    url = dashboard_url(report_world.round)
    small, shown = count_queries(c, url)
    # Many more nominations through the real workflow: at every stage, returned, refused by quota, decided.
    result = simulate_round(round_=report_world.round, nominations=40, seed=7, leave_share=0.3, return_share=0.2)
    assert result.nominations == 40
    with django_assert_num_queries(small):
        response = c.get(url)
    assert response.context["data"].total >= shown + 25
