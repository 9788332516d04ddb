"""Who may do what with nominations and stages: the predicates views and
services both ask (django-rules; `rules` imports this module when the portal starts).

- Rules by name, for `rules.test_rule(name, user, obj)`:
  "nominations.act_at_stage" (a stage: its organisation's people with the stage's role),
  "nominations.administer_campaign" (a campaign: `administers`),
  "nominations.propose_for_unit" (a unit: its unit officers).
  A round's reports: reports/rules.py.
- Permissions, for `rules.has_perm(name, user, obj)`: "nominations.view_nomination" (the scope of
  `visible_nominations_q`), "nominations.edit_nomination" (the proposing unit's officers),
  "nominations.review_nomination" (the people acting at the nomination's current stage).
- Scopes as filters, for the selectors: `visible_nominations_q`, `administered_campaigns_q`.
What a user may not use answers 404 (pretalx: do not confirm what a user may not even know exists).
"""
import rules
from django.db.models import Exists, OuterRef, Q

from campaigns.models import Membership, Role, Stage, StageAction, Unit

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
    """Whether the user administers anything (a superuser, or an administrator membership): the
    pages of administration open; WHAT they show is scoped by `administers`."""
    return user.is_authenticated and (user.is_superuser or bool(unit_ids(user, (Role.ADMINISTRATOR,))))


def administrator_paths(user) -> list[str]:
    """The tree paths of the units where the user holds the administrator role (read once per request)."""
    cached = user.__dict__.get("_administrator_paths")
    if cached is None:
        ids = unit_ids(user, (Role.ADMINISTRATOR,))
        cached = list(Unit.objects.filter(pk__in=ids).values_list("path", flat=True)) if ids else []
        user.__dict__["_administrator_paths"] = cached
    return cached


def administers(user, campaign) -> bool:
    """A superuser administers the whole portal; an administrator membership, the campaigns
    issued by its unit or by a unit under it (UBND tỉnh Thanh Hóa's staff: Thanh Hóa's
    campaigns, not Sơn La's)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    issuer_path = campaign.issuer.path
    return any(issuer_path.startswith(path) for path in administrator_paths(user))


def administered_campaigns_q(user, prefix: str = "") -> Q:
    """The campaigns `administers` admits, as a filter on campaigns (`prefix`: the lookup from
    the filtered model, e.g. "round__campaign__")."""
    if user.is_authenticated and user.is_superuser:
        return Q()
    condition = Q(pk__in=[]) if not prefix else Q(**{f"{prefix}pk__in": []})
    for path in administrator_paths(user) if user.is_authenticated else ():
        condition |= Q(**{f"{prefix}issuer__path__startswith": path})
    return condition


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


ACT = "act"
READ = "read"


def stage_access(user, stage: Stage | None) -> str | None:
    """ACT for the people of the stage's organisation with the stage's role, READ for
    administrators of the round's campaign, None for everybody else (the view answers 404). The unit stage has no
    review side."""
    if stage is None or stage.organisation_id is None or not user.is_authenticated:
        return None
    if can_act_at_stage(user, stage):
        return ACT
    if administers(user, stage.round.campaign):
        return READ
    return None


def round_stage_person(user, round_) -> bool:
    """Whether the user belongs to the organisation of one of the round's stages."""
    from campaigns.stages import stages_of

    organisations = stage_organisation_ids(user)
    return any(s.organisation_id in organisations for s in stages_of(round_))


def visible_nominations_q(user) -> Q:
    """A unit officer sees its unit's nominations; a stage's people see a nomination once it
    has reached their stage (and keep read access afterwards); administrators see those of the
    campaigns they administer, superusers all."""
    if user.is_authenticated and user.is_superuser:
        return Q()
    own = Q(proposing_unit_id__in=council_unit_ids(user))
    if administrator_paths(user):
        own |= administered_campaigns_q(user, "round__campaign__")
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


def on_related(condition: Q, prefix: str) -> Q:
    """The same condition on a related model (`prefix`: e.g. "nomination__"), for lists read from
    a nomination's events."""
    copy = Q(*[on_related(c, prefix) if isinstance(c, Q) else (prefix + c[0], c[1]) for c in condition.children])
    copy.connector, copy.negated = condition.connector, condition.negated
    return copy


def visible_in_round_q(user, round_) -> Q:
    """visible_nominations_q for the nominations of ONE round, without a per-row subquery: the
    round's stages are known, so "has reached one of the user's stages" is a bound on
    furthest_stage_order, and an administrator of the round's campaign sees all of it. The same
    rows as visible_nominations_q(user) & Q(round=round_)."""
    from campaigns.stages import stages_of

    if user.is_authenticated and user.is_superuser:
        return Q()
    if administrator_paths(user) and administers(user, round_.campaign):
        return Q()
    own = Q(proposing_unit_id__in=council_unit_ids(user))
    organisations = stage_organisation_ids(user)
    orders = [s.order for s in stages_of(round_) if s.organisation_id in organisations]
    if not orders:
        return own
    return own | (Q(furthest_stage_order__gte=min(orders)) & ~Q(status="draft"))


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


@rules.predicate
def acts_at_stage(user, stage):
    return stage is not None and can_act_at_stage(user, stage)


@rules.predicate
def administers_campaign(user, campaign):
    return campaign is not None and administers(user, campaign)


@rules.predicate
def is_officer_of_unit(user, unit):
    return unit is not None and unit.pk in officer_unit_ids(user)


rules.add_rule("nominations.act_at_stage", acts_at_stage)
rules.add_rule("nominations.administer_campaign", administers_campaign)
rules.add_rule("nominations.propose_for_unit", is_officer_of_unit)
rules.add_perm("nominations.view_nomination", can_view_nomination)
rules.add_perm("nominations.edit_nomination", is_unit_officer_of_nomination)
rules.add_perm("nominations.review_nomination", acts_at_current_stage)
