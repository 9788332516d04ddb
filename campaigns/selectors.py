"""Read-only queries over campaigns and their rules."""
from django.db.models import Prefetch

from campaigns.models import Campaign, Round, Stage
from criteria.models import Criterion
from quotas.models import QuotaAllocation, QuotaRule


def _iso(day):
    return day.isoformat() if day else None


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def campaign_rules(campaign: Campaign) -> dict:
    """One campaign's complete rules, in the audit shape `campaign_rules --json` prints."""
    rounds = (
        Round.objects.filter(campaign=campaign)
        .select_related("legal_basis")
        .prefetch_related(
            "award_forms__vote_rule",
            Prefetch("stages", queryset=Stage.objects.select_related("organisation", "council_of")),
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
    return {
        "code": campaign.code,
        "name": campaign.name,
        "theme": campaign.theme,
        "issuer": campaign.issuer_title,
        "issuer_unit": campaign.issuer.code,
        "territory": campaign.territory_unit.code,
        "period": {"start": _iso(campaign.period_start), "end": _iso(campaign.period_end)},
        "data_file": campaign.data_file,
        "seed_document": campaign.seed_document,
        "summary": campaign.summary,
        "legal_basis": [
            {"number": d.number or None, "date": _iso(d.date), "title": d.title, "issuer": d.issuer, "kind": d.kind, "note": d.note}
            for d in campaign.documents.all()
        ],
        "targets": [
            {
                "code": t.code,
                "year": t.year,
                "group": t.group,
                "label": t.label,
                "operator": t.operator or None,
                "threshold": _number(t.threshold),
                "source": t.source,
            }
            for t in campaign.targets.all()
        ],
        "rounds": [_round_rules(r) for r in rounds],
    }


def _round_rules(round_: Round) -> dict:
    return {
        "code": round_.code,
        "name": round_.name,
        "kind": round_.kind,
        "year": round_.year,
        "source": round_.source,
        "notes": round_.notes,
        "dossier_legal_basis": {
            "code": round_.legal_basis.code,
            "number": round_.legal_basis.number,
            "template_set": round_.legal_basis.template_set,
            "report_form": round_.report_form or None,
            "report_form_source": round_.report_form_source,
            "summary_report_required": round_.summary_report_required,
            "summary_report_source": round_.summary_report_source,
            "achievement_field": round_.achievement_field or round_.campaign.achievement_field or round_.campaign.name,
        },
        "registration": {
            "required": round_.registration_required,
            "units_propose_for_children": round_.units_propose_for_children,
            "deadline": _iso(round_.registration_deadline),
            "pledge_label": round_.pledge_label,
            "source": round_.registration_source,
        },
        "award_forms": [
            {
                "code": f.code,
                "name": f.name,
                "granted_by": f.granted_by,
                "nominee_kinds": [k for k, on in (("collective", f.for_collectives), ("individual", f.for_individuals)) if on],
                "dossier_copies": f.dossier_copies,
                "copies_source": f.copies_source,
                "outcome": f.outcome,
                "vote_rule": {
                    "code": f.vote_rule.code,
                    "quorum": f"{f.vote_rule.quorum_numerator}/{f.vote_rule.quorum_denominator}",
                    "approval": f"{f.vote_rule.approval_numerator}/{f.vote_rule.approval_denominator}",
                    "approval_strict": f.vote_rule.approval_strict,
                    "of": "all_members",
                    "source": f.vote_rule.source,
                },
                "source": f.source,
            }
            for f in round_.award_forms.all()
        ],
        "stages": [
            {
                "order": s.order,
                "name": s.name,
                "organisation": s.organisation.code if s.organisation else None,
                "organisation_name": s.organisation.name if s.organisation else "Đơn vị đề nghị",
                "action": s.action,
                "deadline": _iso(s.deadline),
                "deadline_stated": s.deadline_stated,
                "holds_council": s.holds_council,
                "council_of": s.council_of.code if s.council_of_id else None,
                "source": s.source,
            }
            for s in round_.stages.all()
        ],
        "eligibility": [
            {"code": c.code, "kind": c.kind, "label": c.label, "source": c.source} for c in round_.eligibility_conditions.all()
        ],
        "quotas": [row for rule in round_.quota_rules.all() for row in _quota_rows(rule)],
        "allocations": [_allocation_row(a) for a in round_.quota_allocations.all()],
        "criteria": [row for criterion in round_.criteria.all() for row in _criterion_rows(criterion)],
    }


def _quota_rows(rule: QuotaRule):
    categories = [c.code for c in rule.categories.all()]
    row = {
        "code": rule.code,
        "label": rule.label,
        "award_form": rule.award_form.code,
        "nominee_kind": rule.nominee_kind,
        "scope": rule.scope,
        "category": categories[0] if len(categories) == 1 else (categories or None),
        "categories": categories,
        "category_of": rule.category_of,
        "excluded_categories": [c.code for c in rule.excluded_categories.all()],
        "level": rule.level or None,
        "unit": None,
        "limit": rule.limit,
        "binds_at": rule.binds_at,
        "share_of": rule.allocation.code if rule.allocation_id else None,
        "source": rule.source,
    }
    yield row
    for exception in rule.exceptions.all():
        yield {**row, "unit": exception.unit.code, "limit": exception.limit, "source": exception.source, "exception_of": rule.code}


def _allocation_row(allocation: QuotaAllocation) -> dict:
    """An allocation: its shares are the quota rows whose `share_of` is its code; `mappings` say what
    it gives the categories no share names (a share, or none: "share": null)."""
    return {
        "code": allocation.code,
        "label": allocation.label,
        "award_form": allocation.award_form.code,
        "nominee_kind": allocation.nominee_kind,
        "total": allocation.total.code if allocation.total_id else None,
        "source": allocation.source,
        "mappings": [
            {
                "category": m.category.code,
                "nominee_kind": m.nominee_kind,
                "share": m.share.code if m.share_id else None,
                "note": m.note,
                "source": m.source,
            }
            for m in allocation.mappings.all()
        ],
    }


def _criterion_rows(criterion: Criterion):
    """One row per participant category (a criterion shared by several categories is listed for each)."""
    categories = [c.code for c in criterion.categories.all()] or [None]
    for category in categories:
        yield {
            "code": criterion.code,
            "nominee_kind": criterion.nominee_kind,
            "category": category,
            "award_forms": [f.code for f in criterion.award_forms.all()],
            "group": criterion.group,
            "label": criterion.label,
            "kind": criterion.kind,
            "operator": criterion.operator or None,
            "threshold": _number(criterion.threshold),
            "accepted_values": criterion.accepted_values,
            "mandatory": criterion.mandatory,
            "needs_evidence": criterion.needs_evidence,
            "alternative_group": criterion.alternative_group or None,
            "priority": criterion.priority,
            "source": criterion.source,
        }


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
