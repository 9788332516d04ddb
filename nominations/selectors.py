"""Read-only queries over nominations: what a user may see, with select_related/prefetch done here,
once, so that no page issues more queries as the number of nominations grows."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, F, Max, Prefetch, Q
from django.urls import NoReverseMatch, reverse

from campaigns import clock
from campaigns.models import Membership, NomineeKind, PublicationStatus, Round, Stage, Unit
from campaigns.services.rounds import RoundState, round_state
from campaigns.stages import stages_of
from criteria.models import Criterion
from nominations.kept import kept_until_next_event, meeting_version
from nominations.models import (
    CouncilMeeting,
    CouncilVote,
    CriterionValue,
    DeadlineExtension,
    Evidence,
    Nomination,
    Registration,
    Status,
)
from nominations.rules import (
    STAGE_ROLES,
    administered_campaigns_q,
    council_unit_ids,
    officer_unit_ids,
    stage_organisation_ids,
    visible_nominations_q,
)
from nominations.related import share_related
from nominations.workflow import extended_deadline

NOMINATION_RELATED = (
    "round",
    "round__campaign",
    "stage",
    "stage__organisation",
    "award_form",
    "award_form__vote_rule",
    "proposing_unit",
    "nominee_unit",
    "nominee_unit__category",
)


# --- Nominations ---------------------------------------------------------------------------


def nominations_for_user(user, round_=None):
    """Every nomination `user` may see (rules.visible_nominations_q), ready to list."""
    queryset = Nomination.objects.filter(visible_nominations_q(user)).select_related(*NOMINATION_RELATED)
    if round_ is not None:
        queryset = queryset.filter(round=round_)
    return queryset


def nominations_of_units(unit_ids, *, rounds=None):
    """The nominations the given units propose (a unit officer's own), ready to list."""
    queryset = Nomination.objects.filter(proposing_unit_id__in=unit_ids).select_related(*NOMINATION_RELATED, "created_by")
    if rounds is not None:
        queryset = queryset.filter(round__in=rounds)
    return queryset.order_by("round_id", "stage__order", "status", "id")


def nomination_for_user(user, pk):
    """One nomination with everything the detail page shows about it (None: not visible)."""
    return (
        nominations_for_user(user)
        .select_related("decision", "created_by", "round__legal_basis", "round__campaign__issuer")
        .filter(pk=pk)
        .order_by()  # one row: not the model's order, which joins the round, stage and unit again
        .first()
    )


def criterion_values(nomination) -> dict[int, CriterionValue]:
    return {v.criterion_id: v for v in nomination.criterion_values.select_related("criterion", "judged_by")}


def evidence_of(nomination):
    return list(nomination.evidence.select_related("criterion", "uploaded_by").order_by("uploaded_at", "id"))


def evidence_criterion_ids(nomination) -> set[int]:
    return set(nomination.evidence.exclude(criterion=None).values_list("criterion_id", flat=True))


def evidence_for_user(user, pk):
    """An evidence file whose nomination `user` may see (None otherwise)."""
    visible = Nomination.objects.filter(visible_nominations_q(user)).values("pk")
    return Evidence.objects.filter(pk=pk, nomination__in=visible).first()


def council_votes_of(nomination):
    return list(
        CouncilVote.objects.filter(nomination=nomination)
        .select_related("meeting", "meeting__stage", "meeting__unit")
        .order_by("meeting__stage__order", "meeting_id")
    )


def history_of(nomination):
    return list(nomination.events.select_related("actor", "from_stage", "to_stage").order_by("at", "id"))


def same_person_elsewhere(nomination, user):
    """Other live nominations of the round with the same personal identifier (for reviewers):
    only those the user may see, never a draft (which no level has received)."""
    if nomination.kind != "individual" or not nomination.person_identifier:
        return []
    return list(
        Nomination.objects.filter(
            visible_nominations_q(user), round_id=nomination.round_id, kind="individual",
            person_identifier=nomination.person_identifier,
        )
        .exclude(pk=nomination.pk)
        .exclude(status__in=(Status.DRAFT, Status.REJECTED))
        .select_related("proposing_unit", "award_form")
    )


# --- Units and the rounds they take part in ----------------------------------------------------


def ancestor_paths(path: str) -> list[str]:
    """"/1/5/9/" → ["/1/", "/1/5/", "/1/5/9/"]: the paths of the unit and every unit above it."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def units_of(user, *, officer_only=False) -> list[Unit]:
    ids = officer_unit_ids(user) if officer_only else council_unit_ids(user)
    return list(Unit.objects.filter(pk__in=ids).select_related("category").order_by("name"))


def _with_stages(queryset):
    return queryset.select_related("campaign", "campaign__issuer", "campaign__territory", "legal_basis").prefetch_related(
        Prefetch("stages", queryset=Stage.objects.select_related("organisation").order_by("order"))
    )


def _cache_stages(rounds):
    """Read each round's stage sequence from its prefetched stages (campaigns.stages.stages_of)."""
    for round_ in rounds:
        stages_of(round_)
    return rounds


def in_territory_q(paths) -> Q:
    """Rounds whose campaign's territory (or, without one, its issuer) is one of these unit paths."""
    return Q(campaign__territory__path__in=paths) | Q(campaign__territory__isnull=True, campaign__issuer__path__in=paths)


def rounds_for_units(units) -> list[Round]:
    """Published rounds of the published campaigns whose territory contains one of `units`."""
    paths = {p for unit in units for p in ancestor_paths(unit.path)}
    if not paths:
        return []
    rounds = _with_stages(
        Round.objects.filter(in_territory_q(paths), status=PublicationStatus.PUBLISHED, campaign__status=PublicationStatus.PUBLISHED)
    ).order_by("-year", "campaign__name", "code")
    return _cache_stages(list(rounds))


def round_with_stages(round_id):
    round_ = _with_stages(Round.objects.filter(pk=round_id)).first()
    return _cache_stages([round_])[0] if round_ else None


def takes_part(unit, round_) -> bool:
    """A unit of the campaign's territory that exists in the round's period, in a published round."""
    from campaigns.services.rounds import unit_valid_in

    return round_.is_published and unit.path.startswith(round_.campaign.territory_unit.path) and unit_valid_in(unit, round_)


def visible_rounds(user):
    """Rounds a user may know about: those of their units' territories, those their organisation
    acts in, the rounds of the campaigns they administer for administrators."""
    if user.is_superuser:
        return Round.objects.all()
    paths = {p for unit in Unit.objects.filter(pk__in=council_unit_ids(user)) for p in ancestor_paths(unit.path)}
    return Round.objects.filter(
        in_territory_q(paths) | Q(stages__organisation_id__in=stage_organisation_ids(user))
        | administered_campaigns_q(user, "campaign__")
    ).distinct()


def visible_criteria(user, ids):
    return Criterion.objects.filter(pk__in=ids, round__in=visible_rounds(user))


def registrations_for(rounds, units) -> dict[tuple[int, int], Registration]:
    rows = Registration.objects.filter(round__in=rounds, unit__in=units)
    return {(r.round_id, r.unit_id): r for r in rows}


def unit_deadlines(stages, units) -> dict[tuple[int, int], dt.date]:
    """(stage id, unit id) → that unit's deadline for the stage, moved by its latest extension.
    The bulk form of workflow.unit_deadline(): one query for any number of stages and units."""
    latest = (
        DeadlineExtension.objects.filter(stage__in=stages, unit__in=units)
        .values("stage_id", "unit_id")
        .annotate(latest=Max("new_deadline"))
    )
    extended = {(row["stage_id"], row["unit_id"]): row["latest"] for row in latest}
    result = {}
    for stage in stages:
        for unit in units:
            result[(stage.pk, unit.pk)] = extended_deadline(stage, extended.get((stage.pk, unit.pk)))
    return result


def council_meeting_of(round_, stage, unit):
    return CouncilMeeting.objects.filter(round=round_, stage=stage, unit=unit).first()


# What the council pages show of a nomination (its nominee's name, its award form); its units and
# award form (with its vote rule) are shared between the rows of a page (share_related).
COUNCIL_ROW_FIELDS = ("id", "round", "proposing_unit", "kind", "nominee_unit", "full_name", "award_form", "stage", "status")


def council_open_nominations(round_, unit):
    """The unit's nominations its council votes on: its drafts and returns in the round, in the
    order of the unit's pages, with the columns the council page shows (a query: the page shows a
    page of them; give the rows read to share_related)."""
    return (
        Nomination.objects.filter(round=round_, proposing_unit=unit, status__in=(Status.DRAFT, Status.RETURNED))
        .only(*COUNCIL_ROW_FIELDS)
        .order_by("stage__order", "status", "id")
    )


class MeetingVotes:
    """A meeting's votes with their nominations, in the order the results list them: collectives,
    then individuals, each in nomination order. Sliced like a list (a Paginator pages it); each
    kind's slice is read in the order of the votes' (meeting, nomination) index and stops at the
    slice's end, so a page of results reads its own rows, where ordering every vote by its
    nomination's kind would join and sort them all."""

    def __init__(self, meeting):
        self.meeting = meeting
        votes = meeting.votes.select_related("nomination").only(
            "meeting_id", "nomination_id", "votes_for", *(f"nomination__{name}" for name in COUNCIL_ROW_FIELDS)
        )
        self.parts = [votes.filter(nomination__kind=kind).order_by("nomination_id") for kind in sorted(NomineeKind.values)]

    @cached_property
    def counts(self) -> list[int]:
        """The votes of each kind: all but the last counted, the last the rest of the meeting's
        votes (the most numerous kind, individuals, is then not joined to be counted). Counting a
        kind joins every vote of the meeting to its nomination: kept until the next nomination
        event or the meeting's next recording."""
        def count():
            counts = [part.count() for part in self.parts[:-1]]
            return [*counts, self.meeting.votes.count() - sum(counts)]

        return kept_until_next_event("meeting-votes", count, meeting_version(self.meeting))

    def count(self) -> int:
        return sum(self.counts)

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        for part in self.parts:
            yield from self._shared(list(part))

    def _shared(self, votes):
        share_related([vote.nomination for vote in votes], self.meeting.round_id)
        return votes

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("MeetingVotes reads slices of consecutive votes only.")
        start, stop, _step = index.indices(self.count())
        rows, offset = [], 0
        for part, size in zip(self.parts, self.counts):
            low, high = max(start - offset, 0), min(stop - offset, size)
            if low < high:
                rows.extend(part[low:high])
            offset += size
        return self._shared(rows)


def votes_of_meeting(meeting, nominations) -> dict[int, int]:
    """nomination id -> votes for, of the meeting's votes on `nominations` (ids, or a query of them)."""
    if meeting is None:
        return {}
    return dict(meeting.votes.filter(nomination__in=nominations).values_list("nomination_id", "votes_for"))


# --- What the home page and a unit's round page show ---------------------------------------------


@dataclass
class Deadline:
    label: str
    day: dt.date
    today: dt.date
    extended: bool = False

    @property
    def days_left(self) -> int:
        return (self.day - self.today).days

    @property
    def past(self) -> bool:
        return self.days_left < 0


# A unit's page lists at most this many nominations of each group (drafts, returned, each stage,
# each outcome), with the group's total: a ministry proposing thousands gets the same page.
GROUP_ROWS = 50


@dataclass
class NominationGroup:
    key: tuple
    label: str
    status: str
    nominations: list = field(default_factory=list)
    total: int = 0

    @property
    def cut(self) -> bool:
        return self.total > len(self.nominations)


@dataclass
class UnitRound:
    """One round as one unit takes part in it."""

    round: Round
    unit: Unit
    registration: Registration | None
    deadlines: list[Deadline]
    submit_deadline: Deadline
    groups: list[NominationGroup]

    @property
    def next_deadline(self) -> Deadline | None:
        return next((d for d in self.deadlines if not d.past), None)

    @property
    def state(self):
        """campaigns.services.rounds.round_state with this unit's own deadlines."""
        from campaigns.services.rounds import round_state

        return round_state(self.round, today=self.deadlines[0].today if self.deadlines else None, deadlines=[d.day for d in self.deadlines])

    @property
    def is_live(self) -> bool:
        from campaigns.services.rounds import RoundState

        return self.state == RoundState.LIVE

    @property
    def registration_open(self) -> bool:
        day = self.round.registration_deadline
        return day is None or not clock.is_past(day)

    @property
    def nomination_count(self) -> int:
        return sum(g.total for g in self.groups)


_UNIT_ORDER = {Status.DRAFT: 0, Status.RETURNED: 1}
_FINAL_ORDER = {Status.AWARDED: 0, Status.PROPOSED: 1, Status.NOT_AWARDED: 2, Status.REJECTED: 3}


def group_key(status: str, stage_order: int) -> tuple:
    """Where a nomination is listed: drafts and returns first, then each review stage, then outcomes."""
    if status == Status.IN_REVIEW:
        return (1, stage_order)
    if status in _UNIT_ORDER:
        return (0, _UNIT_ORDER[status])
    return (2, _FINAL_ORDER.get(status, 9))


def group_nominations(nominations, totals=None, *, limit=None) -> list[NominationGroup]:
    """Nominations by where they are (group_key), at most `limit` in each group; `totals`
    (group key → number) gives each group's size when the rows are only its first ones."""
    groups: dict[tuple, NominationGroup] = {}
    labels = dict(Status.choices)
    for nomination in nominations:
        key = group_key(nomination.status, nomination.stage.order)
        group = groups.get(key)
        if group is None:
            label = f"Đang xét — {nomination.stage.name}" if nomination.status == Status.IN_REVIEW else str(
                labels.get(nomination.status, nomination.status)
            )
            group = groups[key] = NominationGroup(key, label, nomination.status)
        if limit is None or len(group.nominations) < limit:
            group.nominations.append(nomination)
        group.total += 1
    for key, group in groups.items():
        if totals is not None:
            group.total = totals.get(key, group.total)
    return [groups[k] for k in sorted(groups)]


# What a row of a unit's page shows: the nomination's own columns, with the names it shows of its
# nominee unit, award form and author joined in the same query (a unit's page lists up to
# GROUP_ROWS rows of each group; reading eleven related objects for each of them cost more than
# the rest of the page). Its stage comes from the round's stage sequence (unit_rounds).
UNIT_ROW_FIELDS = (
    "id", "round", "proposing_unit", "kind", "nominee_unit", "full_name", "award_form", "stage", "status",
    "criteria_status", "criteria_met", "criteria_total", "outcome_reason", "created_by", "created_at",
)


def unit_group_counts_query(unit_ids, *, rounds):
    """(round_id, proposing_unit_id, status, stage_id, n): the units' nominations counted where they
    are, one aggregate read from the index nomination_unit_group_idx alone, never the rows."""
    return (
        Nomination.objects.filter(round__in=rounds, proposing_unit_id__in=unit_ids)
        .order_by()
        .values_list("round_id", "proposing_unit_id", "status", "stage_id")
        .annotate(n=Count("id"))
    )


def unit_group_counts(unit_ids, *, rounds) -> dict[tuple, int]:
    """(round_id, proposing_unit_id, status, stage_id) → the number of the units' nominations there."""
    return {
        (round_id, unit_id, status, stage_id): n
        for round_id, unit_id, status, stage_id, n in unit_group_counts_query(unit_ids, rounds=rounds)
    }


# A UNION ALL of more parts than this is split (SQLite allows 500 terms in a compound SELECT).
_UNION_PARTS = 100


def first_nominations_query(unit_ids, *, rounds, limit=GROUP_ROWS, groups=None):
    """The first `limit` nominations of each unit, round, status and stage, ready to list: the ids
    of each (round, unit, status, stage) in `groups` (unit_group_counts' keys; read here when not
    given), each group's read stopping at `limit` in the index nomination_unit_group_idx, in one
    UNION ALL; the rows are then read for those ids only, with `nominee_unit_name`,
    `award_form_name` and the author's `author_first_name`, `author_last_name`,
    `author_username` (UNIT_ROW_FIELDS)."""
    if groups is None:
        groups = unit_group_counts(unit_ids, rounds=rounds)
    groups = sorted(groups)
    if not groups:
        return Nomination.objects.none()
    # Each part is "the ids among the group's first `limit`": a compound SELECT's parts cannot
    # carry their own LIMIT on SQLite, a subquery of theirs can.
    parts = [
        Nomination.objects.filter(
            pk__in=Nomination.objects.filter(round_id=round_id, proposing_unit_id=unit_id, status=status, stage_id=stage_id)
            .order_by("id")
            .values("pk")[:limit]
        )
        .order_by()
        .values("pk")
        for round_id, unit_id, status, stage_id in groups
    ]
    wanted = None
    for i in range(0, len(parts), _UNION_PARTS):
        chunk = parts[i : i + _UNION_PARTS]
        these = Q(pk__in=chunk[0].union(*chunk[1:], all=True) if len(chunk) > 1 else chunk[0])
        wanted = these if wanted is None else wanted | these
    return (
        Nomination.objects.filter(wanted)
        .only(*UNIT_ROW_FIELDS)
        .annotate(
            nominee_unit_name=F("nominee_unit__name"),
            award_form_name=F("award_form__name"),
            author_first_name=F("created_by__first_name"),
            author_last_name=F("created_by__last_name"),
            author_username=F("created_by__username"),
        )
        .order_by("round_id", "stage__order", "status", "id")
    )


def first_nominations_of_units(unit_ids, *, rounds, limit=GROUP_ROWS):
    """(rows, totals) for the units' pages: first_nominations_query() and the number in each
    (round, unit, group key). Two queries whatever the number of nominations: the counts (one
    aggregate over an index), then the first rows of each group that has any."""
    counts = unit_group_counts(unit_ids, rounds=rounds)
    stage_order = {stage.pk: stage.order for round_ in rounds for stage in stages_of(round_)}
    totals = defaultdict(int)
    for (round_id, unit_id, status, stage_id), n in counts.items():
        totals[(round_id, unit_id, group_key(status, stage_order[stage_id]))] += n
    listed = first_nominations_query(unit_ids, rounds=rounds, limit=limit, groups=counts) if counts else []
    return list(listed), totals


def unit_rounds(units, rounds=None) -> list[UnitRound]:
    """For each unit, each round it takes part in: deadlines with days left, registration, and its
    nominations grouped by stage and status (the first GROUP_ROWS of each group, with the
    group's total). A fixed number of queries whatever the nominations."""
    units = list(units)
    rounds = rounds_for_units(units) if rounds is None else rounds
    if not units or not rounds:
        return []
    today = clock.today()
    all_stages = [s for r in rounds for s in stages_of(r)]
    deadlines = unit_deadlines(all_stages, units)
    registrations = registrations_for(rounds, units)
    by_round_unit = defaultdict(list)
    rows, totals = first_nominations_of_units([u.pk for u in units], rounds=rounds, limit=GROUP_ROWS)
    stages_by_id = {stage.pk: stage for stage in all_stages}
    for nomination in rows:
        nomination.stage = stages_by_id[nomination.stage_id]
        by_round_unit[(nomination.round_id, nomination.proposing_unit_id)].append(nomination)
    result = []
    for round_ in rounds:
        stages = stages_of(round_)
        if not stages:
            continue
        for unit in units:
            if not takes_part(unit, round_):
                continue
            registration = registrations.get((round_.pk, unit.pk))
            rows = []
            if round_.registration_deadline and registration is None:
                rows.append(Deadline("Hạn đăng ký thi đua", round_.registration_deadline, today))
            submit = None
            for stage in stages:
                day = deadlines[(stage.pk, unit.pk)]
                label = f"Hạn gửi hồ sơ ({stage.name})" if stages.is_first(stage) else stage.name
                row = Deadline(label, day, today, extended=day != stage.deadline)
                submit = submit or row
                rows.append(row)
            rows.sort(key=lambda d: d.day)
            groups = group_nominations(
                by_round_unit.get((round_.pk, unit.pk), []),
                {key[2]: n for key, n in totals.items() if key[:2] == (round_.pk, unit.pk)},
                limit=GROUP_ROWS,
            )
            result.append(UnitRound(round_, unit, registration, rows, submit, groups))
    result.sort(key=lambda ur: (not ur.is_live, -ur.round.year, ur.round.campaign.name, ur.unit.name))
    return result


# --- What a reviewer's home shows --------------------------------------------------------------


@dataclass
class ReviewStage:
    stage: Stage
    waiting: int
    queue_url: str
    is_live: bool
    quotas: list = field(default_factory=list)
    deadline: dt.date | None = None  # the organisation's deadline at the stage, extensions included

    @property
    def expired(self) -> bool:
        """Past the organisation's deadline at the stage: its queue can be read, nothing done in it."""
        return self.deadline is not None and clock.is_past(self.deadline)


def queue_url(round_id: int, order: int) -> str:
    """The reviewer queue (another module's URL 'review_queue'); its plain path until it exists."""
    try:
        return reverse("review_queue", args=[round_id, order])
    except NoReverseMatch:
        return f"/xet/{round_id}/{order}/"


def review_stages(user, *, with_quotas=True) -> list[ReviewStage]:
    """The stages where `user`'s organisation acts, with the number of nominations waiting there
    and, for rounds still running, the quota usage among those moved past the stage."""
    memberships = Membership.objects.filter(user=user, role__in=[r for roles in STAGE_ROLES.values() for r in roles])
    wanted = Q(pk__in=[])
    for role_unit, role in memberships.values_list("unit_id", "role"):
        actions = [action for action, roles in STAGE_ROLES.items() if role in roles]
        wanted |= Q(organisation_id=role_unit, action__in=actions)
    stages = list(
        Stage.objects.filter(wanted)
        .select_related("round", "round__campaign", "organisation")
        .order_by("-round__year", "round__campaign__name", "order")
    )
    if not stages:
        return []
    waiting = dict(
        Nomination.objects.filter(stage__in=stages, status=Status.IN_REVIEW)
        .values("stage_id")
        .annotate(n=Count("id"))
        .values_list("stage_id", "n")
    )
    last_deadline = dict(
        Stage.objects.filter(round_id__in={s.round_id for s in stages})
        .values("round_id")
        .annotate(last=Max("deadline"))
        .values_list("round_id", "last")
    )
    extended = dict(
        DeadlineExtension.objects.filter(stage__in=stages, unit_id=F("stage__organisation_id"))
        .values("stage_id")
        .annotate(latest=Max("new_deadline"))
        .values_list("stage_id", "latest")
    )
    today = clock.today()
    result = []
    for stage in stages:
        live = round_state(stage.round, today=today, deadlines=[last_deadline.get(stage.round_id, stage.deadline)]) == RoundState.LIVE
        deadline = max(stage.deadline, extended.get(stage.pk) or stage.deadline)
        row = ReviewStage(stage, waiting.get(stage.pk, 0), queue_url(stage.round_id, stage.order), live, deadline=deadline)
        if with_quotas and live:
            from nominations.selectors_review import quota_usage_with_waiting

            row.quotas = quota_usage_with_waiting(stage)  # what it approved, and what waits in its queue
        result.append(row)
    result.sort(key=lambda r: (not r.is_live, -r.stage.round.year, r.stage.round.campaign.name, r.stage.order))
    return result


def event_names(events) -> dict[str, dict]:
    """Names for the ids recorded in events' changes (units, award forms), in two queries at most."""
    from campaigns.models import RoundAwardForm

    unit_ids, form_ids = set(), set()
    for event in events:
        for key, pair in (event.changes or {}).items():
            target = unit_ids if key == "nominee_unit_id" else form_ids if key == "award_form_id" else None
            if target is not None:
                target.update(v for v in pair if isinstance(v, int))
    return {
        "nominee_unit_id": dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name")) if unit_ids else {},
        "award_form_id": dict(RoundAwardForm.objects.filter(pk__in=form_ids).values_list("pk", "name")) if form_ids else {},
    }



@dataclass
class QuotaPlace:
    """One quota rule the nomination would take a place under at submission: places used by the
    nominations already past the unit's stage, the limit, and the refusal it would meet when full."""

    rule: object
    used: int
    limit: int
    unit_name: str = ""
    refusal: str = ""

    @property
    def full(self) -> bool:
        return self.used + 1 > self.limit


def quota_places_at_submission(nomination, *, rules=None) -> list[QuotaPlace]:
    """The quota rules binding the nomination's submission, counted as "Gửi hồ sơ" would count them
    (quotas.limits and nominations.quotas, read only, without the lock: the transition counts again under it).
    `rules`: the round's quota rules already read (workflow.RoundRules.quota_rules)."""
    from nominations.quotas import passed_stage_q
    from quotas.limits import QuotaExceeded, group_of, limit_for, rule_filter, rules_binding

    order = stages_of(nomination.round).first.order
    places = []
    for rule in rules_binding(nomination, moving_past=order, first_stage_order=order, rules=rules):
        group_q, unit = group_of(rule, nomination)
        limit = limit_for(rule, unit)
        used = Nomination.objects.filter(rule_filter(rule) & group_q & passed_stage_q(order)).exclude(pk=nomination.pk).count()
        unit_name = unit.name if unit else ""
        place = QuotaPlace(rule, used, limit, unit_name)
        if place.full:
            place.refusal = str(QuotaExceeded(rule, used, limit, unit_name))
        places.append(place)
    return places
