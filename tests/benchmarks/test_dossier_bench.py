"""Benchmark of the dossiers (run by `make bench`; prints a table, asserts nothing on timings).

Measures, in the same process and run:
- the floors: WeasyPrint rendering a bare one-page document (seconds per page, best of 5), twice:
  (a) an empty page ("Hello": the fixed cost of one document) and (b) a page FULL of plain
  Vietnamese paragraphs with WeasyPrint's defaults (no stylesheet, a fresh `HTML().write_pdf()`
  call): the cost of laying out a page of text at all. A document page is compared with both;
- one nominee's báo cáo thành tích, rendered alone (seconds per page);
- a stage dossier of DOSSIER_BENCH_N nominees (default 100): the one-pass layout, the merged PDF,
  each member's PDF painted from its pages, the Word files and the ZIP (seconds per page of the merged PDF);
- the request that starts a build (POST of the stage page; the work is queued, not done);
- with PostgreSQL and a Redis broker: the same dossier built by 1 and then 2 real Celery workers
  (wall time from the request to the ZIP), and the start request's time while they work.

The 100 nominees are the individual nominations of one unit, voted by its council at the unit
stage, created through the real services (save_nomination, record_council_meeting).
"""
from __future__ import annotations

import os
import statistics
import time

import pytest
from django.conf import settings
from django.db import connection

from campaigns import clock
from dossiers import rendering, services, sources
from dossiers.models import BuildStatus, DocumentFormat, GeneratedDocument
from tests.nominations.conftest import build_world, hold_unit_council, load, new_nomination

N = int(os.environ.get("DOSSIER_BENCH_N", "100"))
UNIT = "so-tai-chinh-nt"
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ"]
GIVEN = ["Thị Hằng", "Văn Hùng", "Quốc Việt", "Thu Trang", "Minh Đức", "Ngọc Ánh", "Hữu Phước", "Thị Yến", "Đức Thắng", "Thanh Hương"]

pytestmark = pytest.mark.django_db(transaction=True)

ROWS: list[tuple[str, str]] = []


def row(label: str, value: str):
    ROWS.append((label, value))
    print(f"  {label:<62} {value}", flush=True)


class Timer:
    """Wall and CPU time (this process) of a block: these machines are shared, so CPU time is
    the fairer comparison; wall time is what a user waits."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def best_of(function, runs=5):
    """(best CPU, best wall, result) over `runs` runs."""
    cpus, walls, result = [], [], None
    for _ in range(runs):
        with Timer() as timer:
            result = function()
        cpus.append(timer.cpu)
        walls.append(timer.wall)
    return min(cpus), min(walls), result


@pytest.fixture
def big_unit(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load("ninh-thuan-2024.yaml")
    world = build_world("ninh-thuan-2024", "nam-2024", [(UNIT, "Sở Tài chính tỉnh Ninh Thuận", "so_ban_nganh", None, "tinh")])
    started = time.perf_counter()
    with clock.frozen_at(world.at_stage(1)):
        nominations = [new_nomination(world, UNIT)]
        for i in range(N - 1):
            name = f"{FAMILY[i % 10]} {GIVEN[(i // 10) % 10]} {i + 1}"
            nominations.append(new_nomination(world, UNIT, kind="individual", full_name=name, person_identifier=f"0791{i:06d}"))
        hold_unit_council(world, UNIT, nominations, members=11, present=10, votes=9)
    world.setup_seconds = time.perf_counter() - started
    return world


def _warm_up():
    """Imports, cffi type parsing, URL conf: one-time costs of a fresh process, not of a page."""
    rendering.html_to_pdf("<html><body><p>Khởi động ạ ư ơ</p></body></html>")
    rendering.verification_url("WARMUP00")


SENTENCE = ("Đơn vị đã triển khai đồng bộ các nhiệm vụ chuyển đổi số, tỷ lệ hồ sơ trực tuyến toàn trình "
            "đạt cao, cán bộ được bồi dưỡng kỹ năng số và dữ liệu được kết nối, chia sẻ.")


def full_page_html(sentences: int) -> str:
    body = "".join(f"<p>{' '.join([SENTENCE] * 4)}</p>" for _ in range(sentences // 4)) + " ".join([SENTENCE] * (sentences % 4))
    return f"<html lang=\"vi\"><body>{body}</body></html>"


def bare_full_page() -> str:
    """The most plain paragraphs that still fit one A4 page with WeasyPrint's defaults."""
    from weasyprint import HTML

    sentences = 4
    while len(HTML(string=full_page_html(sentences + 1)).render().pages) == 1:
        sentences += 1
    return full_page_html(sentences)


def test_dossier_benchmark(big_unit, client):
    world = big_unit
    stage = world.stages[0]
    unit = world.units[UNIT]
    print(f"\n== Dossier benchmark: {N} nominees, database {connection.vendor}, "
          f"Celery {'eager' if settings.CELERY_TASK_ALWAYS_EAGER else 'broker'}, load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs ==")
    row("setup: nominations via services (not a dossier cost)", f"{world.setup_seconds:.1f} s")
    from weasyprint.text import ffi

    row("font subsetting", "HarfBuzz" if ffi.harfbuzz_subset is not None else "fontTools (libharfbuzz-subset0 missing: ~2.5x slower)")
    _warm_up()

    # 1. The floors: a bare one-page document, empty and full.
    from weasyprint import HTML

    empty_cpu, empty_wall, _pdf = best_of(lambda: HTML(string="<html><body><p>Hello</p></body></html>").write_pdf())
    row("floor (a): bare empty page, s/page CPU / wall (best of 5)", f"{empty_cpu:.3f} / {empty_wall:.3f}")
    full_page = bare_full_page()
    assert len(HTML(string=full_page).render().pages) == 1
    floor_cpu, floor_wall, _pdf = best_of(lambda: HTML(string=full_page).write_pdf())
    row("floor (b): bare page full of text, s/page CPU / wall (best of 5)", f"{floor_cpu:.3f} / {floor_wall:.3f}")

    # 2. One nominee's report, rendered alone (a collective: the longest report).
    nomination = world.round.nominations.order_by("id").first()
    spec = services.Spec(kind="bao_cao_thanh_tich", round=world.round, organisation=unit, nomination=nomination, title="Báo cáo thành tích")
    record, _ = services.ensure_record(spec, DocumentFormat.PDF)
    source = sources.report_source(nomination)
    report_cpu, report_wall, (_data, report_pages) = best_of(lambda: services.document_bytes(record, source))
    row(f"one report ({report_pages} pages), s/page CPU / wall (best of 5)", f"{report_cpu / report_pages:.3f} / {report_wall / report_pages:.3f}")
    row("  ratio to floor (b) full page, CPU (goal <= 1.5)", f"{report_cpu / report_pages / floor_cpu:.2f}x")
    row("  ratio to floor (a) empty page, CPU", f"{report_cpu / report_pages / empty_cpu:.1f}x")
    docx_record, _ = services.ensure_record(spec, DocumentFormat.DOCX)
    docx_cpu, docx_wall, _ = best_of(lambda: services.document_bytes(docx_record, source))
    row("one report as Word (.docx), s CPU / wall", f"{docx_cpu:.3f} / {docx_wall:.3f}")

    # 3. The stage dossier, in this process (the service the worker runs), phase by phase.
    with Timer() as plan:
        planned = services.plan_members(stage, unit)
        dossier, _ = services.ensure_record(services.dossier_spec(stage, unit), DocumentFormat.PDF)
        records = [services.ensure_record(item.spec, DocumentFormat.PDF, fingerprint_now=item.fingerprint)[0] for item in planned]
    with Timer() as templates:
        sections = [rendering.section_html(item.source, services.meta_for(rec, item.source)) for item, rec in zip(planned, records)]
        html = rendering.document_html(sections)
    with Timer() as layout:
        document = rendering.render_document(html)
    with Timer() as write:
        merged = rendering.write_pdf(document)
    pages = len(document.pages)
    with Timer() as split:
        starts = services._section_starts(document, [services.meta_for_anchor(r) for r in records])
        ranges = [(s, starts[i + 1] if i + 1 < len(starts) else pages) for i, s in enumerate(starts)]
        rendering.member_pdfs(document, ranges, [r.title for r in records])
    weasy_cpu, weasy_wall = layout.cpu + write.cpu, layout.wall + write.wall
    row(f"stage dossier: {len(planned)} documents, {pages} pages, {len(merged) // 1024} KiB   (CPU / wall)", "")
    row("  sources, numbers, records (plan)", f"{plan.cpu:.2f} / {plan.wall:.2f} s")
    row("  templates → HTML (with QR codes)", f"{templates.cpu:.2f} / {templates.wall:.2f} s")
    row("  WeasyPrint layout (one pass)", f"{layout.cpu:.2f} / {layout.wall:.2f} s")
    row("  WeasyPrint PDF write (paint, font subsets)", f"{write.cpu:.2f} / {write.wall:.2f} s")
    row("  member PDFs painted from the laid-out pages", f"{split.cpu:.2f} / {split.wall:.2f} s")
    row("  WeasyPrint s/page, CPU / wall", f"{weasy_cpu / pages:.3f} / {weasy_wall / pages:.3f}")
    row("  ratio to floor (b) full page, CPU (goal <= 1)", f"{weasy_cpu / pages / floor_cpu:.2f}x")
    row("  ratio to floor (a) empty page, CPU", f"{weasy_cpu / pages / empty_cpu:.1f}x")
    all_cpu = plan.cpu + templates.cpu + weasy_cpu + split.cpu
    row("  all PDF work s/page CPU, ratio to floor (b)", f"{all_cpu / pages:.3f}, {all_cpu / pages / floor_cpu:.2f}x")
    row("  (for comparison) one report alone, s/page CPU", f"{report_cpu / report_pages:.3f}")
    GeneratedDocument.objects.all().delete()

    # 4. The whole build as the command does it (PDFs, Word files, ZIP), synchronously.
    with Timer() as full:
        dossier = services.build_stage_dossier_now(stage=stage, organisation=unit)
    assert dossier.status == BuildStatus.DONE, dossier.error
    docx_count = GeneratedDocument.objects.filter(format=DocumentFormat.DOCX, status=BuildStatus.DONE).count()
    row(f"full build (merged + {len(planned)} PDFs + {docx_count} Word + ZIP), CPU / wall", f"{full.cpu:.1f} / {full.wall:.1f} s ({full.cpu / pages:.3f} s/page CPU)")

    # 5. The request that starts a build answers at once (the work is queued, not done here).
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.get(username=f"officer-{UNIT}")
    client.force_login(officer)
    url = f"/ho-so-van-ban/dot/{world.round.pk}/buoc/{stage.order}/don-vi/{unit.pk}/"
    from config.celery import app

    eager = app.conf.task_always_eager
    old_broker, old_queue = app.conf.broker_url, getattr(settings, "DOSSIERS_QUEUE", None)
    saved_pools = app._pool, app.amqp._producer_pool
    throwaway = f"dossiers-bench-requests-{os.getpid()}"
    if eager:
        # No broker: Celery's in-memory transport, so the request really queues (and waits for nothing).
        app.conf.task_always_eager = False
        app.conf.broker_url = "memory://"
        app._pool = app.amqp._producer_pool = None
    settings.DOSSIERS_QUEUE = throwaway  # no worker listens: the messages are dropped below
    try:
        times = []
        for _ in range(5):
            started = time.perf_counter()
            response = client.post(url, {"force": "1"})
            times.append(time.perf_counter() - started)
            assert response.status_code == 302
        from kombu import Queue

        with app.connection_for_write() as broker:
            queue = Queue(throwaway).bind(broker.default_channel)
            queue.purge()
            queue.delete()
    finally:
        settings.DOSSIERS_QUEUE = old_queue
        if eager:
            app.conf.task_always_eager, app.conf.broker_url = eager, old_broker
            app._pool, app.amqp._producer_pool = saved_pools
    row("request that starts a build (POST → 302), median of 5 (goal < 200 ms)", f"{statistics.median(times) * 1000:.0f} ms")

    # 6. Real workers (PostgreSQL + Redis only).
    from tests.dossiers.workers import broker_problem, run_worker_benchmark

    problem = broker_problem()
    if problem:
        row("real workers (1 and 2)", f"skipped: {problem}")
    else:
        for workers in (1, 2):
            GeneratedDocument.objects.all().delete()
            wall, request_ms = run_worker_benchmark(client=client, url=url, workers=workers)
            row(f"{workers} worker(s): request → ZIP done, wall time", f"{wall:.1f} s ({wall / pages:.3f} s/page)")
            row(f"{workers} worker(s): start request while workers run, median", f"{request_ms:.0f} ms")
    print("== end ==", flush=True)
