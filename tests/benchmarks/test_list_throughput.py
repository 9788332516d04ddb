"""Benchmark: the list pages under load, 2 gunicorn sync workers, at 10,000 and 100,000 nominations,
beside the bare page served by the same server in the same run.

`make bench` runs it on the embedded default (SQLite) and, when BENCH_DATABASE_URL is set, again on
PostgreSQL, then prints one table of both (tests/benchmarks/table.py). Prints, never asserts timings;
fails only if a page answers anything but 200.

- The round grows as in test_list_pages_bench.py (tests/reports/builders.py: BENCH_SIMULATED
  nominations through simulate_round, the rest bulk-copied) to each of BENCH_SIZES, committed
  (the server is another process), then ANALYZEd (PostgreSQL: VACUUM ANALYZE, as autovacuum would).
- The server: gunicorn, BENCH_WORKERS (2) sync workers, the production settings
  (tests/benchmarks/settings_bench.py: DEBUG off, persistent database connections, SQLite in WAL).
- The load: `wrk -c BENCH_CONNECTIONS (10) -d BENCH_SECONDS (10)` per page, each user's session
  cookie; the bare page first and again last (its figure is the mean of both), each page after a
  few warm-up requests. Figures: req/s, mean and p99 latency (ms per request as a client waits for
  it), the workers' CPU time per request (read from /proc), the ratio of each page's req/s to the
  bare page's, and of 100,000 to 10,000.
- `BENCH_STAGE_COUNCIL=1`: stage 2 also holds its own council (the stage council page is measured).
- The machine's load average is printed with each size: other processes on the machine move the
  absolute figures, the ratios to the bare page of the same run much less.
Results: results/list_throughput_<vendor>.json.
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from nominations.models import Nomination, Status
from demo.simulation import simulate_round
from tests.benchmarks.table import RESULTS, print_throughput_table
from tests.benchmarks.test_list_pages_bench import _pages, hold_stage_council
from tests.factories import UserFactory
from tests.reports.builders import add_copies
from tests.reports.conftest import make_report_world
from tests.servers import Gunicorn, subprocess_database_url

logging.getLogger("httpx").setLevel(logging.WARNING)
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.benchmarks.bare")]

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000").split(",") if s.strip()]
N_SIMULATED = int(os.environ.get("BENCH_SIMULATED", "100"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "10"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
# The pages measured under load: every list page of test_list_pages_bench._pages, or those whose
# labels BENCH_PAGES names (separated by ";"; the bare page is always measured).
PAGES = [p.strip() for p in os.environ.get("BENCH_PAGES", "").split(";") if p.strip()]
# BENCH_STAGE_COUNCIL=1: stage 2 holds its organisation's council, which voted on every nomination
# waiting there (test_list_pages_bench.hold_stage_council), and the stage council page is measured.
STAGE_COUNCIL = bool(os.environ.get("BENCH_STAGE_COUNCIL"))


def _wrk(url: str, cookie: str | None) -> dict:
    command = ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{SECONDS}s", "--latency", "--timeout", "30s"]
    if cookie:
        command += ["-H", f"Cookie: {settings.SESSION_COOKIE_NAME}={cookie}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout

    def ms(pattern):
        found = re.search(pattern + r"\s+([\d.]+)(us|ms|s|m)\b", out)
        assert found, f"wrk's output not understood:\n{out}"
        value, unit = found.groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "req_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "mean_ms": ms(r"Latency"),
        "p50_ms": ms(r"50%"),
        "p99_ms": ms(r"99%"),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, errors.groups())) if errors else 0),
    }


def _cpu_seconds(master_pid: int) -> float:
    """CPU time (user + system) the server's workers have used so far: with other processes on the
    machine, a page's CPU per request moves much less than its req/s."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def _session(user) -> str | None:
    if user is None:
        return None
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _warm(url: str, cookie: str | None):
    import httpx

    cookies = {settings.SESSION_COOKIE_NAME: cookie} if cookie else {}
    for _ in range(2 * WORKERS):
        response = httpx.get(url, cookies=cookies, timeout=120)
        assert response.status_code == 200, (url, response.status_code)


def _analyze():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def test_list_pages_under_load_2_sync_workers(tmp_path):
    if shutil.which("wrk") is None:
        pytest.skip("needs wrk (apt-get install wrk; config/check_system.sh lists it)")
    vendor = connection.vendor
    world = make_report_world()
    simulate_round(round_=world.round, nominations=N_SIMULATED, seed=7, leave_share=0.35, return_share=0.1)
    superuser = UserFactory(username="bench-admin", is_staff=True, is_superuser=True)
    env = {
        "DEBUG": "0", "SECRET_KEY": settings.SECRET_KEY, "ALLOWED_HOSTS": "127.0.0.1,localhost", "SITE_URL": "http://127.0.0.1:8000",
        "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0", "SECURE_HSTS_SECONDS": "0", "DB_CONN_MAX_AGE": "600",
        "VAR_DIR": str(tmp_path / "var"), "LOG_LEVEL": "WARNING", "REDIS_URL": "", "CELERY_BROKER_URL": "",
        "STATIC_ROOT": str(tmp_path / "static"), "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    if vendor == "postgresql":
        env["DATABASE_URL"] = subprocess_database_url()
        # As in production (docker-compose.yml): the cache in Redis when the run has one.
        env["REDIS_URL"] = os.environ.get("REDIS_URL", "")
    else:
        env["DATABASE_URL"] = ""
        env["BENCH_SQLITE_PATH"] = str(settings.DATABASES["default"]["NAME"])
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=Path(__file__).resolve().parents[2],
                   env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "tests.benchmarks.settings_bench"}, check=True)
    measured = {}
    for size in SIZES:
        started = time.perf_counter()
        add_copies(world.round, size - Nomination.objects.filter(round=world.round).count(), seed=size)
        if STAGE_COUNCIL:
            hold_stage_council(world)
        _analyze()
        built = time.perf_counter() - started
        pages = [page for index, page in enumerate(_pages(world, superuser)) if index == 0 or not PAGES or page[0] in PAGES]
        at_stage_2 = Nomination.objects.filter(stage__round=world.round, stage__order=2, status=Status.IN_REVIEW).count()
        print(
            f"\n{vendor}: {Nomination.objects.filter(round=world.round).count():,} nominations ({at_stage_2:,} waiting at stage 2), "
            f"built in {built:.0f} s; gunicorn {WORKERS} sync workers, cache {'Redis' if env['REDIS_URL'] else 'in local memory'}, "
                f"wrk -c{CONNECTIONS} -d{SECONDS}s"
        )
        rows, loads = {}, []
        server = Gunicorn(env=env, workers=WORKERS, threads=1, worker_class="sync", settings_module="tests.benchmarks.settings_bench",
                          log_path=tmp_path / f"gunicorn-{size}.log", keep_alive=75)
        with server:
            bare_label, bare_user, bare_path = pages[0]
            bare_cookie = _session(bare_user)
            runs = [*pages, (bare_label, bare_user, bare_path)]
            for index, (label, user, path) in enumerate(runs):
                cookie = bare_cookie if label == bare_label else _session(user)
                _warm(server.url + path, cookie)
                cpu_before = _cpu_seconds(server.process.pid)
                figures = _wrk(server.url + path, cookie)
                figures["cpu_ms"] = 1000 * (_cpu_seconds(server.process.pid) - cpu_before) / max(figures["requests"], 1)
                loads.append(os.getloadavg()[0])
                assert figures["errors"] == 0, (label, figures, server.log())
                if label == bare_label and label in rows:
                    first = rows[label]
                    rows[label] = {k: (first[k] + figures[k]) / 2 for k in ("req_s", "mean_ms", "p50_ms", "p99_ms", "cpu_ms")} | {
                        "requests": first["requests"] + figures["requests"], "errors": 0,
                        "first_req_s": first["req_s"], "last_req_s": figures["req_s"],
                    }
                else:
                    rows[label] = figures
                print(f"   {label:<40} {figures['req_s']:8.1f} req/s  mean {figures['mean_ms']:7.1f} ms  p99 {figures['p99_ms']:7.1f} ms"
                      f"  server CPU {figures['cpu_ms']:6.1f} ms/request"
                      f"  (load average {loads[-1]:.2f})")
        measured[str(size)] = {"pages": rows, "load_average": [min(loads), max(loads)]}
    RESULTS.mkdir(exist_ok=True)
    stamp = {"measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpus": os.cpu_count(), "workers": WORKERS,
             "connections": CONNECTIONS, "seconds": SECONDS, "cache": "redis" if env["REDIS_URL"] else "local memory"}
    (RESULTS / f"list_throughput_{vendor}.json").write_text(json.dumps({"run": stamp, "sizes": measured}, indent=1))
    print_throughput_table()
