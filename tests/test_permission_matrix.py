"""The permission matrix: every URL pattern of the portal against every role and an anonymous user.

The list of URLs is generated from the URL configuration (get_resolver(), walked recursively,
admin/ left out): a new URL pattern without an entry in MATRIX fails
`test_every_url_pattern_has_an_entry`, naming it, so that a new view cannot go without a
permission test. Each entry gives the concrete arguments (from the world below) and the expected
answer to a GET for each role:

    200      the page
    LOGIN    302 to the login page
    404      not found: what a user may not use, the portal does not admit exists (style.md)
    405      GET on a POST-only view
    REDIRECT 302 somewhere else (a form that needs a choice first, the login page of a signed-in user)

A POST as a role that must be refused (404 or LOGIN on GET, or an explicit `post` entry for the
POST-only views) is sent too, with an empty body: it must be refused the same way and change
nothing in the database.

The world: the Ninh Thuận 2024 round (tests/nominations/conftest.nt_world); unit A (Sở Tài chính)
has a draft and a nomination at stage 2 with an evidence file; unit B (Sở Y tế) has none; unit C
(Sở GD&ĐT) has one awarded by a decision; stage 2 (Sở TT&TT) has a built dossier; the
administrator has a finished export.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from campaigns import clock
from campaigns.models import Role, Unit
from dossiers.models import BuildStatus, DocumentFormat, DocumentKind, GeneratedDocument
from dossiers.sources import identity_for
from nominations.models import (
    AwardDecision,
    CouncilMeeting,
    CriterionValue,
    Evidence,
    Nomination,
    NominationEvent,
    Registration,
)
from nominations.services import add_evidence, record_decision
from nominations.workflow import Action, advance
from reports.models import ExportJob
from tests.nominations.conftest import (  # noqa: F401  (nt_world is a fixture)
    hold_unit_council,
    make_user,
    new_nomination,
    nt_world,
    ready_at_stage,
    refresh,
)

pytestmark = pytest.mark.django_db

# outside_admin: an administrator membership at another province's People's Committee, which
# administers that province's campaigns only (a portal-wide administrator is a superuser).
ROLES = ("anonymous", "officer_a", "officer_b", "secretary_a", "reviewer", "appraiser", "chairman", "administrator", "outside_admin")
LOGIN, REDIRECT, UNAUTHORISED = "LOGIN", "REDIRECT", 401
EXCLUDED_PREFIXES = ("admin/",)


def answers(default, **by_role):
    unknown = set(by_role) - set(ROLES)
    assert not unknown, unknown
    return {role: by_role.get(role, default) for role in ROLES}


def signed_in(default, **by_role):
    """`default` for every signed-in role, LOGIN for the anonymous user."""
    return answers(default, anonymous=LOGIN, **by_role)


def public(code=200):
    return answers(code)


@dataclass
class Entry:
    kwargs: Callable = lambda w: {}
    get: dict = field(default_factory=dict)
    post: dict | None = None  # POST-only views: the refusals to check (roles left out may act)


# Who may do what, URL by URL (names as in the URL configuration; namespaced ones with "ns:").
MATRIX: dict[str, Entry] = {
    # --- Public -----------------------------------------------------------------------------------
    "healthz": Entry(get=public(200)),
    "favicon": Entry(get=public(301)),  # a permanent redirect to the static file
    "login": Entry(get=answers(REDIRECT, anonymous=200)),
    "logout": Entry(get=public(405)),
    # Django's set_language: changes the language cookie on POST only; a GET just redirects (to "/").
    "set_language": Entry(get=public(REDIRECT)),
    "password_reset": Entry(get=public(200)),
    "password_reset_done": Entry(get=public(200)),
    "password_reset_confirm": Entry(kwargs=lambda w: {"uidb64": "MQ", "token": "sai-ma-xac-nhan"}, get=public(200)),
    "password_reset_complete": Entry(get=public(200)),
    "dossier_verify": Entry(kwargs=lambda w: {"code": w.document.verification_code}, get=public(200)),
    "open_data_index": Entry(get=public(200)),
    "open_data_csv": Entry(kwargs=lambda w: {"campaign_code": w.round.campaign.code, "round_code": w.round.code}, get=public(200)),
    "open_data_json": Entry(kwargs=lambda w: {"campaign_code": w.round.campaign.code, "round_code": w.round.code}, get=public(200)),
    # --- The unit's side ----------------------------------------------------------------------------
    "home": Entry(get=signed_in(200)),
    "unit_round": Entry(kwargs=lambda w: {"round_id": w.round.pk}, get=signed_in(404, officer_a=200, officer_b=200, secretary_a=200)),
    "unit_register": Entry(kwargs=lambda w: {"round_id": w.round.pk}, get=signed_in(404, officer_a=200, officer_b=200)),
    "nomination_create": Entry(kwargs=lambda w: {"round_id": w.round.pk}, get=signed_in(404, officer_a=200, officer_b=200)),
    "unit_council": Entry(kwargs=lambda w: {"round_id": w.round.pk}, get=signed_in(404, officer_a=200, officer_b=200, secretary_a=200)),
    "nomination_detail": Entry(
        kwargs=lambda w: {"pk": w.stage2_a.pk},
        get=signed_in(404, officer_a=200, secretary_a=200, reviewer=200, administrator=200),
    ),
    "nomination_edit": Entry(kwargs=lambda w: {"pk": w.draft_a.pk}, get=signed_in(404, officer_a=200)),
    "nomination_submit": Entry(
        kwargs=lambda w: {"pk": w.draft_a.pk},
        get=signed_in(405),
        # Those who may see the draft but not submit it are sent back to it with the reason.
        post=answers(404, anonymous=LOGIN, officer_a=None, secretary_a=REDIRECT, administrator=REDIRECT),
    ),
    # Only the proposing unit's officers may delete its draft (GET: the confirmation).
    "nomination_withdraw": Entry(
        kwargs=lambda w: {"pk": w.stage2_a.pk},
        get=signed_in(405),
        # Only its unit's officer may take it back; those who see it are sent back to it with the reason.
        post=answers(404, anonymous=LOGIN, officer_a=None, secretary_a=REDIRECT, reviewer=REDIRECT, administrator=REDIRECT),
    ),
    "nomination_delete": Entry(kwargs=lambda w: {"pk": w.draft_a.pk}, get=signed_in(404, officer_a=200)),
    "nomination_evidence": Entry(
        kwargs=lambda w: {"pk": w.draft_a.pk}, get=signed_in(404, officer_a=200, secretary_a=200, administrator=200),
    ),
    "evidence_download": Entry(
        kwargs=lambda w: {"pk": w.evidence.pk},
        get=signed_in(404, officer_a=200, secretary_a=200, reviewer=200, administrator=200),
    ),
    "criteria_evaluate": Entry(get=public(405), post=answers(None, anonymous=UNAUTHORISED)),
    # --- The review side --------------------------------------------------------------------------
    "review_home": Entry(get=signed_in(404, reviewer=200, appraiser=200, chairman=200, administrator=200)),
    "review_queue": Entry(kwargs=lambda w: {"round_id": w.round.pk, "order": 2}, get=signed_in(404, reviewer=200, administrator=200)),
    "review_bulk_preview": Entry(
        # Without a selection the reviewer is sent back to the queue; read-only administrators get 404.
        kwargs=lambda w: {"round_id": w.round.pk, "order": 2}, get=signed_in(404, reviewer=REDIRECT),
    ),
    "review_bulk_confirm": Entry(
        kwargs=lambda w: {"round_id": w.round.pk, "order": 2}, get=signed_in(405), post=answers(404, anonymous=LOGIN, reviewer=None),
    ),
    # Ninh Thuận's stage 2 holds no council of its own: the page does not exist for anybody.
    "review_council": Entry(kwargs=lambda w: {"round_id": w.round.pk, "order": 2}, get=signed_in(404)),
    "review_extensions": Entry(kwargs=lambda w: {"round_id": w.round.pk, "order": 2}, get=signed_in(404, reviewer=200, administrator=200)),
    "review_approve": Entry(kwargs=lambda w: {"pk": w.stage2_a.pk}, get=signed_in(405), post=answers(404, anonymous=LOGIN, reviewer=None)),
    "review_return": Entry(kwargs=lambda w: {"pk": w.stage2_a.pk}, get=signed_in(405), post=answers(404, anonymous=LOGIN, reviewer=None)),
    "review_reject": Entry(kwargs=lambda w: {"pk": w.stage2_a.pk}, get=signed_in(405), post=answers(404, anonymous=LOGIN, reviewer=None)),
    "review_judge": Entry(
        kwargs=lambda w: {"pk": w.stage2_a.pk, "value_id": w.pending_value.pk}, get=signed_in(405),
        post=answers(404, anonymous=LOGIN, reviewer=None),
    ),
    "review_judge_all": Entry(
        kwargs=lambda w: {"pk": w.stage2_a.pk}, get=signed_in(405), post=answers(404, anonymous=LOGIN, reviewer=None),
    ),
    "review_decision": Entry(kwargs=lambda w: {"round_id": w.round.pk}, get=signed_in(404, chairman=200, administrator=200)),
    "review_decision_detail": Entry(
        kwargs=lambda w: {"round_id": w.round.pk, "decision_id": w.decision.pk}, get=signed_in(404, chairman=200, administrator=200),
    ),
    # --- Reports and exports (provincial staff and the round's stage people) ----------------------
    "reports_home": Entry(get=signed_in(200)),
    "reports_dashboard": Entry(kwargs=lambda w: {"round_id": w.round.pk}, get=signed_in(404, reviewer=200, appraiser=200, chairman=200, administrator=200)),
    "reports_export": Entry(kwargs=lambda w: {"round_id": w.round.pk}, get=signed_in(404, reviewer=200, appraiser=200, chairman=200, administrator=200)),
    "reports_quota_xlsx": Entry(kwargs=lambda w: {"round_id": w.round.pk}, get=signed_in(404, reviewer=200, appraiser=200, chairman=200, administrator=200)),
    "reports_participation_xlsx": Entry(
        kwargs=lambda w: {"round_id": w.round.pk}, get=signed_in(404, reviewer=200, appraiser=200, chairman=200, administrator=200),
    ),
    "reports_decision_xlsx": Entry(
        kwargs=lambda w: {"decision_id": w.decision.pk}, get=signed_in(404, reviewer=200, appraiser=200, chairman=200, administrator=200),
    ),
    # An export job is its requester's alone.
    "reports_job": Entry(kwargs=lambda w: {"job_id": w.job.pk}, get=signed_in(404, administrator=200)),
    "reports_job_status": Entry(kwargs=lambda w: {"job_id": w.job.pk}, get=signed_in(404, administrator=200)),
    "reports_job_download": Entry(kwargs=lambda w: {"job_id": w.job.pk}, get=signed_in(404, administrator=200)),
    # --- Generated documents -----------------------------------------------------------------------
    # Unit B has no nomination, so no dossier of its own in the round.
    "dossiers:round": Entry(
        kwargs=lambda w: {"round_id": w.round.pk},
        get=signed_in(404, officer_a=200, secretary_a=200, reviewer=200, appraiser=200, chairman=200, administrator=200),
    ),
    "dossiers:stage": Entry(
        kwargs=lambda w: {"round_id": w.round.pk, "order": 2, "unit_id": w.stage2.organisation_id},
        get=signed_in(404, reviewer=200, appraiser=200, chairman=200, administrator=200),
    ),
    # Only the body issuing the tờ trình (and the administrator) may date it; an empty POST is a form error.
    "dossiers:to_trinh_date": Entry(
        kwargs=lambda w: {"round_id": w.round.pk, "order": 2, "unit_id": w.stage2.organisation_id}, get=signed_in(405),
        post=answers(404, anonymous=LOGIN, reviewer=None, administrator=None),
    ),
    "dossiers:nomination_report": Entry(
        kwargs=lambda w: {"nomination_id": w.stage2_a.pk}, get=signed_in(405),
        post=answers(404, anonymous=LOGIN, officer_a=None, secretary_a=None, reviewer=None, administrator=None),
    ),
    "dossiers:status": Entry(kwargs=lambda w: {"pk": w.document.pk}, get=signed_in(404, reviewer=200, appraiser=200, chairman=200, administrator=200)),
    "dossiers:status_json": Entry(kwargs=lambda w: {"pk": w.document.pk}, get=signed_in(404, reviewer=200, appraiser=200, chairman=200, administrator=200)),
    "dossiers:download": Entry(kwargs=lambda w: {"pk": w.document.pk}, get=signed_in(404, reviewer=200, appraiser=200, chairman=200, administrator=200)),
    # --- The campaign editor: campaign managers of the issuing organisation only (none of these
    # roles is one; tests/campaigns/test_editor.py tests the scope) --------------------------------
    "campaign_editor_home": Entry(get=signed_in(404)),
    "campaign_editor": Entry(kwargs=lambda w: {"code": w.round.campaign.code}, get=signed_in(404)),
    "campaign_download": Entry(kwargs=lambda w: {"code": w.round.campaign.code}, get=signed_in(404)),
    "campaign_upload": Entry(kwargs=lambda w: {"code": w.round.campaign.code}, get=signed_in(405), post=answers(404, anonymous=LOGIN)),
    "participants_import": Entry(kwargs=lambda w: {"code": w.round.campaign.code}, get=signed_in(405), post=answers(404, anonymous=LOGIN)),
    "participants_import_job": Entry(kwargs=lambda w: {"code": w.round.campaign.code, "job_id": 1}, get=signed_in(404)),
    "round_create": Entry(kwargs=lambda w: {"code": w.round.campaign.code}, get=signed_in(404)),
    "round_editor": Entry(kwargs=lambda w: {"code": w.round.campaign.code, "round_code": w.round.code}, get=signed_in(404)),
    "round_check": Entry(kwargs=lambda w: {"code": w.round.campaign.code, "round_code": w.round.code}, get=signed_in(404)),
    "round_preview": Entry(kwargs=lambda w: {"code": w.round.campaign.code, "round_code": w.round.code}, get=signed_in(404)),
}


# --- The URL configuration -----------------------------------------------------------------------


@dataclass
class Route:
    name: str  # "dossiers:stage", or the route itself for an unnamed pattern
    route: str
    view: Callable


def portal_routes() -> list[Route]:
    """Every URL pattern of the portal (admin/ excluded), found by walking the resolver."""
    found = []

    def walk(patterns, prefix="", namespace=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if route.startswith(EXCLUDED_PREFIXES):
                continue
            if isinstance(entry, URLResolver):
                inner = ":".join(p for p in (namespace, entry.namespace) if p)
                walk(entry.url_patterns, route, inner)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or route)
                found.append(Route(name, route, entry.callback))

    walk(get_resolver().url_patterns)
    return found


def missing_entries(routes) -> list[str]:
    return [f"{r.name} (/{r.route})" for r in routes if r.name not in MATRIX]


def test_every_url_pattern_has_an_entry():
    routes = portal_routes()
    missing = missing_entries(routes)
    assert not missing, (
        "URL patterns without an entry in tests/test_permission_matrix.py MATRIX (say who may open them): "
        + ", ".join(missing)
    )
    stale = sorted(set(MATRIX) - {r.name for r in routes})
    assert not stale, f"MATRIX entries for URL patterns that no longer exist: {stale}"
    names = [r.name for r in routes]
    assert len(names) == len(set(names)), "two URL patterns share a name"


def test_a_new_pattern_without_an_entry_is_named():
    routes = portal_routes()
    assert {"nomination_detail", "dossiers:download", "healthz"} <= {r.name for r in routes}
    assert not any(r.route.startswith("admin/") for r in routes)
    new = Route("nomination_print", "ho-so/<int:pk>/in/", lambda request, pk: None)
    assert missing_entries(routes + [new]) == ["nomination_print (/ho-so/<int:pk>/in/)"]


# --- The world ------------------------------------------------------------------------------------


class MatrixWorld:
    pass


def pdf_upload(name="minh-chung.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")


@pytest.fixture
def matrix(nt_world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PORTAL_NOW = ""
    world = nt_world
    w = MatrixWorld()
    w.round = world.round
    w.stage2 = next(s for s in world.stages if s.order == 2)
    unit_a = world.units["so-tai-chinh-nt"]
    province = Unit.objects.get(code="ubnd-tinh-ninh-thuan")
    w.users = {
        "anonymous": None,
        "officer_a": world.users["officer:so-tai-chinh-nt"],
        "officer_b": world.users["officer:so-y-te-nt"],
        "secretary_a": make_user("thu-ky-so-tai-chinh", unit_a, Role.COUNCIL_SECRETARY),
        "reviewer": world.users["stage:2"],
        "appraiser": world.users["stage:3"],
        "chairman": world.users["stage:4"],
        "administrator": make_user("quan-tri-tinh", province, Role.ADMINISTRATOR),
        "outside_admin": make_user(
            "quan-tri-tinh-khac",
            Unit.objects.create(code="ubnd-tinh-khac", name="Ủy ban nhân dân tỉnh Khác", category=province.category, level=province.level),
            Role.ADMINISTRATOR,
        ),
    }
    with clock.frozen_at(world.at_stage(1)):
        w.stage2_a = new_nomination(world, "so-tai-chinh-nt")
        w.evidence = add_evidence(
            nomination=w.stage2_a, criterion=None, uploaded_file=pdf_upload(), actor=w.users["officer_a"], content_type="application/pdf",
        )
        w.draft_a = new_nomination(world, "so-tai-chinh-nt", kind="individual", full_name="Võ Thị Lan", person_identifier="079190000001")
        hold_unit_council(world, "so-tai-chinh-nt", [w.stage2_a])
        advance(w.stage2_a, Action.SUBMIT, actor=w.users["officer_a"])
    w.stage2_a = refresh(w.stage2_a)
    w.pending_value = CriterionValue.objects.filter(nomination=w.stage2_a, status="pending").first()
    assert w.pending_value is not None
    awarded = ready_at_stage(world, "so-gddt-nt", order=4)
    with clock.frozen_at(world.at_stage(4)):
        w.decision = record_decision(
            actor=w.users["chairman"], round_=w.round, number="99/QĐ-UBND", date=world.stages[-1].deadline,
            signer="Trần Quốc Nam", nominations=[refresh(awarded)],
        )
    w.document = GeneratedDocument.objects.create(
        kind=DocumentKind.STAGE_DOSSIER_PDF, format=DocumentFormat.PDF,
        identity=identity_for(DocumentKind.STAGE_DOSSIER_PDF, round_id=w.round.pk, stage_id=w.stage2.pk, organisation_id=w.stage2.organisation_id),
        round=w.round, stage=w.stage2, organisation=w.stage2.organisation, issued_on=dt.date(2024, 12, 14),
        title="Hồ sơ đề nghị khen thưởng", status=BuildStatus.DONE, verification_code="MATRIX23", built_at=timezone.now(),
        nomination_ids=[awarded.pk],  # went through stage 2 on to the decision: every later level may read it
    )
    w.awarded = awarded
    w.document.file.save("ho-so.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    w.job = ExportJob.objects.create(round=w.round, requested_by=w.users["administrator"], status="done", filename="danh-sach.xlsx", total=1, progress=1)
    w.job.file.save("danh-sach.xlsx", ContentFile(b"PK\x03\x04 xlsx"), save=True)
    return w


def answer_of(response) -> object:
    if response.status_code == 302:
        return LOGIN if response.url.startswith(reverse("login")) else REDIRECT
    return response.status_code


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def snapshot():
    """What a refused POST must leave alone."""
    return {
        "nominations": sorted(Nomination.objects.values_list("pk", "stage_id", "status", "criteria_status", "updated_at")),
        "values": sorted(CriterionValue.objects.values_list("pk", "judgement", "status")),
        "events": NominationEvent.objects.count(),
        "evidence": Evidence.objects.count(),
        "meetings": CouncilMeeting.objects.count(),
        "registrations": Registration.objects.count(),
        "decisions": AwardDecision.objects.count(),
        "documents": GeneratedDocument.objects.count(),
        "jobs": ExportJob.objects.count(),
    }


def test_permission_matrix_every_url_every_role(matrix):
    routes = {r.name: r for r in portal_routes()}
    clients = {role: client_for(user) for role, user in matrix.users.items()}
    wrong = []
    before = snapshot()
    for name, entry in MATRIX.items():
        if name not in routes:
            continue  # reported by test_every_url_pattern_has_an_entry
        url = reverse(name, kwargs=entry.kwargs(matrix))
        for role in ROLES:
            expected = entry.get[role]
            got = answer_of(clients[role].get(url))
            if got != expected:
                wrong.append(f"GET  {url} [{name}] as {role}: expected {expected}, got {got}")
            # A role refused on GET is refused on POST too (404, or 405 from a GET-only view);
            # POST-only views say whom to check.
            post_expected = entry.post[role] if entry.post is not None else (expected if expected in (404, LOGIN) else None)
            if post_expected is None:
                continue
            got = answer_of(clients[role].post(url, {}))
            if got != post_expected and not (entry.post is None and post_expected == 404 and got == 405):
                wrong.append(f"POST {url} [{name}] as {role}: expected {post_expected}, got {got}")
    assert not wrong, "Permission matrix mismatches:\n" + "\n".join(wrong)
    assert snapshot() == before, "a refused POST changed the database"


def stage_file(w, stage, organisation, code, nomination_ids):
    document = GeneratedDocument.objects.create(
        kind=DocumentKind.STAGE_DOSSIER_PDF, format=DocumentFormat.PDF,
        identity=identity_for(DocumentKind.STAGE_DOSSIER_PDF, round_id=w.round.pk, stage_id=stage.pk, organisation_id=organisation.pk) + code,
        round=w.round, stage=stage, organisation=organisation, issued_on=dt.date(2024, 12, 14),
        title="Hồ sơ đề nghị khen thưởng", status=BuildStatus.DONE, verification_code=code, built_at=timezone.now(),
        nomination_ids=nomination_ids,
    )
    document.file.save("ho-so.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    return document


def test_documents_by_what_they_contain(matrix):
    """A stage file is read only by those who may see every nomination in it (whatever stage
    they act at): a unit's dossier with a draft stays with the unit; Sở TT&TT's dossier with a
    nomination waiting at its stage stays with Sở TT&TT until the nomination moves on."""
    w = matrix
    unit_stage = w.round.stages.get(order=1)
    unit_a = w.stage2_a.proposing_unit
    cases = {
        "unit A, with a draft": (
            stage_file(w, unit_stage, unit_a, "MTXDRAFT", [w.draft_a.pk, w.stage2_a.pk]),
            {"officer_a", "secretary_a", "administrator"},
        ),
        "stage 2, waiting there": (
            stage_file(w, w.stage2, w.stage2.organisation, "MTXWAIT2", [w.stage2_a.pk]),
            {"reviewer", "administrator"},
        ),
        "stage 2, moved on": (
            stage_file(w, w.stage2, w.stage2.organisation, "MTXMOVED", [w.awarded.pk]),
            {"reviewer", "appraiser", "chairman", "administrator"},
        ),
    }
    clients = {role: client_for(user) for role, user in w.users.items()}
    wrong = []
    for label, (document, readers) in cases.items():
        for view in ("dossiers:download", "dossiers:status", "dossiers:status_json"):
            url = reverse(view, kwargs={"pk": document.pk})
            for role in ROLES:
                expected = LOGIN if role == "anonymous" else (200 if role in readers else 404)
                got = answer_of(clients[role].get(url))
                if got != expected:
                    wrong.append(f"{label}: GET {url} as {role}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)
