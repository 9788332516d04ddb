"""Preview as a unit: what an officer of a chosen unit will see in a round before it is published:
whether the unit takes part, the award forms it may propose for, the criteria per award form and
nominee kind, the quotas that apply to it, and the deadlines."""
from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

from campaigns.models import NomineeKind, Round, Unit
from campaigns.services.rounds import unit_valid_in
from criteria.selectors import criteria_for
from quotas.limits import limit_for, rule_matches


@dataclass
class UnitPreview:
    takes_part: bool
    reasons: list[str] = field(default_factory=list)
    offers: list = field(default_factory=list)  # (award form, nominee kind label, [criteria], [(quota rule, limit)])
    stages: list = field(default_factory=list)


def unit_preview(round_: Round, unit: Unit) -> UnitPreview:
    reasons = []
    if not unit.path.startswith(round_.campaign.territory_unit.path):
        reasons.append("đơn vị không thuộc địa bàn của phong trào")
    if not unit_valid_in(unit, round_):
        reasons.append("đơn vị không hoạt động trong thời gian của đợt")
    preview = UnitPreview(takes_part=not reasons, reasons=reasons)
    preview.stages = list(round_.stages.select_related("organisation").order_by("order"))
    rules = list(round_.quota_rules.select_related("award_form").prefetch_related("categories", "excluded_categories", "exceptions"))
    for form in round_.award_forms.order_by("order"):
        for kind, label, on in ((NomineeKind.COLLECTIVE, "Tập thể", form.for_collectives), (NomineeKind.INDIVIDUAL, "Cá nhân", form.for_individuals)):
            if not on:
                continue
            criteria = list(criteria_for(round_=round_, nominee_kind=kind, category=unit.category, award_form=form))
            # A nomination the unit would make for itself or one of its people.
            nomination = SimpleNamespace(award_form_id=form.pk, kind=kind, proposing_unit=unit, nominee_unit=unit)
            quotas = [(rule, limit_for(rule, unit)) for rule in rules if rule_matches(rule, nomination)]
            preview.offers.append((form, label, criteria, quotas))
    return preview
