"""Reads for the award lists and reports: plain rows straight from the database.

Each list is one query streamed in chunks (`values_list(...).iterator()`), whatever its length; the
unit council's vote is a correlated subquery, not a query per row. Aggregates (quota counts,
participation) are `values().annotate(Count(...))` in the database.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Count, F, Max, Min, Q
from django.db.models.functions import Length

from campaigns import clock
from campaigns.models import NomineeKind, Round, Stage, Unit, UnitCategory
from campaigns.stages import StageSequence, stages_of
from nominations.kept import kept_until_next_event
from nominations.models import AwardDecision, CouncilVote, DeadlineExtension, Nomination, NominationEvent, Registration, Status
from nominations.quotas import COUNTED_STATUSES, passed_stage_of_q
from nominations.rules import visible_in_round_q
from quotas.limits import RULE_PREFETCH, rule_filter
from quotas.models import QuotaRule, QuotaScope, QuotaStep

from .filters import ResolvedFilters

CHUNK = 2000
POSITIVE_OUTCOMES = (Status.AWARDED, Status.PROPOSED)


# --- The award list ------------------------------------------------------------------------------


def award_list_queryset(round_: Round, resolved: ResolvedFilters, *, user=None):
    """The nominations of the round the list shows: filtered, and limited to what `user` may see
    (None: the shell, everything). Drafts are left out unless asked for by status."""
    queryset = Nomination.objects.filter(round=round_)
    if user is not None:
        queryset = queryset.filter(visible_in_round_q(user, round_))
    filters = resolved.filters
    if resolved.stage is not None:
        queryset = queryset.filter(stage=resolved.stage)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    else:
        queryset = queryset.exclude(status=Status.DRAFT)
    if resolved.award_form is not None:
        queryset = queryset.filter(award_form=resolved.award_form)
    if resolved.category is not None:
        queryset = queryset.filter(nominee_unit__category=resolved.category)
    if resolved.unit is not None:
        queryset = queryset.filter(proposing_unit=resolved.unit)
    return queryset


class AwardListChoices(NamedTuple):
    """(code, name) of the khối and the proposing units the round's sent nominations have."""

    categories: list[tuple[str, str]]
    units: list[tuple[str, str]]


def award_list_choices(round_: Round) -> AwardListChoices:
    """The award list's filter choices: the khối of the nominees and the units that proposed, among
    the round's nominations other than drafts. Both read every such nomination, so they are kept
    until the next nomination event (nominations.kept)."""
    def compute():
        sent = Nomination.objects.filter(round=round_).exclude(status=Status.DRAFT)
        return AwardListChoices(
            categories=list(
                UnitCategory.objects.filter(pk__in=sent.values("nominee_unit__category_id")).order_by("order", "code").values_list("code", "name")
            ),
            units=list(Unit.objects.filter(pk__in=sent.values("proposing_unit_id")).order_by("name").values_list("code", "name")),
        )

    return kept_until_next_event("award-list-choices", compute, round_.pk)


@dataclass(frozen=True)
class ListMeasure:
    """How many rows, and the longest text of each column that sizes to its content."""

    count: int
    name: int
    position: int
    unit: int
    category: int


def measure(queryset) -> ListMeasure:
    """One aggregate query: the row count and the longest values (for the column widths)."""
    found = queryset.aggregate(
        count=Count("id"),
        full_name=Max(Length("full_name")),
        nominee=Max(Length("nominee_unit__name")),
        position=Max(Length("position")),
        unit=Max(Length("proposing_unit__name")),
        category=Max(Length("nominee_unit__category__name")),
    )
    return ListMeasure(
        count=found["count"] or 0,
        name=max(found["full_name"] or 0, found["nominee"] or 0),
        position=found["position"] or 0,
        unit=found["unit"] or 0,
        category=found["category"] or 0,
    )


def count_by_award_form(queryset) -> dict[int, int]:
    return {r["award_form_id"]: r["n"] for r in queryset.order_by().values("award_form_id").annotate(n=Count("id"))}


AWARD_LIST_FIELDS = (
    "id",
    "award_form_id",
    "kind",
    "full_name",
    "nominee_unit__name",
    "position",
    "proposing_unit__name",
    "nominee_unit__category__name",
    "award_form__name",
    "achievement_summary",
    "criteria_met",
    "criteria_total",
    "stage__order",
    "stage__name",
    "status",
    "decision__number",
    "decision__date",
)


def unit_council_votes(round_: Round) -> dict[int, tuple[int, int]]:
    """nomination id -> (votes for, members) at its own unit's council (the round's first stage).

    One query for the round, joined to the list in Python: two correlated subqueries per row cost
    PostgreSQL twice the time of the list itself at 10,000 rows. A few bytes per nomination."""
    first = stages_of(round_).first
    return {
        nomination_id: (votes, members)
        for nomination_id, votes, members in CouncilVote.objects.filter(
            meeting__stage_id=first.pk, meeting__unit_id=F("nomination__proposing_unit_id")
        ).values_list("nomination_id", "votes_for", "meeting__members_total")
    }


def award_list_rows(queryset, round_: Round):
    """(tuple in AWARD_LIST_FIELDS order, unit council vote or None), sorted by award form,
    collectives first, proposing unit, name; streamed from the database in chunks."""
    votes = unit_council_votes(round_)
    records = (
        queryset.order_by("award_form__order", "award_form_id", "kind", "proposing_unit__name", "full_name", "nominee_unit__name", "id")
        .values_list(*AWARD_LIST_FIELDS)
        .iterator(chunk_size=CHUNK)
    )
    return ((record, votes.get(record[0])) for record in records)


# --- The quota report ----------------------------------------------------------------------------


@dataclass
class QuotaRow:
    """One quota rule (or, for a rule counted per unit, one unit under it)."""

    rule: QuotaRule
    group: str  # the unit for per-unit rules, "" for the round or a category
    limit: int
    past: dict[int, int]  # stage order -> nominations past that stage and still alive
    binding_order: int  # the first stage order whose passing the rule limits

    @property
    def proposed(self) -> int:
        return self.past[min(self.past)]

    @property
    def awarded(self) -> int:
        return self.past[max(self.past)]

    @property
    def used(self) -> int:
        """Places held where the rule binds (the most of any stage it limits)."""
        return self.past[self.binding_order]

    @property
    def left(self) -> int:
        return self.limit - self.used

    def over_at(self, order: int) -> bool:
        return order >= self.binding_order and self.past[order] > self.limit

    @property
    def over(self) -> bool:
        return any(self.over_at(order) for order in self.past)


@dataclass
class QuotaReport:
    round: Round
    stages: StageSequence
    rows: list[QuotaRow] = field(default_factory=list)


def quota_report(round_: Round) -> QuotaReport:
    """Every quota rule of the round with its limit and, for each stage, the nominations that moved
    past it and still hold a place (nominations.quotas.passed_stage_q); the last stage's column is the
    awarded (or proposed upward). One aggregate query for the rules counted over the round, one
    per rule counted per unit; none per nomination."""
    stages = stages_of(round_)
    orders = stages.orders
    rules = list(
        QuotaRule.objects.filter(round=round_)
        .select_related("award_form")
        .prefetch_related(*RULE_PREFETCH, "exceptions__unit")
        .order_by("order", "pk")
    )
    counts = {f"past_{o}": Count("id", filter=passed_stage_of_q(stages, o)) for o in orders}
    # Rules counted over the whole round (or a category): every count of every such rule in one
    # scan of the round's nominations.
    flat = [rule for rule in rules if rule.scope in (QuotaScope.ROUND, QuotaScope.CATEGORY)]
    totals = (
        Nomination.objects.filter(round=round_, status__in=COUNTED_STATUSES).aggregate(
            **{f"r{rule.pk}_{o}": Count("id", filter=rule_filter(rule) & passed_stage_of_q(stages, o)) for rule in flat for o in orders}
        )
        if flat
        else {}
    )
    report = QuotaReport(round=round_, stages=stages)
    for rule in rules:
        binding = orders[0] if rule.binds_at == QuotaStep.SUBMISSION or len(orders) == 1 else orders[1]
        if rule.scope in (QuotaScope.ROUND, QuotaScope.CATEGORY):
            report.rows.append(QuotaRow(rule, "", rule.limit, {o: totals[f"r{rule.pk}_{o}"] for o in orders}, binding))
            continue
        base = Nomination.objects.filter(rule_filter(rule))
        field_name = "proposing_unit" if rule.scope == QuotaScope.UNIT else "nominee_unit__parent"
        groups = (
            base.values(f"{field_name}__id", f"{field_name}__name")
            .annotate(**counts)
            .filter(**{f"past_{orders[0]}__gt": 0})
            .order_by(f"{field_name}__name")
        )
        exceptions = {e.unit_id: e for e in rule.exceptions.all()}
        seen = set()
        for group in groups:
            unit_id = group[f"{field_name}__id"]
            seen.add(unit_id)
            limit = exceptions[unit_id].limit if unit_id in exceptions else rule.limit
            past = {o: group[f"past_{o}"] for o in orders}
            report.rows.append(QuotaRow(rule, group[f"{field_name}__name"] or "", limit, past, binding))
        for unit_id, exception in exceptions.items():
            if unit_id not in seen:
                report.rows.append(QuotaRow(rule, exception.unit.name, exception.limit, {o: 0 for o in orders}, binding))
        if not seen and not exceptions:
            report.rows.append(QuotaRow(rule, "mỗi đơn vị", rule.limit, {o: 0 for o in orders}, binding))
    return report


# --- Participation and deadlines -----------------------------------------------------------------


ON_TIME = "on_time"
LATE = "late"
MISSING = "missing"
PENDING = "pending"

UNIT_STATE_LABELS = {
    ON_TIME: "Gửi đúng hạn",
    LATE: "Gửi sau hạn chót (được gia hạn)",
    MISSING: "Không gửi, đã quá hạn",
    PENDING: "Chưa gửi, còn hạn",
}


@dataclass
class UnitParticipation:
    unit_id: int
    name: str
    category: str
    registered_on: dt.date | None
    nominations: int
    sent: int
    first_sent: dt.date | None
    last_sent: dt.date | None
    deadline: dt.date
    extended_to: dt.date | None
    state: str

    @property
    def state_label(self) -> str:
        return UNIT_STATE_LABELS[self.state]


@dataclass
class StageTimeliness:
    stage: Stage
    deadline: dt.date
    on_time: int  # units (first stage) or nominations (later stages) moved on by the deadline
    late: int
    waiting: int  # units not yet sent (first stage) or nominations still at the stage


@dataclass
class Participation:
    round: Round
    stages: StageSequence
    today: dt.date
    units: list[UnitParticipation]
    timeliness: list[StageTimeliness]
    registration_on_time: int | None
    registration_late: int | None
    extensions: list[DeadlineExtension]

    @property
    def late_units(self):
        return [u for u in self.units if u.state in (LATE, MISSING)]


def _local_day(moment: dt.datetime | None) -> dt.date | None:
    return moment.astimezone(clock.VIETNAM).date() if moment else None


def participation(round_: Round) -> Participation:
    """Units registered or proposing in the round, when each first sent its nominations against
    the (possibly extended) deadline of the unit stage, and how each later stage kept its deadline.
    A fixed number of aggregate queries."""
    stages = stages_of(round_)
    first = stages.first
    today = clock.today()
    registrations = {
        r["unit_id"]: _local_day(r["registered_at"])
        for r in Registration.objects.filter(round=round_).values("unit_id", "registered_at")
    }
    counts = {
        r["proposing_unit_id"]: r
        for r in Nomination.objects.filter(round=round_)
        .values("proposing_unit_id")
        .annotate(total=Count("id"), sent=Count("id", filter=~Q(status=Status.DRAFT)))
    }
    submits = {
        r["nomination__proposing_unit_id"]: r
        for r in NominationEvent.objects.filter(nomination__round=round_, action="submit")
        .values("nomination__proposing_unit_id")
        .annotate(first=Min("at"), last=Max("at"))
    }
    extended = {
        r["unit_id"]: r["latest"]
        for r in DeadlineExtension.objects.filter(stage=first).values("unit_id").annotate(latest=Max("new_deadline"))
    }
    unit_ids = set(registrations) | set(counts)
    units = Unit.objects.filter(pk__in=unit_ids).values("id", "name", "category__name").order_by("name", "id")
    rows = []
    for unit in units:
        uid = unit["id"]
        submit = submits.get(uid)
        first_sent = _local_day(submit["first"]) if submit else None
        extension = extended.get(uid)
        deadline = max(first.deadline, extension) if extension else first.deadline
        if first_sent is not None:
            state = ON_TIME if first_sent <= first.deadline else LATE
        else:
            state = MISSING if today > deadline else PENDING
        rows.append(
            UnitParticipation(
                unit_id=uid,
                name=unit["name"],
                category=unit["category__name"] or "",
                registered_on=registrations.get(uid),
                nominations=counts.get(uid, {}).get("total", 0),
                sent=counts.get(uid, {}).get("sent", 0),
                first_sent=first_sent,
                last_sent=_local_day(submit["last"]) if submit else None,
                deadline=deadline,
                extended_to=extension,
                state=state,
            )
        )

    # Later stages: nominations moved on (approved, returned, rejected) from the stage by its
    # deadline or after it, and those still waiting there. One query for all stages.
    moved = {
        r["from_stage_id"]: r
        for r in NominationEvent.objects.filter(
            nomination__round=round_, from_stage__order__gt=first.order, action__in=("approve", "return", "reject")
        )
        .values("from_stage_id")
        .annotate(
            on_time=Count("id", filter=Q(at__date__lte=F("from_stage__deadline"))),
            late=Count("id", filter=Q(at__date__gt=F("from_stage__deadline"))),
        )
    }
    waiting = {
        r["stage_id"]: r["n"]
        for r in Nomination.objects.filter(round=round_, status=Status.IN_REVIEW).values("stage_id").annotate(n=Count("id"))
    }
    timeliness = [
        StageTimeliness(
            stage=first,
            deadline=first.deadline,
            on_time=sum(1 for r in rows if r.state == ON_TIME),
            late=sum(1 for r in rows if r.state == LATE),
            waiting=sum(1 for r in rows if r.state in (MISSING, PENDING)),
        )
    ]
    for stage in stages.reviewing:
        found = moved.get(stage.pk, {})
        timeliness.append(
            StageTimeliness(stage, stage.deadline, found.get("on_time", 0), found.get("late", 0), waiting.get(stage.pk, 0))
        )

    registration_on_time = registration_late = None
    if round_.registration_deadline:
        days = [d for d in registrations.values() if d]
        registration_on_time = sum(1 for d in days if d <= round_.registration_deadline)
        registration_late = len(days) - registration_on_time

    extensions = list(
        DeadlineExtension.objects.filter(stage__round=round_)
        .select_related("stage", "unit", "granted_by")
        .order_by("stage__order", "granted_at", "id")
    )
    return Participation(round_, stages, today, rows, timeliness, registration_on_time, registration_late, extensions)


# --- A decision's list and the open data ---------------------------------------------------------


DECISION_FIELDS = (
    "award_form_id",
    "award_form__name",
    "kind",
    "gender",
    "full_name",
    "position",
    "nominee_unit__name",
    "proposing_unit__name",
)


def decision_rows(decision: AwardDecision):
    """The nominations awarded by `decision`, by award form, collectives first, then by unit."""
    return (
        Nomination.objects.filter(decision=decision, status__in=POSITIVE_OUTCOMES)
        .order_by("award_form__order", "award_form_id", "kind", "proposing_unit__name", "nominee_unit__name", "full_name", "id")
        .values_list(*DECISION_FIELDS)
    )


OPEN_DATA_FIELDS = (
    "kind",
    "full_name",
    "nominee_unit__name",
    "proposing_unit__name",
    "award_form__name",
    "decision__number",
    "decision__date",
)


def open_data_rows(round_: Round):
    """The awards of the round that a decision made: only what the public list shows (name, unit,
    award form, decision number and date) is read; no identifier, year of birth or gender."""
    return (
        Nomination.objects.filter(round=round_, status=Status.AWARDED, decision__isnull=False)
        .order_by("decision__date", "decision__number", "award_form__order", "kind", "proposing_unit__name", "full_name", "nominee_unit__name", "id")
        .values_list(*OPEN_DATA_FIELDS)
    )


def nominee_name(kind: str, full_name: str, nominee_unit_name: str) -> str:
    return full_name if kind == NomineeKind.INDIVIDUAL else nominee_unit_name


def has_decision(round_: Round) -> bool:
    return AwardDecision.objects.filter(round=round_).exists()
