"""Who may set up campaigns in the portal's campaign editor (django-rules predicates that views
and services both ask).

"quản trị phong trào" (Role.CAMPAIGN_MANAGER) is scoped to the organisation that issues a
campaign: a membership at a unit manages the campaigns issued by that unit or a unit under it,
and may create campaigns issued by them. A superuser manages every campaign.
"""
import rules
from django.db.models import Q

from campaigns.models import Membership, Role, Unit


def manager_paths(user) -> list[str]:
    """Tree paths of the units where the user holds the campaign-manager role (once per request)."""
    if not user.is_authenticated:
        return []
    cached = user.__dict__.get("_campaign_manager_paths")
    if cached is None:
        ids = Membership.objects.filter(user=user, role=Role.CAMPAIGN_MANAGER).values_list("unit_id", flat=True)
        cached = user.__dict__["_campaign_manager_paths"] = list(Unit.objects.filter(pk__in=ids).values_list("path", flat=True))
    return cached


def is_campaign_manager(user) -> bool:
    """Whether the editor opens for the user (the roles read once per request with the others)."""
    from nominations.rules import memberships

    return user.is_authenticated and (user.is_superuser or any(role == Role.CAMPAIGN_MANAGER for role, _ in memberships(user)))


def manages_campaign(user, campaign) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(campaign.issuer.path.startswith(path) for path in manager_paths(user))


def manages_unit(user, unit) -> bool:
    """Whether a campaign issued by (or over) `unit` would be the user's to manage."""
    if not user.is_authenticated or unit is None:
        return False
    return user.is_superuser or any(unit.path.startswith(path) for path in manager_paths(user))


def managed_campaigns_q(user) -> Q:
    if user.is_authenticated and user.is_superuser:
        return Q()
    condition = Q(pk__in=[])
    for path in manager_paths(user):
        condition |= Q(issuer__path__startswith=path)
    return condition


def issuers_for(user):
    """The organisations a user may issue a new campaign for: the units of their campaign-manager
    memberships and the units under them that issue campaigns (people's committees, departments)."""
    if user.is_authenticated and user.is_superuser:
        units = Unit.objects.all()
    else:
        condition = Q(pk__in=[])
        for path in manager_paths(user):
            condition |= Q(path__startswith=path)
        units = Unit.objects.filter(condition)
    return units.filter(valid_to__isnull=True).order_by("path")


rules.add_perm("campaigns.manage_campaign", rules.predicate(manages_campaign))
rules.add_rule("campaigns.is_campaign_manager", rules.predicate(is_campaign_manager))
