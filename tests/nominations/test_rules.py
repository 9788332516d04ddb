"""The predicates of nominations/rules.py, each on its own, for every role (test_permission_matrix.py
checks the views that use them)."""
from __future__ import annotations

import pytest
import rules

from nominations.models import Nomination
from nominations.rules import ACT, READ, administered_campaigns_q, stage_access, visible_nominations_q
from tests.nominations.conftest import ROLE_NAMES

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(roles_world):
    return roles_world


def expected(true_for, role):
    assert set(true_for) <= set(ROLE_NAMES), set(true_for) - set(ROLE_NAMES)
    return role in true_for


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize(
    "order, true_for",
    [(1, ()), (2, ("reviewer",)), (3, ("appraiser",)), (4, ("chairman",))],
)
def test_act_at_stage_only_the_stage_organisations_people_with_its_role(w, role, order, true_for):
    assert rules.test_rule("nominations.act_at_stage", w.users[role], w.stages[order]) is expected(true_for, role)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_administer_campaign_the_issuing_provinces_administrator_and_superusers(w, role):
    campaign = w.world.round.campaign
    assert rules.test_rule("nominations.administer_campaign", w.users[role], campaign) is expected(("administrator", "superuser"), role)


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("unit, true_for", [("unit_a", ("officer_a",)), ("unit_b", ("officer_b",))])
def test_propose_for_unit_only_its_unit_officers(w, role, unit, true_for):
    assert rules.test_rule("nominations.propose_for_unit", w.users[role], getattr(w, unit)) is expected(true_for, role)


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize(
    "nomination, true_for",
    [
        # A draft: its unit's people and the campaign's administrators; no stage sees it.
        ("draft", ("officer_a", "secretary_a", "administrator", "superuser")),
        # Waiting at stage 2: also the reviewers, not yet the later stages.
        ("at_stage_2", ("officer_a", "secretary_a", "reviewer", "administrator", "superuser")),
    ],
)
def test_view_nomination_is_the_scope_of_visible_nominations_q(w, role, nomination, true_for):
    user, target = w.users[role], getattr(w, nomination)
    assert rules.has_perm("nominations.view_nomination", user, target) is expected(true_for, role)
    if role != "anonymous":
        assert Nomination.objects.filter(visible_nominations_q(user), pk=target.pk).exists() is expected(true_for, role)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_edit_nomination_only_the_proposing_units_officers(w, role):
    assert rules.has_perm("nominations.edit_nomination", w.users[role], w.draft) is expected(("officer_a",), role)


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("nomination, true_for", [("at_stage_2", ("reviewer",)), ("draft", ())])
def test_review_nomination_the_people_acting_at_its_current_stage(w, role, nomination, true_for):
    assert rules.has_perm("nominations.review_nomination", w.users[role], getattr(w, nomination)) is expected(true_for, role)


@pytest.mark.parametrize(
    "role, by_order",
    [
        ("anonymous", {1: None, 2: None, 3: None, 4: None}),
        ("officer_a", {1: None, 2: None, 3: None, 4: None}),
        ("secretary_a", {1: None, 2: None, 3: None, 4: None}),
        ("reviewer", {1: None, 2: ACT, 3: None, 4: None}),
        ("appraiser", {1: None, 2: None, 3: ACT, 4: None}),
        ("chairman", {1: None, 2: None, 3: None, 4: ACT}),
        ("administrator", {1: None, 2: READ, 3: READ, 4: READ}),
        ("outside_admin", {1: None, 2: None, 3: None, 4: None}),
        ("superuser", {1: None, 2: READ, 3: READ, 4: READ}),
    ],
)
def test_stage_access_act_for_the_stage_read_for_administrators_none_for_the_unit_stage(w, role, by_order):
    assert {order: stage_access(w.users[role], stage) for order, stage in w.stages.items()} == by_order


@pytest.mark.parametrize("role, sees", [("administrator", True), ("outside_admin", False), ("superuser", True), ("reviewer", False)])
def test_administered_campaigns_q_matches_administers(w, role, sees):
    campaign = w.world.round.campaign
    assert type(campaign).objects.filter(administered_campaigns_q(w.users[role]), pk=campaign.pk).exists() is sees
