"""A campaign as a data file: what `export_campaign` writes and `load_campaigns` reads back.

The database is the source of truth once a campaign has been edited in the portal: the export
writes its rules in the format of campaigns/data/ (every entity through its spec,
campaigns.specs), and `rules_digest` tells the loader whether the rules still are what a file
last wrote (`Campaign.loaded_digest`), so that loading a file never silently overwrites an edit.
"""
from __future__ import annotations

import hashlib
import json

import yaml

from campaigns.models import Campaign, Round, Unit
from campaigns.selectors import rounds_with_rules
from campaigns.specs import (
    ALLOCATION,
    SHARE_MAPPING,
    AWARD_FORM,
    CAMPAIGN,
    CRITERION,
    DOCUMENT,
    ELIGIBILITY,
    QUOTA_EXCEPTION,
    QUOTA_RULE,
    ROUND,
    STAGE,
    TARGET,
    UNIT,
    SpecContext,
)


def round_data(round_: Round) -> dict:
    """One round as a data file's entry."""
    entry = ROUND.to_data(round_)
    entry["award_forms"] = [AWARD_FORM.to_data(f) for f in round_.award_forms.all()]
    ctx, stages = SpecContext(), []
    for stage in round_.stages.all():
        ctx.stages = stages + [{"order": stage.order}]
        exported = STAGE.to_data(stage, ctx)
        stages.append(exported)
    entry["stages"] = stages
    entry["eligibility"] = [ELIGIBILITY.to_data(c) for c in round_.eligibility_conditions.all()]
    quotas = []
    for rule in round_.quota_rules.all():
        quota = QUOTA_RULE.to_data(rule)
        exceptions = [QUOTA_EXCEPTION.to_data(e) for e in rule.exceptions.all()]
        if exceptions:
            quota["exceptions"] = exceptions
        quotas.append(quota)
    entry["quotas"] = quotas
    allocations = []
    for allocation in round_.quota_allocations.all():
        exported = ALLOCATION.to_data(allocation)
        ctx = SpecContext(allocation_kind=allocation.nominee_kind)
        mappings = [SHARE_MAPPING.to_data(m, ctx) for m in allocation.mappings.all()]
        if mappings:
            exported["mappings"] = mappings
        allocations.append(exported)
    entry["allocations"] = allocations
    entry["criteria"] = [CRITERION.to_data(c) for c in round_.criteria.all()]
    return {key: value for key, value in entry.items() if value != []}


def campaign_organisations(campaign: Campaign, rounds) -> list[Unit]:
    """The units a campaign's file defines: those its rules name (issuer, territory, stages'
    organisations and councils, quota exceptions), the units under its territory, and their
    parents and successors, so that the file loads on a database that has none of them."""
    wanted = {campaign.issuer_id, campaign.territory_unit.pk}
    for round_ in rounds:
        wanted |= {s.organisation_id for s in round_.stages.all()} | {s.council_of_id for s in round_.stages.all()}
        wanted |= {e.unit_id for rule in round_.quota_rules.all() for e in rule.exceptions.all()}
    territory = campaign.territory_unit
    wanted |= set(Unit.objects.filter(path__startswith=territory.path).values_list("pk", flat=True)) if territory.path else set()
    wanted.discard(None)
    units, seen = {}, set()
    while wanted - seen:
        batch = wanted - seen
        seen |= batch
        for unit in Unit.objects.filter(pk__in=batch).select_related("category", "parent", "successor"):
            units[unit.pk] = unit
            wanted |= {unit.parent_id, unit.successor_id} - {None}
    return sorted(units.values(), key=lambda u: (u.path or "", u.code))


def campaign_data(campaign: Campaign, *, file_owned=False) -> dict:
    """The campaign as a data file holds it: what `load_campaigns FILE` reads back to the same
    `campaign_rules` audit. `file_owned`: only the rounds a file writes (not those cloned in the
    portal, which a load keeps as they are)."""
    rounds = list(rounds_with_rules(campaign, file_owned=file_owned))
    data = CAMPAIGN.to_data(campaign)
    documents = [DOCUMENT.to_data(d) for d in campaign.documents.all()]
    targets = [TARGET.to_data(t) for t in campaign.targets.all()]
    if documents:
        data["documents"] = documents
    if targets:
        data["targets"] = targets
    data["organisations"] = [UNIT.to_data(u) for u in campaign_organisations(campaign, rounds)]
    data["rounds"] = [round_data(r) for r in rounds]
    return data


def rules_digest(campaign: Campaign) -> str:
    """A fingerprint of the rules a file writes (not the units, which the unit import changes, nor
    the rounds cloned in the portal): the loader compares it with the one it stored after its last
    write, and with the one an exported file carries (`exported_from`)."""
    data = campaign_data(campaign, file_owned=True)
    data.pop("organisations", None)
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


class _Dumper(yaml.SafeDumper):
    """Long texts as literal blocks, the rest as the data files write them."""


def _text(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def campaign_yaml(campaign: Campaign) -> str:
    header = (
        f"# {campaign.name}.\n"
        f"# Xuất từ cổng thi đua (export_campaign {campaign.code}); nạp lại bằng load_campaigns <tệp>.\n"
        "# Mỗi quy định ghi nguồn (điều, khoản) ở 'source'.\n"
    )
    # `exported_from`: the rules this file was made from; loading the file after editing it
    # replaces exactly those rules, and is refused if the portal changed them since.
    data = {**campaign_data(campaign), "exported_from": rules_digest(campaign)}
    return header + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)
