"""Quota rules: which rules bind a nomination, how many places are used, and the check that
runs inside an approval's transaction under a row lock on the rules."""
from dataclasses import dataclass

from django.db.models import Count, Q

from quotas.models import QuotaCategoryOf, QuotaNomineeKind, QuotaRule, QuotaScope, QuotaStep

# A nomination holds a place once it has moved past a stage and is still alive.
COUNTED_STATUSES = ("in_review", "awarded", "proposed")
# What rule_matches() and rule_filter() read of a rule: prefetch it, and they make no query.
RULE_PREFETCH = ("categories", "excluded_categories", "exceptions")


class QuotaExceeded(Exception):
    def __init__(self, rule, used, limit, group_name=""):
        self.rule, self.used, self.limit, self.group_name = rule, used, limit, group_name
        where = f" ({group_name})" if group_name else ""
        super().__init__(
            f"Vượt số lượng khen thưởng: {rule.label or rule}{where} — đã dùng {used}/{limit}. Nguồn: {rule.source}."
        )


def passed_stage_q(stage_order: int) -> Q:
    """Nominations that have moved past the stage with this order."""
    return Q(stage__order__gt=stage_order, status="in_review") | Q(status__in=("awarded", "proposed"))


def passed_stage_of_q(stages, stage_order: int) -> Q:
    """passed_stage_q for a round whose stages are known (`stages`): the same rows, without a
    join to the stages in every count."""
    later = [s.pk for s in stages if s.order > stage_order]
    return Q(stage_id__in=later, status="in_review") | Q(status__in=("awarded", "proposed"))


def rule_matches(rule: QuotaRule, nomination) -> bool:
    if rule.award_form_id != nomination.award_form_id:
        return False
    if rule.nominee_kind != QuotaNomineeKind.EITHER and rule.nominee_kind != nomination.kind:
        return False
    category_ids = {c.pk for c in rule.categories.all()}
    unit = nomination.proposing_unit if rule.category_of == QuotaCategoryOf.PROPOSING_UNIT else nomination.nominee_unit
    if category_ids and unit.category_id not in category_ids:
        return False
    if rule.level and unit.level != rule.level:
        return False
    return nomination.nominee_unit.category_id not in {c.pk for c in rule.excluded_categories.all()}


def round_quota_rules(round_ids) -> list[QuotaRule]:
    """The rules (definitions only, never the places used) of these rounds, in their order, with
    categories and exceptions prefetched: what rules_binding() and simulate_batch() judge by."""
    return list(
        QuotaRule.objects.filter(round_id__in=round_ids).order_by("order", "pk").prefetch_related(*RULE_PREFETCH)
    )


def rules_binding(nomination, *, moving_past, first_stage_order, rules=None) -> list[QuotaRule]:
    """The round's rules that limit moving `nomination` past the stage of order `moving_past`.

    `rules`: the round's rules already read for this operation (round_quota_rules(), e.g. through
    workflow.RoundRules); without them they are read here."""
    if rules is None:
        rules = (
            QuotaRule.objects.filter(round_id=nomination.round_id).order_by("order", "pk").prefetch_related(*RULE_PREFETCH)
        )
    return [
        rule
        for rule in rules
        if rule.round_id == nomination.round_id
        and rule_binds(rule, nomination, moving_past=moving_past, first_stage_order=first_stage_order)
    ]


def rule_binds(rule: QuotaRule, nomination, *, moving_past, first_stage_order) -> bool:
    """Whether `rule` limits moving `nomination` past the stage of order `moving_past` (no query
    when the rule's categories are prefetched)."""
    if rule.binds_at == QuotaStep.REVIEW and moving_past == first_stage_order:
        return False
    return rule_matches(rule, nomination)


def rule_filter(rule: QuotaRule) -> Q:
    q = Q(round_id=rule.round_id, award_form_id=rule.award_form_id)
    if rule.nominee_kind != QuotaNomineeKind.EITHER:
        q &= Q(kind=rule.nominee_kind)
    unit = "proposing_unit" if rule.category_of == QuotaCategoryOf.PROPOSING_UNIT else "nominee_unit"
    category_ids = [c.pk for c in rule.categories.all()]
    if category_ids:
        q &= Q(**{f"{unit}__category_id__in": category_ids})
    if rule.level:
        q &= Q(**{f"{unit}__level": rule.level})
    excluded = [c.pk for c in rule.excluded_categories.all()]
    if excluded:
        q &= ~Q(nominee_unit__category_id__in=excluded)
    return q


def group_of(rule: QuotaRule, nomination):
    """(filter, unit) of the group the rule counts `nomination` in: everyone, its proposing unit, or its parent."""
    if rule.scope == QuotaScope.UNIT:
        return Q(proposing_unit_id=nomination.proposing_unit_id), nomination.proposing_unit
    if rule.scope == QuotaScope.PARENT_UNIT:
        parent = nomination.nominee_unit.parent
        return Q(nominee_unit__parent_id=nomination.nominee_unit.parent_id), parent
    return Q(), None


def limit_for(rule: QuotaRule, unit) -> int:
    if unit is not None:
        for exception in rule.exceptions.all():
            if exception.unit_id == unit.pk:
                return exception.limit
    return rule.limit


def check_quotas(nomination, *, moving_past, first_stage_order, rules=None):
    """Raise QuotaExceeded if moving `nomination` past stage `moving_past` would break a rule.

    Call inside the transition's transaction: the rules' rows are locked (SELECT ... FOR UPDATE),
    so two reviewers taking the last place at once are serialised and the second is refused.
    `rules` (the round's rule definitions read once for an operation) spares reading them again;
    the places used are counted here, after the lock, in every case."""
    from nominations.models import Nomination

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


@dataclass
class QuotaUsage:
    rule: QuotaRule
    used: int
    limit: int
    unit_name: str = ""

    @property
    def left(self):
        return self.limit - self.used

    @property
    def percent(self):
        return min(100, round(100 * self.used / self.limit)) if self.limit else 100

    @property
    def over(self):
        return self.used > self.limit


def quota_usage(round_, *, past_stage_order: int) -> list[QuotaUsage]:
    """Every rule of the round with used/limit among nominations past the given stage.
    Rules counted per unit give one row per unit that uses places (and the default limit row).
    One aggregate query for the rules counted over the round, one per rule counted per unit,
    whatever the number of nominations."""
    from nominations.models import Nomination

    from nominations.workflow import stages_of

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
            rows.append(QuotaUsage(rule, 0, rule.limit, "mỗi đơn vị"))
    return rows


# --- Batch simulation (the bulk-approval preview) ------------------------------------------------


@dataclass
class BatchRuleEffect:
    """One rule (and, for per-unit rules, one group) touched by a batch: places used before it
    and places the batch takes."""

    rule: QuotaRule
    limit: int
    used_before: int
    unit_name: str = ""
    taken: int = 0

    @property
    def used_after(self):
        return self.used_before + self.taken

    @property
    def percent_after(self):
        return min(100, round(100 * self.used_after / self.limit)) if self.limit else 100

    @property
    def full_after(self):
        return self.used_after >= self.limit


@dataclass
class BatchPlace:
    effect: BatchRuleEffect
    position: int  # the place this nomination takes: "5" of 5


@dataclass
class BatchItem:
    nomination: object
    passes: bool
    message: str = ""
    places: list = None


@dataclass
class BatchSimulation:
    items: list
    effects: list

    @property
    def passing(self):
        return [item for item in self.items if item.passes]

    @property
    def refused(self):
        return [item for item in self.items if not item.passes]


def _group_key(rule: QuotaRule, nomination):
    if rule.scope == QuotaScope.UNIT:
        return nomination.proposing_unit_id
    if rule.scope == QuotaScope.PARENT_UNIT:
        return nomination.nominee_unit.parent_id
    return None


def _counted(nomination, moving_past) -> bool:
    """Whether the database already counts this nomination as past the stage (passed_stage_q in Python)."""
    if nomination.status in ("awarded", "proposed"):
        return True
    return nomination.status == "in_review" and nomination.stage.order > moving_past


def simulate_batch(nominations, moving_past, first_stage_order, *, rules=None) -> BatchSimulation:
    """What check_quotas would say if `nominations` were moved past stage `moving_past` one after
    another, in the given order: each one that passes takes its place before the next is judged.

    Reads only (one count per rule and group touched). Pass only the nominations that clear every
    other check: one refused for another reason takes no place. It gives the same verdict, and the
    same message, as check_quotas run in turn; the real check under lock stays authoritative.
    `rules`: the rounds' rule definitions already read (round_quota_rules()); read here otherwise."""
    from nominations.models import Nomination

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
        already = _counted(nomination, moving_past)
        places, refusal = [], ""
        for rule in binding:
            key = (rule.pk, _group_key(rule, nomination))
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
