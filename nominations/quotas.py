"""The places nominations take under their round's quota rules: counted here, judged by the
rules of quotas.limits. The check runs inside a transition's transaction under a row lock on the
binding rules; the usage and the batch forecast only read."""
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy

from campaigns.stages import stages_of
from nominations.models import Nomination, Status
from quotas.limits import (
    RULE_PREFETCH,
    BatchItem,
    BatchPlace,
    BatchRuleEffect,
    BatchSimulation,
    QuotaExceeded,
    QuotaUsage,
    group_key,
    group_of,
    limit_for,
    round_quota_rules,
    rule_binds,
    rule_filter,
    rules_binding,
)
from quotas.models import QuotaRule, QuotaScope

EACH_UNIT = gettext_lazy("mỗi đơn vị")  # the group of a per-unit rule no unit has used yet (kept: translated when shown)

# The statuses whose nominations may hold a place (the others never count).
COUNTED_STATUSES = (Status.IN_REVIEW, Status.AWARDED, Status.PROPOSED)


def passed_stage_q(stage_order: int) -> Q:
    """Nominations that have moved past the stage with this order: they hold a place."""
    return Q(stage__order__gt=stage_order, status=Status.IN_REVIEW) | Q(status__in=(Status.AWARDED, Status.PROPOSED))


def passed_stage_of_q(stages, stage_order: int) -> Q:
    """passed_stage_q for a round whose stages are known (`stages`): the same rows, without a
    join to the stages in every count."""
    later = [s.pk for s in stages if s.order > stage_order]
    return Q(stage_id__in=later, status=Status.IN_REVIEW) | Q(status__in=(Status.AWARDED, Status.PROPOSED))


def holds_place(nomination, moving_past) -> bool:
    """Whether the database already counts this nomination as past the stage (passed_stage_q in Python)."""
    if nomination.status in (Status.AWARDED, Status.PROPOSED):
        return True
    return nomination.status == Status.IN_REVIEW and nomination.stage.order > moving_past


def check_quotas(nomination, *, moving_past, first_stage_order, rules=None):
    """Raise QuotaExceeded if moving `nomination` past stage `moving_past` would break a rule.

    Call inside the transition's transaction: the rules' rows are locked (SELECT ... FOR UPDATE),
    so two reviewers taking the last place at once are serialised and the second is refused.
    `rules` (the round's rule definitions read once for an operation) spares reading them again;
    the places used are counted here, after the lock, in every case."""
    rules = rules_binding(nomination, moving_past=moving_past, first_stage_order=first_stage_order, rules=rules)
    if not rules:
        return
    list(QuotaRule.objects.select_for_update().filter(pk__in=[r.pk for r in rules]).order_by("pk").values_list("pk"))
    for rule in rules:
        group_q, unit = group_of(rule, nomination)
        limit = limit_for(rule, unit)
        used = (
            Nomination.objects.filter(rule_filter(rule) & group_q & passed_stage_q(moving_past))
            .exclude(pk=nomination.pk)
            .count()
        )
        if used + 1 > limit:
            raise QuotaExceeded(rule, used, limit, unit.name if unit else "")


def quota_usage(round_, *, past_stage_order: int) -> list[QuotaUsage]:
    """Every rule of the round with used/limit among nominations past the given stage.
    Rules counted per unit give one row per unit that uses places (and the default limit row).
    One aggregate query for the rules counted over the round, one per rule counted per unit,
    whatever the number of nominations."""
    passed = passed_stage_of_q(stages_of(round_), past_stage_order)
    rows = []
    rules = list(
        QuotaRule.objects.filter(round=round_).select_related("award_form").prefetch_related(*RULE_PREFETCH, "exceptions__unit")
    )
    # The rules counted over the whole round: one aggregate for all of them, one pass over the
    # round's counted nominations (index (round, status, award_form, id)).
    whole_round = [rule for rule in rules if rule.scope in (QuotaScope.ROUND, QuotaScope.CATEGORY)]
    totals = (
        Nomination.objects.filter(round_id=round_.pk, status__in=COUNTED_STATUSES).aggregate(
            **{f"r{rule.pk}": Count("id", filter=rule_filter(rule) & passed) for rule in whole_round}
        )
        if whole_round
        else {}
    )
    for rule in rules:
        base = Nomination.objects.filter(rule_filter(rule) & passed)
        if rule.scope in (QuotaScope.ROUND, QuotaScope.CATEGORY):
            rows.append(QuotaUsage(rule, totals[f"r{rule.pk}"], rule.limit))
            continue
        field = "proposing_unit" if rule.scope == QuotaScope.UNIT else "nominee_unit__parent"
        groups = base.values(f"{field}_id" if rule.scope == QuotaScope.UNIT else field, f"{field}__name").annotate(n=Count("id"))
        exceptions = {e.unit_id: e for e in rule.exceptions.all()}
        seen = set()
        for group in groups.order_by(f"{field}__name"):
            unit_id = group.get(f"{field}_id", group.get(field))
            seen.add(unit_id)
            limit = exceptions[unit_id].limit if unit_id in exceptions else rule.limit
            rows.append(QuotaUsage(rule, group["n"], limit, group[f"{field}__name"] or ""))
        for unit_id, exception in exceptions.items():
            if unit_id not in seen:
                rows.append(QuotaUsage(rule, 0, exception.limit, exception.unit.name))
        if not groups:
            rows.append(QuotaUsage(rule, 0, rule.limit, EACH_UNIT))
    return rows


def simulate_batch(nominations, moving_past, first_stage_order, *, rules=None) -> BatchSimulation:
    """What check_quotas would say if `nominations` were moved past stage `moving_past` one after
    another, in the given order: each one that passes takes its place before the next is judged.

    Reads only (one count per rule and group touched). Pass only the nominations that clear every
    other check: one refused for another reason takes no place. It gives the same verdict, and the
    same message, as check_quotas run in turn; the real check under lock stays authoritative.
    `rules`: the rounds' rule definitions already read (round_quota_rules()); read here otherwise."""
    nominations = list(nominations)
    round_ids = {n.round_id for n in nominations}
    if not nominations:
        rules = []
    elif rules is None:
        rules = round_quota_rules(round_ids)
    effects: dict = {}
    items = []
    for nomination in nominations:
        binding = [
            rule for rule in rules
            if rule.round_id == nomination.round_id
            and rule_binds(rule, nomination, moving_past=moving_past, first_stage_order=first_stage_order)
        ]
        already = holds_place(nomination, moving_past)
        places, refusal = [], ""
        for rule in binding:
            key = (rule.pk, group_key(rule, nomination))
            effect = effects.get(key)
            if effect is None:
                group_q, unit = group_of(rule, nomination)
                used = Nomination.objects.filter(rule_filter(rule) & group_q & passed_stage_q(moving_past)).count()
                effect = effects[key] = BatchRuleEffect(rule, limit_for(rule, unit), used, unit.name if unit else "")
            used = effect.used_after - (1 if already else 0)
            if used + 1 > effect.limit:
                refusal = str(QuotaExceeded(rule, used, effect.limit, effect.unit_name))
                break
            places.append(BatchPlace(effect, used + 1))
        if refusal:
            items.append(BatchItem(nomination, False, refusal, []))
            continue
        if not already:
            for place in places:
                place.effect.taken += 1
        items.append(BatchItem(nomination, True, "", places))
    return BatchSimulation(items, list(effects.values()))
