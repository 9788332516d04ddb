"""The one door for every change of a nomination's stage and status.

The table of transitions is built from the round's data (its stages); `advance()` checks who acts,
the deadline, criteria, eligibility, the council vote and the quotas, inside one transaction
with the nomination and the binding quota rules locked, then saves, logs and queues e-mail
after commit. Nothing else assigns `nomination.stage` or `nomination.status`.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from campaigns import clock
from campaigns.models import AwardOutcome, EligibilityKind, Stage, StageAction
from nominations.council import vote_outcome
from nominations.models import (
    CouncilVote,
    CriteriaStatus,
    DeadlineExtension,
    Nomination,
    NominationEvent,
    Registration,
    Status,
)
from nominations.permissions import can_act_at_stage, officer_unit_ids
from quotas.rules import QuotaExceeded, check_quotas


class Action:
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    REJECT = "reject"

    LABELS = {
        SUBMIT: "Gửi hồ sơ",
        APPROVE: "Chấp thuận, chuyển tiếp",
        RETURN: "Trả lại để bổ sung",
        REJECT: "Không chấp thuận",
    }


class TransitionError(Exception):
    """A transition refused; the message says why, in Vietnamese, for the user."""


@dataclass
class Blocker:
    message: str


def stages_of(round_) -> list[Stage]:
    cache = getattr(round_, "_stages_cache", None)
    if cache is None:
        cache = list(round_.stages.select_related("organisation").order_by("order"))
        round_._stages_cache = cache
    return cache


def next_stage(nomination) -> Stage | None:
    stages = stages_of(nomination.round)
    for index, stage in enumerate(stages):
        if stage.pk == nomination.stage_id:
            return stages[index + 1] if index + 1 < len(stages) else None
    return None


def first_stage(round_) -> Stage:
    return stages_of(round_)[0]


def unit_deadline(stage: Stage, unit) -> "datetime.date":
    """The stage deadline for this unit, moved by the latest extension granted to it."""
    extended = DeadlineExtension.objects.filter(stage=stage, unit=unit).aggregate(latest=Max("new_deadline"))["latest"]
    return max(stage.deadline, extended) if extended else stage.deadline


def _deadline_blocker(stage, unit) -> Blocker | None:
    deadline = unit_deadline(stage, unit)
    if clock.is_past(deadline):
        return Blocker(
            f"Đã hết hạn: bước \"{stage.name}\" có hạn chót đến hết ngày {deadline:%d/%m/%Y} (giờ Việt Nam)."
        )
    return None


def council_blocker(nomination, stage: Stage, unit) -> Blocker | None:
    """The council of `unit` at `stage` must have met with quorum and voted the nominee through."""
    vote = (
        CouncilVote.objects.filter(nomination=nomination, meeting__stage=stage, meeting__unit=unit)
        .select_related("meeting")
        .first()
    )
    if vote is None:
        return Blocker(f"Chưa có kết quả họp Hội đồng Thi đua - Khen thưởng của {unit} cho hồ sơ này.")
    outcome = vote_outcome(vote.meeting, vote.votes_for, nomination.award_form.vote_rule)
    return None if outcome.passed else Blocker(outcome.reason)


def blockers(nomination, action, *, actor) -> list[Blocker]:
    """Why `actor` may not take `action` now (empty: allowed). The UI lists only allowed actions."""
    stage = nomination.stage
    stages = stages_of(nomination.round)
    found: list[Blocker] = []
    if action == Action.SUBMIT:
        if nomination.proposing_unit_id not in officer_unit_ids(actor):
            return [Blocker("Chỉ cán bộ của đơn vị đề nghị được gửi hồ sơ.")]
        if nomination.status not in (Status.DRAFT, Status.RETURNED) or stage.pk != stages[0].pk:
            return [Blocker("Hồ sơ đã được gửi.")]
        blocker = _deadline_blocker(stage, nomination.proposing_unit)
        if blocker:
            return [blocker]
        round_ = nomination.round
        # A movement's registration (đăng ký thi đua) holds for all its rounds.
        registered = Registration.objects.filter(round__campaign_id=round_.campaign_id, unit=nomination.proposing_unit).exists()
        if round_.registration_required and not registered:
            found.append(Blocker("Đơn vị chưa đăng ký thi đua cho phong trào này."))
        needs_declaration = round_.eligibility_conditions.filter(kind=EligibilityKind.DECLARATION).exists()
        if needs_declaration and not nomination.eligibility_declared:
            found.append(Blocker("Đơn vị chưa cam kết người/tập thể được đề nghị không đang bị xem xét kỷ luật, điều tra, thanh tra, kiểm tra, khiếu nại, tố cáo."))
        if nomination.criteria_status == CriteriaStatus.NOT_MET:
            found.append(Blocker("Có tiêu chí bắt buộc chưa đạt: hồ sơ chỉ được lưu nháp."))
        if stage.holds_council or stage.action == StageAction.UNIT_COUNCIL:
            blocker = council_blocker(nomination, stage, nomination.proposing_unit)
            if blocker:
                found.append(blocker)
        return found

    if nomination.status != Status.IN_REVIEW or stage.pk == stages[0].pk:
        return [Blocker("Hồ sơ không ở bước xét.")]
    if not can_act_at_stage(actor, stage):
        return [Blocker("Tài khoản không thuộc cơ quan xét ở bước này.")]
    blocker = _deadline_blocker(stage, stage.organisation)
    if blocker:
        return [blocker]
    if action == Action.APPROVE:
        if nomination.criteria_status == CriteriaStatus.NOT_MET:
            found.append(Blocker("Có tiêu chí bắt buộc không đạt."))
        elif nomination.criteria_status == CriteriaStatus.PENDING:
            found.append(Blocker("Còn tiêu chí chờ Hội đồng đánh giá: hãy đánh giá đạt/không đạt trước khi chấp thuận."))
        if stage.holds_council:
            blocker = council_blocker(nomination, stage, stage.organisation)
            if blocker:
                found.append(blocker)
    return found


def allowed_actions(nomination, *, actor) -> list[str]:
    candidates = (Action.SUBMIT,) if nomination.status in (Status.DRAFT, Status.RETURNED) else (
        Action.APPROVE,
        Action.RETURN,
        Action.REJECT,
    )
    return [a for a in candidates if not blockers(nomination, a, actor=actor)]


def advance(nomination, action, *, actor, comment="", decision=None) -> Nomination:
    """Move a nomination: the only code that changes its stage or status."""
    if action not in Action.LABELS:
        raise TransitionError("Hành động không hợp lệ.")
    if action in (Action.RETURN, Action.REJECT) and not comment.strip():
        raise TransitionError("Cần ghi rõ lý do.")
    with transaction.atomic():
        nomination = (
            Nomination.objects.select_for_update(of=("self",))
            .select_related("round", "stage", "stage__organisation", "award_form__vote_rule", "proposing_unit", "nominee_unit")
            .get(pk=nomination.pk)
        )
        found = blockers(nomination, action, actor=actor)
        if found:
            raise TransitionError(" ".join(b.message for b in found))
        stages = stages_of(nomination.round)
        from_stage, from_status = nomination.stage, nomination.status
        target = next_stage(nomination)
        is_final = target is None or (action == Action.SUBMIT and nomination.award_form.outcome == AwardOutcome.UNIT)

        if action in (Action.SUBMIT, Action.APPROVE):
            if is_final and nomination.award_form.outcome == AwardOutcome.AWARD and decision is None:
                raise TransitionError("Bước cuối cần số, ngày và người ký quyết định khen thưởng.")
            try:
                check_quotas(nomination, moving_past=from_stage.order, first_stage_order=stages[0].order)
            except QuotaExceeded as error:
                raise TransitionError(str(error)) from error
            if is_final:
                nomination.status = Status.PROPOSED if nomination.award_form.outcome == AwardOutcome.PROPOSE else Status.AWARDED
                nomination.decision = decision
            else:
                nomination.stage = target
                nomination.status = Status.IN_REVIEW
                nomination.furthest_stage_order = max(nomination.furthest_stage_order, target.order)
            if action == Action.SUBMIT:
                nomination.submitted_at = clock.now()
            nomination.outcome_reason = ""
        elif action == Action.RETURN:
            nomination.stage = stages[0]
            nomination.status = Status.RETURNED
            nomination.outcome_reason = comment
        elif action == Action.REJECT:
            nomination.status = Status.NOT_AWARDED if target is None else Status.REJECTED
            nomination.outcome_reason = comment

        nomination.save(update_fields=["stage", "status", "furthest_stage_order", "submitted_at", "outcome_reason", "decision", "updated_at"])
        NominationEvent.objects.create(
            nomination=nomination,
            actor=actor,
            at=clock.now(),
            action=action,
            from_stage=from_stage,
            to_stage=nomination.stage,
            from_status=from_status,
            to_status=nomination.status,
            comment=comment,
        )
        from nominations.notifications import queue_transition_emails

        queue_transition_emails(nomination.pk, action=action, to_status=nomination.status)
    return nomination
