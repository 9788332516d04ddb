"""The unit council's vote form a page at a time: moving between pages keeps every count typed or
recorded, the meeting sent from any page covers every nomination, a count refused on another page
is named, and what a page reads does not grow with the unit's drafts."""
from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import clock
from nominations.models import CouncilMeeting, CouncilVote, Nomination, Status
from nominations.views import unit as unit_views
from tests.nominations.conftest import new_nomination, nt_world  # noqa: F401  (a fixture)
from tests.nominations.test_forms_for_thousands import drafts_of_one_unit

pytestmark = pytest.mark.django_db

PER_PAGE = 3
UNIT = "so-tai-chinh-nt"
MEETING = {
    "date": "25/11/2024", "start_time": "08:00", "end_time": "10:30", "place": "Hội trường Sở Tài chính",
    "chair": "Nguyễn Văn An", "secretary": "Trần Thị Bình", "members_total": "9", "members_present": "8",
    "written_opinions": "1",
}


@pytest.fixture
def world(nt_world, monkeypatch):  # noqa: F811
    monkeypatch.setattr(unit_views, "COUNCIL_FORM_PAGE_SIZE", PER_PAGE)
    nt_world.drafts = drafts_of_one_unit(nt_world, 8)
    return nt_world


@pytest.fixture
def officer(client, world):
    client.force_login(world.users[f"officer:{UNIT}"])
    return client


def _url(world):
    return reverse("unit_council", args=[world.round.pk])


def _open(world) -> list[int]:
    """The unit's open nominations in the form's order."""
    return list(
        Nomination.objects.filter(round=world.round, proposing_unit=world.units[UNIT], status__in=(Status.DRAFT, Status.RETURNED))
        .order_by("stage__order", "status", "id").values_list("pk", flat=True)
    )


def _shown(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<input type="number" name="phieu_(\d+)"', response.content.decode())]


def _carried(response) -> dict[int, str]:
    return {int(pk): votes for pk, votes in re.findall(r'<input type="hidden" name="phieu_(\d+)" value="([^"]*)">', response.content.decode())}


def _stored(world) -> dict[int, int]:
    return dict(CouncilVote.objects.filter(nomination_id__in=_open(world)).values_list("nomination_id", "votes_for"))


def test_moving_between_pages_keeps_every_count_and_the_meeting_covers_every_page(officer, world):
    ids = _open(world)
    assert len(ids) == 8
    with clock.frozen_at(world.at_stage(1)):
        first = officer.get(_url(world))
        assert _shown(first) == ids[:3] and _carried(first) == {}
        assert "Trang 1/3" in first.content.decode()
        # Page 1's counts typed, then on to page 2: nothing is checked or recorded yet.
        page_2 = officer.post(_url(world), {**MEETING, "phieu_chung": "7", f"phieu_{ids[0]}": "5", "trang": "1", "den_trang": "2"})
        assert page_2.status_code == 200 and not CouncilMeeting.objects.exists()
        assert _shown(page_2) == ids[3:6] and _carried(page_2) == {ids[0]: "5"}
        assert page_2.context["form"]["phieu_chung"].value() == "7" and not page_2.context["form"].errors
        # Page 2's own count, then back to page 1: the count typed there is in its field again.
        back = officer.post(_url(world), {**MEETING, "phieu_chung": "7", f"phieu_{ids[0]}": "5", f"phieu_{ids[4]}": "8",
                                          "trang": "2", "den_trang": "1"})
        assert _shown(back) == ids[:3] and _carried(back) == {ids[4]: "8"}
        assert back.context["form"][f"phieu_{ids[0]}"].value() == "5"
        # Sent from page 3: every page's counts are recorded, the rows left empty take the common count.
        sent = officer.post(_url(world), {**MEETING, "phieu_chung": "7", f"phieu_{ids[0]}": "5", f"phieu_{ids[4]}": "8", "trang": "3"})
    assert sent.status_code == 302
    assert _stored(world) == {**{pk: 7 for pk in ids}, ids[0]: 5, ids[4]: 8}


def test_recorded_counts_of_other_pages_are_carried_and_kept_when_the_common_count_changes(officer, world):
    ids = _open(world)
    with clock.frozen_at(world.at_stage(1)):
        officer.post(_url(world), {**MEETING, "phieu_chung": "7", f"phieu_{ids[7]}": "4"})
        assert _stored(world)[ids[7]] == 4
        shown = officer.get(_url(world))
        # Not the same count everywhere: each shown with its own, the other pages' in hidden fields.
        assert shown.context["form"]["phieu_chung"].value() is None
        assert shown.context["form"][f"phieu_{ids[0]}"].value() == 7
        assert _carried(shown) == {**{pk: "7" for pk in ids[3:]}, ids[7]: "4"}
        # The browser sends what the page holds (empty rows left out): page 1 cleared, a common count of 6.
        officer.post(_url(world), {**MEETING, "phieu_chung": "6", **{f"phieu_{pk}": votes for pk, votes in _carried(shown).items()}})
    assert _stored(world) == {**{pk: 6 for pk in ids[:3]}, **{pk: 7 for pk in ids[3:7]}, ids[7]: 4}


def test_a_count_refused_on_another_page_is_named_and_nothing_is_recorded(officer, world):
    ids = _open(world)
    name = Nomination.objects.get(pk=ids[6]).nominee_name
    with clock.frozen_at(world.at_stage(1)):
        response = officer.post(_url(world), {**MEETING, "phieu_chung": "7", f"phieu_{ids[6]}": "12", "trang": "1"})
    assert response.status_code == 200 and not CouncilMeeting.objects.exists()
    page = response.content.decode()
    assert "Ở trang khác của danh sách:" in page
    assert f"{name}: Số phiếu đồng ý không được lớn hơn số thành viên có mặt cộng ý kiến bằng văn bản (9)." in page
    assert _shown(response) == ids[:3] and _carried(response) == {ids[6]: "12"}


def test_ids_carried_from_elsewhere_record_nothing_for_nominations_not_the_units(officer, world):
    """Hidden fields are the browser's: an id of another unit's nomination, or not an id, is carried
    back as sent only if it looks like one, and never recorded."""
    ids = _open(world)
    with clock.frozen_at(world.at_stage(1)):
        other = new_nomination(world, "so-y-te-nt", evidence=False)
        turned = officer.post(_url(world), {**MEETING, "den_trang": "2", f"phieu_{other.pk}": "5", "phieu_1 OR 1=1": "5"})
        assert _carried(turned) == {other.pk: "5"}
        sent = officer.post(_url(world), {**MEETING, "phieu_chung": "7", f"phieu_{other.pk}": "5"})
    assert sent.status_code == 302
    assert not CouncilVote.objects.filter(nomination=other).exists()
    assert _stored(world) == {pk: 7 for pk in ids}


def test_a_page_of_the_form_reads_the_same_whatever_the_number_of_drafts(officer, world):
    def page_queries():
        officer.get(_url(world))
        with CaptureQueriesContext(connection) as queries:
            response = officer.get(f"{_url(world)}?trang=2")
        assert len(_shown(response)) == PER_PAGE
        return len(queries.captured_queries)

    with clock.frozen_at(world.at_stage(1)):
        officer.post(_url(world), {**MEETING, "phieu_chung": "7", f"phieu_{_open(world)[5]}": "4"})
        few = page_queries()
        model = Nomination.objects.get(pk=_open(world)[0])
        clones = []
        for index in range(12):
            clone = Nomination.objects.get(pk=model.pk)
            clone.pk, clone.full_name, clone.person_identifier = None, f"Lê Văn {index:04d}", f"0793{index:08d}"
            clones.append(clone)
        Nomination.objects.bulk_create(clones)
        assert len(_open(world)) == 20
        assert page_queries() == few


# The results' rows as templates/nominations/council.html wrote them one by one, before
# council_result_rows (thidua) wrote them in one pass.
ROWS_ONE_BY_ONE = """{% load i18n %}{% for r in results %}
          <tr>
            <td><a href="{{ r.detail_url }}">{{ r.nomination.nominee_name }}</a><br><small class="text-muted">{{ r.nomination.award_form.name }}</small></td>
            <td class="num">{{ r.vote.votes_for }}/{{ meeting.members_total }}</td>
            <td class="num">{{ r.outcome.share_percent|phan_tram:1 }}</td>
            <td class="small">{{ r.requirement }}</td>
            <td>{% if r.outcome.passed %}<span class="badge text-bg-success">{% translate "Đạt" %}</span>{% else %}<span class="badge text-bg-danger">{% translate "Không đạt" %}</span><div class="small">{{ r.outcome.reason }}</div>{% endif %}</td>
          </tr>
        {% endfor %}"""


@pytest.mark.parametrize("language", ["vi", "en"])
def test_result_rows_written_in_one_pass_are_those_the_template_wrote(officer, world, language):
    from django.template import Context, Template
    from django.utils import translation

    from nominations.templatetags.thidua import council_result_rows

    ids = _open(world)
    Nomination.objects.filter(pk=ids[0]).update(full_name='Lê "Văn" <An> & Cộng sự')
    with clock.frozen_at(world.at_stage(1)):
        officer.post(_url(world), {**MEETING, "phieu_chung": "8", f"phieu_{ids[1]}": "2"})
        response = officer.get(_url(world))
    results, meeting = response.context["results"], response.context["meeting"]
    assert {r["outcome"].passed for r in results} == {True, False}

    def tags(html):
        return re.sub(r">\s+<", "><", html).strip()

    with translation.override(language):
        written = council_result_rows(results, meeting)
        expected = Template(ROWS_ONE_BY_ONE).render(Context({"results": results, "meeting": meeting}))
    assert tags(written) == tags(expected)
    assert "Lê &quot;Văn&quot; &lt;An&gt; &amp; Cộng sự" in written and "2/9" in written


def test_kept_vote_counts_follow_the_meeting_recorded_again(officer, world, settings):
    """The results' counts by kind are kept (MeetingVotes.counts, until the next nomination event or
    the meeting's next recording): recording the meeting again, now with a vote on the collective,
    shows every row, on the pages the new counts make."""
    settings.LIST_SUMMARY_CACHE_SECONDS = 60
    collective = new_nomination(world, UNIT)
    ids = [pk for pk in _open(world) if pk != collective.pk]
    with clock.frozen_at(world.at_stage(1)):
        officer.post(_url(world), {**MEETING, **{f"phieu_{pk}": "7" for pk in ids}})
        before = officer.get(f"{_url(world)}?ket_qua=1").context["results"]
        assert sorted(r["nomination"].pk for r in before) == sorted(ids)
        officer.post(_url(world), {**MEETING, "phieu_chung": "7"})  # no nomination event: the meeting alone changes
        after = officer.get(f"{_url(world)}?ket_qua=1").context["results"]
    assert [r["nomination"].pk for r in after][0] == collective.pk  # collectives first
    assert sorted(r["nomination"].pk for r in after) == sorted([*ids, collective.pk])
