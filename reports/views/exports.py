"""Spreadsheets and open data.

- The award list: a filter form; a small list comes back at once as a download, a large one
  (more than services.INLINE_MAX_ROWS rows) becomes an ExportJob written by a Celery task, whose
  page shows its progress (JSON polled by static/js/export-progress.js, a meta refresh without
  JavaScript).
- The quota report, the participation report, a decision's list: small, always immediate.
- Open data: the public awards of a round after its decision, CSV and JSON, no login.

Access: the rule "reports.report_round" (reports/rules.py: administrators and the round's stage people);
anybody else gets a 404. A job's file is served only to the account that asked for it.
"""
from __future__ import annotations

import rules
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods

from campaigns.models import Round
from nominations.models import AwardDecision
from reports import open_data, selectors
from reports.exporters import AwardListExporter, DecisionListExporter, ParticipationExporter, QuotaReportExporter
from reports.filters import FilterError
from reports.forms import AwardListForm
from reports.services import INLINE_MAX_ROWS, start_award_list_export, take_over_lost_export
from reports.models import ExportJob, ExportStatus
from reports.xlsx import XLSX_CONTENT_TYPE


def report_round_or_404(user, round_id) -> Round:
    """The round, if `user` may see its reports; 404 otherwise (also for a round that exists)."""
    round_ = Round.objects.select_related("campaign").filter(pk=round_id).first()
    if round_ is None or not rules.test_rule("reports.report_round", user, round_):
        raise Http404("Không tìm thấy đợt.")
    return round_


def _attachment(filename: str, content_type: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def export_award_list(request, round_id):
    round_ = report_round_or_404(request.user, round_id)
    form = AwardListForm(request.POST if request.method == "POST" else None, round_=round_)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            exporter = AwardListExporter(round_, form.filters(), user=request.user)
        except FilterError as refused:
            error = str(refused)
        else:
            total = exporter.count()
            if total <= INLINE_MAX_ROWS:
                return _attachment(*exporter.render())
            job = start_award_list_export(user=request.user, round_=round_, filters=form.filters(), total=total)
            return redirect("reports_job", job_id=job.pk)
    decisions = AwardDecision.objects.filter(round=round_).order_by("-date", "-id")
    return render(
        request,
        "reports/export.html",
        {
            "round": round_,
            "form": form,
            "error": error,
            "inline_max": INLINE_MAX_ROWS,
            "decisions": decisions,
            "jobs": ExportJob.objects.filter(round=round_, requested_by=request.user)[:5],
            "has_decision": decisions.exists(),
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def quota_report_xlsx(request, round_id):
    round_ = report_round_or_404(request.user, round_id)
    return _attachment(*QuotaReportExporter(round_).render())


@login_required
@require_GET
def participation_xlsx(request, round_id):
    round_ = report_round_or_404(request.user, round_id)
    return _attachment(*ParticipationExporter(round_).render())


@login_required
@require_GET
def decision_list_xlsx(request, decision_id):
    decision = AwardDecision.objects.select_related("round__campaign").filter(pk=decision_id).first()
    if decision is None or not rules.test_rule("reports.report_round", request.user, decision.round):
        raise Http404("Không tìm thấy quyết định.")
    return _attachment(*DecisionListExporter(decision).render())


# --- Background exports --------------------------------------------------------------------------


def _job_or_404(user, job_id) -> ExportJob:
    job = ExportJob.objects.select_related("round__campaign").filter(pk=job_id, requested_by_id=user.pk).first()
    if job is None or not rules.test_rule("reports.report_round", user, job.round):
        raise Http404("Không tìm thấy yêu cầu xuất.")
    return job


def _job_state(job: ExportJob) -> dict:
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress": job.progress,
        "total": job.total,
        "percent": job.percent,
        "finished": job.finished,
        "error": job.error,
        "download_url": reverse("reports_job_download", args=(job.pk,)) if job.status == ExportStatus.DONE else None,
    }


@login_required
@never_cache
@require_GET
def export_job(request, job_id):
    job = take_over_lost_export(_job_or_404(request.user, job_id))
    return render(request, "reports/job.html", {"job": job, "state": _job_state(job), "round": job.round})


@login_required
@never_cache
@require_GET
def export_job_status(request, job_id):
    return JsonResponse(_job_state(take_over_lost_export(_job_or_404(request.user, job_id))))


@login_required
@require_GET
def export_job_download(request, job_id):
    job = _job_or_404(request.user, job_id)
    if job.status != ExportStatus.DONE or not job.file or not default_storage.exists(job.file.name):
        raise Http404("Tệp chưa sẵn sàng.")
    response = FileResponse(default_storage.open(job.file.name, "rb"), as_attachment=True, filename=job.filename, content_type=XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response


# --- Open data (public) --------------------------------------------------------------------------


def _public_round_or_404(campaign_code, round_code) -> Round:
    """The round, once a decision has been recorded for it; 404 before (and for unknown codes)."""
    round_ = Round.objects.select_related("campaign").filter(campaign__code=campaign_code, code=round_code).first()
    if round_ is None or not selectors.has_decision(round_):
        raise Http404("Chưa có quyết định khen thưởng của đợt này.")
    return round_


@require_GET
@cache_control(public=True, max_age=300)
def open_data_csv(request, campaign_code, round_code):
    round_ = _public_round_or_404(campaign_code, round_code)
    response = HttpResponse(open_data.as_csv(round_), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, f"khen-thuong-{campaign_code}-{round_code}.csv")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
@cache_control(public=True, max_age=300)
def open_data_json(request, campaign_code, round_code):
    round_ = _public_round_or_404(campaign_code, round_code)
    response = HttpResponse(open_data.as_json(round_), content_type="application/json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
@cache_control(public=True, max_age=300)
def open_data_index(request):
    rounds = (
        Round.objects.filter(decisions__isnull=False)
        .distinct()
        .select_related("campaign")
        .order_by("campaign__name", "-year", "code")
    )
    return render(request, "reports/open_data.html", {"rounds": rounds})
