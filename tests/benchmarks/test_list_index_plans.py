"""Every filter and sort of the list pages uses an index at 100,000 nominations (PostgreSQL).

`make bench` with `DATABASE_URL=postgres://...` (skipped on SQLite). The round is grown by bulk
copies to `PLAN_ROWS` nominations (100,000; tests/reports/builders.py), the tables are vacuumed
and analysed, then each query the list pages issue is EXPLAINed: the plan must read the
nominations (and the council votes and history) through an index, never by a sequential scan of
the table. It builds big data, so it lives with the benchmarks, not in `make test`.
"""
from __future__ import annotations

import os

import pytest
from django.db import connection
from django.db.models import Count

from campaigns.models import UnitCategory
from reports.filters import AwardListFilters, resolve
from reports.selectors import award_list_queryset, decision_rows, open_data_rows
from nominations.models import CriteriaStatus, Nomination, Status
from nominations.selectors import first_nominations_query, unit_group_counts_query
from nominations.duplicates import people_matching
from nominations.selectors_review import QueueRows, returned_from_stage, review_stage, unit_votes_query
from tests.reports.builders import add_copies
from tests.reports.conftest import make_report_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are checked on PostgreSQL"),
]

PLAN_ROWS = int(os.environ.get("PLAN_ROWS", "100000"))
LARGE_TABLES = ("nominations_nomination", "nominations_councilvote", "nominations_nominationevent")


def _plan(queryset) -> str:
    return queryset.explain()


def _vacuum_analyze():
    with connection.cursor() as cursor:
        for table in LARGE_TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")


def test_every_list_filter_uses_an_index_at_100000_nominations():
    world = make_report_world()
    add_copies(world.round, PLAN_ROWS - Nomination.objects.filter(round=world.round).count(), seed=3)
    _vacuum_analyze()
    round_ = world.round
    stage = review_stage(round_.pk, 2)
    reviewer = world.users["stage:2"]
    administrator = world.users["administrator"]
    busiest = (
        Nomination.objects.filter(stage=stage, status=Status.IN_REVIEW).values_list("proposing_unit_id")
        .annotate(n=Count("id")).order_by("-n")[0][0]
    )
    award_form = round_.award_forms.order_by("order").first()
    category = UnitCategory.objects.filter(units__nominations__stage=stage).first()
    page_ids = [n.pk for n in QueueRows(stage, reviewer).unit_rows(busiest)[1000:1050]]
    unit = world.units["so-tai-chinh-nt"]
    world.units_by_pk = {u.pk: u for u in world.units.values()}
    queries = {
        "queue: per proposing unit": QueueRows(stage, reviewer).per_unit_counts(),
        "queue: one unit's page, deep": QueueRows(stage, reviewer).unit_rows(busiest)[1000:1050],
        "queue filter: award form": QueueRows(stage, reviewer, award_form=award_form).per_unit_counts(),
        "queue filter: criteria": QueueRows(stage, reviewer, criteria_status=CriteriaStatus.MET).per_unit_counts(),
        "queue filter: category": QueueRows(stage, reviewer, category=category).per_unit_counts(),
        "queue filter: proposing unit": QueueRows(stage, administrator, proposing_unit=world.units_by_pk[busiest]).unit_rows(busiest)[:50],
        "queue: the page's unit votes": unit_votes_query(stage, page_ids),
        "queue: the page's people (duplicates, proposed elsewhere)": people_matching(
            list(Nomination.objects.filter(pk__in=page_ids, kind="individual")), reviewer, round_
        ),
        "queue: returned by the stage": returned_from_stage(stage, reviewer)[:20],
        "review home: waiting per stage": Nomination.objects.filter(stage__in=[stage.pk], status=Status.IN_REVIEW)
        .order_by().values_list("stage_id").annotate(n=Count("id")),
        "unit pages: a unit's nominations counted by status and stage": unit_group_counts_query([unit.pk], rounds=[round_]),
        "unit round page: a unit's first nominations of each group": first_nominations_query([unit.pk], rounds=[round_]),
        "award list: awarded, one award form": award_list_queryset(
            round_, resolve(round_, AwardListFilters(status=Status.AWARDED, award_form=award_form.code)), user=administrator
        ),
        "decision list": decision_rows(world.decision),
        "open data": open_data_rows(round_),
    }
    failures = {}
    print()
    for label, queryset in queries.items():
        plan = _plan(queryset)
        scanned = [t for t in LARGE_TABLES if f"Seq Scan on {t}" in plan]
        print(f"-- {label}: {'SEQUENTIAL SCAN of ' + ', '.join(scanned) if scanned else 'index'}")
        print("   " + plan.replace("\n", "\n   "))
        if scanned or "Index" not in plan:
            failures[label] = plan
    assert not failures, "\n\n".join(f"{label}:\n{plan}" for label, plan in failures.items())
