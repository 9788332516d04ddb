"""Benchmark: every list page at 10,000 and 100,000 nominations, against a bare page in the same run.

`make bench` (add `DATABASE_URL=postgres://...` for PostgreSQL; `BENCH_SIZES=10000` for the
smaller size only). Prints, never asserts timings. For each size the round grows by bulk copies
(tests/reports/builders.py: `BENCH_SIMULATED` nominations through simulate_round, the rest copied
with their votes and history), then every page is requested through Django's test client (the
whole request: middleware, session, the view's queries, the template) `BENCH_REPEAT` times,
interleaved with the bare page, after one warm-up request:

- the bare page: one query for 50 rows of the round's nominations, rendered by a template that
  extends base.html (the floor any list page of the portal stands on);
- ms per request (median, and min), req/s of one process and one client (1000 / median ms),
  the number of queries (it must not change with the size), the ratio to the bare page's median
  at the same size, and the ratio of each page at the largest size to itself at the smallest.

On PostgreSQL the bulk-built tables are ANALYZEd but not vacuumed (the test runs inside a
transaction), so index-only scans still visit the heap: counts read somewhat more than they would
once autovacuum has run.

The figures of each database are written to `results/list_pages_<vendor>.json`; when both files
are there the table printed at the end shows both databases side by side.
"""
from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Stage
from nominations.models import Nomination, Status
from demo.simulation import simulate_round
from tests.factories import UserFactory
from tests.reports.builders import add_copies
from tests.reports.conftest import make_report_world

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.benchmarks.bare")]

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000").split(",") if s.strip()]
N_SIMULATED = int(os.environ.get("BENCH_SIMULATED", "100"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
RESULTS = Path(__file__).parent / "results"


def _request(client, url, *, slowest=None):
    with CaptureQueriesContext(connection) as context:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    if slowest is not None:
        slowest[:] = sorted(context.captured_queries, key=lambda q: float(q["time"]), reverse=True)[:3]
    return elapsed, len(context.captured_queries)


def _pages(world, superuser):
    """(label, user or None, url) of every list page, for the round's busiest unit and stages."""
    round_ = world.round
    busiest_unit_id = (
        Nomination.objects.filter(round=round_).values_list("proposing_unit_id").annotate(n=Count("id")).order_by("-n")[0][0]
    )
    code = next(c for c, u in world.units.items() if u.pk == busiest_unit_id)
    officer = world.users[f"officer:{code}"]
    council_stage = Stage.objects.filter(round=round_, holds_council=True).exclude(organisation=None).order_by("order").first()
    queue = reverse("review_queue", args=(round_.pk, 2))
    waiting = Nomination.objects.filter(stage__round=round_, stage__order=2, status=Status.IN_REVIEW).count()
    last_page = max(1, -(-waiting // 50))
    pages = [
        ("bare page (50 rows, 1 query)", officer, reverse("bench_bare", args=(round_.pk,))),
        ("home, unit officer", officer, reverse("home")),
        ("unit round page", officer, reverse("unit_round", args=(round_.pk,))),
        ("unit council page", officer, reverse("unit_council", args=(round_.pk,))),
        ("review home, stage 2", world.users["stage:2"], reverse("review_home")),
        ("review queue, stage 2, page 1", world.users["stage:2"], queue),
        ("review queue, stage 2, last page", world.users["stage:2"], f"{queue}?trang={last_page}"),
        ("review queue, stage 2, filtered", world.users["stage:2"], f"{queue}?criteria_status=met&proposing_unit={busiest_unit_id}"),
        ("review queue, stage 3, page 1", world.users["stage:3"], reverse("review_queue", args=(round_.pk, 3))),
        ("decision detail", world.users["stage:4"], reverse("review_decision_detail", args=(round_.pk, world.decision.pk))),
        ("dashboard, administrator", world.users["administrator"], reverse("reports_dashboard", args=(round_.pk,))),
        ("award list export page", world.users["administrator"], reverse("reports_export", args=(round_.pk,))),
        ("open data index", None, reverse("open_data_index")),
        ("admin: units", superuser, "/admin/campaigns/unit/"),
        ("admin: documents", superuser, "/admin/dossiers/generateddocument/"),
        ("admin: export jobs", superuser, "/admin/reports/exportjob/"),
    ]
    if council_stage is not None:
        pages.insert(9, (f"stage council page, stage {council_stage.order}", world.users[f"stage:{council_stage.order}"],
                         reverse("review_council", args=(round_.pk, council_stage.order))))
    pages.insert(10, ("decision page (read side)", world.users["stage:4"], reverse("review_decision", args=(round_.pk,))))
    return pages


def hold_stage_council(world, order: int = 2):
    """Stage `order` holds its organisation's council, which voted on every nomination waiting
    there, 6 votes each but one in fifty with 7 (`BENCH_STAGE_COUNCIL=1`: the stage council page
    is then measured too; `_pages` lists it). Called again after the round grows: the nominations
    added are voted on too."""
    import datetime as dt

    from nominations.models import CouncilMeeting, CouncilVote

    stage = Stage.objects.get(round=world.round, order=order)
    Stage.objects.filter(pk=stage.pk).update(holds_council=True)
    meeting, _created = CouncilMeeting.objects.get_or_create(
        stage=stage, unit_id=stage.organisation_id,
        defaults={
            "round": world.round, "date": dt.date(2024, 12, 10), "start_time": dt.time(14), "end_time": dt.time(16),
            "place": "Phòng họp", "chair": "Lê Văn Cường", "secretary": "Phạm Thị Dung", "members_total": 9,
            "members_present": 7, "written_opinions": 0, "recorded_by": world.users[f"stage:{order}"],
        },
    )
    voted = set(meeting.votes.values_list("nomination_id", flat=True))
    waiting = Nomination.objects.filter(stage=stage, status=Status.IN_REVIEW).values_list("pk", flat=True)
    CouncilVote.objects.bulk_create(
        [CouncilVote(meeting=meeting, nomination_id=pk, votes_for=7 if pk % 50 == 0 else 6) for pk in waiting if pk not in voted],
        batch_size=2000,
    )


def _measure(client, bare_client, pages):
    """Each page REPEAT times, each time followed by the bare page (its own client, logged in once)."""
    results = {}
    bare_label, bare_user, bare_url = pages[0]
    bare_client.force_login(bare_user)
    _request(bare_client, bare_url)
    for label, user, url in pages:
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        _request(client, url)  # warm up
        times, queries, bare_times, slowest = [], 0, [], []
        for _ in range(REPEAT):
            elapsed, queries = _request(client, url, slowest=slowest)
            times.append(elapsed)
            bare_times.append(_request(bare_client, bare_url)[0])
        if os.environ.get("BENCH_VERBOSE"):
            for q in slowest:
                print(f"      {float(q['time']) * 1000:7.1f} ms  {label}: {q['sql'][:300]}")
        results[label] = {
            "median_ms": statistics.median(times) * 1000,
            "min_ms": min(times) * 1000,
            "queries": queries,
            "bare_ms": statistics.median(bare_times) * 1000,
        }
    return results


def _print_table(figures):
    """figures: {vendor: {size: {label: {...}}}}."""
    for vendor, by_size in figures.items():
        sizes = sorted(by_size, key=int)
        labels = list(next(iter(by_size.values())))
        print(f"\n{vendor}: ms per request (median) · req/s of one process · queries · ratio to the bare page of the same run")
        header = "| page | " + " | ".join(f"{int(s):,} nominations" for s in sizes) + f" | {int(sizes[-1]):,} / {int(sizes[0]):,} |"
        print(header)
        print("| --- |" + " --- |" * (len(sizes) + 1))
        bare = labels[0]
        for label in labels:
            cells = []
            for size in sizes:
                row = by_size[size].get(label)
                if row is None:
                    cells.append("—")
                    continue
                cells.append(
                    f"{row['median_ms']:.1f} ms · {1000 / row['median_ms']:.0f} req/s · {row['queries']} q · "
                    f"{row['median_ms'] / by_size[size][bare]['median_ms']:.1f}x bare"
                )
            first, last = by_size[sizes[0]].get(label), by_size[sizes[-1]].get(label)
            growth = f"{last['median_ms'] / first['median_ms']:.2f}x" if first and last and len(sizes) > 1 else "—"
            if first and last and last["queries"] != first["queries"]:
                growth += f" (queries {first['queries']} → {last['queries']})"
            print(f"| {label} | " + " | ".join(cells) + f" | {growth} |")


def test_list_pages_at_10000_and_100000_nominations(client, settings):
    from django.test import Client

    # As in production (the tests' settings turn it off): what a queue shows beside its page is
    # kept until the next nomination event.
    settings.LIST_SUMMARY_CACHE_SECONDS = 60

    bare_client = Client()
    world = make_report_world()
    simulate_round(round_=world.round, nominations=N_SIMULATED, seed=7, leave_share=0.35, return_share=0.1)
    superuser = UserFactory(username="bench-admin", is_staff=True, is_superuser=True)
    vendor = connection.vendor
    measured = {}
    for size in SIZES:
        started = time.perf_counter()
        add_copies(world.round, size - Nomination.objects.filter(round=world.round).count(), seed=size)
        built = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        total = Nomination.objects.filter(round=world.round).count()
        at_stage_2 = Nomination.objects.filter(stage__round=world.round, stage__order=2, status=Status.IN_REVIEW).count()
        print(
            f"\n{vendor}: {total:,} nominations ({at_stage_2:,} waiting at stage 2), built in {built:.0f} s; "
            f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
        )
        measured[str(size)] = _measure(client, bare_client, _pages(world, superuser))
        for label, row in measured[str(size)].items():
            print(f"   {label:<40} {row['median_ms']:8.1f} ms (min {row['min_ms']:.1f})  {row['queries']:3d} queries")
    RESULTS.mkdir(exist_ok=True)
    stamp = {"measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load_average": os.getloadavg()[0]}
    (RESULTS / f"list_pages_{vendor}.json").write_text(json.dumps({"run": stamp, "sizes": measured}, indent=1))
    figures = {}
    for file in sorted(RESULTS.glob("list_pages_*.json")):
        data = json.loads(file.read_text())
        run = data["run"]
        figures[f"{file.stem.removeprefix('list_pages_')} ({run['measured_at']}, load average {run['load_average']:.1f})"] = data["sizes"]
    print("=" * 110)
    _print_table(figures)
    print("=" * 110)
    assert total >= SIZES[-1]
