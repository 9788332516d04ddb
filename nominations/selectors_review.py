"""Reads for the review side (the stages after the unit): a stage's queue, the nominations
returned to units, the councils, extensions and decisions of a stage.

Every list is one query whatever its length: what a row shows is joined or annotated here,
never fetched per row in a template.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, Subquery, Value, When

from campaigns import clock
from campaigns.models import NomineeKind, Stage, Unit, UnitCategory
from nominations.council import vote_outcome
from nominations.models import (
    AwardDecision,
    CouncilMeeting,
    DeadlineExtension,
    CouncilVote,
    Nomination,
    NominationEvent,
    Status,
)
from nominations.permissions import administered_campaigns_q, administers, can_act_at_stage, stage_organisation_ids, visible_nominations_q
from nominations.workflow import stages_of, unit_deadline

ACT = "act"
READ = "read"


# --- Stages and who may use them ---------------------------------------------------------------


def review_stage(round_id: int, order: int) -> Stage | None:
    """The stage of a round by its order, with its round and organisation; None if there is none."""
    return (
        Stage.objects.select_related("round__campaign", "organisation").filter(round_id=round_id, order=order).first()
    )


def stage_access(user, stage: Stage | None) -> str | None:
    """ACT for the people of the stage's organisation with the stage's role, READ for
    administrators of the round's campaign, None for everybody else (the view answers 404). The unit stage has no
    review side."""
    if stage is None or stage.organisation_id is None or not user.is_authenticated:
        return None
    if can_act_at_stage(user, stage):
        return ACT
    if administers(user, stage.round.campaign):
        return READ
    return None


def previous_stage(stage: Stage) -> Stage | None:
    stages = stages_of(stage.round)
    index = next(i for i, s in enumerate(stages) if s.pk == stage.pk)
    return stages[index - 1] if index > 0 else None


def following_stage(stage: Stage) -> Stage | None:
    stages = stages_of(stage.round)
    index = next(i for i, s in enumerate(stages) if s.pk == stage.pk)
    return stages[index + 1] if index + 1 < len(stages) else None


def is_final_stage(stage: Stage) -> bool:
    return following_stage(stage) is None


def final_stage(round_) -> Stage:
    return stages_of(round_)[-1]


@dataclass
class StageDeadline:
    deadline: "datetime.date"
    days_left: int

    @property
    def is_past(self):
        return self.days_left < 0

    @property
    def label(self):
        if self.days_left > 0:
            return f"còn {self.days_left} ngày"
        if self.days_left == 0:
            return "hôm nay là hạn chót"
        return f"đã quá hạn {-self.days_left} ngày"


def stage_deadline(stage: Stage) -> StageDeadline:
    """The date by which the stage's organisation must act (moved by an extension granted to it)."""
    deadline = unit_deadline(stage, stage.organisation) if stage.organisation_id else stage.deadline
    return StageDeadline(deadline, (deadline - clock.today()).days)


def review_stages_for(user):
    """The stages (of every round) whose queue the user may open, with the number waiting."""
    stages = Stage.objects.exclude(organisation=None).select_related("round__campaign__issuer", "organisation")
    if not user.is_superuser:
        stages = stages.filter(
            Q(organisation_id__in=stage_organisation_ids(user)) | administered_campaigns_q(user, "round__campaign__")
        )
    latest_extension = DeadlineExtension.objects.filter(
        stage_id=OuterRef("pk"), unit_id=OuterRef("organisation_id")
    ).order_by("-new_deadline").values("new_deadline")[:1]
    stages = stages.annotate(
        waiting=Count("nominations", filter=Q(nominations__status=Status.IN_REVIEW)),
        extended_to=Subquery(latest_extension),
    ).order_by("round__campaign__code", "round__year", "round__code", "order")
    visible = [s for s in stages if stage_access(user, s)]
    for stage in visible:
        # The organisation's own deadline there (an extension granted to it moves it): past it, the
        # stage's queue is for reading only.
        stage.organisation_deadline = max(stage.deadline, stage.extended_to or stage.deadline)
        stage.expired = clock.is_past(stage.organisation_deadline)
    return visible


# --- The queue ---------------------------------------------------------------------------------


def queue_nominations(stage: Stage, user, *, category=None, award_form=None, criteria_status="", proposing_unit=None):
    """The nominations waiting at `stage` that `user` may see, filtered, one query per page.

    Annotations: the proposing unit's council vote (votes, members, present) and
    `same_person_elsewhere`: an individual whose person_identifier another proposing unit of
    the round also proposed (drafts and rejected proposals aside)."""
    first = stages_of(stage.round)[0]
    unit_vote = CouncilVote.objects.filter(
        nomination=OuterRef("pk"), meeting__stage_id=first.pk, meeting__unit_id=OuterRef("proposing_unit_id")
    )
    same_person = (
        Nomination.objects.filter(
            round_id=OuterRef("round_id"), kind=NomineeKind.INDIVIDUAL, person_identifier=OuterRef("person_identifier")
        )
        .exclude(proposing_unit_id=OuterRef("proposing_unit_id"))
        .exclude(status__in=(Status.DRAFT, Status.REJECTED))
    )
    nominations = (
        Nomination.objects.filter(visible_nominations_q(user), round_id=stage.round_id, stage=stage, status=Status.IN_REVIEW)
        .select_related("proposing_unit", "nominee_unit__category", "award_form__vote_rule")
        .annotate(
            unit_votes_for=Subquery(unit_vote.values("votes_for")[:1]),
            unit_members_total=Subquery(unit_vote.values("meeting__members_total")[:1]),
            unit_members_present=Subquery(unit_vote.values("meeting__members_present")[:1]),
            same_person_elsewhere=Case(
                When(Q(kind=NomineeKind.INDIVIDUAL) & ~Q(person_identifier=""), then=Exists(same_person)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by("proposing_unit__name", "kind", "id")
    )
    if category is not None:
        nominations = nominations.filter(nominee_unit__category=category)
    if award_form is not None:
        nominations = nominations.filter(award_form=award_form)
    if criteria_status:
        nominations = nominations.filter(criteria_status=criteria_status)
    if proposing_unit is not None:
        nominations = nominations.filter(proposing_unit=proposing_unit)
    return nominations


def unit_vote_of(nomination):
    """The unit council's outcome for an annotated queue row (no query), or None if not voted."""
    if getattr(nomination, "unit_votes_for", None) is None or not nomination.unit_members_total:
        return None
    meeting = SimpleNamespace(members_total=nomination.unit_members_total, members_present=nomination.unit_members_present)
    return vote_outcome(meeting, nomination.unit_votes_for, nomination.award_form.vote_rule)


def queue_filter_choices(stage: Stage):
    """Querysets for the queue's filters: the categories of the nominees and the proposing units
    with a nomination waiting at the stage, the round's award forms."""
    return {
        "categories": UnitCategory.objects.filter(
            units__nominations__stage=stage, units__nominations__status=Status.IN_REVIEW
        ).distinct().order_by("order", "code"),
        "award_forms": stage.round.award_forms.order_by("order"),
        "proposing_units": Unit.objects.filter(
            proposed_nominations__stage=stage, proposed_nominations__status=Status.IN_REVIEW
        ).distinct().order_by("name"),
    }


def returned_from_stage(stage: Stage, user):
    """Nominations this stage returned to their unit and still waiting for it (their latest return
    came from this stage)."""
    last_return = (
        NominationEvent.objects.filter(nomination=OuterRef("pk"), action="return").order_by("-at", "-id").values("from_stage_id")[:1]
    )
    return (
        Nomination.objects.filter(visible_nominations_q(user), round_id=stage.round_id, status=Status.RETURNED)
        .annotate(returned_from=Subquery(last_return))
        .filter(returned_from=stage.pk)
        .select_related("proposing_unit", "nominee_unit")
        .order_by("proposing_unit__name", "id")
    )


# --- Councils, extensions, decisions -----------------------------------------------------------


def stage_meeting(stage: Stage) -> CouncilMeeting | None:
    if stage.organisation_id is None:
        return None
    return CouncilMeeting.objects.filter(stage=stage, unit_id=stage.organisation_id).prefetch_related("votes").first()


def council_rows(stage: Stage, meeting: CouncilMeeting | None, nominations):
    """(nomination, votes_for, outcome, moved_on) for each nomination the stage's meeting voted on
    and each nomination waiting at the stage: the share of all members against the award form's
    vote rule. A vote stays on the stage's page after its nomination moved on (approved, returned,
    refused, awarded): the meeting's record belongs to the stage, whatever came after."""
    votes = {v.nomination_id: v.votes_for for v in meeting.votes.all()} if meeting else {}
    waiting = list(nominations)
    waiting_ids = {n.pk for n in waiting}
    moved_ids = set(votes) - waiting_ids
    moved = list(
        Nomination.objects.filter(pk__in=moved_ids).select_related(
            "stage", "proposing_unit", "nominee_unit__category", "award_form__vote_rule"
        )
    ) if moved_ids else []
    every = sorted(waiting + moved, key=lambda n: (n.proposing_unit.name, n.kind, n.pk))
    rows = []
    for nomination in every:
        votes_for = votes.get(nomination.pk)
        outcome = (
            vote_outcome(meeting, votes_for, nomination.award_form.vote_rule) if meeting is not None and votes_for is not None else None
        )
        rows.append(SimpleNamespace(
            nomination=nomination, votes_for=votes_for, outcome=outcome, moved_on=nomination.pk not in waiting_ids,
        ))
    return rows


def stage_nominations(stage: Stage):
    """Every nomination waiting at the stage (for the council and the decision forms)."""
    return (
        Nomination.objects.filter(round_id=stage.round_id, stage=stage, status=Status.IN_REVIEW)
        .select_related("proposing_unit", "nominee_unit__category", "award_form__vote_rule")
        .order_by("proposing_unit__name", "kind", "id")
    )


def extension_units(stage: Stage):
    """The units whose deadline at `stage` may be extended: at the unit stage, the units taking
    part in the round (registered or with a nomination); later, the stage's organisation."""
    if stage.organisation_id is not None:
        return Unit.objects.filter(pk=stage.organisation_id)
    round_id = stage.round_id
    return (
        Unit.objects.filter(Q(registrations__round_id=round_id) | Q(proposed_nominations__round_id=round_id))
        .distinct()
        .order_by("name")
    )


def extensions_for(stage: Stage):
    return DeadlineExtension.objects.filter(stage=stage).select_related("unit", "granted_by").order_by("-granted_at", "-id")


def decisions_of(round_):
    return AwardDecision.objects.filter(round=round_).select_related("recorded_by").annotate(
        awarded_count=Count("nominations", filter=Q(nominations__status__in=(Status.AWARDED, Status.PROPOSED)))
    ).order_by("-date", "-id")


def decision_nominations(decision: AwardDecision):
    return (
        decision.nominations.filter(status__in=(Status.AWARDED, Status.PROPOSED))
        .select_related("proposing_unit", "nominee_unit__category", "award_form")
        .order_by("award_form__order", "kind", "proposing_unit__name", "id")
    )


def round_stage_person(user, round_) -> bool:
    """Whether the user belongs to the organisation of one of the round's stages."""
    organisations = stage_organisation_ids(user)
    return any(s.organisation_id in organisations for s in stages_of(round_))


def quota_usage_with_waiting(stage) -> list:
    """The round's quota use past `stage` (quotas.rules.quota_usage), each row also counting the
    nominations waiting in the stage's queue under the same rule and group (`waiting`): what the
    reviewer approved and what it still may approve. One count per rule and group, read only."""
    from quotas.models import QuotaScope
    from quotas.rules import quota_usage, rule_filter

    rows = quota_usage(stage.round, past_stage_order=stage.order)
    queued = Q(stage=stage, status="in_review")
    counts = {}
    for row in rows:
        rule = row.rule
        if rule.pk not in counts:
            base = Nomination.objects.filter(rule_filter(rule) & queued)
            if rule.scope == QuotaScope.UNIT:
                counts[rule.pk] = dict(base.values_list("proposing_unit__name").annotate(n=Count("id")).order_by())
            elif rule.scope == QuotaScope.PARENT_UNIT:
                counts[rule.pk] = dict(base.values_list("nominee_unit__parent__name").annotate(n=Count("id")).order_by())
            else:
                counts[rule.pk] = {"": base.count()}
        by_group = counts[rule.pk]
        row.waiting = sum(by_group.values()) if row.unit_name == "mỗi đơn vị" else by_group.get(row.unit_name or "", 0)
        row.with_waiting = row.used + row.waiting
    return rows
