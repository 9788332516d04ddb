"""How a nominee's value is judged against a criterion. Pure functions: no database access."""
from decimal import Decimal

from criteria.models import Criterion, CriterionKind, Operator

MET, NOT_MET, PENDING = "met", "not_met", "pending"

_COMPARE = {
    Operator.GTE: lambda value, threshold: value >= threshold,
    Operator.GT: lambda value, threshold: value > threshold,
    Operator.EQ: lambda value, threshold: value == threshold,
    Operator.LTE: lambda value, threshold: value <= threshold,
}


def evaluate(criterion: Criterion, *, number=None, flag=None, text="", judgement="", has_evidence=False) -> str:
    """Met, not met, or pending (awaiting a value or a reviewer's judgement)."""
    if judgement in (MET, NOT_MET):
        return judgement
    if criterion.kind == CriterionKind.PERCENTAGE:
        if number is None:
            return PENDING
        return MET if _COMPARE[criterion.operator](Decimal(number), criterion.threshold) else NOT_MET
    if criterion.kind == CriterionKind.BOOLEAN:
        if flag is None:
            return PENDING
        if not flag:
            return NOT_MET
        return PENDING if criterion.needs_evidence and not has_evidence else MET
    if criterion.kind == CriterionKind.RANKING:
        if not text:
            return PENDING
        return MET if text in criterion.accepted_values else NOT_MET
    # Evidence: the reviewing council judges; until then it waits.
    return PENDING


def summarise(criteria_and_statuses) -> tuple[str, int, int]:
    """Overall status over (criterion, status) pairs: mandatory criteria bind; an alternative
    group is met when any of its members is met. Priority criteria never bind."""
    groups: dict[str, list[str]] = {}
    met_count = total = 0
    for criterion, status in criteria_and_statuses:
        if criterion.priority:
            continue
        total += 1
        met_count += status == MET
        if not criterion.mandatory and not criterion.alternative_group:
            continue
        key = criterion.alternative_group or f"#{criterion.pk or criterion.code}"
        groups.setdefault(key, []).append(status)
    overall = MET
    for statuses in groups.values():
        if MET in statuses:
            continue
        if PENDING in statuses:
            overall = PENDING if overall != NOT_MET else overall
        else:
            overall = NOT_MET
    return overall, met_count, total
