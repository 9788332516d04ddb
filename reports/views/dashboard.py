"""The dashboard of a round for provincial staff and the stages' people.

Thin: the figures come from reports.statistics (aggregates in the database, a
constant number of queries), the charts from reports.charts (SVG laid out on the
server); every chart is followed by a table of the same figures. The page's HTML is
kept until one of its figures may change (statistics.dashboard_version).
"""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET

from reports import charts, statistics
from reports.rules import reportable_rounds
from reports.views.exports import report_round_or_404


@login_required
@require_GET
def reports_home(request):
    """The rounds whose dashboard and reports the user may open."""
    rounds = list(reportable_rounds(request.user))
    return render(request, "reports/index.html", {"rounds": rounds})


def _charts(data: statistics.Dashboard) -> dict:
    status_legend = [(statistics.STATUS_LABELS[s], charts.STATUS_COLOURS[s]) for s in data.statuses]
    by_stage = charts.stacked_bars(
        "bieu-do-buoc",
        "Hồ sơ theo bước và trạng thái",
        [
            (
                f"{row.stage.order}. {row.stage.name}",
                [(statistics.STATUS_LABELS[s], charts.STATUS_COLOURS[s], row.counts.get(s, 0)) for s in data.statuses],
            )
            for row in data.stage_rows
        ],
        status_legend,
    )
    quota = charts.quota_bars(
        "bieu-do-so-luong",
        "Số lượng khen thưởng đã dùng / tối đa",
        [
            ((row.rule.label or str(row.rule)) + (f" — {row.group}" if row.group else ""), row.used, row.limit)
            for row in data.quota.rows
        ],
    )
    comparison = data.comparison
    names = comparison.labels
    status_rows = comparison.status_rows()
    by_round = charts.grouped_bars(
        "bieu-do-so-sanh-trang-thai",
        "So sánh các đợt: hồ sơ theo trạng thái",
        [label for _, label, _ in status_rows],
        [(name, [values[i] for _, _, values in status_rows]) for i, name in enumerate(names)],
    )
    award_rows = comparison.award_rows()
    awards = charts.grouped_bars(
        "bieu-do-so-sanh-khen-thuong",
        "So sánh các đợt: được khen thưởng theo hình thức",
        [name for name, _ in award_rows],
        [(name, [values[i] for _, values in award_rows]) for i, name in enumerate(names)],
    )
    return {"by_stage": by_stage, "quota": quota, "by_round": by_round, "awards": awards}


@login_required
@require_GET
def round_dashboard(request, round_id):
    round_ = report_round_or_404(request.user, round_id)
    # Read when shown: not while the page's HTML is kept (statistics.dashboard_version).
    data = SimpleLazyObject(lambda: statistics.dashboard(round_, request.user))
    context = {
        "round": round_,
        "data": data,
        "charts": SimpleLazyObject(lambda: _charts(data)),
        "status_labels": statistics.STATUS_LABELS,
        "kept_seconds": settings.LIST_SUMMARY_CACHE_SECONDS,
        "kept_version": statistics.dashboard_version(round_, request.user),
    }
    return render(request, "reports/dashboard.html", context)
