"""What the rows of a page share: one read of their units and award forms for a page of
nominations, whichever list they come from (the review queue, the decision and council forms and
results, the unit council page). Below both nominations.selectors and selectors_review."""
from __future__ import annotations

from campaigns.models import RoundAwardForm, Unit


def share_related(nominations, round_id: int):
    """Give `nominations` (a page of rows) their proposing unit, nominee unit (with its
    category) and award form (with its vote rule) from one read of each, shared between rows:
    two queries whatever the number of rows, a few objects rather than five per row."""
    if not nominations:
        return nominations
    unit_ids = {n.proposing_unit_id for n in nominations} | {n.nominee_unit_id for n in nominations}
    units = Unit.objects.select_related("category").order_by().in_bulk(unit_ids)
    award_forms = {f.pk: f for f in RoundAwardForm.objects.filter(round_id=round_id).select_related("vote_rule").order_by()}
    for nomination in nominations:
        nomination.proposing_unit = units[nomination.proposing_unit_id]
        nomination.nominee_unit = units[nomination.nominee_unit_id]
        nomination.award_form = award_forms[nomination.award_form_id]
    return nominations
