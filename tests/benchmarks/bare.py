"""The bare page every list page is measured against: one query for 50 rows of a round's
nominations, rendered by a template that extends base.html (the floor any list page of the portal
stands on), behind the same middleware and login. `urlpatterns`: the portal's URLs plus this page
(the benchmarks' URLconf, in process and under gunicorn: tests/benchmarks/settings_bench.py)."""
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

from nominations.models import Nomination

BARE_TEMPLATE = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}Trang trần{% endblock %}{% block content %}'
    '<table class="table">{% for n in rows %}<tr><td>{{ n.pk }}</td><td>{{ n.full_name }}</td><td>{{ n.status }}</td>'
    "<td>{{ n.criteria_met }}/{{ n.criteria_total }}</td></tr>{% endfor %}</table>{% endblock %}"
)


@login_required
def bare_page(request, round_id):
    """One query for 50 rows of the round's nominations, rendered by a template."""
    rows = list(
        Nomination.objects.filter(round_id=round_id)
        .only("pk", "full_name", "status", "criteria_met", "criteria_total")
        .order_by("pk")[:50]
    )
    return HttpResponse(BARE_TEMPLATE.render({"rows": rows}, request))


urlpatterns = [path("bench/trang-tran/<int:round_id>/", bare_page, name="bench_bare"), path("", include("config.urls"))]
