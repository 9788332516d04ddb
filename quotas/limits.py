"""Quota limits: which rules bind a nomination, which nominations a rule counts (as a filter),
the limit for a unit, and the shapes of a quota's use. Counting the places taken is the
nominations app's (nominations.quotas), which hands these rules the nominations to count."""
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quotas.models import QuotaAllocation, QuotaCategoryOf, QuotaNomineeKind, QuotaRule, QuotaScope, QuotaStep

# What rule_matches() and rule_filter() read of a rule: prefetch it, and they make no query.
# `mapped`: the categories an allocation maps to a share it does not name (QuotaShareMapping).
RULE_PREFETCH = ("categories", "excluded_categories", "exceptions", "mapped")


class QuotaExceeded(Exception):
    def __init__(self, rule, used, limit, group_name=""):
        self.rule, self.used, self.limit, self.group_name = rule, used, limit, group_name
        facts = {"rule": rule.label or rule, "used": used, "limit": limit, "source": rule.source, "group": group_name}
        super().__init__(
            (_("Vượt số lượng khen thưởng: %(rule)s (%(group)s) — đã dùng %(used)s/%(limit)s. Nguồn: %(source)s.") if group_name
             else _("Vượt số lượng khen thưởng: %(rule)s — đã dùng %(used)s/%(limit)s. Nguồn: %(source)s.")) % facts
        )


def _routes(rule: QuotaRule) -> list:
    """(category id, kind) of the nominees an allocation maps to this share (kind "either": both)."""
    return [(m.category_id, m.nominee_kind) for m in rule.mapped.all()]


def _mapped_here(rule: QuotaRule, nomination) -> bool:
    category_id = nomination.nominee_unit.category_id
    return any(c == category_id and k in (QuotaNomineeKind.EITHER, nomination.kind) for c, k in _routes(rule))


def rule_matches(rule: QuotaRule, nomination) -> bool:
    if rule.award_form_id != nomination.award_form_id:
        return False
    if rule.nominee_kind != QuotaNomineeKind.EITHER and rule.nominee_kind != nomination.kind:
        return False
    if _mapped_here(rule, nomination):
        return True
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
        QuotaRule.objects.filter(round_id__in=round_ids)
        .select_related("allocation")
        .order_by("order", "pk")
        .prefetch_related(*RULE_PREFETCH)
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
    for category_id, kind in _routes(rule):  # what an allocation maps to this share, as rule_matches
        mapped = Q(round_id=rule.round_id, award_form_id=rule.award_form_id, nominee_unit__category_id=category_id)
        if kind != QuotaNomineeKind.EITHER:
            mapped &= Q(kind=kind)
        if rule.nominee_kind != QuotaNomineeKind.EITHER:
            mapped &= Q(kind=rule.nominee_kind)
        q |= mapped
    return q


# --- Allocations: the shares are the whole allocation ----------------------------------------------


KIND_WORDS = {QuotaNomineeKind.COLLECTIVE: gettext_lazy("tập thể"), QuotaNomineeKind.INDIVIDUAL: gettext_lazy("cá nhân")}


def allocation_divides(allocation: QuotaAllocation, nomination) -> bool:
    """Whether the allocation divides the places of `nomination`'s award form and kind."""
    return allocation.award_form_id == nomination.award_form_id and allocation.nominee_kind in (
        QuotaNomineeKind.EITHER,
        nomination.kind,
    )


def share_gap(nomination, rules) -> QuotaAllocation | None:
    """The allocation that divides `nomination`'s places while none of its shares covers it (by
    the categories a share names or a mapping to it): such a nomination gets nothing. `rules`: the
    round's rules (round_quota_rules(): allocations joined, categories and mappings prefetched, no
    query here). None when every allocation that applies has a share for it, or none applies."""
    shares: dict = {}
    for rule in rules:
        if rule.allocation_id and rule.round_id == nomination.round_id:
            shares.setdefault(rule.allocation_id, (rule.allocation, []))[1].append(rule)
    for allocation, members in shares.values():
        if allocation_divides(allocation, nomination) and not any(rule_matches(rule, nomination) for rule in members):
            return allocation
    return None


def share_gap_message(allocation: QuotaAllocation, nomination) -> str:
    """Why `nomination` gets no place under `allocation`, in the active language, citing the clause (and the
    data's note when the category is left out on purpose)."""
    unit = nomination.nominee_unit
    facts = {"kind": KIND_WORDS.get(nomination.kind, _("hồ sơ")), "category": unit.category.name}
    if nomination.proposing_unit_id != unit.pk:
        who = _("%(kind)s thuộc khối \"%(category)s\" do %(unit)s đề nghị") % {**facts, "unit": nomination.proposing_unit.name}
    else:
        who = _("%(kind)s thuộc khối \"%(category)s\"") % facts
    message = _(
        "Không có chỉ tiêu %(form)s cho %(who)s: %(source)s chia toàn bộ số lượng (%(allocation)s) cho các khối được nêu, "
        "không có phần cho khối này."
    ) % {"form": nomination.award_form.name, "who": who, "source": allocation.source, "allocation": allocation.label}
    note = (
        allocation.mappings.filter(category_id=unit.category_id, share__isnull=True, nominee_kind__in=[QuotaNomineeKind.EITHER, nomination.kind])
        .values_list("note", flat=True)
        .first()
    )
    return f"{message} {note}" if note else message


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


# --- A batch's effect on the quotas (the bulk-approval preview, nominations.quotas.simulate_batch) ---


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


def group_key(rule: QuotaRule, nomination):
    """The group a rule counts `nomination` in, as a key: its proposing unit, its parent, or None."""
    if rule.scope == QuotaScope.UNIT:
        return nomination.proposing_unit_id
    if rule.scope == QuotaScope.PARENT_UNIT:
        return nomination.nominee_unit.parent_id
    return None
