"""Benchmark: what one request of the deadline surge costs in process (`make bench`; prints, never
asserts timings).

The surge (test_deadline_surge.py) is a few pages requested by hundreds of officers at once: the
edit form, its save, the submit, the nomination's page, and the reviewer's judge and approve. Under
load its latency is the queue in front of the workers, so what decides it is the CPU one request
costs. Here each request is timed in this process (CPU time, `time.process_time`, and the
queries), on the Ninh Thuận 2024 world beside the bare page (tests/benchmarks/bare.py) of the same
run. `SURGE_PAGES_PROFILE=1` also prints the functions that cost most (cProfile), per page;
`SURGE_PAGES_QUERIES=<method and part of a URL>` (e.g. "POST /ho-so/") each of those requests' queries.
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
from django.template import Template
from django.test.utils import CaptureQueriesContext, _TestState
from django.urls import reverse

from campaigns import clock
from nominations.models import CriterionValue, Status
from tests.nominations.conftest import hold_unit_council, make_nt_world, new_nomination
from tests.test_bad_input import valid_criterion_data

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.benchmarks.bare")]

REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))
PROFILE = bool(os.environ.get("SURGE_PAGES_PROFILE"))
UNIT = "so-tai-chinh-nt"


def _timed(client, method, url, data=None, *, expect):
    with CaptureQueriesContext(connection) as queries:
        cpu, wall = time.process_time(), time.perf_counter()
        response = client.post(url, data) if method == "POST" else client.get(url)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    assert response.status_code == expect, (url, response.status_code)
    if os.environ.get("SURGE_PAGES_QUERIES") and os.environ["SURGE_PAGES_QUERIES"] in f"{method} {url}":
        for q in queries.captured_queries:
            print(f"      {q['sql'][:int(os.environ.get('BENCH_SQL_CHARS', '200'))]}")
    return cpu, wall, len(queries)


def _profile(label, client, method, url, data):
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        client.post(url, data) if method == "POST" else client.get(url)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("SURGE_PAGES_PROFILE_SORT", "cumulative")).print_stats(os.environ.get("SURGE_PAGES_PROFILE_FILTER", ""), 45)
    print(f"\n--- {label}: cumulative, 5 requests ---\n{out.getvalue()}")


def test_surge_pages_cpu_per_request(client, monkeypatch):
    # Templates render as they do in production: without the test runner's instrumentation (a
    # signal and a copy of the context for every template rendered).
    monkeypatch.setattr(Template, "_render", _TestState.saved_data.template_render)
    world = make_nt_world()
    with clock.frozen_at(world.at_stage(1, days_before=5)):
        officer = world.users[f"officer:{UNIT}"]
        drafts = [new_nomination(world, UNIT)] + [
            new_nomination(world, UNIT, kind="individual", full_name=f"Nguyễn Văn {i:03d}", person_identifier=f"079185000{i:03d}")
            for i in range(REPEAT + 1)
        ]
        hold_unit_council(world, UNIT, drafts)
        draft = drafts[0]
        edit, detail = reverse("nomination_edit", args=[draft.pk]), reverse("nomination_detail", args=[draft.pk])
        save = {  # the collective draft saved as the surge's officers save it
            "kind": "collective", "nominee_unit": str(draft.nominee_unit_id), "award_form": str(draft.award_form_id),
            "achievement_summary": "Hoàn thành xuất sắc các chỉ tiêu chuyển đổi số.", "eligibility_declared": "on", "save": "1",
            **valid_criterion_data(draft),
        }
        client.force_login(officer)
        bare = reverse("bench_bare", args=[world.round.pk])
        pages = [
            ("bare page (50 rows, 1 query)", "GET", lambda i: bare, None, 200),
            ("GET edit form", "GET", lambda i: edit, None, 200),
            ("POST save draft", "POST", lambda i: edit, save, 302),
            ("GET detail, draft", "GET", lambda i: detail, None, 200),
            ("POST submit", "POST", lambda i: reverse("nomination_submit", args=[drafts[i + 1].pk]), {}, 302),
            ("GET detail, submitted", "GET", lambda i: reverse("nomination_detail", args=[drafts[1].pk]), None, 200),
        ]
        rows = []
        for label, method, url_of, data, expect in pages:
            if method == "GET":
                _timed(client, method, url_of(0), data, expect=expect)  # warm up
            figures = [_timed(client, method, url_of(i), data, expect=expect) for i in range(REPEAT)]
            rows.append((label, statistics.median(f[0] for f in figures) * 1000, statistics.median(f[1] for f in figures) * 1000,
                         max(f[2] for f in figures)))
            if PROFILE and (method == "GET" or label == "POST save draft"):
                _profile(label, client, method, url_of(0), data)
        submitted = drafts[1:REPEAT + 1]
        assert CriterionValue.objects.filter(nomination__in=submitted).exists()
        assert {d.status for d in type(draft).objects.filter(pk__in=[d.pk for d in submitted])} == {Status.IN_REVIEW}
    bare_cpu = rows[0][1]
    print(f"\nSurge pages in process, {connection.vendor}, median of {REPEAT} (CPU ms, wall ms, queries, CPU over the bare page's)")
    for label, cpu, wall, queries in rows:
        print(f"  {label:32s} {cpu:7.1f} {wall:7.1f} {queries:4d} {cpu / bare_cpu:6.1f}x")
