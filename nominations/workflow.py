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
from campaigns.models import AwardOutcome, EligibilityKind, Round, Stage, StageAction
from nominations.council import vote_outcome
from nominations.guards_evidence import missing_evidence_blockers
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
from quotas.rules import QuotaExceeded, check_quotas, round_quota_rules


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


class RoundRules:
    """What one round's rules say, read once for ONE operation that moves many nominations (a
    simulation, a bulk approval) instead of once per advance().

    Holds the definitions only: the stages in order, the award forms with their vote rules, the
    quota rules (categories, exceptions), whether an eligibility declaration is required, the
    criteria per (kind, category, award form); and, read when first asked for, each stage's
    deadline extensions (one query per stage) and the campaign's registered units. Never a count
    of places (check_quotas counts them under the row locks, every time), never a council vote,
    never the nomination itself.

    It is a snapshot: build it at the start of the operation and drop it at the end (an
    administrator's edit in the admin applies from the next operation). Not shared between
    requests or threads. advance() without it reads everything itself, exactly as before."""

    def __init__(self, round_: Round):
        self.round = round_
        self.stages = stages_of(round_)  # cached on round_: stages_of(self.round) reads nothing
        self.stage_by_pk = {stage.pk: stage for stage in self.stages}
        self.award_forms = list(round_.award_forms.select_related("vote_rule").order_by("order", "pk"))
        self.award_form_by_pk = {form.pk: form for form in self.award_forms}
        self.quota_rules = round_quota_rules([round_.pk])
        self.needs_declaration = round_.eligibility_conditions.filter(kind=EligibilityKind.DECLARATION).exists()
        self._criteria: dict = {}
        self._extensions: dict = {}  # stage id → {unit id: latest new deadline}
        self._registered: set | None = None  # ids of units registered in the campaign

    @classmethod
    def load(cls, round_: Round) -> "RoundRules":
        return cls(round_)

    def covers(self, nomination) -> bool:
        """Whether these rules can stand in for reading the nomination's round again."""
        return (
            nomination.round_id == self.round.pk
            and nomination.stage_id in self.stage_by_pk
            and nomination.award_form_id in self.award_form_by_pk
        )

    def criteria_for(self, *, nominee_kind, category, award_form) -> list:
        from criteria.selectors import criteria_for

        key = (nominee_kind, category.pk if category else None, award_form.pk if award_form else None)
        if key not in self._criteria:
            self._criteria[key] = list(criteria_for(round_=self.round, nominee_kind=nominee_kind, category=category, award_form=award_form))
        return self._criteria[key]

    def unit_deadline(self, stage: Stage, unit) -> "datetime.date":
        """unit_deadline(), the stage's extensions read once (the same Max per unit)."""
        if stage.pk not in self._extensions:
            latest = DeadlineExtension.objects.filter(stage=stage).values("unit_id").annotate(latest=Max("new_deadline"))
            self._extensions[stage.pk] = {row["unit_id"]: row["latest"] for row in latest}
        extended = self._extensions[stage.pk].get(unit.pk)
        return max(stage.deadline, extended) if extended else stage.deadline

    def is_registered(self, unit) -> bool:
        """The campaign's registrations are read once; a unit not among them is looked up again
        (it may have registered since)."""
        if self._registered is None:
            self._registered = set(
                Registration.objects.filter(round__campaign_id=self.round.campaign_id).values_list("unit_id", flat=True)
            )
        if unit.pk not in self._registered:
            if not _registered(self.round, unit):
                return False
            self._registered.add(unit.pk)
        return True


def _rules_for(nomination, round_rules: RoundRules | None) -> RoundRules | None:
    return round_rules if round_rules is not None and round_rules.covers(nomination) else None


def _registered(round_, unit) -> bool:
    # A movement's registration (đăng ký thi đua) holds for all its rounds.
    return Registration.objects.filter(round__campaign_id=round_.campaign_id, unit=unit).exists()


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


def _deadline_blocker(stage, unit, round_rules: RoundRules | None = None) -> Blocker | None:
    deadline = round_rules.unit_deadline(stage, unit) if round_rules else unit_deadline(stage, unit)
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


def blockers(nomination, action, *, actor, round_rules: RoundRules | None = None) -> list[Blocker]:
    """Why `actor` may not take `action` now (empty: allowed). The UI lists only allowed actions.
    `round_rules`: the round's rules read once for the operation (see RoundRules)."""
    round_rules = _rules_for(nomination, round_rules)
    stage = nomination.stage
    stages = round_rules.stages if round_rules else stages_of(nomination.round)
    found: list[Blocker] = []
    if action == Action.SUBMIT:
        if nomination.proposing_unit_id not in officer_unit_ids(actor):
            return [Blocker("Chỉ cán bộ của đơn vị đề nghị được gửi hồ sơ.")]
        if nomination.status not in (Status.DRAFT, Status.RETURNED) or stage.pk != stages[0].pk:
            return [Blocker("Hồ sơ đã được gửi.")]
        blocker = _deadline_blocker(stage, nomination.proposing_unit, round_rules)
        if blocker:
            return [blocker]
        round_ = round_rules.round if round_rules else nomination.round
        if round_rules:
            registered = round_rules.is_registered(nomination.proposing_unit)
        else:
            registered = _registered(round_, nomination.proposing_unit)
        if round_.registration_required and not registered:
            found.append(Blocker("Đơn vị chưa đăng ký thi đua cho phong trào này."))
        if round_rules:
            needs_declaration = round_rules.needs_declaration
        else:
            needs_declaration = round_.eligibility_conditions.filter(kind=EligibilityKind.DECLARATION).exists()
        if needs_declaration and not nomination.eligibility_declared:
            found.append(Blocker("Đơn vị chưa cam kết người/tập thể được đề nghị không đang bị xem xét kỷ luật, điều tra, thanh tra, kiểm tra, khiếu nại, tố cáo."))
        if nomination.criteria_status == CriteriaStatus.NOT_MET:
            found.append(Blocker("Có tiêu chí bắt buộc chưa đạt: hồ sơ chỉ được lưu nháp."))
        found.extend(missing_evidence_blockers(nomination, round_rules))
        if stage.holds_council or stage.action == StageAction.UNIT_COUNCIL:
            blocker = council_blocker(nomination, stage, nomination.proposing_unit)
            if blocker:
                found.append(blocker)
        return found

    if nomination.status != Status.IN_REVIEW or stage.pk == stages[0].pk:
        return [Blocker("Hồ sơ không ở bước xét.")]
    if not can_act_at_stage(actor, stage):
        return [Blocker("Tài khoản không thuộc cơ quan xét ở bước này.")]
    blocker = _deadline_blocker(stage, stage.organisation, round_rules)
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


def _locked(pk, round_rules: RoundRules | None) -> tuple[Nomination, RoundRules | None]:
    """The nomination, its row locked, and the rules to judge it by.

    The row is locked ALONE (no join: no select_related, and no ordering, since the model's
    default ordering joins the round, stage and unit), then read again with its relations. A
    locking SELECT that joins the stage rechecks the join with the row another transaction just
    committed: when that transaction moved the nomination to another stage, PostgreSQL drops the
    row and the query finds nothing. Read after the lock, the nomination is the committed one, and the transition
    is judged on it (a second "submit" is refused: "Hồ sơ đã được gửi.").
    With the round's rules at hand only the units are joined: its round, stage and award form are
    the RoundRules' objects."""
    if not list(Nomination.objects.select_for_update().filter(pk=pk).order_by().values_list("pk", flat=True)):
        raise TransitionError("Hồ sơ không còn tồn tại (đã bị xoá).")
    if round_rules is not None:
        nomination = Nomination.objects.select_related("proposing_unit", "nominee_unit").get(pk=pk)
        if round_rules.covers(nomination):
            nomination.round = round_rules.round
            nomination.stage = round_rules.stage_by_pk[nomination.stage_id]
            nomination.award_form = round_rules.award_form_by_pk[nomination.award_form_id]
            return nomination, round_rules
        # Its stage or award form is newer than the rules: judge it as without them.
    nomination = Nomination.objects.select_related(
        "round", "stage", "stage__organisation", "award_form__vote_rule", "proposing_unit", "nominee_unit"
    ).get(pk=pk)
    return nomination, None


def advance(nomination, action, *, actor, comment="", decision=None, round_rules: RoundRules | None = None) -> Nomination:
    """Move a nomination: the only code that changes its stage or status.

    `round_rules`: the round's rules read once for an operation moving many nominations
    (RoundRules); the same checks run, only the rule definitions are not read again. The
    nomination, its council vote, the registrations and the quota places are read here in every
    case, the nomination and the binding quota rules under lock."""
    if action not in Action.LABELS:
        raise TransitionError("Hành động không hợp lệ.")
    if action in (Action.RETURN, Action.REJECT) and not comment.strip():
        raise TransitionError("Cần ghi rõ lý do.")
    round_rules = _rules_for(nomination, round_rules)
    with transaction.atomic():
        nomination, round_rules = _locked(nomination.pk, round_rules)
        found = blockers(nomination, action, actor=actor, round_rules=round_rules)
        if found:
            raise TransitionError(" ".join(b.message for b in found))
        stages = round_rules.stages if round_rules else stages_of(nomination.round)
        from_stage, from_status = nomination.stage, nomination.status
        target = next_stage(nomination)
        is_final = target is None or (action == Action.SUBMIT and nomination.award_form.outcome == AwardOutcome.UNIT)

        if action in (Action.SUBMIT, Action.APPROVE):
            if is_final and nomination.award_form.outcome == AwardOutcome.AWARD and decision is None:
                raise TransitionError("Bước cuối cần số, ngày và người ký quyết định khen thưởng.")
            try:
                check_quotas(
                    nomination, moving_past=from_stage.order, first_stage_order=stages[0].order,
                    rules=round_rules.quota_rules if round_rules else None,
                )
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

        # Written with the transition, sent after commit: a mail server that is down never fails
        # or undoes it (nominations.outbox). The view says the mail is queued.
        nomination.queued_mail = queue_transition_emails(nomination, action=action, to_status=nomination.status)
    return nomination
