"""Likely duplicates: the same person proposed more than once in a round.

Two individual nominations are likely the same person when they share the personal identifier, or
when their names are the same once normalised (Unicode NFC, spaces collapsed, case folded), with the
same year of birth and the same unit of work, whatever identifiers were typed. Only nominations the
viewer may see are compared (nominations.rules.visible_nominations_q), rejected ones aside."""
from __future__ import annotations

from django.db.models import Q

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


def likely_duplicates(nominations, user, round_=None) -> dict[int, list[Nomination]]:
    """For each of `nominations` (a page of them, which the user sees), the other nominations of its
    round the user may see that are likely the same person. One query, whatever the number of
    nominations, reading the page's identifiers and people in their indexes ((round,
    person_identifier) and (round, person_key)) and leaving the page's own rows out (they are
    compared with each other here): what it reads grows with the duplicates found, not with the
    page or the round. With `round_` (the round of every one of `nominations`), what the user may see
    is written for that round alone (visible_in_round_q: no subquery per row)."""
    individuals = [n for n in nominations if n.kind == NomineeKind.INDIVIDUAL]
    if not individuals:
        return {}
    identifiers = {n.person_identifier for n in individuals if n.person_identifier}
    keyed = [n for n in individuals if _person_key(n)]
    rounds = {n.round_id for n in individuals}
    # The ids of the matches, each part read by its own index ((round, person_identifier),
    # (round, person_key)) and united in one subquery: planned so by SQLite whether or not the file
    # has statistics (an OR of the two lists let an un-ANALYZEd file read the whole round by its
    # round index), and by PostgreSQL as a semi-join (an OR of two subqueries is a scan of the table).
    parts = []
    if identifiers:
        parts.append(Nomination.objects.filter(round_id__in=rounds, person_identifier__in=identifiers).order_by().values("pk"))
    if keyed:
        parts.append(Nomination.objects.filter(round_id__in=rounds, person_key__in={_person_key(n)[1] for n in keyed}).order_by().values("pk"))
    match = Q(pk__in=parts[0].union(*parts[1:])) if parts else Q(pk__in=[])
    visible = visible_in_round_q(user, round_) if round_ is not None and rounds == {round_.pk} else visible_nominations_q(user)
    candidates = list(
        Nomination.objects.filter(visible, match, kind=NomineeKind.INDIVIDUAL)
        .exclude(status=Status.REJECTED)
        .exclude(pk__in=[n.pk for n in individuals])
        .select_related("proposing_unit")
        .only(*CANDIDATE_FIELDS)
        .order_by("pk")
    )
    candidates += [n for n in individuals if n.status != Status.REJECTED]
    by_key, by_identifier = {}, {}
    for candidate in sorted(candidates, key=lambda c: c.pk):
        key = _person_key(candidate)
        if key:
            by_key.setdefault(key, []).append(candidate)
        if candidate.person_identifier:
            by_identifier.setdefault((candidate.round_id, candidate.person_identifier), []).append(candidate)
    found = {}
    for nomination in individuals:
        key = _person_key(nomination)
        same = by_key.get(key, []) if key else []
        if nomination.person_identifier:
            same = same + by_identifier.get((nomination.round_id, nomination.person_identifier), [])
        others = list({c.pk: c for c in same if c.pk != nomination.pk}.values())
        if others:
            found[nomination.pk] = others
    return found
