"""Who may see a round's reports, exports and dashboard.

Provincial staff (administrators of the round's campaign: nominations.permissions.administers) and the people of the round's stage organisations (reviewers,
appraisers, the chairman's office): the same people who follow a round past the units. Everyone
else gets a 404 (pretalx: do not confirm what a user may not even know exists). Inside a report,
the nominations listed are further limited by `permissions.visible_nominations_q`: a stage's
people see a nomination once it has reached their stage, never a unit's drafts.
"""
from __future__ import annotations

from django.db.models import Q

from campaigns.models import Round, Stage
from campaigns.stages import stages_of
from nominations.permissions import administered_campaigns_q, administers, stage_organisation_ids


def can_report(user, round_: Round) -> bool:
    """Whether `user` may open the reports of `round_` (checked again inside export tasks)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if administers(user, round_.campaign):
        return True
    organisations = stage_organisation_ids(user)
    return bool(organisations) and any(stage.organisation_id in organisations for stage in stages_of(round_))


def reportable_rounds(user):
    """The rounds whose reports `user` may open, newest first, with their campaign."""
    rounds = Round.objects.select_related("campaign").order_by("campaign__code", "-year", "code")
    if user.is_superuser:
        return rounds
    organisations = stage_organisation_ids(user)
    return rounds.filter(
        administered_campaigns_q(user, "campaign__")
        | Q(pk__in=Stage.objects.filter(organisation_id__in=organisations).values("round_id"))
    )
