"""Benchmark: a 10,000-row award list against openpyxl writing the same rows bare, in the same run.

`make bench` (or `pytest tests/benchmarks/test_export_bench.py -s --override-ini addopts=`).
Prints, never asserts timings. Goal (issue 5): at most 1.3x the bare time, under 150 MB peak.

- "ours": AwardListExporter.write(): the database query (streamed in chunks), the column widths'
  aggregate, title rows, styled cells (fonts, borders, wrap, date and percent formats), print
  setup, freeze panes, autofilter; written with Workbook(write_only=True) to a file.
- "bare": Workbook(write_only=True) and ws.append(row) of the very same rows, already in memory
  (no query, no style, no title) to a file.
- "documented styling" (for reference): the same styles applied the way openpyxl documents for
  write-only mode, a new WriteOnlyCell per value; shows what the per-column cells in xlsx.py save.

Wall time on a shared machine moves with its load, so each variant runs several times,
interleaved, and the medians are compared; CPU time (process_time) is printed too. Peak memory
is measured in a separate run of each with tracemalloc (Python allocations) and the process's
ru_maxrss before and after.

The data: N_SIMULATED nominations walked through the real workflow by simulate_round, the rest
bulk-created copies of them (tests/reports/builders.py says why and how).
"""
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from django.db import connection
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from reports import selectors
from reports.exporters import AwardListExporter
from nominations.models import Nomination
from tests.reports.builders import build_large_round

# transaction=True: the data is committed, so that a separate process (the shell command) sees it.
pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
SHELL_EXPORT = """
import resource, sys, time
import django


def peak_kb():
    # VmHWM: this program's own peak resident memory. ru_maxrss would also count the parent's
    # memory at fork time, which Linux carries across exec.
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


django.setup()
from django.core.management import call_command
base = peak_kb()
started = time.perf_counter()
call_command("export_awards", "--campaign", sys.argv[1], "--round", sys.argv[2], "--out", sys.argv[3], stdout=open("/dev/null", "w"))
print(base, peak_kb(), time.perf_counter() - started)
"""

N_ROWS = int(os.environ.get("BENCH_ROWS", "10000"))
N_SIMULATED = int(os.environ.get("BENCH_SIMULATED", "100"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))


def _ours(round_, path):
    AwardListExporter(round_).write(path)


def _bare(rows, path):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    for row in rows:
        ws.append(row)
    wb.save(path)


def _documented(rows, path):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    font = Font(name="Times New Roman", size=11)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(ws, value)
            cell.font, cell.alignment = font, wrap
            cells.append(cell)
        ws.append(cells)
    wb.save(path)


def _timed(function, *args):
    wall, cpu = time.perf_counter(), time.process_time()
    function(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def _peak(function, *args):
    """(tracemalloc peak MB, ru_maxrss growth MB) of one run."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    tracemalloc.reset_peak()
    function(*args)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20, (rss_after - rss_before) / 1024, rss_after / 1024


def _shell_export(round_, path):
    """`manage.py export_awards` in a fresh process on the same (PostgreSQL test) database: the
    process's own peak memory, Django included. (None on SQLite: its test database is in memory.)"""
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        return None
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    out = subprocess.run(
        [sys.executable, "-c", SHELL_EXPORT, round_.campaign.code, round_.code, path],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=True,
    ).stdout.split()
    base, peak, seconds = int(out[-3]), int(out[-2]), float(out[-1])
    return base / 1024, peak / 1024, seconds


def test_award_list_export_10000_rows_against_bare_openpyxl(tmp_path):
    build_started = time.perf_counter()
    world, simulation = build_large_round(listed=N_ROWS, simulated=N_SIMULATED)
    round_ = world.round
    built = time.perf_counter() - build_started
    exporter = AwardListExporter(round_)
    rows = list(exporter._rows(selectors.award_list_rows(exporter.queryset, round_)))
    nominations = Nomination.objects.filter(round=round_).count()

    paths = {name: str(tmp_path / f"{name}.xlsx") for name in ("ours", "bare", "documented")}
    variants = {
        "ours": (_ours, round_, paths["ours"]),
        "bare": (_bare, rows, paths["bare"]),
        "documented": (_documented, rows, paths["documented"]),
    }
    _timed(*variants["bare"])  # warm up imports and the database cache
    _timed(*variants["ours"])
    wall = {name: [] for name in variants}
    cpu = {name: [] for name in variants}
    for run in range(REPEAT):
        for name, variant in variants.items():
            if name == "documented" and run > 0:
                continue  # a reference only: once is enough, it is slow
            w, c = _timed(*variant)
            wall[name].append(w)
            cpu[name].append(c)
    memory = {name: _peak(*variant) for name, variant in variants.items()}
    shell = _shell_export(round_, str(tmp_path / "shell.xlsx"))

    med = {name: statistics.median(values) for name, values in wall.items()}
    best = {name: min(values) for name, values in wall.items()}
    med_cpu = {name: statistics.median(values) for name, values in cpu.items()}
    sizes = {name: os.path.getsize(path) / 2**20 for name, path in paths.items()}
    print()
    print("=" * 110)
    print(f"Award list export benchmark — database: {connection.vendor}, load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(
        f"Round: {nominations} nominations (6 from the report world, {N_SIMULATED} through simulate_round, "
        f"{nominations - N_SIMULATED - 6} bulk copies of the sent ones); {len(rows)} rows in the list (drafts left out); "
        f"data built in {built:.1f} s"
    )
    print(f"Runs: {REPEAT} of ours and bare, interleaved (documented styling: 1)")
    print(f"{'variant':<12}{'wall min s':>11}{'wall median s':>15}{'wall s (all)':>34}{'cpu median s':>14}{'tracemalloc MB':>16}{'maxrss +MB':>12}{'file MB':>9}")
    for name in variants:
        all_runs = ", ".join(f"{v:.2f}" for v in wall[name])
        peak, rss_growth, _ = memory[name]
        print(f"{name:<12}{best[name]:>11.2f}{med[name]:>15.2f}{all_runs:>34}{med_cpu[name]:>14.2f}{peak:>16.1f}{rss_growth:>12.1f}{sizes[name]:>9.2f}")
    print(
        f"ratio ours / bare: wall min {best['ours'] / best['bare']:.2f}x, wall median {med['ours'] / med['bare']:.2f}x, "
        f"cpu {med_cpu['ours'] / med_cpu['bare']:.2f}x (goal ≤ 1.3x)"
    )
    print(
        f"ratio documented-styling / bare: wall {med['documented'] / med['bare']:.2f}x, "
        f"cpu {med_cpu['documented'] / med_cpu['bare']:.2f}x (what the per-column cells avoid)"
    )
    print(
        f"peak memory of ours: {memory['ours'][0]:.1f} MB traced (Python allocations during the export), "
        f"this test process's maxrss {memory['ours'][2]:.0f} MB in all, data building included (goal < 150 MB)"
    )
    if shell:
        print(
            f"manage.py export_awards in its own process: maxrss {shell[1]:.0f} MB "
            f"({shell[0]:.0f} MB once Django is loaded, +{shell[1] - shell[0]:.0f} MB for the export), {shell[2]:.2f} s"
        )
    print("=" * 110)

    # Not timings: the benchmark must have measured what it says.
    assert len(rows) == exporter.count() == N_ROWS
