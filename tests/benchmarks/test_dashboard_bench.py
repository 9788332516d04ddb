"""Benchmark: the round dashboard at 10,000 nominations, against a template-only page in the same run.

`make bench`. Prints, never asserts timings. Measured through Django's test client (the whole
request: middleware, session, the view's queries, template and SVG rendering), for an
administrator and for a stage reviewer (whose counts go through visible_nominations_q):

- the number of queries at ~100 nominations and at 10,000 (it must not change: aggregation in
  the database) and the time the database spent on them;
- the server time of the dashboard and of a page that only renders base.html (same login, same
  middleware), both several times, interleaved; min and median, and their ratio.

The data: simulate_round for the first nominations, bulk copies for the rest
(tests/reports/builders.py).
"""
import os
import statistics
import time

import pytest
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse

from nominations.models import Nomination, Status
from demo.simulation import simulate_round
from tests.reports.builders import add_copies
from tests.reports.conftest import make_report_world

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

N_NOMINATIONS = int(os.environ.get("BENCH_ROWS", "10000"))
N_SIMULATED = int(os.environ.get("BENCH_SIMULATED", "100"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))

TEMPLATE_ONLY = (
    '{% extends "base.html" %}{% block title %}Trang tĩnh{% endblock %}'
    "{% block content %}<h1>Trang chỉ có khuôn mẫu</h1><p>Không truy vấn cơ sở dữ liệu.</p>{% endblock %}"
)


@login_required
def template_only(request):
    return HttpResponse(engines["django"].from_string(TEMPLATE_ONLY).render({}, request))


urlpatterns = [path("bench/trang-tinh/", template_only, name="bench_template_only"), path("", include("config.urls"))]


def _request(client, url):
    with CaptureQueriesContext(connection) as context:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200
    sql = sum(float(q["time"]) for q in context.captured_queries)
    return elapsed, len(context.captured_queries), sql, context.captured_queries


def test_dashboard_10000_nominations_against_a_template_only_page(client):
    world = make_report_world()
    simulate_round(round_=world.round, nominations=N_SIMULATED, seed=5, leave_share=0.35, return_share=0.1)
    dashboard = reverse("reports_dashboard", args=(world.round.pk,))
    blank = reverse("bench_template_only")
    users = {"administrator": world.users["administrator"], "reviewer (stage 2)": world.users["stage:2"]}

    small = {}
    small_total = Nomination.objects.filter(round=world.round).count()
    for label, user in users.items():
        client.force_login(user)
        _request(client, dashboard)
        small[label] = _request(client, dashboard)[1:3]

    add_copies(world.round, N_NOMINATIONS - Nomination.objects.filter(round=world.round).count(), seed=5)
    total = Nomination.objects.filter(round=world.round).count()
    returned = Nomination.objects.filter(round=world.round, status=Status.RETURNED).count()

    print()
    print("=" * 110)
    print(f"Dashboard benchmark — database: {connection.vendor}, load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(
        f"Round: {total} nominations (6 from the report world, {N_SIMULATED} through simulate_round, the rest bulk copies; "
        f"{returned} returned)"
    )
    for label, user in users.items():
        client.force_login(user)
        _request(client, dashboard)  # warm up
        _request(client, blank)
        times = {"dashboard": [], "template-only": []}
        for _ in range(REPEAT):
            elapsed, queries, sql, captured = _request(client, dashboard)
            times["dashboard"].append(elapsed)
            elapsed_blank, blank_queries, _, _ = _request(client, blank)
            times["template-only"].append(elapsed_blank)
        slowest = sorted(captured, key=lambda q: float(q["time"]), reverse=True)[:3]
        best = {k: min(v) for k, v in times.items()}
        median = {k: statistics.median(v) for k, v in times.items()}
        print(f"-- {label}")
        print(
            f"   queries: {small[label][0]} at {small_total} nominations, {queries} at {total} "
            f"({'constant' if queries == small[label][0] else 'CHANGED'}); template-only page: {blank_queries}"
        )
        print(f"   SQL time: {small[label][1] * 1000:.0f} ms at {small_total}, {sql * 1000:.0f} ms at {total}")
        print("   slowest at 10,000: " + "; ".join(f"{float(q['time']) * 1000:.0f} ms {q['sql'][:70]}…" for q in slowest))
        for name in times:
            runs = ", ".join(f"{v * 1000:.0f}" for v in times[name])
            print(f"   {name:<14} server time min {best[name] * 1000:7.0f} ms, median {median[name] * 1000:7.0f} ms  (runs: {runs})")
        print(
            f"   ratio dashboard / template-only: min {best['dashboard'] / best['template-only']:.1f}x, "
            f"median {median['dashboard'] / median['template-only']:.1f}x"
        )
    print("=" * 110)
    assert total >= N_NOMINATIONS
