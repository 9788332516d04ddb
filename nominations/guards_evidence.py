"""The evidence a nomination must carry before it is submitted.

A criterion that is mandatory on its own (not an alternative of a group, not a priority criterion)
and says "cần tệp minh chứng" (criteria.Criterion.needs_evidence, from the round's YAML with the
clause it cites) needs at least one evidence file attached to it. Each criterion missing its file is
one blocker naming it, with the address of the upload page preselecting that criterion."""
from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _


@dataclass
class EvidenceBlocker:
    """A blocker (nominations.workflow.Blocker's shape: `message`) with the criterion and where to upload."""

    message: str
    criterion: object = None
    url: str = ""
    code: str = "evidence"


def requires_evidence(criterion) -> bool:
    """What the form marks "bắt buộc · cần tệp minh chứng"."""
    return criterion.needs_evidence and criterion.mandatory and not criterion.alternative_group and not criterion.priority


def criteria_missing_evidence(nomination, criteria) -> list:
    """Those of `criteria` (the nomination's applicable ones) that require a file and have none."""
    required = [c for c in criteria if requires_evidence(c)]
    if not required:
        return []
    attached = set(
        nomination.evidence.filter(criterion__in=[c.pk for c in required]).values_list("criterion_id", flat=True)
    )
    return [c for c in required if c.pk not in attached]


def missing_evidence_blockers(nomination, round_rules) -> list[EvidenceBlocker]:
    """One blocker per required criterion without an evidence file (empty: nothing missing).
    `round_rules`: the workflow's context (nominations.workflow.RoundRules), which reads the
    round's criteria once."""
    criteria = round_rules.criteria_for(
        nominee_kind=nomination.kind, category=nomination.nominee_unit.category, award_form=nomination.award_form
    )
    upload = reverse("nomination_evidence", args=[nomination.pk])
    return [
        EvidenceBlocker(
            _("Thiếu tệp minh chứng cho tiêu chí bắt buộc \"%(criterion)s\".") % {"criterion": criterion.label},
            criterion=criterion,
            url=f"{upload}?tieu_chi={criterion.pk}",
        )
        for criterion in criteria_missing_evidence(nomination, criteria)
    ]
