"""The factories of tests/factories.py make rows the models accept (full_clean, the database's
constraints) and keep related rows in one round."""
import pytest

from tests.factories import (
    CouncilMeetingFactory,
    GeneratedDocumentFactory,
    NominationFactory,
    StageFactory,
)

pytestmark = pytest.mark.django_db


def test_a_nomination_is_a_draft_of_one_round_at_its_first_stage():
    nomination = NominationFactory()
    nomination.full_clean()
    assert nomination.stage.round == nomination.award_form.round == nomination.round
    assert nomination.stage.order == 1 and nomination.status == "draft"
    assert nomination.nominee_unit == nomination.proposing_unit


def test_individuals_get_distinct_identifiers():
    first, second = NominationFactory(individual=True), NominationFactory(individual=True)
    for nomination in (first, second):
        nomination.full_clean()
        assert nomination.kind == "individual" and len(nomination.person_identifier) == 12
    assert first.person_identifier != second.person_identifier and first.full_name != second.full_name


def test_nominations_share_a_round_and_its_stage_when_given_them():
    stage = StageFactory()
    first, second = NominationFactory(round=stage.round, stage=stage), NominationFactory(round=stage.round, stage=stage)
    assert first.stage == second.stage == stage
    assert first.award_form != second.award_form  # each its own, in the same round
    assert first.award_form.round == second.award_form.round == stage.round


def test_stages_of_a_round_are_ordered():
    unit_stage = StageFactory()
    review = StageFactory(round=unit_stage.round, order=2, action="review", holds_council=False)
    for stage in (unit_stage, review):
        stage.full_clean()
    assert list(unit_stage.round.stages.order_by("order")) == [unit_stage, review]


def test_a_council_meeting_is_of_its_stages_round_and_consistent():
    meeting = CouncilMeetingFactory()
    meeting.full_clean()
    assert meeting.round == meeting.stage.round
    assert meeting.date < meeting.stage.deadline
    assert meeting.members_present <= meeting.members_total


def test_generated_documents_have_their_own_identity_and_code():
    first, second = GeneratedDocumentFactory(), GeneratedDocumentFactory()
    for document in (first, second):
        document.full_clean(exclude=["file"])
        assert document.status == "queued" and document.is_latest
    assert first.identity != second.identity and first.verification_code != second.verification_code
