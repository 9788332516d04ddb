"""Read-only queries over campaigns and their rules."""
from django.db.models import Prefetch

from campaigns.models import Campaign, Round, Stage
from criteria.models import Criterion
from quotas.models import QuotaAllocation, QuotaRule
from campaigns.specs import ALLOCATION, SHARE_MAPPING, AWARD_FORM, CAMPAIGN, CRITERION, DOCUMENT, ELIGIBILITY, QUOTA_RULE, ROUND, STAGE, TARGET


def rounds_with_rules(campaign: Campaign, *, file_owned: bool = False):
    """A campaign's rounds with every rule prefetched, in order (the audit's and the export's read).
    `file_owned`: only the rounds a data file writes (not those cloned in the portal)."""
    rounds = Round.objects.filter(campaign=campaign)
    if file_owned:
        rounds = rounds.filter(cloned_from__isnull=True)
    return (
        rounds.select_related("legal_basis", "campaign")
        .prefetch_related(
            "award_forms__vote_rule",
            Prefetch("stages", queryset=Stage.objects.select_related("organisation", "council_of").order_by("order")),
            "eligibility_conditions",
            Prefetch(
                "quota_rules",
                queryset=QuotaRule.objects.select_related("award_form", "allocation").prefetch_related("categories", "excluded_categories", "exceptions__unit"),
            ),
            Prefetch("quota_allocations", queryset=QuotaAllocation.objects.select_related("award_form", "total").prefetch_related("mappings__category", "mappings__share")),
            Prefetch("criteria", queryset=Criterion.objects.prefetch_related("categories", "award_forms")),
        )
        .order_by("year", "code")
    )


def campaign_rules(campaign: Campaign) -> dict:
    """One campaign's complete rules, in the audit shape `campaign_rules --json` prints: every field
    of every entity's spec (campaigns.specs), plus what the audit adds for a reader (names of the
    organisations, the vote rule's fractions, the legal basis's template set)."""
    rounds = rounds_with_rules(campaign)
    rules = CAMPAIGN.audit(campaign)
    rules.update(
        territory=campaign.territory_unit.code,
        data_file=campaign.data_file,
        legal_basis=[DOCUMENT.audit(d) for d in campaign.documents.all()],
        targets=[TARGET.audit(t) for t in campaign.targets.all()],
        rounds=[_round_rules(r) for r in rounds],
    )
    return rules


def _round_rules(round_: Round) -> dict:
    rules = ROUND.audit(round_)
    rules["dossier_legal_basis"].update(number=round_.legal_basis.number, template_set=round_.legal_basis.template_set)
    rules.update(
        award_forms=[{**AWARD_FORM.audit(f), "vote_rule": _vote_rule(f.vote_rule)} for f in round_.award_forms.all()],
        stages=[
            {**STAGE.audit(s), "organisation_name": s.organisation.name if s.organisation else "Đơn vị đề nghị"}
            for s in round_.stages.all()
        ],
        eligibility=[ELIGIBILITY.audit(c) for c in round_.eligibility_conditions.all()],
        quotas=[row for rule in round_.quota_rules.all() for row in _quota_rows(rule)],
        # An allocation's shares are the quota rows whose `share_of` is its code; its `mappings` say
        # what it gives the categories no share names (a share, or none: "share": null).
        allocations=[{**ALLOCATION.audit(a), "mappings": [SHARE_MAPPING.audit(m) for m in a.mappings.all()]} for a in round_.quota_allocations.all()],
        criteria=[row for criterion in round_.criteria.all() for row in _criterion_rows(criterion)],
    )
    return rules


def _vote_rule(rule) -> dict:
    return {
        "code": rule.code,
        "quorum": f"{rule.quorum_numerator}/{rule.quorum_denominator}",
        "approval": f"{rule.approval_numerator}/{rule.approval_denominator}",
        "approval_strict": rule.approval_strict,
        "of": "all_members",
        "source": rule.source,
    }


def _quota_rows(rule: QuotaRule):
    """The rule, then one row per unit excepted from it (its limit and source in place of the rule's)."""
    row = QUOTA_RULE.audit(rule)
    categories = row["categories"]
    row.update(category=categories[0] if len(categories) == 1 else (categories or None), unit=None)
    yield row
    for exception in rule.exceptions.all():
        yield {**row, "unit": exception.unit.code, "limit": exception.limit, "source": exception.source, "exception_of": rule.code}


def _criterion_rows(criterion: Criterion):
    """One row per participant category (a criterion shared by several categories is listed for each)."""
    row = CRITERION.audit(criterion)
    for category in [c.code for c in criterion.categories.all()] or [None]:
        yield {**row, "category": category}


# ---------------------------------------------------------------- territory

def territory_root(campaign: Campaign):
    """The People's Committee whose territory takes part: the campaign's `territory` (data), else its
    issuer (Thanh Hóa's guidance is issued by Sở TT&TT for the whole province: territory UBND tỉnh)."""
    return campaign.territory_unit


def territory_units(campaign: Campaign, day):
    """Units of the campaign's territory valid on `day`: under the territory's UBND, or under its
    successor valid on `day` (Ninh Thuận → Khánh Hòa from 01/7/2025). The UBND itself is excluded."""
    from django.db.models import Q

    from campaigns.models import Unit

    root = territory_root(campaign)
    roots = {root.pk: root}
    successor = root.current_successor(day)
    roots[successor.pk] = successor
    under = Q()
    for unit in roots.values():
        under |= Q(path__startswith=unit.path)
    return (
        Unit.objects.filter(under)
        .exclude(pk__in=roots.keys())
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    )
