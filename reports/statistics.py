"""The dashboard's figures for one round, counted in the database.

Every figure is one `values().annotate(Count(...))` (or a bounded list) over the round's
nominations, so the page runs the same number of queries at 10 nominations as at 10,000 (tests
check it at two sizes). Counts are limited to what the user may see (visible_nominations_q); quota
usage is the round's, as the reviewers see it in their queues.

The counts read every nomination of the round, so the page is kept (as HTML, per user and
language) until something it shows changes: a nomination event (nominations.kept), a unit's
registration or a deadline extension in the round, or the day (dashboard_version).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery

from campaigns import clock
from campaigns.models import Round, Stage, Unit
from campaigns.stages import StageSequence, stages_of
from nominations.display import vietnamese_labels
from nominations.kept import history_version, keeping
from nominations.models import DeadlineExtension, Nomination, NominationEvent, Registration, Status
from nominations.rules import on_related, visible_in_round_q, visible_nominations_q

from . import selectors

RETURNS_SHOWN = 50
STATUS_ORDER = [
    Status.DRAFT,
    Status.IN_REVIEW,
    Status.RETURNED,
    Status.REJECTED,
    Status.PROPOSED,
    Status.AWARDED,
    Status.NOT_AWARDED,
]
STATUS_LABELS = vietnamese_labels(Status)


@dataclass
class StageRow:
    stage: Stage
    counts: dict[str, int]  # status -> nominations now at this stage
    cells: list[int] = field(default_factory=list)  # counts in the order of Dashboard.statuses

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Countdown:
    stage: Stage
    deadline: dt.date
    days_left: int
    waiting: int  # nominations in review at the stage (units' drafts and returns for stage 1)
    extended_units: int = 0  # stage 1: units given a later deadline
    extended: bool = False  # later stages: the organisation itself was given a later deadline

    @property
    def label(self) -> str:
        if self.days_left > 0:
            return f"còn {self.days_left} ngày"
        if self.days_left == 0:
            return "hôm nay là hạn chót"
        return f"đã quá hạn {-self.days_left} ngày"

    @property
    def urgency(self) -> str:
        if self.days_left < 0:
            return "secondary"
        if self.days_left <= 3:
            return "danger"
        if self.days_left <= 7:
            return "warning"
        return "success"


@dataclass
class RoundComparison:
    rounds: list[Round]
    by_status: dict[int, dict[str, int]]  # round id -> status -> n
    awarded: dict[int, dict[str, int]]  # round id -> award form name -> n
    award_forms: list[str]

    def status_rows(self):
        """(status, label, [n per round]) for the statuses any round has."""
        rows = []
        for status in STATUS_ORDER:
            values = [self.by_status.get(r.pk, {}).get(status, 0) for r in self.rounds]
            if any(values):
                rows.append((status, STATUS_LABELS[status], values))
        return rows

    def award_rows(self):
        return [(name, [self.awarded.get(r.pk, {}).get(name, 0) for r in self.rounds]) for name in self.award_forms]

    def totals(self):
        return [sum(self.by_status.get(r.pk, {}).values()) for r in self.rounds]

    @property
    def labels(self) -> list[str]:
        """Short column names: the year ("2023", "2024"), or the year and code when a year has
        several rounds (an annual round and the interim review)."""
        years = [r.year for r in self.rounds]
        return [str(r.year) if years.count(r.year) == 1 else f"{r.year} ({r.code})" for r in self.rounds]

    @property
    def columns(self):
        return list(zip(self.rounds, self.labels))


@dataclass
class Dashboard:
    round: Round
    today: dt.date
    stages: StageSequence
    stage_rows: list[StageRow]
    statuses: list[str]
    quota: selectors.QuotaReport
    countdowns: list[Countdown]
    not_submitted: list
    returns: list
    returns_total: int
    comparison: RoundComparison
    status_totals: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.status_totals.values())

    @property
    def status_columns(self):
        """(status, label, total) in table order."""
        return [(s, STATUS_LABELS[s], self.status_totals.get(s, 0)) for s in self.statuses]


def _stage_matrix(round_, stages, visible):
    counts = defaultdict(dict)
    for row in Nomination.objects.filter(visible, round=round_).values("stage_id", "status").annotate(n=Count("id")).order_by():
        counts[row["stage_id"]][row["status"]] = row["n"]
    rows = [StageRow(stage, counts.get(stage.pk, {})) for stage in stages]
    totals = defaultdict(int)
    for row in rows:
        for status, n in row.counts.items():
            totals[status] += n
    statuses = [s for s in STATUS_ORDER if totals.get(s)]
    for row in rows:
        row.cells = [row.counts.get(s, 0) for s in statuses]
    return rows, statuses, dict(totals)


def _countdowns(round_, stages: StageSequence, rows, today):
    first = stages.first
    extended_units = defaultdict(int)
    organisation_deadline = {}
    for row in DeadlineExtension.objects.filter(stage__round=round_).values("stage_id", "unit_id").annotate(latest=Max("new_deadline")).order_by():
        extended_units[row["stage_id"]] += 1
        organisation_deadline[(row["stage_id"], row["unit_id"])] = row["latest"]
    countdowns = []
    for stage, row in zip(stages, rows):
        deadline, extended = stage.deadline, False
        if stage.organisation_id and (stage.pk, stage.organisation_id) in organisation_deadline:
            deadline, extended = max(deadline, organisation_deadline[(stage.pk, stage.organisation_id)]), True
        if stage.pk == first.pk:
            waiting = row.counts.get(Status.DRAFT, 0) + row.counts.get(Status.RETURNED, 0)
        else:
            waiting = row.counts.get(Status.IN_REVIEW, 0)
        countdowns.append(
            Countdown(
                stage=stage,
                deadline=deadline,
                days_left=(deadline - today).days,
                waiting=waiting,
                extended_units=extended_units.get(stage.pk, 0) if stage.pk == first.pk else 0,
                extended=extended,
            )
        )
    return countdowns


def not_submitted_units(round_: Round):
    """Units registered for the round, or with a nomination in it, that have never sent one; with
    their deadline extension at the unit stage and their drafts. One query.

    A return makes a sent nomination 'returned'; a withdrawal (before the first review) makes it
    'draft' again, as if never sent. So a unit has something sent exactly when it has a
    nomination in any other status than draft."""
    first = stages_of(round_).first
    in_round = Nomination.objects.filter(round=round_)
    taking_part = Q(pk__in=Registration.objects.filter(round=round_).values("unit_id")) | Q(pk__in=in_round.values("proposing_unit_id"))
    extension = DeadlineExtension.objects.filter(stage=first, unit_id=OuterRef("pk")).order_by("-new_deadline").values("new_deadline")[:1]
    drafts = (
        in_round.filter(proposing_unit_id=OuterRef("pk"))
        .order_by()
        .values("proposing_unit_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return list(
        Unit.objects.filter(taking_part)
        .exclude(pk__in=in_round.exclude(status=Status.DRAFT).values("proposing_unit_id"))
        .annotate(extended_to=Subquery(extension), drafts=Subquery(drafts))
        .select_related("category")
        .order_by("name", "id")
    )


def waiting_returns(round_: Round, visible):
    """Nominations returned to their unit and not sent again, the oldest return first (at most
    RETURNS_SHOWN), with when and from which stage. One query, read from the returns in the order
    of the index (action, at): it stops after RETURNS_SHOWN instead of looking up the latest
    return of every returned nomination."""
    later_return = NominationEvent.objects.filter(nomination_id=OuterRef("nomination_id"), action="return").filter(
        Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), id__gt=OuterRef("id"))
    )
    events = (
        NominationEvent.objects.filter(
            on_related(visible, "nomination__"), action="return", nomination__round=round_, nomination__status=Status.RETURNED
        )
        .filter(~Exists(later_return))
        .select_related("nomination__proposing_unit", "nomination__nominee_unit", "nomination__award_form", "from_stage")
        .order_by("at", "nomination_id")[:RETURNS_SHOWN]
    )
    returns = []
    for event in events:
        nomination = event.nomination
        nomination.returned_at = event.at
        nomination.returned_from = event.from_stage.order if event.from_stage_id else None
        returns.append(nomination)
    return returns


def compare_rounds(round_: Round, visible) -> RoundComparison:
    """The campaign's rounds side by side (2023 vs 2024): nominations by status, awards by award
    form (matched by name: each round has its own award-form rows). Three queries."""
    rounds = list(Round.objects.filter(campaign_id=round_.campaign_id).order_by("year", "code"))
    nominations = Nomination.objects.filter(visible, round_id__in=[r.pk for r in rounds])
    by_status = defaultdict(dict)
    for row in nominations.values("round_id", "status").annotate(n=Count("id")).order_by():
        by_status[row["round_id"]][row["status"]] = row["n"]
    awarded = defaultdict(dict)
    forms = {}
    for row in (
        nominations.filter(status=Status.AWARDED)
        .values("round_id", "award_form__name")
        .annotate(n=Count("id"), order=Max("award_form__order"))
        .order_by()
    ):
        awarded[row["round_id"]][row["award_form__name"]] = row["n"]
        forms[row["award_form__name"]] = min(forms.get(row["award_form__name"], row["order"]), row["order"])
    names = sorted(forms, key=lambda name: (forms[name], name))
    return RoundComparison(rounds=rounds, by_status=dict(by_status), awarded=dict(awarded), award_forms=names)


def dashboard(round_: Round, user) -> Dashboard:
    stages = stages_of(round_)
    today = clock.today()
    # Within the round, visibility is a condition on the row itself (no per-row subquery); the
    # comparison with the campaign's other rounds keeps the general rule.
    visible = visible_in_round_q(user, round_)
    rows, statuses, totals = _stage_matrix(round_, stages, visible)
    returns = waiting_returns(round_, visible)
    return Dashboard(
        round=round_,
        today=today,
        stages=stages,
        stage_rows=rows,
        statuses=statuses,
        quota=selectors.quota_report(round_),
        countdowns=_countdowns(round_, stages, rows, today),
        not_submitted=not_submitted_units(round_),
        returns=returns,
        returns_total=totals.get(Status.RETURNED, 0),
        comparison=compare_rounds(round_, visible_nominations_q(user)),
        status_totals=totals,
    )


def dashboard_version(round_: Round, user) -> str | None:
    """What the round's dashboard for `user` was worked out after: the newest nomination event, the
    round's registrations and deadline extensions (each counted and the newest id: an addition or a
    removal changes it) and today's date; None when nothing is kept. Three small indexed queries."""
    if not keeping():
        return None
    registrations = Registration.objects.filter(round=round_).aggregate(n=Count("id"), newest=Max("id"))
    extensions = DeadlineExtension.objects.filter(stage__round=round_).aggregate(n=Count("id"), newest=Max("id"))
    return ":".join(
        str(part)
        for part in (
            getattr(user, "pk", ""), history_version(), registrations["n"], registrations["newest"], extensions["n"],
            extensions["newest"], clock.today().isoformat(),
        )
    )
