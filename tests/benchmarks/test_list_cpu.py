"""Benchmark: the worker CPU (time.process_time) a request of each list page costs, in process.

`pytest tests/benchmarks/test_list_cpu.py -s -p no:cacheprovider --override-ini addopts=` with
`BENCH_SIZES` (default 10000), `BENCH_REPEAT` (default 20) and `BENCH_PAGES` (labels of
test_list_pages_bench's pages separated by `;`, default all); the tables are ANALYZEd unless
`BENCH_NO_ANALYZE` is set (an SQLite file in production has no statistics). `BENCH_SECTIONS`
(dotted names where the view looks them up, separated by `,`) prints the CPU a request spends in
each; `BENCH_VERBOSE=1` prints each page's queries (`BENCH_EXPLAIN=1`: with their plans),
`BENCH_ROWS=1` what a queue page's rows show, `BENCH_STAGE_COUNCIL=1` adds the stage council page (stage 2 holds a
council that voted on every nomination waiting there: test_list_pages_bench.hold_stage_council), `BENCH_GC=1` the garbage collector's time a request. `BENCH_PROFILE=<label>` also prints that page's
cProfile (the 40 costliest functions by own time and by cumulative time), or with
`BENCH_SAMPLER=1` pyinstrument's sampled call tree (`pip install pyinstrument`;
`BENCH_SAMPLER_ALL=1`: Django's frames too). Prints, never asserts timings.
"""
from __future__ import annotations

import cProfile
import io
import os
import pstats
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demo.simulation import simulate_round
from nominations.models import Nomination
from tests.benchmarks.test_list_pages_bench import _pages, hold_stage_council
from tests.factories import UserFactory
from tests.reports.builders import add_copies
from tests.reports.conftest import make_report_world

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.benchmarks.bare")]

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "10000").split(",") if s.strip()]
REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))
PAGES = [p.strip() for p in os.environ.get("BENCH_PAGES", "").split(";") if p.strip()]
PROFILE = os.environ.get("BENCH_PROFILE", "")


class _RenderClock:
    """CPU spent in rendering the page's template (Django's template backend), summed."""

    def __init__(self):
        from django.template.backends.django import Template

        self.spent, self.template, self.original = 0.0, Template, Template.render

    def __enter__(self):
        clock = self

        def render(template, *args, **kwargs):
            started = time.process_time()
            try:
                return clock.original(template, *args, **kwargs)
            finally:
                clock.spent += time.process_time() - started

        self.template.render = render
        return self

    def __exit__(self, *exc):
        self.template.render = self.original


class _AsServed:
    """Templates rendered as under gunicorn: without the test environment's instrumentation
    (a signal and a copy of the context for every template and include rendered)."""

    def __enter__(self):
        from django.template.base import Template
        from django.test.utils import _TestState

        self.instrumented = Template._render
        saved = getattr(_TestState, "saved_data", None)
        Template._render = getattr(saved, "template_render", Template._render)
        return self

    def __exit__(self, *exc):
        from django.template.base import Template

        Template._render = self.instrumented


class _Sections:
    """CPU spent in each of BENCH_SECTIONS (dotted names where the view looks them up, separated
    by `,`: e.g. nominations.views.review.likely_duplicates), summed over the measured requests."""

    def __init__(self, names):
        import importlib

        self.spent, self.patched = {}, []
        for name in names:
            parts = name.split(".")
            for split in range(len(parts) - 1, 0, -1):  # the longest importable module, then attributes
                try:
                    owner = importlib.import_module(".".join(parts[:split]))
                except ImportError:
                    continue
                for attribute in parts[split:-1]:
                    owner = getattr(owner, attribute)
                break
            self.patched.append((owner, parts[-1], getattr(owner, parts[-1]), name))

    def __enter__(self):
        for owner, attribute, original, name in self.patched:
            setattr(owner, attribute, self._timed(original, name))
        return self

    def _timed(self, original, name):
        def timed(*args, **kwargs):
            started = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.spent[name] = self.spent.get(name, 0.0) + time.process_time() - started

        return timed

    def __exit__(self, *exc):
        for owner, attribute, original, _name in self.patched:
            setattr(owner, attribute, original)

    def report(self, requests):
        for name, spent in sorted(self.spent.items(), key=lambda item: -item[1]):
            print(f"      {spent / requests * 1000:6.2f} ms CPU a request in {name}")


class _GcClock:
    """Time spent in the garbage collector's collections (gc.callbacks), by generation."""

    def __init__(self):
        import gc

        self.gc, self.spent, self.started = gc, {0: 0.0, 1: 0.0, 2: 0.0}, None

    def __call__(self, phase, info):
        if phase == "start":
            self.started = time.process_time()
        elif self.started is not None:
            self.spent[info["generation"]] += time.process_time() - self.started

    def __enter__(self):
        self.gc.callbacks.append(self)
        return self

    def __exit__(self, *exc):
        self.gc.callbacks.remove(self)


def _cpu_per_request(client, url):
    client.get(url)  # warm up
    if os.environ.get("BENCH_GC"):
        with _AsServed(), _GcClock() as collections:
            for _ in range(REPEAT):
                client.get(url)
        print("      garbage collection " + ", ".join(f"gen {g} {t / REPEAT * 1000:.2f} ms" for g, t in collections.spent.items()) + " a request")
    with _AsServed():
        sections = [n.strip() for n in os.environ.get("BENCH_SECTIONS", "").split(",") if n.strip()]
        if sections:
            with _Sections(sections) as timed:
                for _ in range(REPEAT):
                    client.get(url)
            timed.report(REPEAT)
        return _measured(client, url)


def _measured(client, url):
    with _RenderClock() as rendering:
        for _ in range(REPEAT):
            client.get(url)
    print(f"      template rendering {rendering.spent / REPEAT * 1000:.1f} ms CPU a request")
    if os.environ.get("BENCH_ROWS"):
        page = (client.get(url).context or {}).get("page")
        if page is not None:
            rows = list(page.object_list)
            print(f"      {len(rows)} rows, {sum(bool(getattr(r, 'likely_duplicates', None)) for r in rows)} with duplicates "
                  f"({sum(len(getattr(r, 'likely_duplicates', None) or ()) for r in rows)} in all), "
                  f"{sum(bool(getattr(r, 'unit_vote', None)) for r in rows)} with a vote, "
                  f"{sum(bool(getattr(r, 'same_person_elsewhere', None)) for r in rows)} same person")
    cpu, wall = [], []
    for _ in range(REPEAT):
        started_cpu, started = time.process_time(), time.perf_counter()
        response = client.get(url)
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as context:
        client.get(url)
    if os.environ.get("BENCH_VERBOSE"):
        for q in context.captured_queries:
            print(f"      {float(q['time']) * 1000:7.1f} ms  {q['sql'][:int(os.environ.get('BENCH_SQL_CHARS', '160'))]}")
            if os.environ.get("BENCH_EXPLAIN") and q["sql"].startswith("SELECT"):
                with connection.cursor() as cursor:
                    cursor.execute(("EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ") + q["sql"])
                    print("\n".join(f"               {' | '.join(str(c) for c in row)}" for row in cursor.fetchall()))
    return statistics.mean(cpu) * 1000, statistics.median(wall) * 1000, len(context.captured_queries)


def _profile(client, url):
    if os.environ.get("BENCH_SAMPLER"):
        from pyinstrument import Profiler
        prof = Profiler(interval=0.0005)
        prof.start()
        for _ in range(REPEAT):
            client.get(url)
        prof.stop()
        print(prof.output_text(unicode=False, color=False, show_all=bool(os.environ.get("BENCH_SAMPLER_ALL"))))
        return
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(REPEAT):
        client.get(url)
    profiler.disable()
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(40)
        if order == "cumulative":
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats(r"wt-[^/]*/(?!\.venv)", 40)
            stats.print_callees(os.environ.get("BENCH_CALLEES", r"views/.*\((review_queue|unit_round|home|review_decision)\)"))
        print(out.getvalue())


def test_list_pages_cpu_per_request(client, settings):
    settings.LIST_SUMMARY_CACHE_SECONDS = 60  # as in production
    world = make_report_world()
    simulate_round(round_=world.round, nominations=100, seed=7, leave_share=0.35, return_share=0.1)
    superuser = UserFactory(username="bench-admin", is_staff=True, is_superuser=True)
    for size in SIZES:
        started = time.perf_counter()
        add_copies(world.round, size - Nomination.objects.filter(round=world.round).count(), seed=size)
        if os.environ.get("BENCH_STAGE_COUNCIL"):
            hold_stage_council(world)
        if not os.environ.get("BENCH_NO_ANALYZE"):  # an SQLite file in production has no statistics
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"\n{connection.vendor}: {size:,} nominations, built in {time.perf_counter() - started:.0f} s, "
              f"load average {os.getloadavg()[0]:.2f}")
        for label, user, url in _pages(world, superuser):
            if PAGES and label not in PAGES and not label.startswith("bare"):
                continue
            if user is None:
                client.logout()
            else:
                client.force_login(user)
            cpu, wall, queries = _cpu_per_request(client, url)
            print(f"   {label:<40} {cpu:7.1f} ms CPU  {wall:7.1f} ms wall  {queries:3d} queries")
            if PROFILE and label == PROFILE:
                with _AsServed():
                    _profile(client, url)
