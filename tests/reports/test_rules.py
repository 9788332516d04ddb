"""The predicates of reports/rules.py, for every role (test_permission_matrix.py checks the views
that use them)."""
from __future__ import annotations

import pytest
import rules

from reports.rules import reportable_rounds
from tests.nominations.conftest import ROLE_NAMES, nt_world, roles_world  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(roles_world):  # noqa: F811
    return roles_world


def expected(true_for, role):
    assert set(true_for) <= set(ROLE_NAMES), set(true_for) - set(ROLE_NAMES)
    return role in true_for


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_report_round_administrators_and_the_rounds_stage_people(w, role):
    true_for = ("reviewer", "appraiser", "chairman", "administrator", "superuser")
    assert rules.test_rule("reports.report_round", w.users[role], w.world.round) is expected(true_for, role)
    assert (w.world.round in reportable_rounds(w.users[role])) is expected(true_for, role)


def test_report_round_refuses_an_inactive_account(w):
    reviewer = w.users["reviewer"]
    reviewer.is_active = False
    assert rules.test_rule("reports.report_round", reviewer, w.world.round) is False
