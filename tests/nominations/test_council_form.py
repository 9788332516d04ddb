"""One council form (nominations.forms.CouncilMeetingForm) for the unit's council and a stage
organisation's, and one place for the meeting's rules (nominations.council): the figures, the
votes, the day. What differs between the two pages is data (UNIT_COUNCIL, STAGE_COUNCIL)."""
import datetime as dt
from types import SimpleNamespace

import pytest

from campaigns import clock
from nominations import council
from nominations.forms import STAGE_COUNCIL, UNIT_COUNCIL, CouncilMeetingForm

A = SimpleNamespace(pk=11, nominee_name="Sở Tài chính")
B = SimpleNamespace(pk=12, nominee_name="Sở Y tế")
TODAY = dt.datetime(2024, 11, 25, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def posted(side, **changes):
    data = {
        "date": "20/11/2024", "start_time": "08:00", "end_time": "10:00", "place": "Hội trường", "chair": "Nguyễn Văn An",
        "secretary": "Trần Thị Bình", "members_total": "9", "members_present": "7", "written_opinions": "1",
        side.common_field: "6",
    }
    return {**data, **changes}


def form_for(side, **changes):
    with clock.frozen_at(TODAY):
        form = CouncilMeetingForm(posted(side, **changes), side=side, nominations=[A, B])
        form.is_valid()
    return form


@pytest.mark.parametrize(
    "figures, expected",
    [
        (dict(total=9, present=7, written=2, start=dt.time(8), end=dt.time(10)), []),
        (dict(total=9, present=10, written=5, start=dt.time(8), end=dt.time(10)), [("members_present", council.PRESENT_OVER_TOTAL, 9)]),
        (dict(total=9, present=7, written=3, start=dt.time(8), end=dt.time(10)), [("written_opinions", council.WRITTEN_OVER_ABSENT, 2)]),
        (dict(total=9, present=7, written=0, start=dt.time(10), end=dt.time(10)), [("end_time", council.END_NOT_AFTER_START, None)]),
        (dict(total=None, present=7, written=None, start=None, end=dt.time(10)), []),
    ],
)
def test_meeting_problems_names_each_broken_rule(figures, expected):
    assert [(p.field, p.code, p.limit) for p in council.meeting_problems(**figures)] == expected


def test_votes_possible_up_to_the_members_present_and_the_written_opinions():
    assert council.votes_allowed(present=7, written=1) == 8
    assert [council.votes_possible(v, present=7, written=1) for v in (-1, 0, 8, 9)] == [False, True, True, False]


@pytest.mark.parametrize("side", [UNIT_COUNCIL, STAGE_COUNCIL])
def test_one_form_for_both_councils_gives_each_nominee_its_count(side):
    form = form_for(side, **{f"{side.vote_prefix}{B.pk}": "5"})
    assert form.errors == {}
    assert form.votes() == {A.pk: 6, B.pk: 5}
    assert form.meeting_data()["members_present"] == 7


@pytest.mark.parametrize(
    "side, present_error, written_error",
    [
        (UNIT_COUNCIL, "Số thành viên có mặt không được lớn hơn số thành viên Hội đồng (9).",
         "Số ý kiến bằng văn bản không được lớn hơn số thành viên vắng mặt (2)."),
        (STAGE_COUNCIL, "Số thành viên có mặt không được lớn hơn số thành viên Hội đồng.",
         "Số ý kiến bằng văn bản không được lớn hơn số thành viên vắng mặt."),
    ],
)
def test_each_council_keeps_its_wording(side, present_error, written_error):
    assert form_for(side, members_present="10").errors["members_present"] == [present_error]
    assert form_for(side, written_opinions="3").errors["written_opinions"] == [written_error]
    assert form_for(side, end_time="07:00").errors["end_time"] == ["Giờ kết thúc phải sau giờ bắt đầu."]


def test_the_unit_form_checks_the_votes_against_the_members_and_the_stage_form_leaves_it_to_the_service():
    unit = form_for(UNIT_COUNCIL, phieu_chung="9")
    assert unit.errors["phieu_chung"] == ["Số phiếu đồng ý không được lớn hơn số thành viên có mặt cộng ý kiến bằng văn bản (8)."]
    assert form_for(STAGE_COUNCIL, votes_all="9").errors == {}


@pytest.mark.parametrize("side, required", [(UNIT_COUNCIL, "Vui lòng nhập địa điểm."), (STAGE_COUNCIL, "Cần nhập thông tin này.")])
def test_missing_place_in_each_councils_words(side, required):
    assert form_for(side, place="").errors["place"] == [required]


@pytest.mark.parametrize("side", [UNIT_COUNCIL, STAGE_COUNCIL])
def test_a_meeting_after_today_is_refused_by_both(side):
    assert form_for(side, date="26/11/2024").errors["date"] == ["Ngày họp không được sau hôm nay (25/11/2024): chỉ ghi việc đã diễn ra."]


def meeting(votes):
    figures = dict(date=dt.date(2024, 11, 20), start_time=dt.time(8), end_time=dt.time(10), place="Hội trường", chair="An",
                   secretary="Bình", members_total=9, members_present=7, written_opinions=1, notes="", attendees="", absentees="")
    return SimpleNamespace(**figures), votes


def test_a_recorded_meeting_fills_the_unit_form_with_one_count_when_all_agree():
    recorded, votes = meeting({A.pk: 6, B.pk: 6})
    form = CouncilMeetingForm(side=UNIT_COUNCIL, nominations=[A, B], meeting=recorded, stored_votes=votes)
    assert (form.initial["phieu_chung"], form.initial["members_present"]) == (6, 7)
    recorded, votes = meeting({A.pk: 6, B.pk: 5})
    form = CouncilMeetingForm(side=UNIT_COUNCIL, nominations=[A, B], meeting=recorded, stored_votes=votes)
    assert ("phieu_chung" in form.initial, form.initial["phieu_11"], form.initial["phieu_12"]) == (False, 6, 5)


def test_a_recorded_meeting_fills_the_stage_form_with_the_most_common_count():
    recorded, votes = meeting({A.pk: 6, B.pk: 5, 13: 6})
    form = CouncilMeetingForm(side=STAGE_COUNCIL, nominations=[A, B], meeting=recorded, stored_votes=votes)
    assert (form.initial["votes_all"], form.initial.get("vote_11"), form.initial["vote_12"]) == (6, None, 5)
    assert "vote_13" not in form.initial  # voted on, but not by this form (moved on)


def test_the_stage_form_takes_the_common_count_worked_out_by_its_caller():
    """A long list: the caller reads the common count and the differing own counts (every page's)
    from the database (selectors_review.stage_council_counts), not every vote."""
    recorded, _votes = meeting({})
    form = CouncilMeetingForm(side=STAGE_COUNCIL, nominations=[A], meeting=recorded, stored_votes={B.pk: 5, 99: 7}, common_votes=6)
    assert (form.initial["votes_all"], form.initial.get("vote_11"), form.initial["vote_12"], form.initial["vote_99"]) == (6, None, 5, 7)
    assert form.carried_votes({A.pk}) == [("vote_12", "5"), ("vote_99", "7")]


def test_the_common_count_is_the_most_frequent_the_smaller_on_a_tie():
    """One rule for the page (stage_council_counts, from the database) and the form (from the votes
    given): nominations.council.common_count."""
    from nominations.council import common_count

    assert common_count({6: 3, 5: 1, 7: 3}) == 6
    assert common_count({8: 1}) == 8
    assert common_count({}) is None
