"""Who may build and download generated documents (views answer 404 to everyone else).

- Administrators: everything of the campaigns they administer (nominations.rules.administers:
  a superuser all; an administrator membership the campaigns its unit, or a unit under it, issued).
- A báo cáo thành tích: whoever may see the nomination (visible_nominations_q: the proposing
  unit's people, and the people of every stage the nomination has reached).
- A stage document (tờ trình, biên bản, dự thảo quyết định, the stage dossier): the people of the
  issuing organisation (its officers/secretary at the unit stage, its reviewers/appraisers/
  chairman's office at a later stage), and the people of the organisations of the later stages
  of the round, who receive the dossier; in either case only if they may see EVERY nomination the
  file shows (`GeneratedDocument.nomination_ids`, recorded when it is written: dossiers.contents).
  A unit's dossier holding a draft, or a nomination that has not reached a later stage, stays
  closed to that stage's people, as `/ho-so/<id>/` of the nomination is. A file written before the
  contents were recorded is open to its issuer's people only.
Building: the issuing organisation's people (and administrators).

Rules (django-rules; `rules` imports this module when the portal starts): the permission
"dossiers.view_generateddocument" (`can_view_document`) for `rules.has_perm(name, user, document)`,
the rule "dossiers.build_report" (`can_build_report`) for `rules.test_rule(name, user, nomination)`.
A stage's dossier is built for an organisation at a stage: `can_build_stage(user, stage, organisation)`.
"""
from __future__ import annotations

import rules

from campaigns.models import Stage
from nominations.models import Nomination
from nominations.rules import (
    administers,
    council_unit_ids,
    officer_unit_ids,
    stage_organisation_ids,
    visible_nominations_q,
)
from campaigns.stages import stages_of


def _first_stage(stage: Stage) -> bool:
    return stages_of(stage.round).is_first(stage)


def can_build_stage(user, stage: Stage, organisation) -> bool:
    if not user.is_authenticated:
        return False
    if administers(user, stage.round.campaign):
        return True
    if _first_stage(stage):
        return organisation.pk in council_unit_ids(user)
    return stage.organisation_id == organisation.pk and organisation.pk in stage_organisation_ids(user)


def can_build_report(user, nomination: Nomination) -> bool:
    if not user.is_authenticated:
        return False
    if administers(user, nomination.round.campaign) or nomination.proposing_unit_id in officer_unit_ids(user):
        return True
    return Nomination.objects.filter(visible_nominations_q(user), pk=nomination.pk).exists() and bool(stage_organisation_ids(user))


def _receives_from(user, document) -> bool:
    """The user acts for the organisation of a stage after the document's stage in its round."""
    organisations = stage_organisation_ids(user)
    if not organisations or document.stage_id is None:
        return False
    order = document.stage.order
    return any(s.order > order and s.organisation_id in organisations for s in stages_of(document.round))


def sees_every_nomination(user, nomination_ids) -> bool:
    """The user may see each of these nominations (an empty list: nothing to hide)."""
    ids = set(nomination_ids)
    if not ids:
        return True
    return Nomination.objects.filter(visible_nominations_q(user), pk__in=ids).count() == len(ids)


def can_view_document(user, document) -> bool:
    if not user.is_authenticated:
        return False
    if administers(user, document.round.campaign):
        return True
    if document.nomination_id is not None:
        return Nomination.objects.filter(visible_nominations_q(user), pk=document.nomination_id).exists()
    issuers_people = document.organisation_id in council_unit_ids(user) | stage_organisation_ids(user)
    if document.nomination_ids is None:
        return issuers_people  # contents unknown (not written yet, or written before they were recorded)
    if not (issuers_people or _receives_from(user, document)):
        return False
    return sees_every_nomination(user, document.nomination_ids)


@rules.predicate
def views_document(user, document):
    return document is not None and can_view_document(user, document)


@rules.predicate
def builds_report(user, nomination):
    return nomination is not None and can_build_report(user, nomination)


rules.add_perm("dossiers.view_generateddocument", views_document)
rules.add_rule("dossiers.build_report", builds_report)
