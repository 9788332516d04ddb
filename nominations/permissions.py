"""Who may do what. Predicates in one place; views and services ask here (django-rules)."""
import rules
from django.db.models import Exists, OuterRef, Q

from campaigns.models import Membership, Role, Stage, StageAction

UNIT_ROLES = (Role.UNIT_OFFICER, Role.COUNCIL_SECRETARY)
STAGE_ROLES = {
    StageAction.REVIEW: (Role.REVIEWER,),
    StageAction.APPRAISAL: (Role.APPRAISER,),
    StageAction.DECISION: (Role.CHAIRMAN_OFFICE,),
}


def memberships(user) -> list[tuple[str, int]]:
    """The user's (role, unit id) pairs, read once per user object, i.e. once per request."""
    cached = user.__dict__.get("_memberships")
    if cached is None:
        cached = user.__dict__["_memberships"] = list(Membership.objects.filter(user=user).values_list("role", "unit_id"))
    return cached


def unit_ids(user, roles) -> set[int]:
    if not user.is_authenticated:
        return set()
    return {unit_id for role, unit_id in memberships(user) if role in roles}


def is_administrator(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(unit_ids(user, (Role.ADMINISTRATOR,))))


def officer_unit_ids(user) -> set[int]:
    return unit_ids(user, (Role.UNIT_OFFICER,))


def council_unit_ids(user) -> set[int]:
    return unit_ids(user, UNIT_ROLES)


def stage_organisation_ids(user) -> set[int]:
    return unit_ids(user, (Role.REVIEWER, Role.APPRAISER, Role.CHAIRMAN_OFFICE))


def can_act_at_stage(user, stage: Stage) -> bool:
    if stage.organisation_id is None:
        return False
    roles = STAGE_ROLES.get(stage.action, ())
    return stage.organisation_id in unit_ids(user, roles)


def visible_nominations_q(user) -> Q:
    """A unit officer sees its unit's nominations; a stage's people see a nomination once it
    has reached their stage (and keep read access afterwards); administrators see all."""
    if is_administrator(user):
        return Q()
    own = Q(proposing_unit_id__in=council_unit_ids(user))
    organisations = stage_organisation_ids(user)
    if not organisations:
        return own
    reached = Exists(
        Stage.objects.filter(
            round_id=OuterRef("round_id"),
            organisation_id__in=organisations,
            order__lte=OuterRef("furthest_stage_order"),
        )
    )
    return own | (reached & ~Q(status="draft"))


@rules.predicate
def is_unit_officer_of_nomination(user, nomination):
    return nomination is not None and nomination.proposing_unit_id in officer_unit_ids(user)


@rules.predicate
def can_view_nomination(user, nomination):
    from nominations.models import Nomination

    if nomination is None:
        return False
    return Nomination.objects.filter(visible_nominations_q(user), pk=nomination.pk).exists()


@rules.predicate
def acts_at_current_stage(user, nomination):
    return nomination is not None and can_act_at_stage(user, nomination.stage)


rules.add_perm("nominations.view_nomination", can_view_nomination)
rules.add_perm("nominations.edit_nomination", is_unit_officer_of_nomination)
rules.add_perm("nominations.review_nomination", acts_at_current_stage)
