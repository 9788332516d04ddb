"""Every list page issues the same number of queries whatever the number of nominations: each page
is requested on the report world's round grown by bulk copies (tests/reports/builders.py) to N,
then to 3N nominations, and the two counts must be equal.

The copies take the stage, status, award form, decision, council vote and history of the
round's sent nominations, so every list (the queue at each stage, the councils, the decision,
the award list, open data) grows with them.
"""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import clock
from dossiers.models import DocumentKind, GeneratedDocument
from nominations.models import CouncilMeeting, Nomination, Status
from reports.models import ExportJob
from tests.factories import UserFactory
from tests.reports.builders import add_copies
from tests.reports.conftest import make_report_world

pytestmark = pytest.mark.django_db

SMALL = 20
LARGE = 3 * SMALL


def _pages(world):
    """(user key or None, url, method, data) of each list page of the round."""
    round_ = world.round
    queue = reverse("review_queue", args=(round_.pk, 2))
    return {
        "home, unit officer": ("officer:so-tai-chinh-nt", reverse("home"), "get", None),
        "home, reviewer": ("stage:2", reverse("home"), "get", None),
        "unit round page": ("officer:so-tai-chinh-nt", reverse("unit_round", args=(round_.pk,)), "get", None),
        "unit council page": ("officer:so-tai-chinh-nt", reverse("unit_council", args=(round_.pk,)), "get", None),
        "review home": ("stage:2", reverse("review_home"), "get", None),
        "review queue": ("stage:2", queue, "get", None),
        "review queue, page 2": ("stage:2", f"{queue}?trang=2", "get", None),
        "review queue, filtered": ("stage:2", f"{queue}?criteria_status=met", "get", None),
        "review queue, administrator": ("administrator", reverse("review_queue", args=(round_.pk, 3)), "get", None),
        "decision page": ("stage:4", reverse("review_decision", args=(round_.pk,)), "get", None),
        "decision detail": ("stage:4", reverse("review_decision_detail", args=(round_.pk, world.decision.pk)), "get", None),
        "dashboard": ("administrator", reverse("reports_dashboard", args=(round_.pk,)), "get", None),
        "award list export page": ("administrator", reverse("reports_export", args=(round_.pk,)), "get", None),
        "award list export": ("administrator", reverse("reports_export", args=(round_.pk,)), "post", {"status": "awarded"}),
        "open data index": (None, reverse("open_data_index"), "get", None),
        "open data csv": (None, reverse("open_data_csv", args=(round_.campaign.code, round_.code)), "get", None),
        "open data json": (None, reverse("open_data_json", args=(round_.campaign.code, round_.code)), "get", None),
        "admin: units": ("superuser", "/admin/campaigns/unit/", "get", None),
        "admin: documents": ("superuser", "/admin/dossiers/generateddocument/", "get", None),
        "admin: export jobs": ("superuser", "/admin/reports/exportjob/", "get", None),
    }


def _count(client, world, user_key, url, method, data):
    if user_key is None:
        client.logout()
    else:
        client.force_login(world.users[user_key])
    getattr(client, method)(url, data or {})  # warm: the session, caches of the first request
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == 200, (url, response.status_code)
    return len(queries.captured_queries)


def _grow(world, total):
    add_copies(world.round, total - Nomination.objects.filter(round=world.round).exclude(status=Status.DRAFT).count(), seed=total)


def _admin_rows(world, count):
    """Documents and export jobs for the admin change lists."""
    GeneratedDocument.objects.bulk_create(
        [
            GeneratedDocument(
                kind=DocumentKind.choices[0][0], format="pdf", identity=f"so-luong-{count}-{i}", round=world.round,
                organisation=world.round.campaign.issuer, issued_on=dt.date(2025, 1, 6), title=f"Văn bản {i}",
                verification_code=f"QC{count:02d}{i:06d}",
            )
            for i in range(count)
        ]
    )
    ExportJob.objects.bulk_create(
        [ExportJob(round=world.round, requested_by=world.users["administrator"], kind="award_list") for _ in range(count)]
    )


@pytest.mark.parametrize(
    "page",
    [
        "home, unit officer", "home, reviewer", "unit round page", "unit council page", "review home", "review queue",
        "review queue, page 2", "review queue, filtered", "review queue, administrator",
        "decision page", "decision detail", "dashboard", "award list export page", "award list export",
        "open data index", "open data csv", "open data json", "admin: units", "admin: documents", "admin: export jobs",
    ],
)
def test_list_page_queries_do_not_grow_with_nominations(client, page):
    world = make_report_world()
    world.users["superuser"] = UserFactory(username="quan-tri-cong", is_staff=True, is_superuser=True)
    args = _pages(world)[page]
    _grow(world, SMALL)
    _admin_rows(world, 3)
    small = _count(client, world, *args)
    _grow(world, LARGE)
    _admin_rows(world, 9)
    assert Nomination.objects.filter(round=world.round).count() >= LARGE
    assert _count(client, world, *args) == small


def test_stage_council_page_queries_do_not_grow_with_nominations(client):
    """The stage council page (a stage organisation's own Hội đồng, as Rạch Giá's city council):
    its results and its form's vote rows are shown a page at a time, its queries do not grow with
    the nominations waiting or voted on."""
    from campaigns.models import Stage
    from nominations.services import record_council_meeting

    world = make_report_world()
    stage = world.stages[1]
    Stage.objects.filter(pk=stage.pk).update(holds_council=True)
    stage.refresh_from_db()
    waiting = list(Nomination.objects.filter(stage=stage, status=Status.IN_REVIEW).values_list("pk", flat=True))
    assert waiting
    with clock.frozen_at(world.at_stage(2)):
        record_council_meeting(
            actor=world.users["stage:2"], stage=stage, unit=stage.organisation,
            data={"date": world.at_stage(2).date(), "start_time": dt.time(14), "end_time": dt.time(16), "place": "Phòng họp",
                  "chair": "Lê Văn Cường", "secretary": "Phạm Thị Dung", "members_total": 9, "members_present": 7,
                  "written_opinions": 0, "notes": "", "attendees": "", "absentees": ""},
            votes={pk: 6 for pk in waiting},
        )
    url = reverse("review_council", args=(world.round.pk, 2))
    _grow(world, SMALL)
    small = _count(client, world, "stage:2", url, "get", None)
    shown = Nomination.objects.filter(stage=stage, status=Status.IN_REVIEW).count()
    _grow(world, LARGE)
    assert Nomination.objects.filter(stage=stage, status=Status.IN_REVIEW).count() > shown
    assert _count(client, world, "stage:2", url, "get", None) == small


@pytest.fixture(autouse=True)
def after_the_decision():
    """Export file names and dates are the portal clock's: after the round's decision."""
    with clock.frozen_at(dt.datetime(2025, 1, 6, 9, 0, tzinfo=clock.VIETNAM)):
        yield


# --- The review queue: the page first, then its rows -------------------------------------------


def _grown_world(total):
    """The report world grown to `total`, the copies spread over all the round's units (a queue
    page then spans several proposing units)."""
    world = make_report_world()
    _grow(world, total)
    units = sorted(world.units.values(), key=lambda u: u.pk)
    copies = Nomination.objects.filter(round=world.round, person_identifier__startswith="9").order_by("pk")
    for i, pk in enumerate(copies.values_list("pk", flat=True)):
        unit = units[i % len(units)]
        Nomination.objects.filter(pk=pk).update(proposing_unit=unit, nominee_unit=unit)
    return world


def test_queue_pages_read_in_turn_give_the_queue_in_its_order(client):
    from django.core.paginator import Paginator

    from nominations.rules import visible_nominations_q
    from nominations.selectors_review import queue_nominations, queue_rows, review_stage

    world = _grown_world(LARGE)
    for order in (2, 3):
        stage = review_stage(world.round.pk, order)
        user = world.users[f"stage:{order}"]
        expected = list(queue_nominations(stage, user).values_list("pk", flat=True))
        visible = Nomination.objects.filter(visible_nominations_q(user), stage=stage, status=Status.IN_REVIEW)
        assert sorted(expected) == sorted(visible.values_list("pk", flat=True))
        assert len(expected) > 7
        assert len(set(queue_nominations(stage, user).values_list("proposing_unit", flat=True))) > 3
        for per_page in (1, 3, 7, 50):
            paginator = Paginator(queue_rows(stage, user), per_page)
            assert paginator.count == len(expected)
            read = [n.pk for number in paginator.page_range for n in paginator.page(number).object_list]
            assert read == expected, (order, per_page)


def test_queue_annotates_only_the_rows_of_its_page(client):
    """The council vote and the same-person flag are read for the page's rows only (their ids,
    their identifiers), never for every nomination waiting at the stage before the page is cut."""
    world = _grown_world(LARGE)
    client.force_login(world.users["stage:2"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("review_queue", args=(world.round.pk, 2)) + "?trang=2")
    assert response.status_code == 200
    page = response.context["page"].object_list
    votes = [q["sql"] for q in queries.captured_queries if "votes_for" in q["sql"]]
    assert len(votes) == 1
    assert '"nominations_councilvote"."nomination_id" IN (' in votes[0]
    assert votes[0].count(",") < len(page) + 10  # the page's ids, not the stage's
    people = [q["sql"] for q in queries.captured_queries if '"person_identifier" IN (' in q["sql"]]
    identifiers = {n.person_identifier for n in page if n.kind == "individual" and n.person_identifier}
    assert identifiers and len(people) == 1
    assert people[0].count("', '") < 2 * len(identifiers) + 10  # the page's identifiers and names, not the stage's


def test_visibility_within_a_round_equals_the_general_rule():
    from nominations.rules import visible_in_round_q, visible_nominations_q

    world = _grown_world(SMALL)
    world.users["superuser"] = UserFactory(username="quan-tri-cong", is_superuser=True)
    for key, user in world.users.items():
        in_round = Nomination.objects.filter(round=world.round)
        expected = set(in_round.filter(visible_nominations_q(user)).values_list("pk", flat=True))
        assert set(in_round.filter(visible_in_round_q(user, world.round)).values_list("pk", flat=True)) == expected, key


# --- A unit's pages: the first rows of each group, with the group's total ---------------------


def test_unit_round_page_lists_the_first_rows_of_a_large_group_with_its_total(client, monkeypatch):
    from nominations import selectors

    monkeypatch.setattr(selectors, "GROUP_ROWS", 5)
    world = make_report_world()
    _grow(world, LARGE)
    unit = world.units["so-tai-chinh-nt"]
    awarded = Nomination.objects.filter(round=world.round, proposing_unit=unit, status=Status.AWARDED)
    total = awarded.count()
    assert total > 5
    client.force_login(world.users["officer:so-tai-chinh-nt"])
    for url in (reverse("unit_round", args=(world.round.pk,)), reverse("home")):
        page = client.get(url).content.decode()
        shown = [pk for pk in awarded.order_by("id").values_list("pk", flat=True) if f'href="/ho-so/{pk}/"' in page]
        assert shown == list(awarded.order_by("id").values_list("pk", flat=True)[:5]), url
        assert f"Hiển thị 5/{total} hồ sơ đầu tiên của nhóm." in page, url


def test_decision_page_lists_its_awards_page_by_page_numbered_on(client, monkeypatch):
    from nominations.selectors_review import decision_nominations
    from nominations.views import review

    monkeypatch.setattr(review, "DECISION_PAGE_SIZE", 2)
    world = make_report_world()
    _grow(world, SMALL)
    awarded = [n.nominee_name for n in decision_nominations(world.decision)]
    assert len(awarded) > 4
    client.force_login(world.users["stage:4"])
    url = reverse("review_decision_detail", args=(world.round.pk, world.decision.pk))
    page = client.get(url + "?trang=2").content.decode()
    assert f"Trang 2/{-(-len(awarded) // 2)}" in page
    assert "<td>3</td>" in page and "<td>4</td>" in page and "<td>2</td>" not in page
    assert awarded[2] in page


def test_queue_lists_the_latest_returns_first_and_counts_them_up_to_a_bound(client, monkeypatch):
    from nominations import selectors_review
    from nominations.models import NominationEvent

    monkeypatch.setattr(selectors_review, "RETURNED_COUNTED", 4)
    world = make_report_world()
    _grow(world, LARGE)
    stage = selectors_review.review_stage(world.round.pk, 2)
    returned = Nomination.objects.filter(round=world.round, status=Status.RETURNED)
    assert returned.count() > 5
    newest = NominationEvent.objects.filter(action="return", nomination__in=returned).order_by("-at", "-id")
    client.force_login(world.users["stage:2"])
    response = client.get(reverse("review_queue", args=(world.round.pk, 2)))
    assert [n.pk for n in response.context["returned"].first] == [e.nomination_id for e in newest[:20]]
    assert (response.context["returned"].count, response.context["returned"].more) == (4, True)
    assert '<span class="badge text-bg-warning">4+</span>' in response.content.decode()
    # The next stage returned none of them.
    first, count, more = selectors_review.returned_summary(selectors_review.review_stage(world.round.pk, 3), world.users["stage:3"])
    assert (first, count, more) == ([], 0, False)
    assert stage.order == 2


def test_a_nomination_returned_again_by_a_later_stage_is_listed_by_that_stage_only():
    from nominations import selectors_review
    from nominations.models import NominationEvent

    world = make_report_world()
    returned = world.nominations["returned"]  # returned by stage 2
    first = NominationEvent.objects.get(nomination=returned, action="return")
    stage_2 = selectors_review.review_stage(world.round.pk, 2)
    stage_3 = selectors_review.review_stage(world.round.pk, 3)
    assert selectors_review.returned_summary(stage_2, world.users["stage:2"])[0] == [returned]
    NominationEvent.objects.create(
        nomination=returned, actor=world.users["stage:3"], at=first.at + dt.timedelta(days=3), action="return",
        from_stage=stage_3, to_stage=first.to_stage, from_status="in_review", to_status="returned",
    )
    assert selectors_review.returned_summary(stage_2, world.users["stage:2"])[:2] == ([], 0)
    assert selectors_review.returned_summary(stage_3, world.users["administrator"])[:2] == ([returned], 1)


def test_dashboard_returns_are_the_oldest_latest_returns_of_nominations_still_returned():
    from django.db.models import OuterRef, Subquery

    from reports import statistics
    from nominations.models import NominationEvent
    from nominations.rules import visible_in_round_q

    world = make_report_world()
    _grow(world, LARGE)
    user = world.users["administrator"]
    last_return = NominationEvent.objects.filter(nomination=OuterRef("pk"), action="return").order_by("-at", "-id")
    expected = list(
        Nomination.objects.filter(round=world.round, status=Status.RETURNED)
        .annotate(returned_at=Subquery(last_return.values("at")[:1]), returned_from=Subquery(last_return.values("from_stage__order")[:1]))
        .order_by("returned_at", "id")
        .values_list("pk", "returned_at", "returned_from")[: statistics.RETURNS_SHOWN]
    )
    assert len(expected) > 3
    returns = statistics.waiting_returns(world.round, visible_in_round_q(user, world.round))
    assert [(n.pk, n.returned_at, n.returned_from) for n in returns] == expected


def test_unit_pages_first_rows_of_each_group_are_those_of_the_whole_list(monkeypatch):
    """Each group's read stops at GROUP_ROWS (one UNION ALL of per-group reads, split when long):
    the rows and totals are those of grouping all the units' nominations in the page's order."""
    from campaigns.stages import stages_of
    from nominations import selectors

    monkeypatch.setattr(selectors, "GROUP_ROWS", 2)
    monkeypatch.setattr(selectors, "_UNION_PARTS", 3)
    world = make_report_world()
    _grow(world, LARGE)
    units = sorted(world.units.values(), key=lambda u: u.pk)
    first = Nomination.objects.filter(round=world.round, proposing_unit=units[0], status=Status.AWARDED).order_by("id")[0]
    Nomination.objects.filter(pk=first.pk).update(status=Status.DRAFT, stage=list(stages_of(world.round))[1])  # drafts at two stages: one group
    got = {(ur.unit.pk, g.key): ([n.pk for n in g.nominations], g.total) for ur in selectors.unit_rounds(units, [world.round]) for g in ur.groups}
    stages = {stage.pk: stage for stage in stages_of(world.round)}
    expected = {}
    for unit in units:
        rows = list(Nomination.objects.filter(round=world.round, proposing_unit=unit).order_by("stage__order", "status", "id"))
        for nomination in rows:
            nomination.stage = stages[nomination.stage_id]
        for group in selectors.group_nominations(rows, limit=2):
            expected[(unit.pk, group.key)] = ([n.pk for n in group.nominations], group.total)
    assert len([key for key in expected if expected[key][1] > 2]) > 3  # several groups are cut
    assert len(expected) > 3  # the UNION ALL is split
    assert (units[0].pk, selectors.group_key(Status.DRAFT, 0)) in expected
    assert got == expected


# --- The unit council page: the meeting's results a page at a time -------------------------------


def test_unit_council_results_are_paged_and_every_vote_is_on_one_page(client, monkeypatch):
    """A unit whose council voted on many nominations sees its results a page at a time: the pages
    together list every vote once, in order, and `ket_qua=tat-ca` lists them all (for printing)."""
    from nominations.views import unit as unit_views

    monkeypatch.setattr(unit_views, "COUNCIL_RESULTS_PAGE_SIZE", 5)
    world = _grown_world(LARGE)
    unit = world.units["so-tai-chinh-nt"]
    meeting = CouncilMeeting.objects.get(stage__round=world.round, stage__order=1, unit=unit)
    voted = list(meeting.votes.order_by("nomination__kind", "nomination_id").values_list("nomination_id", flat=True))
    assert len(voted) > 10
    kinds = list(meeting.votes.order_by("nomination__kind", "nomination_id").values_list("nomination__kind", flat=True))
    assert kinds[0] == "collective" and "individual" in kinds[:5]  # the first page holds both kinds, collectives first
    client.force_login(world.users["officer:so-tai-chinh-nt"])
    url = reverse("unit_council", args=(world.round.pk,))
    shown, number = [], 1
    while True:
        response = client.get(f"{url}?ket_qua={number}")
        assert response.status_code == 200
        rows = [r["nomination"].pk for r in response.context["results"]]
        assert len(rows) <= 5
        shown += rows
        if not response.context["results_page"].has_next():
            break
        number += 1
    assert shown == voted
    assert f'ket_qua={number}' in client.get(f"{url}?ket_qua={number - 1}").content.decode()
    every = client.get(f"{url}?ket_qua=tat-ca")
    assert [r["nomination"].pk for r in every.context["results"]] == voted
    assert client.get(f"{url}?ket_qua=khong-so").context["results_page"].number == 1
