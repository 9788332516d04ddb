"""A stage organisation's council page (as Rạch Giá's city council) a page at a time: its results
(every nomination voted on or waiting, moved on or not) and its form's vote rows. Moving between
the form's pages keeps every count, the meeting sent from any page covers every nomination waiting,
a count refused on another page is named, and the results' pages together list every row once."""
from __future__ import annotations

import re

import pytest
from django.urls import reverse

from campaigns import clock
from campaigns.models import Stage
from nominations.models import CouncilMeeting, CouncilVote, Nomination, Status
from nominations.views import review
from tests.nominations.conftest import nt_world  # noqa: F401  (a fixture)
from tests.nominations.test_forms_for_thousands import copies_at_stage

pytestmark = pytest.mark.django_db

PER_PAGE = 3
MEETING = {
    "date": "10/12/2024", "start_time": "14:00", "end_time": "16:00", "place": "Phòng họp Sở TT&TT",
    "chair": "Lê Văn Cường", "secretary": "Phạm Thị Dung", "members_total": "9", "members_present": "7",
    "written_opinions": "2",
}


@pytest.fixture
def world(nt_world, monkeypatch):  # noqa: F811
    monkeypatch.setattr(review, "COUNCIL_FORM_PAGE_SIZE", PER_PAGE)
    monkeypatch.setattr(review, "COUNCIL_RESULTS_PAGE_SIZE", PER_PAGE)
    Stage.objects.filter(pk=nt_world.stages[1].pk).update(holds_council=True)
    nt_world.waiting = copies_at_stage(nt_world, order=2, count=8)
    return nt_world


@pytest.fixture
def reviewer(client, world):
    client.force_login(world.users["stage:2"])
    return client


def _url(world):
    return reverse("review_council", args=(world.round.pk, 2))


def _waiting(world) -> list[int]:
    return list(
        Nomination.objects.filter(round=world.round, stage__order=2, status=Status.IN_REVIEW)
        .order_by("proposing_unit__name", "kind", "id").values_list("pk", flat=True)
    )


def _shown(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<input type="number" name="vote_(\d+)"', response.content.decode())]


def _carried(response) -> dict[int, str]:
    return {int(pk): votes for pk, votes in re.findall(r'<input type="hidden" name="vote_(\d+)" value="([^"]*)">', response.content.decode())}


def _stored(world) -> dict[int, int]:
    return dict(CouncilVote.objects.filter(meeting__stage__order=2, meeting__stage__round=world.round).values_list("nomination_id", "votes_for"))


def test_moving_between_pages_keeps_every_count_and_the_meeting_covers_every_nomination_waiting(reviewer, world):
    ids = _waiting(world)
    assert len(ids) == 8
    with clock.frozen_at(world.at_stage(2)):
        first = reviewer.get(_url(world))
        assert _shown(first) == ids[:3] and _carried(first) == {}
        page_2 = reviewer.post(_url(world), {**MEETING, "votes_all": "8", f"vote_{ids[0]}": "4", "trang": "1", "den_trang": "2"})
        assert page_2.status_code == 200 and not CouncilMeeting.objects.filter(stage__order=2, stage__round=world.round).exists()
        assert _shown(page_2) == ids[3:6] and _carried(page_2) == {ids[0]: "4"}
        back = reviewer.post(_url(world), {**MEETING, "votes_all": "8", f"vote_{ids[0]}": "4", f"vote_{ids[4]}": "9",
                                           "trang": "2", "den_trang": "1"})
        assert _shown(back) == ids[:3] and _carried(back) == {ids[4]: "9"}
        assert back.context["form"][f"vote_{ids[0]}"].value() == "4"
        sent = reviewer.post(_url(world), {**MEETING, "votes_all": "8", f"vote_{ids[0]}": "4", f"vote_{ids[4]}": "9", "trang": "3"})
        assert sent.status_code == 302
        assert _stored(world) == {**{pk: 8 for pk in ids}, ids[0]: 4, ids[4]: 9}
        # Shown again: the most frequent count once, the others' own counts in their rows or carried.
        shown = reviewer.get(_url(world))
    assert shown.context["form"]["votes_all"].value() == 8
    assert shown.context["form"][f"vote_{ids[0]}"].value() == 4 and shown.context["form"][f"vote_{ids[1]}"].value() is None
    assert _carried(shown) == {ids[4]: "9"}


def test_a_count_refused_on_another_page_is_named_and_nothing_is_recorded(reviewer, world):
    ids = _waiting(world)
    name = Nomination.objects.get(pk=ids[7]).nominee_name
    with clock.frozen_at(world.at_stage(2)):
        response = reviewer.post(_url(world), {**MEETING, "votes_all": "8", f"vote_{ids[7]}": "-1", "trang": "1"})
    assert response.status_code == 200
    assert not CouncilMeeting.objects.filter(stage__order=2, stage__round=world.round).exists()
    assert f"{name}: Không được âm." in response.content.decode()
    assert _carried(response) == {ids[7]: "-1"}


def test_results_pages_list_every_row_once_with_those_moved_on(reviewer, world):
    ids = _waiting(world)
    with clock.frozen_at(world.at_stage(2)):
        reviewer.post(_url(world), {**MEETING, "votes_all": "8", f"vote_{ids[2]}": "3"})
        # One nomination voted on moves on (to the next stage): its vote stays on the stage's results.
        Nomination.objects.filter(pk=ids[1]).update(stage=world.stages[2])
        rows, number = [], 1
        while True:
            page = reviewer.get(f"{_url(world)}?ket_qua={number}")
            assert len(page.context["rows"]) <= PER_PAGE
            rows += [(r.nomination.pk, r.votes_for, r.moved_on, r.outcome.passed) for r in page.context["rows"]]
            if not page.context["results_page"].has_next():
                break
            number += 1
        every = reviewer.get(f"{_url(world)}?ket_qua=tat-ca")
    assert [pk for pk, *_ in rows] == ids
    assert {pk: (votes, moved) for pk, votes, moved, _passed in rows} == {
        **{pk: (8, False) for pk in ids}, ids[1]: (8, True), ids[2]: (3, False)
    }
    assert [r[3] for r in rows if r[0] == ids[2]] == [False]  # 3/9 is short of the rule
    assert [(r.nomination.pk, r.votes_for) for r in every.context["rows"]] == [(pk, votes) for pk, votes, *_ in rows]
    assert every.context["results_page"] is None


def _spread_over_units(world, ids):
    """The eight nominations waiting at stage 2 spread over three units, a collective among them;
    the stage's meeting votes on seven; of those, some move on: a unit whose every row moved on, a
    unit with rows of both, a unit with rows waiting only."""
    units = [world.units[code] for code in ("so-tai-chinh-nt", "so-y-te-nt", "so-gddt-nt")]
    for position, pk in enumerate(ids):
        Nomination.objects.filter(pk=pk).update(proposing_unit=units[position % 3], nominee_unit=units[position % 3])
    Nomination.objects.filter(pk__in=ids[4:6]).update(kind="collective")
    meeting = CouncilMeeting.objects.create(
        round=world.round, stage=world.stages[1], unit=world.stages[1].organisation, date=clock.today(),
        start_time="14:00", end_time="16:00", place="Phòng họp", chair="Lê Văn Cường", secretary="Phạm Thị Dung",
        members_total=9, members_present=7, written_opinions=0, recorded_by=world.users["stage:2"],
    )
    CouncilVote.objects.bulk_create([CouncilVote(meeting=meeting, nomination_id=pk, votes_for=6 + pk % 2) for pk in ids[:7]])
    Nomination.objects.filter(pk__in=[ids[0], ids[3], ids[6]]).update(stage=world.stages[2])  # Sở Tài chính's rows
    Nomination.objects.filter(pk=ids[1]).update(status=Status.RETURNED)  # one of Sở Y tế's
    return meeting


@pytest.mark.parametrize("kept", [False, True])
def test_results_pages_at_every_size_read_the_rows_the_whole_list_holds(world, settings, kept):
    """CouncilResultRows against the whole list sorted by the database (the forms' order), at every
    page size: whole units, units cut by a page, units whose rows all moved on or partly."""
    from nominations.selectors_review import CouncilResultRows, council_rows_page
    from django.db.models import Q

    settings.LIST_SUMMARY_CACHE_SECONDS = 60 if kept else 0
    stage = Stage.objects.get(pk=world.stages[1].pk)
    meeting = _spread_over_units(world, world.waiting)
    expected = list(
        Nomination.objects.filter(Q(stage=stage, status=Status.IN_REVIEW) | Q(pk__in=meeting.votes.values("nomination_id")))
        .order_by("proposing_unit__name", "kind", "id").values_list("pk", flat=True)
    )
    assert len(expected) == 8
    results = CouncilResultRows(stage, meeting)
    # (unit, rows, moved on): Sở Giáo dục và Đào tạo, Sở Tài chính, Sở Y tế
    assert [(n, moved) for _unit, n, moved in results.units()] == [(2, 0), (3, 3), (3, 1)]
    for per_page in range(1, 10):
        shown = []
        for number in range(1, -(-len(expected) // per_page) + 1):
            shown += [row.nomination.pk for row in council_rows_page(stage, meeting, number, per_page).object_list]
        assert shown == expected, per_page
    rows = council_rows_page(stage, meeting, 1, None).object_list
    assert {row.nomination.pk: (row.votes_for, row.moved_on) for row in rows} == {
        **{pk: (6 + pk % 2, False) for pk in world.waiting[:7]}, world.waiting[7]: (None, False),
        **{pk: (6 + pk % 2, True) for pk in (world.waiting[0], world.waiting[1], world.waiting[3], world.waiting[6])},
    }
    moved_stage = {row.nomination.pk: row.nomination.stage.order for row in rows if row.moved_on}
    assert moved_stage == {world.waiting[0]: 3, world.waiting[1]: 2, world.waiting[3]: 3, world.waiting[6]: 3}


def test_kept_results_change_when_the_meeting_is_recorded_again(reviewer, world, settings):
    settings.LIST_SUMMARY_CACHE_SECONDS = 60
    ids = _waiting(world)
    with clock.frozen_at(world.at_stage(2)):
        reviewer.post(_url(world), {**MEETING, "votes_all": "8", f"vote_{ids[2]}": "3"})
        assert [r.votes_for for r in reviewer.get(f"{_url(world)}?ket_qua=tat-ca").context["rows"]] == [3 if pk == ids[2] else 8 for pk in ids]
        shown = reviewer.get(_url(world))
        assert shown.context["form"]["votes_all"].value() == 8 and shown.context["form"][f"vote_{ids[2]}"].value() == 3
        reviewer.post(_url(world), {**MEETING, "votes_all": "7", f"vote_{ids[5]}": "5"})
        every = reviewer.get(f"{_url(world)}?ket_qua=tat-ca")
        shown = reviewer.get(_url(world))
    assert [r.votes_for for r in every.context["rows"]] == [5 if pk == ids[5] else 7 for pk in ids]
    assert shown.context["form"]["votes_all"].value() == 7 and shown.context["form"][f"vote_{ids[2]}"].value() is None
    assert _carried(shown) == {ids[5]: "5"}


# The results' rows as templates/nominations/review/council.html wrote them one by one.
ROWS_ONE_BY_ONE = """{% load i18n thidua %}{% for row in rows %}
          <tr>
            <td>{{ row.nomination.nominee_name }}<br><small class="text-muted">{{ row.nomination.proposing_unit }}</small></td>
            <td>{{ row.nomination.award_form }}</td>
            <td class="num">{% if row.votes_for is not None %}{{ row.votes_for }}/{{ meeting.members_total }}{% else %}—{% endif %}</td>
            <td>
              {% if row.outcome %}
                {{ row.outcome.share_percent|phan_tram_so }} /
                {% if row.outcome.strict %}{% translate "trên" %}{% else %}{% translate "từ" %}{% endif %} {% widthratio row.outcome.required.numerator row.outcome.required.denominator 100 %} %
                {% if row.outcome.passed %}<span class="badge text-bg-success">{% translate "Đạt" %}</span>{% else %}<span class="badge text-bg-danger">{% translate "Chưa đạt" %}</span><br><small>{{ row.outcome.reason }}</small>{% endif %}
              {% else %}<span class="text-muted">{% translate "Chưa biểu quyết" %}</span>{% endif %}
            </td>
            <td class="small">
              {% if not row.moved_on %}{% translate "Đang chờ xét ở bước này" %}
              {% elif row.nomination.status == "in_review" %}{% blocktranslate with order=row.nomination.stage.order name=row.nomination.stage.name %}Đã chuyển tới bước {{ order }}. {{ name }}{% endblocktranslate %}
              {% else %}{% with n=row.nomination %}{% include "nominations/_status.html" %}{% endwith %}{% endif %}
            </td>
          </tr>
{% endfor %}"""


@pytest.mark.parametrize("language", ["vi", "en"])
def test_result_rows_written_in_one_pass_are_those_the_template_wrote(world, language):
    """stage_council_result_rows against the template's rows: waiting and voted, not voted, a vote
    short of the rule, moved on to the next stage, returned, and a name full of markup."""
    from django.template import Context, Template
    from django.utils import translation

    from nominations.selectors_review import council_rows_page
    from nominations.templatetags.review_tags import stage_council_result_rows

    stage = Stage.objects.get(pk=world.stages[1].pk)
    meeting = _spread_over_units(world, world.waiting)
    CouncilVote.objects.filter(meeting=meeting, nomination_id=world.waiting[2]).update(votes_for=2)
    Nomination.objects.filter(pk=world.waiting[7]).update(full_name='Lê "Văn" <An> & Cộng sự')
    rows = council_rows_page(stage, meeting, 1, None).object_list
    assert {row.outcome.passed for row in rows if row.outcome} == {True, False}
    assert {(row.moved_on, row.nomination.status) for row in rows} >= {(True, "in_review"), (True, "returned"), (False, "in_review")}
    assert any(row.votes_for is None for row in rows)

    def words(markup):  # runs of white space as one; none between tags nor inside a cell's edges
        markup = re.sub(r">\s+<", "><", re.sub(r"\s+", " ", markup)).strip()
        return re.sub(r"\s+(</td>)", r"\1", re.sub(r"(<td[^>]*>)\s+", r"\1", markup))

    with translation.override(language):
        written = stage_council_result_rows(rows, meeting)
        expected = Template(ROWS_ONE_BY_ONE).render(Context({"rows": rows, "meeting": meeting}))
    assert words(written) == words(expected)
    assert "Lê &quot;Văn&quot; &lt;An&gt; &amp; Cộng sự" in written

