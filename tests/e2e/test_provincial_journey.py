"""Journey 3, in Chromium: provincial staff export the award list (.xlsx, reopened with openpyxl)
and have the stage dossier built and download its PDF. With CELERY_BROKER_URL (Redis) and
PostgreSQL the dossier is built by a real `celery -A config worker` subprocess; otherwise Celery
runs eagerly inside the live server."""
import time
import uuid

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from campaigns import clock
from nominations.models import Status
from nominations.services import record_decision
from tests.nominations.conftest import ready_at_stage, refresh

from .conftest import provincial_staff

pytestmark = pytest.mark.e2e

AFTER_DECISION = "2024-12-30T15:00"
AWARDED = {"so-y-te-nt": "Sở Y tế tỉnh Ninh Thuận", "so-gddt-nt": "Sở Giáo dục và Đào tạo tỉnh Ninh Thuận"}


@pytest.fixture
def celery_mode(e2e_media, monkeypatch):
    """'worker' (a real worker on its own queue, same database and media root) or 'eager'."""
    from config.celery import app
    from tests.dossiers.workers import Worker, broker_problem

    if broker_problem() is not None:
        previous = app.conf.task_always_eager, app.conf.task_eager_propagates
        app.conf.task_always_eager = app.conf.task_eager_propagates = True
        yield "eager"
        app.conf.task_always_eager, app.conf.task_eager_propagates = previous
        return
    queue = f"e2e-dossiers-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(settings, "DOSSIERS_QUEUE", queue, raising=False)
    monkeypatch.setenv("PORTAL_NOW", AFTER_DECISION)  # the worker's clock
    with Worker(queue=queue, var_dir=e2e_media, concurrency=2) as worker:
        worker.mode = "worker"
        yield "worker"


@pytest.fixture
def decided_round(nt_world, eager_tasks):
    """Two collectives awarded by Quyết định 2468/QĐ-UBND, one individual not awarded."""
    world = nt_world
    awarded = [ready_at_stage(world, code, order=4) for code in AWARDED]
    refused = ready_at_stage(world, "so-tai-chinh-nt", order=4, kind="individual", full_name="Đỗ Văn Nam", person_identifier="079190000002")
    with clock.frozen_at(world.at_stage(4)):
        record_decision(
            actor=world.users["stage:4"], round_=world.round, number="2468/QĐ-UBND", date=world.stages[-1].deadline,
            signer="Trần Quốc Nam", signer_title="CHỦ TỊCH", nominations=[refresh(n) for n in awarded],
            not_awarded={refused.pk: "Chưa đủ tiêu chuẩn."},
        )
    assert refresh(refused).status == Status.NOT_AWARDED
    return world


def test_provincial_staff_export_award_list_and_download_stage_dossier_pdf(decided_round, open_session, portal_clock, celery_mode, tmp_path):
    world = decided_round
    round_ = world.round
    portal_clock(AFTER_DECISION)
    print(f"\nCelery: {celery_mode} (the dossier is built {'by a real worker subprocess' if celery_mode == 'worker' else 'in the server thread'})")
    staff = provincial_staff(world)
    s = open_session()
    page = s.page
    s.login(staff)

    # --- The dashboard, then the award list as a spreadsheet ------------------------------------
    s.goto(reverse("reports_home"))
    page.get_by_role("link", name=round_.name).first.click()
    page.wait_for_url(f"**{reverse('reports_dashboard', args=[round_.pk])}")
    s.shot("01 dashboard")
    s.goto(reverse("reports_export", args=[round_.pk]))
    page.select_option("select[name=status]", "awarded")
    s.shot("02 export form")
    with page.expect_download() as info:
        page.get_by_role("button", name="Xuất danh sách").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    workbook = load_workbook(path, read_only=True)
    cells = [str(value) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for value in row if value is not None]
    for name in AWARDED.values():
        assert any(name in cell for cell in cells), f"{name} missing from the award list"
    assert not any("Đỗ Văn Nam" in cell for cell in cells)
    assert any("2468/QĐ-UBND" in cell for cell in cells)

    # --- The stage dossier of Sở TT&TT (stage 2), built by Celery, downloaded as a PDF ------------
    stage = next(st for st in world.stages if st.order == 2)
    s.goto(reverse("dossiers:round", args=[round_.pk]))
    s.shot("03 dossiers of the round")
    s.goto(reverse("dossiers:stage", args=[round_.pk, stage.order, stage.organisation_id]))
    page.get_by_role("button", name="Lập hồ sơ").click()
    page.wait_for_url("**/ho-so-van-ban/van-ban/*/")
    s.shot("04 dossier building")
    pdf_link = page.locator("main a[href$='/tai-ve/']", has_text="(PDF").first
    deadline = time.monotonic() + 240
    while pdf_link.count() == 0:
        assert time.monotonic() < deadline, "the stage dossier was not built within 240 s: " + page.inner_text("main")
        page.wait_for_timeout(2000)
        page.reload()  # as an officer would press F5 (whether the page polls by itself: the CSP check below)
    s.shot("05 dossier built")
    with page.expect_download() as info:
        pdf_link.click()
    pdf_path = tmp_path / info.value.suggested_filename
    info.value.save_as(pdf_path)
    assert pdf_path.suffix == ".pdf"
    data = pdf_path.read_bytes()
    assert data.startswith(b"%PDF-")
    reader = PdfReader(pdf_path)
    text = " ".join(page_.extract_text() or "" for page_ in reader.pages)
    assert len(reader.pages) >= 2
    assert "TỜ TRÌNH" in text.upper()
    # The Content-Security-Policy of these pages: tests/e2e/test_csp_every_page.py.
