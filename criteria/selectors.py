"""Which criteria apply to a nominee."""
from django.db.models import Q

from criteria.models import Criterion


def criteria_for(*, round_, nominee_kind, category, award_form):
    """The criteria of `round_` for this kind of nominee, its unit category and the award form sought."""
    return (
        Criterion.objects.filter(round=round_, nominee_kind=nominee_kind)
        .filter(Q(categories__isnull=True) | Q(categories=category))
        .filter(Q(award_forms__isnull=True) | Q(award_forms=award_form))
        .distinct()
        .order_by("order")
    )
