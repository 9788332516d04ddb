"""The one door for every change of a nomination's stage and status.

TRANSITIONS is the table: for each action, the statuses and the stage it starts from, the gates
(the first that blocks is the only reason given), the guards (every one that blocks is listed)
and where it goes. Guards judge a `Move` (the nomination, the actor, the round's rules as a
RoundRules, the decision being recorded) and return a Blocker or None; `blockers()` runs them for
the UI, `advance()` runs them again inside one transaction with the nomination and the binding
quota rules locked, then saves, logs and queues e-mail after commit. Nothing else assigns
`nomination.stage` or `nomination.status`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns import clock
from campaigns.models import AwardOutcome, EligibilityKind, Round, Stage
from campaigns.stages import StageSequence, stages_of
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
from nominations.rules import can_act_at_stage, officer_unit_ids
from nominations.quotas import check_quotas
from quotas.limits import QuotaExceeded, round_quota_rules, share_gap, share_gap_message


class Action:
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    APPROVE = "approve"
    RETURN = "return"
    REJECT = "reject"

    LABELS = {
        SUBMIT: gettext_lazy("Gửi hồ sơ"),
        WITHDRAW: gettext_lazy("Rút hồ sơ"),
        APPROVE: gettext_lazy("Chấp thuận, chuyển tiếp"),
        RETURN: gettext_lazy("Trả lại để bổ sung"),
        REJECT: gettext_lazy("Không chấp thuận"),
    }


class TransitionError(Exception):
    """A transition refused; the message says why, for the user, in the active language (Vietnamese
    by default: what a management command or a Celery worker records is in Vietnamese)."""


@dataclass
class Blocker:
    message: str  # in the active language (a lazy text given is made a str here)
    code: str = ""  # what blocks, where a page offers its own remedy ("decision": record the decision)

    def __post_init__(self):
        self.message = str(self.message)


class RoundRules:
    """What one round's rules say: the context every guard judges by. Built for every check
    (cheaply: each part is read when first asked for), or once for ONE operation that moves many
    nominations (`RoundRules.load`: a simulation, a bulk approval, a decision) and handed to
    every advance().

    Holds the definitions only: the stages in order, the award forms with their vote rules, the
    quota rules (categories, exceptions), whether an eligibility declaration is required, the
    criteria per (kind, category, award form); and each stage's deadline extensions and the
    campaign's registered units. Never a count of places (check_quotas counts them under the row
    locks, every time), never a council vote, never the nomination itself.

    Loaded for many, it reads a stage's extensions and the campaign's registrations once for all
    the nominations; built for one, it asks about that one unit. It is a snapshot: drop it at the
    end of the operation (an administrator's edit in the admin applies from the next one). Not
    shared between requests or threads."""

    def __init__(self, round_: Round, *, many: bool = False):
        self.round = round_
        self.many = many
        self.stages = stages_of(round_)  # cached on round_: stages_of(self.round) reads nothing
        self._criteria: dict = {}
        self._extensions: dict = {}  # stage id → {unit id: latest new deadline}
        self._deadlines: dict = {}  # (stage id, unit id) → deadline, built for one nomination
        self._registered: set | None = None  # ids of units registered in the campaign

    @classmethod
    def load(cls, round_: Round) -> "RoundRules":
        """The rules read at once, for an operation that moves many nominations of the round."""
        rules = cls(round_, many=True)
        rules.award_form_by_pk, rules.quota_rules, rules.needs_declaration  # noqa: B018 (read now, once)
        return rules

    @cached_property
    def award_forms(self) -> list:
        return list(self.round.award_forms.select_related("vote_rule").order_by("order", "pk"))

    @cached_property
    def award_form_by_pk(self) -> dict:
        return {form.pk: form for form in self.award_forms}

    @cached_property
    def quota_rules(self) -> list:
        return round_quota_rules([self.round.pk])

    @cached_property
    def needs_declaration(self) -> bool:
        return self.round.eligibility_conditions.filter(kind=EligibilityKind.DECLARATION).exists()

    def covers(self, nomination) -> bool:
        """Whether these rules can stand in for reading the nomination's round again."""
        return (
            nomination.round_id == self.round.pk
            and self.stages.by_pk(nomination.stage_id) is not None
            and nomination.award_form_id in self.award_form_by_pk
        )

    def criteria_for(self, *, nominee_kind, category, award_form) -> list:
        from criteria.selectors import criteria_for

        key = (nominee_kind, category.pk if category else None, award_form.pk if award_form else None)
        if key not in self._criteria:
            self._criteria[key] = list(criteria_for(round_=self.round, nominee_kind=nominee_kind, category=category, award_form=award_form))
        return self._criteria[key]

    def unit_deadline(self, stage: Stage, unit) -> "datetime.date":
        """The stage deadline for this unit, moved by the latest extension granted to it."""
        if not self.many:
            if (stage.pk, unit.pk) not in self._deadlines:
                self._deadlines[stage.pk, unit.pk] = unit_deadline(stage, unit)
            return self._deadlines[stage.pk, unit.pk]
        if stage.pk not in self._extensions:
            latest = DeadlineExtension.objects.filter(stage=stage).values("unit_id").annotate(latest=Max("new_deadline"))
            self._extensions[stage.pk] = {row["unit_id"]: row["latest"] for row in latest}
        extended = self._extensions[stage.pk].get(unit.pk)
        return max(stage.deadline, extended) if extended else stage.deadline

    def is_registered(self, unit) -> bool:
        """Whether the unit registered in the campaign. Loaded for many, the campaign's
        registrations are read once; a unit not among them is looked up again (it may have
        registered since)."""
        if not self.many:
            return _registered(self.round, unit)
        if self._registered is None:
            self._registered = set(
                Registration.objects.filter(round__campaign_id=self.round.campaign_id).values_list("unit_id", flat=True)
            )
        if unit.pk not in self._registered:
            if not _registered(self.round, unit):
                return False
            self._registered.add(unit.pk)
        return True


def _registered(round_, unit) -> bool:
    # A movement's registration (đăng ký thi đua) holds for all its rounds.
    return Registration.objects.filter(round__campaign_id=round_.campaign_id, unit=unit).exists()


def unit_deadline(stage: Stage, unit) -> "datetime.date":
    """The stage deadline for this unit, moved by the latest extension granted to it."""
    extended = DeadlineExtension.objects.filter(stage=stage, unit=unit).aggregate(latest=Max("new_deadline"))["latest"]
    return extended_deadline(stage, extended)


def extended_deadline(stage: Stage, extended) -> "datetime.date":
    """The stage deadline moved by `extended`, the latest extension's date (None: no extension)."""
    return max(stage.deadline, extended) if extended else stage.deadline


def _rules_for(nomination, round_rules: RoundRules | None) -> RoundRules:
    """The rules handed in when they cover the nomination, else its round's (read as asked)."""
    if round_rules is not None and round_rules.covers(nomination):
        return round_rules
    return RoundRules(nomination.round)


def council_blocker(nomination, stage: Stage, unit) -> Blocker | None:
    """The council of `unit` at `stage` must have met with quorum and voted the nominee through."""
    vote = (
        CouncilVote.objects.filter(nomination=nomination, meeting__stage=stage, meeting__unit=unit)
        .select_related("meeting")
        .first()
    )
    if vote is None:
        return Blocker(_("Chưa có kết quả họp Hội đồng Thi đua - Khen thưởng của %(unit)s cho hồ sơ này.") % {"unit": unit})
    outcome = vote_outcome(vote.meeting, vote.votes_for, nomination.award_form.vote_rule)
    return None if outcome.passed else Blocker(outcome.reason)


# --- The transition table -------------------------------------------------------------------------


@dataclass
class Move:
    """One asked-for transition, as its guards judge it."""

    nomination: Nomination
    transition: "Transition"
    actor: object
    rules: RoundRules
    decision: object = None

    @property
    def stage(self) -> Stage:
        return self.nomination.stage

    @property
    def target(self) -> Stage | None:
        """The stage after the nomination's own (None at the last)."""
        return self.rules.stages.after(self.stage)

    @property
    def is_final(self) -> bool:
        """Whether moving on ends the route here: the last stage, or a unit's own award (Giấy khen)
        granted at the unit stage."""
        outcome = self.nomination.award_form.outcome
        return self.target is None or (self.transition.action == Action.SUBMIT and outcome == AwardOutcome.UNIT)


Guard = Callable[[Move], "Blocker | None"]


@dataclass(frozen=True)
class Transition:
    """One row of the table. `at` tells whether the nomination's stage is one this action starts
    from; `misplaced` is the reason given when the status or the stage does not fit. `gates` are
    checked in order and the first that blocks is the only reason; `guards` are all checked and
    every reason is listed."""

    action: str
    from_statuses: tuple[Status, ...]
    at: Callable[[StageSequence, Stage], bool]
    misplaced: str
    gates: tuple[Guard, ...]
    guards: tuple[Guard, ...] = ()
    needs_comment: bool = False


def _in_place(move: Move) -> Blocker | None:
    transition, nomination = move.transition, move.nomination
    if nomination.status in transition.from_statuses and transition.at(move.rules.stages, move.stage):
        return None
    return Blocker(transition.misplaced)


def _proposing_officer(message: str) -> Guard:
    def guard(move: Move) -> Blocker | None:
        return None if move.nomination.proposing_unit_id in officer_unit_ids(move.actor) else Blocker(message)

    return guard


def _stage_organisation(move: Move) -> Blocker | None:
    return None if can_act_at_stage(move.actor, move.stage) else Blocker(_("Tài khoản không thuộc cơ quan xét ở bước này."))


def _deadline_of(move: Move, unit) -> Blocker | None:
    deadline = move.rules.unit_deadline(move.stage, unit)
    if clock.is_past(deadline):
        return Blocker(
            _("Đã hết hạn: bước \"%(stage)s\" có hạn chót đến hết ngày %(date)s (giờ Việt Nam).")
            % {"stage": move.stage.name, "date": f"{deadline:%d/%m/%Y}"}
        )
    return None


def _unit_deadline(move: Move) -> Blocker | None:
    return _deadline_of(move, move.nomination.proposing_unit)


def _stage_deadline(move: Move) -> Blocker | None:
    return _deadline_of(move, move.stage.organisation)


def _registration(move: Move) -> Blocker | None:
    if move.rules.round.registration_required and not move.rules.is_registered(move.nomination.proposing_unit):
        return Blocker(_("Đơn vị chưa đăng ký thi đua cho phong trào này."))
    return None


def _declaration(move: Move) -> Blocker | None:
    if move.rules.needs_declaration and not move.nomination.eligibility_declared:
        return Blocker(_("Đơn vị chưa cam kết người/tập thể được đề nghị không đang bị xem xét kỷ luật, điều tra, thanh tra, kiểm tra, khiếu nại, tố cáo."))
    return None


def _criteria_not_failed(move: Move) -> Blocker | None:
    if move.nomination.criteria_status == CriteriaStatus.NOT_MET:
        return Blocker(_("Có tiêu chí bắt buộc chưa đạt: hồ sơ chỉ được lưu nháp."))
    return None


def _criteria_met(move: Move) -> Blocker | None:
    if move.nomination.criteria_status == CriteriaStatus.NOT_MET:
        return Blocker(_("Có tiêu chí bắt buộc không đạt."))
    if move.nomination.criteria_status == CriteriaStatus.PENDING:
        return Blocker(_("Còn tiêu chí chờ Hội đồng đánh giá: hãy đánh giá đạt/không đạt trước khi chấp thuận."))
    return None


def _unit_council(move: Move) -> Blocker | None:
    return council_blocker(move.nomination, move.stage, move.nomination.proposing_unit) if move.stage.needs_council else None


def _stage_council(move: Move) -> Blocker | None:
    return council_blocker(move.nomination, move.stage, move.stage.organisation) if move.stage.holds_council else None


DECISION_NEEDED = gettext_lazy("Bước cuối cần số, ngày và người ký quyết định khen thưởng: hãy ghi quyết định khen thưởng.")


def grants_by_decision(nomination, stages: StageSequence) -> bool:
    """Whether moving the nomination on from its stage grants its award, which takes the recorded
    decision (record_decision): an award (not a proposal upward) at the last stage."""
    return stages.is_last(nomination.stage) and nomination.award_form.outcome == AwardOutcome.AWARD


def _decision_recorded(move: Move) -> Blocker | None:
    """An award granted at the last stage needs the decision that grants it (record_decision)."""
    if move.decision is None and grants_by_decision(move.nomination, move.rules.stages):
        return Blocker(DECISION_NEEDED, code="decision")
    return None


def _at_first(stages: StageSequence, stage: Stage) -> bool:
    return stages.is_first(stage)


def _at_review(stages: StageSequence, stage: Stage) -> bool:
    return not stages.is_first(stage)


def _at_first_review(stages: StageSequence, stage: Stage) -> bool:
    return stages.before(stage) is not None and stages.is_first(stages.before(stage))


def _within_shares(move: Move) -> Blocker | None:
    """Where the plan breaks an award form's places into named shares, the shares are the whole
    allocation: a nominee that no share covers gets no place, at any step (quotas.limits.share_gap;
    the rules' definitions only, no count)."""
    allocation = share_gap(move.nomination, move.rules.quota_rules)
    return Blocker(share_gap_message(allocation, move.nomination)) if allocation else None


def _evidence_present(move: Move) -> list:
    """Each mandatory criterion that needs a file and has none (nominations.guards_evidence)."""
    return missing_evidence_blockers(move.nomination, move.rules)


_REVIEW_GATES = (_in_place, _stage_organisation, _stage_deadline)
NOT_AT_REVIEW = gettext_lazy("Hồ sơ không ở bước xét.")

TRANSITIONS: dict[str, Transition] = {
    Action.SUBMIT: Transition(
        Action.SUBMIT, (Status.DRAFT, Status.RETURNED), _at_first, gettext_lazy("Hồ sơ đã được gửi."),
        gates=(_proposing_officer(gettext_lazy("Chỉ cán bộ của đơn vị đề nghị được gửi hồ sơ.")), _in_place, _unit_deadline),
        guards=(_registration, _declaration, _criteria_not_failed, _within_shares, _evidence_present, _unit_council, _decision_recorded),
    ),
    # A unit takes back what it sent while the first reviewing level has not acted on it.
    Action.WITHDRAW: Transition(
        Action.WITHDRAW, (Status.IN_REVIEW,), _at_first_review,
        gettext_lazy("Chỉ rút được hồ sơ đã gửi mà cơ quan xét chưa xử lý."),
        gates=(_proposing_officer(gettext_lazy("Chỉ cán bộ của đơn vị đề nghị được rút hồ sơ.")), _in_place),
    ),
    Action.APPROVE: Transition(
        Action.APPROVE, (Status.IN_REVIEW,), _at_review, NOT_AT_REVIEW,
        gates=_REVIEW_GATES, guards=(_criteria_met, _within_shares, _stage_council, _decision_recorded),
    ),
    Action.RETURN: Transition(
        Action.RETURN, (Status.IN_REVIEW,), _at_review, NOT_AT_REVIEW, gates=_REVIEW_GATES, needs_comment=True,
    ),
    Action.REJECT: Transition(
        Action.REJECT, (Status.IN_REVIEW,), _at_review, NOT_AT_REVIEW, gates=_REVIEW_GATES, needs_comment=True,
    ),
}


def blockers(nomination, action, *, actor, round_rules: RoundRules | None = None, decision=None) -> list[Blocker]:
    """Why `actor` may not take `action` now (empty: allowed). The UI lists only allowed actions.
    `round_rules`: the round's rules read once for the operation (RoundRules.load); `decision`:
    the award decision being recorded (record_decision), without which the last stage's award is
    blocked."""
    return _judge(Move(nomination, TRANSITIONS[action], actor, _rules_for(nomination, round_rules), decision))


def _judge(move: Move) -> list[Blocker]:
    for gate in move.transition.gates:
        blocker = gate(move)
        if blocker:
            return [blocker]
    found = []
    for guard in move.transition.guards:
        result = guard(move)
        if isinstance(result, list):  # a guard with one reason per item (the evidence of each criterion)
            found.extend(result)
        elif result:
            found.append(result)
    return found


def blockers_by_action(nomination, *, actor, actions=None, round_rules: RoundRules | None = None) -> dict[str, list[Blocker]]:
    """blockers() of each action whose from-statuses hold the nomination's status (of `actions`
    only, when given), in the table's order, the round's rules read once for all of them
    (`round_rules`: already read by the caller)."""
    rules = _rules_for(nomination, round_rules)
    return {
        action: _judge(Move(nomination, transition, actor, rules))
        for action, transition in TRANSITIONS.items()
        if (actions is None or action in actions) and nomination.status in transition.from_statuses
    }


def allowed_actions(nomination, *, actor, round_rules: RoundRules | None = None) -> list[str]:
    """The actions `actor` may take now on `nomination`, in the table's order."""
    return [action for action, found in blockers_by_action(nomination, actor=actor, round_rules=round_rules).items() if not found]


def _locked(pk, round_rules: RoundRules | None) -> tuple[Nomination, RoundRules]:
    """The nomination, its row locked, and the rules to judge it by.

    The row is locked ALONE (no join: no select_related, and no ordering, since the model's
    default ordering joins the round, stage and unit), then read again with its relations. A
    locking SELECT that joins the stage rechecks the join with the row another transaction just
    committed: when that transaction moved the nomination to another stage, PostgreSQL drops the
    row and the query finds nothing. Read after the lock, the nomination is the committed one, and the transition
    is judged on it (a second "submit" is refused: gettext_lazy("Hồ sơ đã được gửi.")).
    With the round's rules at hand only the units are joined: its round, stage and award form are
    the RoundRules' objects."""
    if not list(Nomination.objects.select_for_update().filter(pk=pk).order_by().values_list("pk", flat=True)):
        raise TransitionError(_("Hồ sơ không còn tồn tại (đã bị xoá)."))
    if round_rules is not None:
        nomination = Nomination.objects.select_related("proposing_unit", "nominee_unit").get(pk=pk)
        if round_rules.covers(nomination):
            nomination.round = round_rules.round
            nomination.stage = round_rules.stages.by_pk(nomination.stage_id)
            nomination.award_form = round_rules.award_form_by_pk[nomination.award_form_id]
            return nomination, round_rules
        # Its stage or award form is newer than the rules: judge it by its round read again.
    nomination = Nomination.objects.select_related(
        "round", "stage", "stage__organisation", "award_form__vote_rule", "proposing_unit", "nominee_unit"
    ).get(pk=pk)
    return nomination, RoundRules(nomination.round)


def advance(nomination, action, *, actor, comment="", decision=None, round_rules: RoundRules | None = None) -> Nomination:
    """Move a nomination: the only code that changes its stage or status.

    `round_rules`: the round's rules read once for an operation moving many nominations
    (RoundRules.load); the same checks run, only the rule definitions are not read again. The
    nomination, its council vote, the registrations and the quota places are read here in every
    case, the nomination and the binding quota rules under lock."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionError(_("Hành động không hợp lệ."))
    if transition.needs_comment and not comment.strip():
        raise TransitionError(_("Cần ghi rõ lý do."))
    round_rules = round_rules if round_rules is not None and round_rules.covers(nomination) else None
    with transaction.atomic():
        nomination, rules = _locked(nomination.pk, round_rules)
        move = Move(nomination, transition, actor, rules, decision)
        found = _judge(move)
        if found:
            raise TransitionError(" ".join(b.message for b in found))
        from_stage, from_status = nomination.stage, nomination.status
        target, is_final = move.target, move.is_final

        if action in (Action.SUBMIT, Action.APPROVE):
            try:
                check_quotas(
                    nomination, moving_past=from_stage.order, first_stage_order=rules.stages.first.order, rules=rules.quota_rules,
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
        elif action == Action.WITHDRAW:
            nomination.stage = rules.stages.first
            nomination.status = Status.DRAFT
        elif action == Action.RETURN:
            nomination.stage = rules.stages.first
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
        nomination.queued_mail = queue_transition_emails(
            nomination, action=action, to_status=nomination.status, from_stage=from_stage
        )
    return nomination
