"""Likely duplicates: the same person proposed more than once in a round.

Two individual nominations are likely the same person when they share the personal identifier, or
when their names are the same once normalised (Unicode NFC, spaces collapsed, case folded), with the
same year of birth and the same unit of work, whatever identifiers were typed. Only nominations the
viewer may see are compared (nominations.rules.visible_nominations_q), rejected ones aside."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, ExpressionWrapper, Value, When

from campaigns.models import NomineeKind
from nominations.models import Nomination, Status, normalised_name, person_key  # noqa: F401  (normalised_name: re-exported)
from nominations.rules import visible_in_round_q, visible_nominations_q


# What a match is compared by and shows (templates/nominations/_likely_duplicates.html).
CANDIDATE_FIELDS = (
    "id", "round", "kind", "status", "full_name", "position", "person_identifier", "birth_year", "nominee_unit",
    "proposing_unit__name",
)


def _person_key(nomination):
    key = person_key(nomination.full_name, nomination.birth_year, nomination.nominee_unit_id)
    return (nomination.round_id, key) if key else None


@dataclass
class SamePeople:
    """What a page of nominations learns about the people it proposes (same_people)."""

    # For a nomination of the page: the other nominations of its round the user may see that are
    # likely the same person (rejected ones aside), in id order.
    likely_duplicates: dict[int, list[Nomination]] = field(default_factory=dict)
    # The ids of the page's individuals whose personal identifier another proposing unit of the
    # round also proposed (drafts and rejected proposals aside), whether or not the user sees that
    # proposal: the queue's "one person, two units" flag.
    proposed_elsewhere: set[int] = field(default_factory=set)


def people_matching(individuals, user, round_=None):
    """The nominations of the individuals' rounds, rejected ones and the individuals themselves
    aside, with one of their personal identifiers or person keys, each with `seen`: whether the
    user may see it. The ids are read from the two indexes ((round, person_identifier), (round,
    person_key)) and united in one subquery: planned so by SQLite whether or not the file has
    statistics (an OR of the two lists let an un-ANALYZEd file read the whole round by its round
    index), and by PostgreSQL as a semi-join (an OR of two subqueries is a scan of the table)."""
    identifiers = {n.person_identifier for n in individuals if n.person_identifier}
    keys = {key for key in (_person_key(n) for n in individuals) if key}
    rounds = {n.round_id for n in individuals}
    parts = []
    if identifiers:
        parts.append(Nomination.objects.filter(round_id__in=rounds, person_identifier__in=identifiers).order_by().values("pk"))
    if keys:
        parts.append(Nomination.objects.filter(round_id__in=rounds, person_key__in={key for _round, key in keys}).order_by().values("pk"))
    if not parts:
        return Nomination.objects.none()
    visible = visible_in_round_q(user, round_) if round_ is not None and rounds == {round_.pk} else visible_nominations_q(user)
    seen = Value(True) if not visible else Case(When(visible, then=Value(True)), default=Value(False))
    return (
        Nomination.objects.filter(pk__in=parts[0].union(*parts[1:]), kind=NomineeKind.INDIVIDUAL)
        .exclude(status=Status.REJECTED)
        .exclude(pk__in=[n.pk for n in individuals])
        .select_related("proposing_unit")
        .only(*CANDIDATE_FIELDS)
        .annotate(seen=ExpressionWrapper(seen, output_field=BooleanField()))
        .order_by("pk")
    )


def same_people(nominations, user, round_=None) -> SamePeople:
    """Likely duplicates and people proposed by another unit, for `nominations` (a page of them,
    which the user sees): one query whatever the number of nominations (people_matching), reading
    what grows with the matches found, not with the page or the round; the page's own rows are
    compared with each other here. With `round_` (the round of every one of `nominations`), what
    the user may see is written for that round alone (visible_in_round_q: no subquery per row)."""
    individuals = [n for n in nominations if n.kind == NomineeKind.INDIVIDUAL]
    if not individuals:
        return SamePeople()
    matches = list(people_matching(individuals, user, round_))
    page = [n for n in individuals if n.status != Status.REJECTED]
    by_key, by_identifier = {}, {}
    for candidate in sorted([m for m in matches if m.seen] + page, key=lambda c: c.pk):
        key = _person_key(candidate)
        if key:
            by_key.setdefault(key, []).append(candidate)
        if candidate.person_identifier:
            by_identifier.setdefault((candidate.round_id, candidate.person_identifier), []).append(candidate)
    proposers = {}
    for other in matches + page:
        if other.person_identifier and other.status != Status.DRAFT:
            proposers.setdefault((other.round_id, other.person_identifier), set()).add(other.proposing_unit_id)
    found = SamePeople()
    for nomination in individuals:
        key = _person_key(nomination)
        same = by_key.get(key, []) if key else []
        if nomination.person_identifier:
            identity = (nomination.round_id, nomination.person_identifier)
            same = same + by_identifier.get(identity, [])
            if proposers.get(identity, set()) - {nomination.proposing_unit_id}:
                found.proposed_elsewhere.add(nomination.pk)
        others = list({c.pk: c for c in same if c.pk != nomination.pk}.values())
        if others:
            found.likely_duplicates[nomination.pk] = others
    return found


def likely_duplicates(nominations, user, round_=None) -> dict[int, list[Nomination]]:
    """For each of `nominations` (a page of them, which the user sees), the other nominations of its
    round the user may see that are likely the same person (same_people)."""
    return same_people(nominations, user, round_).likely_duplicates
