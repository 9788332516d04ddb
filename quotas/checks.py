"""Checks of a round's quota allocations, as Vietnamese messages: what `load_campaigns` reports
after writing a round, and what a campaign editor's "Kiểm tra" lists. Plain functions over the
database rows; an empty list means nothing to say.

The rule they check: when a plan breaks an award form's places into named shares, the shares are
the whole allocation. A participant category that no share names gets nothing, so the data must
say what becomes of each one: mapped to a share, or left without places on purpose, each with a
note and its source (QuotaShareMapping). A category named nowhere is listed here."""
from django.db.models import Q

from campaigns.models import Round, UnitCategory
from quotas.limits import KIND_WORDS
from quotas.models import QuotaNomineeKind, QuotaScope

KINDS = (QuotaNomineeKind.COLLECTIVE, QuotaNomineeKind.INDIVIDUAL)


def participant_categories(round_: Round) -> list[UnitCategory]:
    """The categories a round's nominees may belong to: those its criteria and quota rules name,
    and those of the units of the campaign's territory in the round's period."""
    from campaigns.selectors import territory_units
    from campaigns.stages import stages_of

    stages = stages_of(round_)
    unit_ids = territory_units(round_.campaign, stages.first.deadline).values("category_id") if len(stages) else []
    return list(
        UnitCategory.objects.filter(
            Q(criteria__round=round_) | Q(quota_rules__round=round_) | Q(pk__in=unit_ids)
        ).distinct().order_by("order", "code")
    )


def _kinds(allocation) -> list[str]:
    form = allocation.award_form
    offered = [k for k, on in ((QuotaNomineeKind.COLLECTIVE, form.for_collectives), (QuotaNomineeKind.INDIVIDUAL, form.for_individuals)) if on]
    return [k for k in offered if allocation.nominee_kind in (QuotaNomineeKind.EITHER, k)]


def names_category(share, category_id: int, kind: str) -> bool:
    """Whether a share names this category for this kind (by its categories: none means all)."""
    if share.nominee_kind not in (QuotaNomineeKind.EITHER, kind):
        return False
    named = {c.pk for c in share.categories.all()}
    if named and category_id not in named:
        return False
    return category_id not in {c.pk for c in share.excluded_categories.all()}


def allocation_problems(round_: Round) -> list[str]:
    """What is missing or does not add up in the round's allocations, in Vietnamese:
    - a participant category (participant_categories) and kind that no share names and the data
      neither maps to a share nor leaves out on purpose;
    - shares that do not add up to the total (when every share is counted over the whole round).
    A share limited to one level (Thanh Hóa's "cấp tỉnh") names its categories at that level only:
    what it leaves to other levels is judged nomination by nomination (quotas.limits.share_gap)."""
    allocations = list(
        round_.quota_allocations.select_related("award_form", "total").prefetch_related(
            "shares__categories", "shares__excluded_categories", "shares__exceptions", "mappings__category", "mappings__share"
        ).order_by("order", "pk")
    )
    if not allocations:
        return []
    categories = participant_categories(round_)
    problems = []
    for allocation in allocations:
        where = f"đợt '{round_.code}', phân bổ '{allocation.code}' ({allocation.source})"
        shares = list(allocation.shares.all())
        mappings = list(allocation.mappings.all())
        for kind in _kinds(allocation):
            for category in categories:
                if any(names_category(share, category.pk, kind) for share in shares):
                    continue
                if any(m.category_id == category.pk and m.nominee_kind in (QuotaNomineeKind.EITHER, kind) for m in mappings):
                    continue
                problems.append(
                    f"{where}: {KIND_WORDS[kind]} thuộc khối \"{category.name}\" ({category.code}) không có trong phần nào, "
                    f"nên không có chỉ tiêu {allocation.award_form.name}. Nếu văn bản tính khối này vào một phần, ghi ánh xạ "
                    "vào phần đó; nếu không, ghi rõ khối không có chỉ tiêu; cả hai kèm ghi chú và nguồn."
                )
        whole_round = all(s.scope in (QuotaScope.ROUND, QuotaScope.CATEGORY) and not s.exceptions.all() for s in shares)
        if allocation.total and shares and whole_round:
            added = sum(s.limit for s in shares)
            if added != allocation.total.limit:
                problems.append(
                    f"{where}: các phần cộng lại {added}, khác số tổng {allocation.total.limit} của quy định "
                    f"'{allocation.total.code}'."
                )
    return problems
