"""The names of nominations.rules, for the modules that import them from here."""
from nominations.rules import (  # noqa: F401
    STAGE_ROLES,
    UNIT_ROLES,
    administered_campaigns_q,
    administers,
    administrator_paths,
    can_act_at_stage,
    council_unit_ids,
    is_administrator,
    memberships,
    officer_unit_ids,
    stage_organisation_ids,
    unit_ids,
    on_related,
    visible_in_round_q,
    visible_nominations_q,
)
