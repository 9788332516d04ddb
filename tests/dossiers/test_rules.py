"""The predicates of dossiers/rules.py, each on its own, for every role: who may read a generated
document (its content rule `sees_every_nomination` included) and who may build one."""
from __future__ import annotations

import datetime as dt

import pytest
import rules
from django.utils import timezone

from dossiers.models import BuildStatus, DocumentFormat, DocumentKind, GeneratedDocument
from dossiers.rules import can_build_stage, sees_every_nomination
from dossiers.sources import identity_for
from tests.nominations.conftest import ROLE_NAMES, nt_world, roles_world  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

EVERY_ROLE = set(ROLE_NAMES)


@pytest.fixture
def w(roles_world):
    return roles_world


def document(w, *, order: int, organisation, shows: list | None, kind=DocumentKind.STAGE_DOSSIER_PDF, nomination=None):
    stage = w.stages[order]
    identity = identity_for(kind, round_id=w.world.round.pk, stage_id=stage.pk, organisation_id=organisation.pk,
                            nomination_id=nomination.pk if nomination else None)
    return GeneratedDocument.objects.create(
        kind=kind, format=DocumentFormat.PDF, identity=identity, round=w.world.round, stage=stage, organisation=organisation,
        nomination=nomination, issued_on=dt.date(2024, 12, 14), title="Hồ sơ", status=BuildStatus.DONE,
        verification_code=f"R{order}{organisation.pk}{len(shows or [])}{'N' if shows is None else ''}"[:8], built_at=timezone.now(),
        nomination_ids=[getattr(w, name).pk for name in shows] if shows is not None else None,
    )


ISSUER_A = {"officer_a", "secretary_a"}
ADMINS = {"administrator", "superuser"}


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize(
    "order, issuer, shows, true_for",
    [
        # Unit A's own dossier: its people; a later stage's people only if they may see every nomination in it.
        (1, "unit_a", ["at_stage_2"], ISSUER_A | {"reviewer"} | ADMINS),
        (1, "unit_a", ["at_stage_2", "draft"], ISSUER_A | ADMINS),
        (1, "unit_a", [], ISSUER_A | {"reviewer", "appraiser", "chairman"} | ADMINS),
        # Contents not recorded: the issuer's people only.
        (1, "unit_a", None, ISSUER_A | ADMINS),
        # Stage 2's dossier: its reviewers; stage 3 and 4 receive it, but the nomination has not reached them.
        (2, "stage_2", ["at_stage_2"], {"reviewer"} | ADMINS),
        (2, "stage_2", [], {"reviewer", "appraiser", "chairman"} | ADMINS),
    ],
)
def test_view_document_of_a_stage(w, role, order, issuer, shows, true_for):
    organisation = w.unit_a if issuer == "unit_a" else w.stages[2].organisation
    record = document(w, order=order, organisation=organisation, shows=shows)
    assert rules.has_perm("dossiers.view_generateddocument", w.users[role], record) is (role in true_for)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_view_report_whoever_may_see_its_nomination(w, role):
    record = document(w, order=1, organisation=w.unit_a, shows=["at_stage_2"], kind=DocumentKind.BAO_CAO_THANH_TICH, nomination=w.at_stage_2)
    assert rules.has_perm("dossiers.view_generateddocument", w.users[role], record) is (role in ISSUER_A | {"reviewer"} | ADMINS)


@pytest.mark.parametrize("role", sorted(EVERY_ROLE - {"anonymous"}))
@pytest.mark.parametrize(
    "shows, true_for",
    [
        ([], EVERY_ROLE),
        (["draft"], ISSUER_A | ADMINS),
        (["at_stage_2"], ISSUER_A | {"reviewer"} | ADMINS),
        (["at_stage_2", "draft"], ISSUER_A | ADMINS),
    ],
)
def test_sees_every_nomination_all_or_nothing(w, role, shows, true_for):
    assert sees_every_nomination(w.users[role], [getattr(w, name).pk for name in shows]) is (role in true_for)


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize(
    "nomination, true_for",
    [
        ("draft", {"officer_a"} | ADMINS),
        # A stage's people once the nomination has reached them; the unit's secretary never builds a report.
        ("at_stage_2", {"officer_a", "reviewer"} | ADMINS),
    ],
)
def test_build_report_the_units_officers_the_reached_stages_people_and_administrators(w, role, nomination, true_for):
    assert rules.test_rule("dossiers.build_report", w.users[role], getattr(w, nomination)) is (role in true_for)


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize(
    "order, issuer, true_for",
    [
        (1, "unit_a", ISSUER_A | ADMINS),
        (2, "stage_2", {"reviewer"} | ADMINS),
        # A stage's dossier is built by the organisation of that stage only.
        (2, "unit_a", ADMINS),
        (3, "stage_3", {"appraiser"} | ADMINS),
    ],
)
def test_build_stage_the_issuing_organisations_people(w, role, order, issuer, true_for):
    organisation = w.unit_a if issuer == "unit_a" else w.stages[int(issuer[-1])].organisation
    assert can_build_stage(w.users[role], w.stages[order], organisation) is (role in true_for)
