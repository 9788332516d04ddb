"""`{% rule_changes round %}`: the changes made to a round's rules after units submitted in it
(campaigns.models.RuleChange), for the round's people on its pages."""
from django import template

register = template.Library()


@register.inclusion_tag("campaigns/_rule_changes.html")
def rule_changes(round_, limit=5):
    return {"changes": list(round_.rule_changes.select_related("changed_by")[:limit]) if round_ is not None else []}
