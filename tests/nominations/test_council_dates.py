"""Dates out of range (issue 6, bad input): a council meeting, an award decision and an extended
deadline carry a day of the round, never 01/01/0001 or 31/12/9999.

Bounds (nominations.validators): a meeting or a decision is not before the round's start (1 January
of its year, or the campaign's start when later) and, typed into the unit's council form, not
after today; the services refuse any day more than one year after the round's last deadline. An
extended deadline is after the stage's deadline, not already over, and at most one year after the
round's last deadline.

The Ninh Thuận 2024 round: the campaign starts on 16/04/2024, the last deadline is 31/12/2024."""
import datetime as dt
import re

import pytest
from django.urls import reverse

from campaigns import clock
from campaigns.models import Campaign, Round, Stage
from nominations.models import AwardDecision, CouncilMeeting, CouncilVote, DeadlineExtension, Status
from nominations.services import ServiceError, grant_extension, record_council_meeting, record_decision
from nominations.validators import one_year_after, round_start

from .conftest import new_nomination, ready_at_stage, refresh

pytestmark = pytest.mark.django_db

UNIT = "so-tai-chinh-nt"
CAMPAIGN_START = "16/04/2024"


@pytest.fixture
def unit_stage(nt_world):
    """Inside the unit stage: today is 25/11/2024 (the unit deadline is 30/11/2024)."""
    with clock.frozen_at(nt_world.at_stage(1, days_before=5)):
        yield nt_world


def council_post(nomination, date):
    return {
        "date": date, "start_time": "08:00", "end_time": "10:00", "place": "Hội trường", "chair": "Nguyễn Văn An",
        "secretary": "Trần Thị Bình", "members_total": "9", "members_present": "9", "written_opinions": "0",
        f"phieu_{nomination.pk}": "9",
    }


def meeting_data(date):
    return {
        "date": date, "start_time": dt.time(8), "end_time": dt.time(10), "place": "Hội trường", "chair": "Nguyễn Văn An",
        "secretary": "Trần Thị Bình", "members_total": 9, "members_present": 9, "written_opinions": 0,
    }


# --- The bounds ----------------------------------------------------------------------------------------


def test_round_start_is_the_later_of_its_year_and_the_campaign_start():
    late_campaign = Round(year=2024, campaign=Campaign(period_start=dt.date(2024, 4, 16)))
    early_campaign = Round(year=2023, campaign=Campaign(period_start=dt.date(2022, 12, 1)))
    assert round_start(late_campaign) == dt.date(2024, 4, 16)
    assert round_start(early_campaign) == dt.date(2023, 1, 1)


def test_one_year_after_handles_29_february_and_the_last_year():
    assert one_year_after(dt.date(2024, 12, 31)) == dt.date(2025, 12, 31)
    assert one_year_after(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    assert one_year_after(dt.date(9999, 1, 1)) == dt.date.max


# --- The unit's council form ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("01/01/0001", f"Ngày họp không được trước ngày {CAMPAIGN_START}, ngày bắt đầu của đợt"),
        ("15/04/2024", f"Ngày họp không được trước ngày {CAMPAIGN_START}, ngày bắt đầu của đợt"),
        ("31/12/9999", "Ngày họp không được sau hôm nay (25/11/2024): chỉ ghi việc đã diễn ra."),
        ("26/11/2024", "Ngày họp không được sau hôm nay (25/11/2024)"),
    ],
)
def test_unit_council_form_refuses_a_date_outside_the_round(unit_stage, client, date, message):
    world = unit_stage
    nomination = new_nomination(world, UNIT)
    client.force_login(world.users[f"officer:{UNIT}"])
    response = client.post(reverse("unit_council", args=[world.round.pk]), council_post(nomination, date))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["date"], errors
    assert errors["date"][0].startswith(message)
    assert not CouncilMeeting.objects.exists() and not CouncilVote.objects.exists()


@pytest.mark.parametrize("date", [CAMPAIGN_START, "25/11/2024"])
def test_unit_council_form_accepts_the_first_day_and_today(unit_stage, client, date):
    world = unit_stage
    nomination = new_nomination(world, UNIT)
    client.force_login(world.users[f"officer:{UNIT}"])
    url = reverse("unit_council", args=[world.round.pk])
    assert f"từ {CAMPAIGN_START} đến hôm nay" in client.get(url).content.decode()
    response = client.post(url, council_post(nomination, date))
    assert response.status_code == 302
    meeting = CouncilMeeting.objects.get()
    assert meeting.date == dt.datetime.strptime(date, "%d/%m/%Y").date()
    assert CouncilVote.objects.get().votes_for == 9


# --- The services: whatever the caller ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "message"),
    [
        (dt.date(1, 1, 1), "không được trước ngày 16/04/2024"),
        (dt.date(2024, 4, 15), "không được trước ngày 16/04/2024"),
        (dt.date(2026, 1, 1), "không được sau ngày 31/12/2025 (một năm sau hạn chót cuối cùng của đợt)"),
        (dt.date(9999, 12, 31), "không được sau ngày 31/12/2025"),
    ],
)
def test_record_council_meeting_refuses_a_date_outside_the_round(unit_stage, date, message):
    world = unit_stage
    nomination = new_nomination(world, UNIT)
    with pytest.raises(ServiceError, match=re.escape(message)):
        record_council_meeting(
            actor=world.users[f"officer:{UNIT}"], stage=world.stages[0], unit=world.units[UNIT], data=meeting_data(date),
            votes={nomination.pk: 9},
        )
    assert not CouncilMeeting.objects.exists() and not CouncilVote.objects.exists()


def test_stage_council_form_with_an_absurd_date_is_a_form_error(nt_world, client):
    Stage.objects.filter(pk=nt_world.stages[1].pk).update(holds_council=True)
    nomination = ready_at_stage(nt_world, UNIT)
    client.force_login(nt_world.users["stage:2"])
    data = {
        "date": "31/12/9999", "start_time": "14:00", "end_time": "16:00", "place": "Phòng họp", "chair": "Lê Văn Cường",
        "secretary": "Phạm Thị Dung", "members_total": 9, "members_present": 9, "written_opinions": 0, f"vote_{nomination.pk}": 9,
    }
    with clock.frozen_at(nt_world.at_stage(2)):
        response = client.post(reverse("review_council", args=(nt_world.round.pk, 2)), data)
    assert response.status_code == 200
    assert "Ngày họp không được sau hôm nay" in response.content.decode()  # the form's own field check
    assert not CouncilMeeting.objects.filter(stage=nt_world.stages[1]).exists()


@pytest.mark.parametrize(
    ("date", "message"),
    [
        (dt.date(1, 1, 1), "Ngày ký quyết định không được trước ngày 16/04/2024"),
        (dt.date(9999, 12, 31), "Ngày ký quyết định không được sau ngày 31/12/2025"),
    ],
)
def test_record_decision_refuses_a_date_outside_the_round(nt_world, date, message):
    nomination = ready_at_stage(nt_world, UNIT, order=4)
    with clock.frozen_at(nt_world.at_stage(4)), pytest.raises(ServiceError, match=re.escape(message)):
        record_decision(
            actor=nt_world.users["stage:4"], round_=nt_world.round, number="123/QĐ-UBND", date=date, signer="Trần Quốc Nam",
            nominations=[nomination],
        )
    assert not AwardDecision.objects.exists()
    assert refresh(nomination).status == Status.IN_REVIEW


def test_decision_form_with_an_absurd_date_is_a_form_error(nt_world, client):
    nomination = ready_at_stage(nt_world, UNIT, order=4)
    client.force_login(nt_world.users["stage:4"])
    data = {"number": "123/QĐ-UBND", "date": "01/01/0001", "signer": "Trần Quốc Nam", f"award_{nomination.pk}": "on"}
    with clock.frozen_at(nt_world.at_stage(4)):
        response = client.post(reverse("review_decision", args=(nt_world.round.pk,)), data)
    assert response.status_code == 200
    assert "Ngày ký quyết định không được trước ngày 16/04/2024" in response.content.decode()
    assert not AwardDecision.objects.exists() and refresh(nomination).status == Status.IN_REVIEW


# --- Extended deadlines ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("new_deadline", "message"),
    [
        (dt.date(2024, 11, 30), "Hạn mới phải sau hạn chót 30/11/2024."),
        (dt.date(2024, 12, 1), "Hạn mới đã qua: phải từ hôm nay (10/12/2024) trở đi."),
        (dt.date(2026, 1, 1), "Hạn mới không được sau ngày 31/12/2025 (một năm sau hạn chót cuối cùng của đợt)."),
        (dt.date(9999, 12, 31), "Hạn mới không được sau ngày 31/12/2025"),
    ],
)
def test_grant_extension_refuses_a_deadline_past_or_too_far(nt_world, new_deadline, message):
    with clock.frozen_at(nt_world.at_stage(2, days_before=5)):  # 10/12/2024: the unit deadline is over
        with pytest.raises(ServiceError, match=re.escape(message)):
            grant_extension(
                actor=nt_world.users["stage:2"], stage=nt_world.stages[0], unit=nt_world.units[UNIT], new_deadline=new_deadline,
                reason="Đơn vị có văn bản xin gia hạn.",
            )
    assert not DeadlineExtension.objects.exists()


@pytest.mark.parametrize("new_deadline", [dt.date(2024, 12, 10), dt.date(2025, 12, 31)])
def test_grant_extension_accepts_today_up_to_a_year_after_the_round(nt_world, new_deadline):
    with clock.frozen_at(nt_world.at_stage(2, days_before=5)):
        extension = grant_extension(
            actor=nt_world.users["stage:2"], stage=nt_world.stages[0], unit=nt_world.units[UNIT], new_deadline=new_deadline,
            reason="Đơn vị có văn bản xin gia hạn.",
        )
    assert extension.new_deadline == new_deadline


def test_extension_form_with_an_absurd_deadline_is_a_form_error(nt_world, client):
    client.force_login(nt_world.users["stage:2"])
    url = reverse("review_extensions", args=(nt_world.round.pk, 2))
    data = {"unit": nt_world.units[UNIT].pk, "new_deadline": "31/12/9999", "reason": "Đơn vị có văn bản xin gia hạn."}
    with clock.frozen_at(nt_world.at_stage(2, days_before=5)):
        response = client.post(url, data)
    assert response.status_code == 200
    assert "Hạn mới không được sau ngày 31/12/2025" in response.content.decode()
    assert not DeadlineExtension.objects.exists()
