"""Who may see a round's reports, exports and dashboard.

Provincial staff (administrators) and the people of the round's stage organisations (reviewers,
appraisers, the chairman's office): the same people who follow a round past the units. Everyone
else gets a 404 (pretalx: do not confirm what a user may not even know exists). Inside a report,
the nominations listed are further limited by `permissions.visible_nominations_q`: a stage's
people see a nomination once it has reached their stage, never a unit's drafts.
"""
from __future__ import annotations

from campaigns.models import Round, Stage
from nominations.permissions import is_administrator, stage_organisation_ids
from nominations.workflow import stages_of


def can_report(user, round_: Round) -> bool:
    """Whether `user` may open the reports of `round_` (checked again inside export tasks)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if is_administrator(user):
        return True
    organisations = stage_organisation_ids(user)
    return bool(organisations) and any(stage.organisation_id in organisations for stage in stages_of(round_))


def reportable_rounds(user):
    """The rounds whose reports `user` may open, newest first, with their campaign."""
    rounds = Round.objects.select_related("campaign").order_by("campaign__code", "-year", "code")
    if is_administrator(user):
        return rounds
    organisations = stage_organisation_ids(user)
    if not organisations:
        return rounds.none()
    return rounds.filter(pk__in=Stage.objects.filter(organisation_id__in=organisations).values("round_id"))
