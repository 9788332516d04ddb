"""Reads for the review side (the stages after the unit): a stage's queue, the nominations
returned to units, the councils, extensions and decisions of a stage.

Every list is one query whatever its length: what a row shows is joined or annotated here,
never fetched per row in a template.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Q, Subquery

from campaigns import clock
from campaigns.models import Stage, Unit, UnitCategory
from campaigns.stages import keep_stages, stages_of
from nominations.council import common_count, vote_outcome
from nominations.duplicates import same_people
from nominations.kept import history_version, keeping, kept, kept_until_next_event, meeting_version
from nominations.models import (
    AwardDecision,
    CouncilMeeting,
    DeadlineExtension,
    CouncilVote,
    Nomination,
    NominationEvent,
    Status,
)
from nominations.related import share_related  # noqa: F401  (the review views ask here)
from nominations.rules import (  # noqa: F401  (ACT, READ, stage_access, round_stage_person: the review views ask here)
    ACT,
    READ,
    administered_campaigns_q,
    administers,
    can_act_at_stage,
    on_related,
    round_stage_person,
    stage_access,
    stage_organisation_ids,
    visible_in_round_q,
    visible_nominations_q,
)
from nominations.workflow import extended_deadline, unit_deadline

# --- Stages and who may use them ---------------------------------------------------------------


def review_stage(round_id: int, order: int) -> Stage | None:
    """The stage of a round by its order, with its round and organisation; None if there is none.
    Read in one query with the round's other stages (what stages_of answers after it) and, as
    `organisation_extended_to`, the latest extension of its deadline granted to its organisation
    (stage_deadline)."""
    latest_extension = DeadlineExtension.objects.filter(
        stage_id=OuterRef("pk"), unit_id=OuterRef("organisation_id")
    ).order_by("-new_deadline").values("new_deadline")[:1]
    stages = list(
        Stage.objects.select_related("round__campaign__issuer", "organisation")
        .filter(round_id=round_id)
        .annotate(organisation_extended_to=Subquery(latest_extension))
        .order_by()  # not the model's order (joined by campaign and round): keep_stages sorts them
    )
    stage = next((s for s in stages if s.order == order), None)
    if stage is not None:
        keep_stages(stage.round, stages)
    return stage


def previous_stage(stage: Stage) -> Stage | None:
    return stages_of(stage.round).before(stage)


def following_stage(stage: Stage) -> Stage | None:
    return stages_of(stage.round).after(stage)


def is_final_stage(stage: Stage) -> bool:
    return stages_of(stage.round).is_last(stage)


def final_stage(round_) -> Stage:
    return stages_of(round_).last


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
    if not stage.organisation_id:
        deadline = stage.deadline
    elif hasattr(stage, "organisation_extended_to"):  # read with the stage (review_stage)
        deadline = extended_deadline(stage, stage.organisation_extended_to)
    else:
        deadline = unit_deadline(stage, stage.organisation)
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
    stages = [
        s for s in stages.annotate(extended_to=Subquery(latest_extension)).order_by(
            "round__campaign__code", "round__year", "round__code", "order"
        ) if stage_access(user, s)
    ]
    waiting = waiting_per_stage([s.pk for s in stages])
    for stage in stages:
        stage.waiting = waiting.get(stage.pk, 0)
        # The organisation's own deadline there (an extension granted to it moves it): past it, the
        # stage's queue is for reading only.
        stage.organisation_deadline = extended_deadline(stage, stage.extended_to)
        stage.expired = clock.is_past(stage.organisation_deadline)
    return stages


def waiting_per_stage(stage_ids) -> dict[int, int]:
    """The number of nominations waiting at each of the stages, counted on the (stage, status)
    index rather than by grouping the stages joined with every nomination; kept until the next
    nomination event (a count reads one index entry per nomination waiting)."""
    def count():
        return dict(
            Nomination.objects.filter(stage__in=stage_ids, status=Status.IN_REVIEW)
            .order_by()
            .values_list("stage_id")
            .annotate(n=Count("id"))
        )

    if not stage_ids:
        return {}
    return kept_until_next_event("stage-waiting", count, *sorted(stage_ids))


# --- What a queue shows beside its page, kept between requests (nominations.kept) --------------


def summary_version(stage: Stage) -> int | None:
    """The nomination event the stage's kept summaries were worked out after (None when nothing is
    kept): the queue keeps the HTML of its summaries under it too."""
    if not keeping():
        return None
    version = getattr(stage, "_history_version", None)
    if version is None:
        version = stage._history_version = history_version()
    return version


def stage_summary(stage: Stage, user, name: str, compute, *parts):
    """compute(), or what it returned for the same stage, user, `name` and `parts` since the last
    nomination event (the version is read once per stage object, first)."""
    version = summary_version(stage)
    if version is None:
        return compute()
    return kept(f"queue-summary:{name}:{stage.pk}:{getattr(user, 'pk', '')}:{version}:" + ":".join(str(p) for p in parts), compute)


# --- The queue ---------------------------------------------------------------------------------
#
# A stage may hold tens of thousands of nominations. The queue therefore works out the page first
# and annotates only its rows: one aggregate counts the nominations waiting per proposing unit
# (index (stage, status, proposing_unit, kind, id)); the units, ordered by name, tell which units
# a page spans and from which position in each; each unit's rows are read in index order
# (kind, id), so no query sorts or skips more than one unit's rows; the council vote and the
# same-person flag are computed for the page's rows only.

# What a queue row reads of its nomination; the units, categories and award forms it shows are
# shared between the page's rows (share_related), not one copy per row.
QUEUE_ROW_FIELDS = (
    "id", "round", "proposing_unit", "kind", "nominee_unit", "full_name", "birth_year", "position", "person_identifier",
    "award_form", "stage", "status", "criteria_status", "criteria_met", "criteria_total",
)


def queue_nominations(stage: Stage, user, *, category=None, award_form=None, criteria_status="", proposing_unit=None):
    """The nominations waiting at `stage` that `user` may see, filtered, in queue order (proposing
    unit's name, kind, id), without annotations: for ids (bulk approval) and counts. The page the
    queue shows comes from queue_rows()."""
    nominations = Nomination.objects.filter(stage=stage, status=Status.IN_REVIEW)
    if stage_access(user, stage) is None:
        # Whoever may open the stage's queue sees every nomination waiting there (it has reached
        # the stage, or the user administers the campaign): the condition is only needed for
        # anybody else, and leaving it out lets the counts read the index alone.
        nominations = nominations.filter(visible_in_round_q(user, stage.round))
    if category is not None:
        nominations = nominations.filter(nominee_unit__category=category)
    if award_form is not None:
        nominations = nominations.filter(award_form=award_form)
    if criteria_status:
        nominations = nominations.filter(criteria_status=criteria_status)
    if proposing_unit is not None:
        nominations = nominations.filter(proposing_unit=proposing_unit)
    return nominations.order_by("proposing_unit__name", "proposing_unit_id", "kind", "id")


def unit_votes_query(stage: Stage, nomination_ids):
    """The votes of the unit councils (meetings at the round's first stage) on `nomination_ids`:
    (nomination id, meeting's unit id, votes for, members, members present)."""
    first = stages_of(stage.round).first
    return CouncilVote.objects.filter(nomination_id__in=nomination_ids, meeting__stage_id=first.pk).values_list(
        "nomination_id", "meeting__unit_id", "votes_for", "meeting__members_total", "meeting__members_present"
    )


def annotate_queue_rows(stage: Stage, user, nominations: list) -> list:
    """Set the queue's annotations on `nominations` (one page's rows, of the stage's round): the
    proposing unit's council vote (`unit_votes_for`, `unit_members_total`,
    `unit_members_present`: None when it has not voted), `same_person_elsewhere` (an individual
    whose personal identifier another proposing unit of the round also proposed, drafts and
    rejected proposals aside) and `likely_duplicates` (the others the user may see that are likely
    the same person). Two queries over the page's ids and people (nominations.duplicates.same_people),
    whatever the round's size."""
    votes = {}
    if nominations:
        for nomination_id, unit_id, votes_for, members_total, members_present in unit_votes_query(stage, [n.pk for n in nominations]):
            votes[nomination_id, unit_id] = (votes_for, members_total, members_present)
    people = same_people(nominations, user, stage.round)
    for nomination in nominations:
        vote = votes.get((nomination.pk, nomination.proposing_unit_id), (None, None, None))
        nomination.unit_votes_for, nomination.unit_members_total, nomination.unit_members_present = vote
        nomination.same_person_elsewhere = nomination.pk in people.proposed_elsewhere
        nomination.likely_duplicates = people.likely_duplicates.get(nomination.pk, [])
    return nominations


def _by_unit_name(unit_ids) -> list[int]:
    """`unit_ids` in the queue's order of units: by name, then id (one read of the units)."""
    if not unit_ids:
        return []
    return list(Unit.objects.filter(pk__in=list(unit_ids)).order_by("name", "id").values_list("pk", flat=True))


class QueueRows:
    """The queue as a sequence for django.core.paginator.Paginator: count() is one aggregate
    (nominations per proposing unit), a slice reads the rows of that slice only, unit by unit in
    index order, then annotates those rows (annotate_queue_rows). Reading a page costs the same
    at 100 or 100,000 nominations, whichever page it is."""

    summary_name = "units"  # what its units' list is kept under (stage_summary)

    def __init__(self, stage: Stage, user, **filters):
        self.stage = stage
        self.user = user
        self.filters = filters
        self.nominations = queue_nominations(stage, user, **filters).order_by()
        self._units = None

    def units(self) -> list[tuple[int, int]]:
        """(proposing unit id, nominations waiting) in queue order: one GROUP BY, one read of the
        units' names; kept until the next nomination event (stage_summary)."""
        if self._units is None:
            self._units = stage_summary(
                self.stage, self.user, self.summary_name, self._read_units,
                *(f"{name}={getattr(value, 'pk', value)}" for name, value in sorted(self.filters.items())),
            )
        return self._units

    def _read_units(self) -> list[tuple[int, int]]:
        counts = dict(self.per_unit_counts())
        return [(pk, counts[pk]) for pk in _by_unit_name(counts)]

    def per_unit_counts(self):
        """(proposing unit id, number waiting): the one aggregate a page needs."""
        return self.nominations.values_list("proposing_unit_id").annotate(n=Count("id")).order_by()

    def unit_rows(self, unit_id: int):
        """The rows waiting from one proposing unit, in the queue's order within a unit, reading
        what a row shows (slice it)."""
        return self.nominations.filter(proposing_unit_id=unit_id).order_by("kind", "id").only(*QUEUE_ROW_FIELDS)

    def count(self) -> int:
        return sum(unit[1] for unit in self.units())

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("QueueRows only supports slices.")
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        whole, partial, position, seen = [], [], {}, 0
        for order, unit in enumerate(self.units()):
            unit_id, n = unit[0], unit[1]
            if seen >= stop:
                break
            if seen + n > start:
                low, high = max(start - seen, 0), min(stop - seen, n)
                if (low, high) == (0, n):
                    whole.append(unit)
                else:
                    partial.append((unit, low, high))
                position[unit_id] = order
            seen += n
        # The rows themselves, read by the queue's index: every row of the units the page holds
        # whole, a slice of the (at most two) units it holds in part. Only what a row shows.
        rows = self._rows_of_units(whole) if whole else []
        for unit, low, high in partial:
            rows += self._unit_slice(unit, low, high)
        rows.sort(key=lambda n: (position[n.proposing_unit_id], n.kind, n.pk))
        return self._finish(rows)

    def _rows_of_units(self, units) -> list:
        """Every row of `units` (entries of units())."""
        return list(self.nominations.filter(proposing_unit_id__in=[unit[0] for unit in units]).only(*QUEUE_ROW_FIELDS))

    def _unit_slice(self, unit, low: int, high: int) -> list:
        """Rows low to high (by kind, id) of one unit (an entry of units())."""
        return list(self.unit_rows(unit[0])[low:high])

    def _finish(self, rows: list) -> list:
        return share_related(annotate_queue_rows(self.stage, self.user, rows), self.stage.round_id)


class WaitingRows(QueueRows):
    """Every nomination waiting at the stage in the forms' order, the queue's (proposing unit's
    name, kind, id), for the decision and council forms: the queue's paging (a page reads its own
    rows, unit by unit by the queue's index) without the queue's annotations."""

    summary_name = "waiting-units"

    def __init__(self, stage: Stage):  # whoever sees the forms sees every nomination waiting: no user's condition
        self.stage, self.user, self.filters, self._units = stage, None, {}, None
        self.nominations = Nomination.objects.filter(stage=stage, status=Status.IN_REVIEW).order_by()

    def _finish(self, rows: list) -> list:
        return share_related(rows, self.stage.round_id)


class CouncilResultRows(WaitingRows):
    """The stage council's results in the forms' order: each nomination waiting at the stage and
    each nomination the stage's meeting voted on that has moved on since (approved, returned,
    refused, awarded: the meeting's record belongs to the stage, whatever came after). Paged as the
    queue is: the units' counts, (unit id, rows, of which moved on), are kept until the next
    nomination event or the meeting's next recording; a page reads its own rows unit by unit, the
    waiting ones by the queue's index, the moved-on ones only for the units that have any."""

    summary_name = "council-units"

    def __init__(self, stage: Stage, meeting: CouncilMeeting | None):
        super().__init__(stage)
        self.meeting = meeting
        if meeting is not None:
            self.filters = {"meeting": meeting_version(meeting)}

    def moved_on(self):
        """The nominations the meeting voted on that no longer wait at the stage."""
        if self.meeting is None:
            return Nomination.objects.none()
        return (
            Nomination.objects.filter(round_id=self.stage.round_id, pk__in=self.meeting.votes.values("nomination_id"))
            .exclude(stage=self.stage, status=Status.IN_REVIEW)
            .order_by()
        )

    def _read_units(self) -> list[tuple[int, int, int]]:
        waiting = dict(self.per_unit_counts())
        moved = dict(self.moved_on().values_list("proposing_unit_id").annotate(n=Count("id")).order_by())
        return [(pk, waiting.get(pk, 0) + moved.get(pk, 0), moved.get(pk, 0)) for pk in _by_unit_name({*waiting, *moved})]

    def _moved_on_of(self, unit_id: int):
        return self.moved_on().filter(proposing_unit_id=unit_id).order_by("kind", "id")

    def _rows_of_units(self, units) -> list:
        rows = super()._rows_of_units(units)
        with_moved = [unit_id for unit_id, _n, moved in units if moved]
        if with_moved:
            rows += self.moved_on().filter(proposing_unit_id__in=with_moved).only(*QUEUE_ROW_FIELDS)
        return rows

    def _unit_slice(self, unit, low: int, high: int) -> list:
        unit_id, n, moved = unit
        if not moved:
            return super()._unit_slice(unit, low, high)
        if moved == n:
            return list(self._moved_on_of(unit_id).only(*QUEUE_ROW_FIELDS)[low:high])
        # Both kinds in one unit: the first `high` keys of each, merged in the page's order.
        keys = sorted([
            *self.unit_rows(unit_id).values_list("kind", "id")[:high],
            *self._moved_on_of(unit_id).values_list("kind", "id")[:high],
        ])[low:high]
        return list(Nomination.objects.filter(pk__in=[pk for _kind, pk in keys]).only(*QUEUE_ROW_FIELDS))

    def _finish(self, rows: list) -> list:
        stages = stages_of(self.stage.round)  # where a moved-on row went
        for nomination in rows:
            if nomination.stage_id is not None:
                nomination.stage = stages.by_pk(nomination.stage_id)
        return super()._finish(rows)


def queue_rows(stage: Stage, user, **filters) -> QueueRows:
    return QueueRows(stage, user, **filters)


def unit_vote_of(nomination):
    """The unit council's outcome for an annotated queue row (no query), or None if not voted."""
    if getattr(nomination, "unit_votes_for", None) is None or not nomination.unit_members_total:
        return None
    meeting = SimpleNamespace(members_total=nomination.unit_members_total, members_present=nomination.unit_members_present)
    return vote_outcome(meeting, nomination.unit_votes_for, nomination.award_form.vote_rule)


def queue_filter_choices(stage: Stage) -> dict[str, list[tuple[int, str]]]:
    """The queue's filters' choices, (id, label) in display order: the categories of the nominees
    and the proposing units with a nomination waiting at the stage (one semi-join each over the
    stage's index), the round's award forms. Kept until the next nomination event (stage_summary):
    a page view reads none of them."""
    def read():
        waiting = Nomination.objects.filter(stage=stage, status=Status.IN_REVIEW).order_by()
        categories = UnitCategory.objects.filter(
            pk__in=Unit.objects.filter(pk__in=waiting.values("nominee_unit_id")).values("category_id")
        ).order_by("order", "code")
        units = Unit.objects.filter(pk__in=waiting.values("proposing_unit_id")).order_by("name")
        return {
            "categories": [(c.pk, str(c)) for c in categories],
            "award_forms": [(f.pk, str(f)) for f in stage.round.award_forms.order_by("order")],
            "proposing_units": [(u.pk, str(u)) for u in units],
        }

    return stage_summary(stage, None, "filter-choices", read)


RETURNED_COUNTED = 100


def returned_from_stage(stage: Stage, user):
    """The latest returns this stage made whose nomination still waits for its unit (no later
    return by another stage), newest first, as events with their nomination: read in the order of
    the index (from_stage, action, at, id), so showing the first ones and counting up to
    RETURNED_COUNTED stop early whatever the number of returns."""
    later_return = NominationEvent.objects.filter(nomination_id=OuterRef("nomination_id"), action="return").filter(
        Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), id__gt=OuterRef("id"))
    )
    return (
        NominationEvent.objects.filter(
            on_related(visible_in_round_q(user, stage.round), "nomination__"),
            action="return",
            from_stage=stage,
            nomination__round_id=stage.round_id,
            nomination__status=Status.RETURNED,
        )
        .filter(~Exists(later_return))
        .select_related("nomination__proposing_unit", "nomination__nominee_unit")
        .order_by("-at", "-id")
    )


class ReturnedSummary(NamedTuple):
    first: list  # the first nominations returned by the stage, newest return first
    count: int  # how many, counted up to RETURNED_COUNTED
    more: bool  # whether there are more than RETURNED_COUNTED


def returned_summary(stage: Stage, user, *, shown: int = 20) -> ReturnedSummary:
    """The first `shown` nominations returned by the stage, how many, whether there are more
    than RETURNED_COUNTED: what the queue shows of them, bounded."""
    def read():
        returns = returned_from_stage(stage, user)
        first = [event.nomination for event in returns[:shown]]
        # Counted by reading at most RETURNED_COUNTED + 1 ids in the index's order (a COUNT(*) would
        # let PostgreSQL join every return before stopping).
        count = len(first) if len(first) < shown else len(returns.values_list("pk", flat=True)[: RETURNED_COUNTED + 1])
        return first, min(count, RETURNED_COUNTED), count > RETURNED_COUNTED

    return ReturnedSummary(*stage_summary(stage, user, "returned", read, shown))


# --- Councils, extensions, decisions -----------------------------------------------------------


def stage_meeting(stage: Stage) -> CouncilMeeting | None:
    if stage.organisation_id is None:
        return None
    return CouncilMeeting.objects.filter(stage=stage, unit_id=stage.organisation_id).first()


def stage_council_counts(stage: Stage, meeting: CouncilMeeting | None) -> tuple[int | None, dict[int, int]]:
    """What the stage council's form shows of its recorded votes, whatever their number: the
    common count (nominations.council.common_count, from one GROUP BY over the votes) and the own
    counts of the nominations waiting at the stage that differ from it. Kept until the next
    nomination event or the meeting's next recording (stage_summary)."""
    if meeting is None:
        return None, {}

    def read():
        common = common_count(dict(meeting.votes.order_by().values_list("votes_for").annotate(n=Count("id"))))
        own = meeting.votes.filter(nomination__stage=stage, nomination__status=Status.IN_REVIEW).exclude(votes_for=common)
        return common, dict(own.order_by().values_list("nomination_id", "votes_for"))

    return stage_summary(stage, None, "council-counts", read, meeting_version(meeting))


def council_rows_page(stage: Stage, meeting: CouncilMeeting | None, number, per_page: int | None):
    """A page of the stage council's results (every row when `per_page` is None): each nomination
    the stage's meeting voted on and each nomination waiting at the stage, in the forms' order
    (CouncilResultRows), as (nomination, votes_for, outcome, moved_on): the share of all members
    against the award form's vote rule. Reading a page costs the same whatever the number of
    rows: their count is kept, the page's rows and votes are read alone."""
    from django.core.paginator import Paginator

    results = CouncilResultRows(stage, meeting)
    page = Paginator(results, per_page or max(results.count(), 1)).get_page(number)
    shown = list(page.object_list)
    votes = dict(meeting.votes.filter(nomination__in=[n.pk for n in shown]).values_list("nomination_id", "votes_for")) if meeting else {}
    rows = []
    for nomination in shown:
        votes_for = votes.get(nomination.pk)
        outcome = (
            vote_outcome(meeting, votes_for, nomination.award_form.vote_rule) if meeting is not None and votes_for is not None else None
        )
        moved_on = not (nomination.stage_id == stage.pk and nomination.status == Status.IN_REVIEW)
        rows.append(SimpleNamespace(nomination=nomination, votes_for=votes_for, outcome=outcome, moved_on=moved_on))
    page.object_list = rows
    return page


def _waiting_in_order(stage: Stage):
    """The nominations waiting at the stage in the order its forms list them."""
    return Nomination.objects.filter(round_id=stage.round_id, stage=stage, status=Status.IN_REVIEW).order_by(
        "proposing_unit__name", "kind", "id"
    )


def stage_nominations(stage: Stage) -> list[Nomination]:
    """Every nomination waiting at the stage (for the council and the decision forms), with their
    units and award forms shared between rows (share_related)."""
    return share_related(list(_waiting_in_order(stage)), stage.round_id)


def waiting_page(stage: Stage, number, per_page: int):
    """One page of the nominations waiting at the stage, for the decision and council forms
    (WaitingRows: the page's rows read by the queue's index, their units and award forms shared),
    whatever the number waiting."""
    from django.core.paginator import Paginator

    return Paginator(WaitingRows(stage), per_page).get_page(number)


def stage_has_proposals(stage: Stage) -> bool:
    """Whether a nomination waiting at the stage is for an award form proposed upward."""
    from campaigns.models import AwardOutcome

    return Nomination.objects.filter(
        stage=stage, status=Status.IN_REVIEW, award_form__outcome=AwardOutcome.PROPOSE
    ).exists()


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


def recorded_decisions(round_, final: Stage) -> list[AwardDecision]:
    """decisions_of(round_) as a list, kept until the next nomination event (stage_summary of the
    final stage): the number each decision awarded is a count over its nominations, which grows
    with the round, and changes only when a nomination moves (a decision recorded moves each of
    its nominations through advance())."""
    return stage_summary(final, None, "decisions", lambda: list(decisions_of(round_)))


def decision_nominations(decision: AwardDecision):
    """The nominations a decision awarded (or proposed higher), in the decision's order; what a row
    shows of each only: a page's units and award forms come from share_related()."""
    return (
        decision.nominations.filter(status__in=(Status.AWARDED, Status.PROPOSED))
        .only(*QUEUE_ROW_FIELDS, "decision")  # the related manager sets each row's decision
        .order_by("award_form__order", "kind", "proposing_unit__name", "id")
    )


def quota_usage_with_waiting(stage) -> list:
    """The round's quota use past `stage` (nominations.quotas.quota_usage), each row also counting the
    nominations waiting in the stage's queue under the same rule and group (`waiting`): what the
    reviewer approved and what it still may approve. One count per rule and group, read only;
    kept until the next nomination event (stage_summary)."""
    return stage_summary(stage, None, "quotas", lambda: _quota_usage_with_waiting(stage))


def _quota_usage_with_waiting(stage) -> list:
    from nominations.quotas import quota_usage
    from quotas.limits import rule_filter
    from quotas.models import QuotaScope

    rows = quota_usage(stage.round, past_stage_order=stage.order)
    queued = Q(stage=stage, status=Status.IN_REVIEW)
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
