import pytest

from campaigns import clock
from nominations.models import Status
from nominations.services import record_decision
from nominations.workflow import Action, TransitionError, advance

from .conftest import hold_unit_council, new_nomination, refresh

pytestmark = pytest.mark.django_db


def test_ninh_thuan_collective_goes_from_unit_to_decision(nt_world):
    world = nt_world
    with clock.frozen_at(world.at_stage(1)):
        nomination = new_nomination(world, "so-tai-chinh-nt")
        assert nomination.criteria_status == "pending"  # evidence criterion awaits the reviewer
        hold_unit_council(world, "so-tai-chinh-nt", [nomination])
        nomination = advance(nomination, Action.SUBMIT, actor=world.users["officer:so-tai-chinh-nt"])
    assert nomination.stage.order == 2 and nomination.status == Status.IN_REVIEW
    reviewer = world.users["stage:2"]
    with clock.frozen_at(world.at_stage(2)):
        with pytest.raises(TransitionError, match="chờ Hội đồng đánh giá"):
            advance(nomination, Action.APPROVE, actor=reviewer)
        from nominations.services import judge_criterion

        for value in nomination.criterion_values.filter(status="pending"):
            judge_criterion(nomination=nomination, criterion_value=value, judgement="met", actor=reviewer)
        nomination = advance(refresh(nomination), Action.APPROVE, actor=reviewer)
    assert nomination.stage.order == 3
    with clock.frozen_at(world.at_stage(3)):
        nomination = advance(nomination, Action.APPROVE, actor=world.users["stage:3"])
    assert nomination.stage.order == 4
    with clock.frozen_at(world.at_stage(4)):
        decision = record_decision(
            actor=world.users["stage:4"], round_=world.round, number="123/QĐ-UBND", date=world.stages[-1].deadline,
            signer="Trần Quốc Nam", nominations=[nomination],
        )
    nomination = refresh(nomination)
    assert nomination.status == Status.AWARDED
    assert nomination.decision == decision
    assert list(nomination.events.values_list("action", flat=True)) == ["submit", "judge", "approve", "approve", "approve"]
