"""Who may open a round's reports (django-rules; `rules` imports this module when the portal starts).

- "reports.report_round" (a round: `can_report`), for `rules.test_rule(name, user, round_)`; the
  views, the export service and the export task (again, in the worker) ask it.
- `reportable_rounds`: the same people as a filter on rounds, for the reports' index.
What a user may not open answers 404.
"""
import rules
from django.db.models import Q

from campaigns.models import Round, Stage
from nominations.rules import administered_campaigns_q, administers, stage_organisation_ids


def can_report(user, round_: Round) -> bool:
    """Whether `user` may open the reports of `round_` (checked again inside export tasks):
    administrators of the round's campaign and the people of the round's stage organisations
    (reviewers, appraisers, the chairman's office), the same people who follow a round past the
    units. Inside a report, the nominations listed are further limited by `visible_nominations_q`."""
    from campaigns.stages import stages_of

    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if administers(user, round_.campaign):
        return True
    organisations = stage_organisation_ids(user)
    return bool(organisations) and any(stage.organisation_id in organisations for stage in stages_of(round_))


def reportable_rounds(user):
    """The rounds whose reports `user` may open (`can_report`), newest first, with their campaign."""
    rounds = Round.objects.select_related("campaign").order_by("campaign__code", "-year", "code")
    if user.is_superuser:
        return rounds
    organisations = stage_organisation_ids(user)
    return rounds.filter(
        administered_campaigns_q(user, "campaign__")
        | Q(pk__in=Stage.objects.filter(organisation_id__in=organisations).values("round_id"))
    )


@rules.predicate
def reports_round(user, round_):
    return round_ is not None and can_report(user, round_)


rules.add_rule("reports.report_round", reports_round)
