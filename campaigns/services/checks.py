""""Kiểm tra": everything missing or contradictory in a round's rules, in Vietnamese.

A round cannot be published (opened to units) while its list is not empty. The list gathers:
the loader's checks of the round's entry (campaigns.specs, the same messages as `load_campaigns`:
a stage without a deadline, a quota on an award form the round lacks...), the legal texts not in
force in the round's period (campaigns.services.legal), organisations that did not exist then,
stage deadlines in the wrong order or outside the campaign's period, criteria and quotas for a
category no participating unit belongs to, the categories no share of an allocation covers
(quotas.checks), and the report forms' own checks.
"""
from __future__ import annotations

from campaigns.models import Campaign, Round, Unit
from campaigns.services.campaign_files import round_data
from campaigns.services.legal import round_legal_problems
from campaigns.services.loading import round_entry_problems
from quotas.checks import allocation_problems


def participating_category_codes(campaign: Campaign, day) -> set[str]:
    """The categories of the units that take part in the campaign on `day` (its territory's units)."""
    territory = campaign.territory_unit
    units = Unit.objects.filter(path__startswith=territory.path) if territory.path else Unit.objects.filter(pk=territory.pk)
    return {u.category.code for u in units.select_related("category") if u.is_valid_on(day)}


def participants_by_category(campaign: Campaign) -> list[tuple[str, int, int]]:
    """(category, units existing today, units in all) of the campaign's territory, for its editor."""
    from django.db.models import Count, Q

    from campaigns import clock

    territory = campaign.territory_unit
    today = clock.today()
    current = (Q(units__valid_from__isnull=True) | Q(units__valid_from__lte=today)) & (Q(units__valid_to__isnull=True) | Q(units__valid_to__gte=today))
    inside = Q(units__path__startswith=territory.path)
    from campaigns.models import UnitCategory

    rows = (
        UnitCategory.objects.annotate(total=Count("units", filter=inside), current=Count("units", filter=inside & current))
        .filter(total__gt=0).order_by("order")
    )
    return [(c.name, c.current, c.total) for c in rows]


def round_problems(round_: Round) -> list[str]:
    campaign = round_.campaign
    entry = round_data(round_)
    problems = round_entry_problems(campaign, entry, round_)
    stages = list(round_.stages.select_related("organisation", "council_of").order_by("order"))
    previous = None
    for stage in stages:
        where = f"bước {stage.order} ({stage.name})"
        if stage.deadline and not (campaign.period_start <= stage.deadline <= campaign.period_end):
            problems.append(
                f"{where}: hạn chót {stage.deadline:%d/%m/%Y} nằm ngoài thời gian của phong trào "
                f"({campaign.period_start:%d/%m/%Y} - {campaign.period_end:%d/%m/%Y})"
            )
        if previous is not None and stage.deadline and previous.deadline and stage.deadline < previous.deadline:
            problems.append(f"{where}: hạn chót {stage.deadline:%d/%m/%Y} trước hạn của bước {previous.order} ({previous.deadline:%d/%m/%Y})")
        for unit, what in ((stage.organisation, "cơ quan thực hiện"), (stage.council_of, "Hội đồng của")):
            if unit is not None and stage.deadline and not unit.is_valid_on(stage.deadline):
                problems.append(f"{where}: {what} {unit.name} không còn hoạt động vào ngày {stage.deadline:%d/%m/%Y}")
        previous = stage
    day = stages[0].deadline if stages and stages[0].deadline else campaign.period_start
    categories = participating_category_codes(campaign, day)
    for criterion in round_.criteria.prefetch_related("categories"):
        for category in criterion.categories.all():
            if category.code not in categories:
                problems.append(
                    f"tiêu chí '{criterion.code}': khối '{category.name}' không có đơn vị nào tham gia phong trào "
                    f"vào ngày {day:%d/%m/%Y}"
                )
    for rule in round_.quota_rules.prefetch_related("categories"):
        for category in rule.categories.all():
            if category.code not in categories:
                problems.append(f"quy định số lượng '{rule.code}': khối '{category.name}' không có đơn vị nào tham gia phong trào")
    if not round_.award_forms.exists():
        problems.append("đợt chưa có hình thức khen thưởng nào")
    if not round_.criteria.exists():
        problems.append("đợt chưa có tiêu chí nào")
    problems += allocation_problems(round_)
    problems += round_legal_problems(round_)
    return problems


def campaign_problems(campaign: Campaign) -> list[str]:
    """The campaign's own gaps, then each round's (named)."""
    problems = []
    if not campaign.documents.exists():
        problems.append("phong trào chưa có văn bản căn cứ (kế hoạch phát động) nào")
    if not campaign.rounds.exists():
        problems.append("phong trào chưa có đợt nào")
    if not campaign.issuer.is_valid_on(campaign.period_start):
        problems.append(f"cơ quan phát động {campaign.issuer.name} không còn hoạt động vào ngày {campaign.period_start:%d/%m/%Y}")
    for round_ in campaign.rounds.select_related("campaign", "legal_basis").order_by("year", "code"):
        problems += [f"đợt '{round_.code}': {p}" for p in round_problems(round_)]
    return problems
