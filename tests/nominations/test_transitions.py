"""The transition table: every guard is in blockers(), so the page, the bulk approval and
advance() give the same reasons; the award decision is one guard like the others."""
import pytest

from campaigns import clock
from nominations.batch import preview_batch
from nominations.models import AwardDecision, Status
from nominations.workflow import DECISION_NEEDED, TRANSITIONS, Action, TransitionError, advance, allowed_actions, blockers

from .conftest import ready_at_stage, refresh

pytestmark = pytest.mark.django_db

UNIT = "so-tai-chinh-nt"


def test_the_decision_guard_is_a_blocker_at_the_last_stage(nt_world):
    world = nt_world
    nomination = ready_at_stage(world, UNIT, order=4)
    chairman = world.users["stage:4"]
    with clock.frozen_at(world.at_stage(4)):
        found = blockers(nomination, Action.APPROVE, actor=chairman)
        assert [(b.message, b.code) for b in found] == [(DECISION_NEEDED, "decision")]
        assert set(allowed_actions(nomination, actor=chairman)) == {Action.RETURN, Action.REJECT}
        preview = preview_batch(stage=world.stages[-1], nomination_ids=[nomination.pk], actor=chairman)
        assert [row.reasons for row in preview.rows] == [[DECISION_NEEDED]]
        with pytest.raises(TransitionError, match="Bước cuối cần số, ngày và người ký quyết định khen thưởng"):
            advance(nomination, Action.APPROVE, actor=chairman)
        decision = AwardDecision.objects.create(
            round=world.round, number="12/QĐ-UBND", date=world.stages[-1].deadline, signer="Trần Quốc Nam", recorded_by=chairman
        )
        assert blockers(nomination, Action.APPROVE, actor=chairman, decision=decision) == []
        advance(nomination, Action.APPROVE, actor=chairman, decision=decision)
    assert refresh(nomination).status == Status.AWARDED


def test_no_decision_guard_before_the_last_stage(nt_world):
    world = nt_world
    nomination = ready_at_stage(world, UNIT, order=2)
    with clock.frozen_at(world.at_stage(2)):
        assert blockers(nomination, Action.APPROVE, actor=world.users["stage:2"]) == []


def test_a_transition_from_the_wrong_status_gives_its_own_reason(nt_world):
    world = nt_world
    nomination = ready_at_stage(world, UNIT, order=2)
    officer, reviewer = world.users[f"officer:{UNIT}"], world.users["stage:2"]
    with clock.frozen_at(world.at_stage(2)):
        assert [b.message for b in blockers(nomination, Action.SUBMIT, actor=officer)] == ["Hồ sơ đã được gửi."]
        advance(nomination, Action.RETURN, actor=reviewer, comment="Bổ sung minh chứng")
        nomination = refresh(nomination)
        assert {action: [b.message for b in blockers(nomination, action, actor=reviewer)] for action in (Action.APPROVE, Action.RETURN, Action.REJECT)} == {
            action: ["Hồ sơ không ở bước xét."] for action in (Action.APPROVE, Action.RETURN, Action.REJECT)
        }
        assert TRANSITIONS[Action.SUBMIT].from_statuses == (Status.DRAFT, Status.RETURNED)
