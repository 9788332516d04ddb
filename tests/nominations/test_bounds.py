"""Bounds on every free text and every count (campaigns.bounds): forms answer in Vietnamese,
models refuse through full_clean() (what the services and the admin run), nothing is half saved.

The probe's cases: 3,000,000,000 council members overflowed the database's integer (a 500), and
4.7 MB of council notes made a build run past the worker's time limit."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns import clock
from campaigns.bounds import COUNCIL_NOTES_MAX_CHARS, SUMMARY_MAX_CHARS
from campaigns.models import VoteRule
from nominations.models import CouncilMeeting, CouncilVote, CriterionValue, Nomination, Registration
from nominations.services import ServiceError
from quotas.models import QuotaRule
from tests.nominations.conftest import hold_unit_council, new_nomination, nt_world  # noqa: F401  (nt_world is a fixture)

pytestmark = pytest.mark.django_db

UNIT = "so-tai-chinh-nt"


@pytest.fixture
def draft(nt_world):
    with clock.frozen_at(nt_world.at_stage(1)):
        nomination = new_nomination(nt_world, UNIT)
    return nt_world, nomination


def unit_council_data(nomination, **changes):
    return {
        "date": "20/11/2024", "start_time": "08:00", "end_time": "10:00", "place": "Hội trường", "chair": "Lê Văn A",
        "secretary": "Trần Thị B", "members_total": "9", "members_present": "9", "written_opinions": "0",
        f"phieu_{nomination.pk}": "8", **changes,
    }


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"members_total": "3000000000"}, "members_total", "Số thành viên Hội đồng không được lớn hơn 500."),
        ({"members_present": "3000000000"}, "members_present", "Số thành viên có mặt không được lớn hơn 500."),
        ({"written_opinions": "3000000000"}, "written_opinions", "Số ý kiến bằng văn bản không được lớn hơn 500."),
        ({"notes": "Đ" * (COUNCIL_NOTES_MAX_CHARS + 1)}, "notes", f"Không quá {COUNCIL_NOTES_MAX_CHARS} ký tự (đã nhập {COUNCIL_NOTES_MAX_CHARS + 1})."),
    ],
    ids=["total", "present", "written", "notes"],
)
def test_unit_council_form_refuses_out_of_bounds_in_vietnamese(draft, client, changes, field, message):
    world, nomination = draft
    client.force_login(world.users[f"officer:{UNIT}"])
    with clock.frozen_at(world.at_stage(1)):
        response = client.post(reverse("unit_council", args=[world.round.pk]), unit_council_data(nomination, **changes))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not CouncilMeeting.objects.exists() and not CouncilVote.objects.exists()


def test_unit_council_form_refuses_three_billion_votes(draft, client):
    world, nomination = draft
    client.force_login(world.users[f"officer:{UNIT}"])
    with clock.frozen_at(world.at_stage(1)):
        response = client.post(
            reverse("unit_council", args=[world.round.pk]), unit_council_data(nomination, **{f"phieu_{nomination.pk}": "3000000000"})
        )
    assert response.status_code == 200
    assert response.context["form"].errors[f"phieu_{nomination.pk}"] == ["Số phiếu không được lớn hơn 500."]


def test_unit_council_notes_at_the_limit_are_saved(draft, client):
    world, nomination = draft
    client.force_login(world.users[f"officer:{UNIT}"])
    notes = "Đ" * COUNCIL_NOTES_MAX_CHARS
    with clock.frozen_at(world.at_stage(1)):
        response = client.post(reverse("unit_council", args=[world.round.pk]), unit_council_data(nomination, notes=notes))
    assert response.status_code == 302
    assert len(CouncilMeeting.objects.get().notes) == COUNCIL_NOTES_MAX_CHARS


def messages_of(error: ValidationError) -> dict:
    return {field: list(messages) for field, messages in error.message_dict.items()}


def test_models_refuse_out_of_bounds_text_and_counts(draft):
    world, nomination = draft
    nomination.achievement_summary = "x" * (SUMMARY_MAX_CHARS + 1)
    nomination.birth_year = 3_000_000_000
    with pytest.raises(ValidationError) as caught:
        nomination.full_clean()
    errors = messages_of(caught.value)
    assert errors["achievement_summary"] == [f"Không quá {SUMMARY_MAX_CHARS} ký tự (đã nhập {SUMMARY_MAX_CHARS + 1})."]
    assert errors["birth_year"] == ["Năm sinh không được lớn hơn 2100."]

    meeting = hold_unit_council(world, UNIT, [nomination])
    meeting.members_total, meeting.notes = 3_000_000_000, "y" * (COUNCIL_NOTES_MAX_CHARS + 1)
    with pytest.raises(ValidationError) as caught:
        meeting.full_clean()
    errors = messages_of(caught.value)
    assert errors["members_total"] == ["Số thành viên Hội đồng không được lớn hơn 500."]
    assert errors["notes"] == [f"Không quá {COUNCIL_NOTES_MAX_CHARS} ký tự (đã nhập {COUNCIL_NOTES_MAX_CHARS + 1})."]

    vote = CouncilVote.objects.get(meeting=meeting)
    vote.votes_for = 501
    with pytest.raises(ValidationError, match="Số phiếu đồng ý không được lớn hơn 500."):
        vote.full_clean()

    value = CriterionValue.objects.filter(nomination=nomination).first()
    value.number = Decimal("150")
    with pytest.raises(ValidationError, match="Tỷ lệ không được lớn hơn 100."):
        value.full_clean()

    registration = Registration.objects.filter(round=world.round).first()
    registration.pledge = "z" * 10_001
    with pytest.raises(ValidationError, match="Không quá 10000 ký tự"):
        registration.full_clean()


def test_campaign_data_bounds(nt_world):
    rule = QuotaRule.objects.filter(round=nt_world.round).first()
    rule.limit = 3_000_000_000
    with pytest.raises(ValidationError, match="Số lượng tối đa không được lớn hơn 100000."):
        rule.full_clean()
    vote_rule = VoteRule.objects.first()
    vote_rule.quorum_denominator = 1_000
    with pytest.raises(ValidationError, match="không được lớn hơn 100."):
        vote_rule.full_clean()
    round_ = nt_world.round
    round_.year = 30_000
    with pytest.raises(ValidationError, match="Năm không được lớn hơn 2100."):
        round_.full_clean()


def test_summary_over_the_limit_refused_by_the_form_and_nothing_saved(draft, client):
    world, nomination = draft
    client.force_login(world.users[f"officer:{UNIT}"])
    before = Nomination.objects.get(pk=nomination.pk).achievement_summary
    data = {
        "kind": "collective", "nominee_unit": str(nomination.nominee_unit_id), "award_form": str(nomination.award_form_id),
        "achievement_summary": "Đ" * (SUMMARY_MAX_CHARS + 1), "eligibility_declared": "on", "save": "1",
    }
    with clock.frozen_at(world.at_stage(1)):
        response = client.post(reverse("nomination_edit", args=[nomination.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["achievement_summary"] == [
        f"Không quá {SUMMARY_MAX_CHARS} ký tự (đã nhập {SUMMARY_MAX_CHARS + 1})."
    ]
    assert Nomination.objects.get(pk=nomination.pk).achievement_summary == before



def test_bulk_approval_with_an_id_too_large_for_the_database_is_refused(nt_world, client):
    """A 30-digit "id" overflowed the database's integer (a 500): refused as an invalid code."""
    client.force_login(nt_world.users["stage:2"])
    response = client.post(reverse("review_bulk_confirm", args=(nt_world.round.pk, 2)), {"n": ["9" * 30]}, follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["Mã hồ sơ không hợp lệ."]


def test_council_service_refuses_out_of_bounds_members_and_notes(draft):
    """The service checks too, for any caller that is not a form (an import, a command)."""
    world, nomination = draft
    with pytest.raises(ServiceError, match="Số thành viên Hội đồng không được lớn hơn 500."):
        hold_unit_council(world, UNIT, [nomination], members=3_000_000_000, present=9)
    assert not CouncilMeeting.objects.exists()
