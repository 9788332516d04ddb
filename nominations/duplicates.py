"""Likely duplicates: the same person proposed more than once in a round.

Two individual nominations are likely the same person when they share the personal identifier, or
when their names are the same once normalised (Unicode NFC, spaces collapsed, case folded), with the
same year of birth and the same unit of work, whatever identifiers were typed. Only nominations the
viewer may see are compared (nominations.rules.visible_nominations_q), rejected ones aside."""
from __future__ import annotations

import unicodedata

from django.db.models import Q

from campaigns.models import NomineeKind
from nominations.models import Nomination, Status
from nominations.rules import visible_nominations_q


def normalised_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name or "").split()).casefold()


def _person_key(nomination):
    if not nomination.full_name or nomination.birth_year is None:
        return None
    return (nomination.round_id, normalised_name(nomination.full_name), nomination.birth_year, nomination.nominee_unit_id)


def likely_duplicates(nominations, user) -> dict[int, list[Nomination]]:
    """For each of `nominations` (a page of them), the other nominations of its round the user may
    see that are likely the same person. One query, whatever the number of nominations."""
    individuals = [n for n in nominations if n.kind == NomineeKind.INDIVIDUAL]
    if not individuals:
        return {}
    identifiers = {n.person_identifier for n in individuals if n.person_identifier}
    keyed = [n for n in individuals if _person_key(n)]
    match = Q(person_identifier__in=identifiers) if identifiers else Q(pk__in=[])
    if keyed:
        match |= Q(birth_year__in={n.birth_year for n in keyed}, nominee_unit_id__in={n.nominee_unit_id for n in keyed})
    candidates = (
        Nomination.objects.filter(visible_nominations_q(user), match, round_id__in={n.round_id for n in individuals}, kind=NomineeKind.INDIVIDUAL)
        .exclude(status=Status.REJECTED)
        .select_related("proposing_unit", "nominee_unit", "award_form")
        .order_by("pk")
    )
    by_key, by_identifier = {}, {}
    for candidate in candidates:
        key = _person_key(candidate)
        if key:
            by_key.setdefault(key, []).append(candidate)
        if candidate.person_identifier:
            by_identifier.setdefault((candidate.round_id, candidate.person_identifier), []).append(candidate)
    found = {}
    for nomination in individuals:
        same = by_key.get(_person_key(nomination), []) if _person_key(nomination) else []
        if nomination.person_identifier:
            same = same + by_identifier.get((nomination.round_id, nomination.person_identifier), [])
        others = list({c.pk: c for c in same if c.pk != nomination.pk}.values())
        if others:
            found[nomination.pk] = others
    return found
