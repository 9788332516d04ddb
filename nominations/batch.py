"""Approving several nominations of one stage at once: a preview, then the real thing.

The preview runs the workflow's checks and simulates the quotas over the whole selection in
order (nominations.quotas.simulate_batch). Applying calls workflow.advance() for each nomination in
turn, each in its own transaction, so one refusal never undoes the others; the check under lock
inside advance() is the authority, the preview only a forecast.

Each call reads the round's rules once (workflow.RoundRules: stages, award forms, quota rule
definitions, the stage's deadline) and hands them to every check; the places used are still
counted by advance() under the quota rules' row locks, nomination by nomination.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import Stage
from nominations.models import Nomination
from nominations.quotas import simulate_batch
from nominations.rules import visible_nominations_q
from nominations.workflow import Action, RoundRules, TransitionError, advance, blockers

NOT_AT_STAGE = gettext_lazy("Hồ sơ không còn ở bước này.")

logger = logging.getLogger(__name__)


@dataclass
class PreviewRow:
    nomination: Nomination
    passes: bool
    target: Stage | None = None
    reasons: list[str] = field(default_factory=list)
    places: list = field(default_factory=list)


@dataclass
class BatchPreview:
    rows: list[PreviewRow]
    effects: list

    @property
    def passing(self):
        return [r for r in self.rows if r.passes]

    @property
    def refused(self):
        return [r for r in self.rows if not r.passes]


@dataclass
class BatchResult:
    nomination: Nomination
    ok: bool
    message: str = ""


def _load(stage: Stage, nomination_ids, actor):
    """The nominations of the stage's round that the actor may see, in the order of
    `nomination_ids`, sharing the round object (so its stages are read once). An id the actor may
    not see is dropped here: neither the preview nor the result may echo its name."""
    found = {
        n.pk: n
        for n in Nomination.objects.filter(visible_nominations_q(actor), round_id=stage.round_id, pk__in=nomination_ids).select_related(
            "stage__organisation", "award_form__vote_rule", "proposing_unit", "nominee_unit__parent", "nominee_unit__category"
        )
    }
    nominations = []
    for pk in dict.fromkeys(nomination_ids):
        nomination = found.get(pk)
        if nomination is not None:
            nomination.round = stage.round
            nominations.append(nomination)
    return nominations


def preview_batch(*, stage: Stage, nomination_ids, actor) -> BatchPreview:
    """What approving the selection would do, nomination by nomination, in order."""
    rules = RoundRules.load(stage.round)
    first = rules.stages.first
    rows, clean = [], []
    for nomination in _load(stage, nomination_ids, actor):
        reasons = [b.message for b in blockers(nomination, Action.APPROVE, actor=actor, round_rules=rules)]
        target = rules.stages.after(rules.stages.by_pk(nomination.stage_id))
        if nomination.stage_id != stage.pk:
            reasons = [str(NOT_AT_STAGE)]
        row = PreviewRow(nomination, not reasons, target, reasons)
        rows.append(row)
        if not reasons:
            clean.append(nomination)
    simulation = simulate_batch(clean, moving_past=stage.order, first_stage_order=first.order, rules=rules.quota_rules)
    by_pk = {item.nomination.pk: item for item in simulation.items}
    for row in rows:
        item = by_pk.get(row.nomination.pk)
        if item is None:
            continue
        row.places = item.places
        if not item.passes:
            row.passes = False
            row.reasons = [item.message]
    return BatchPreview(rows, simulation.effects)


def approve_batch(*, stage: Stage, nomination_ids, actor, comment: str = "") -> list[BatchResult]:
    """Approve each nomination in turn, each in its own transaction (call outside any atomic block).
    Returns, in order, which moved and which were refused, with the reason."""
    rules = RoundRules.load(stage.round)
    results = []
    for nomination in _load(stage, nomination_ids, actor):
        if nomination.stage_id != stage.pk:
            results.append(BatchResult(nomination, False, str(NOT_AT_STAGE)))
            continue
        try:
            moved = advance(nomination, Action.APPROVE, actor=actor, comment=comment, round_rules=rules)
        except TransitionError as error:
            results.append(BatchResult(nomination, False, str(error)))
        except DatabaseError:
            logger.exception("Bulk approval of nomination %s failed", nomination.pk)
            results.append(BatchResult(nomination, False, _("Lỗi cơ sở dữ liệu khi ghi, hãy thử lại.")))
        else:
            results.append(BatchResult(moved, True, moved.stage.name))
    return results
