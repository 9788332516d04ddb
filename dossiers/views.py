"""Pages of the generated documents. Thin: selectors read, services write.

Everything but the public verification page needs a login; what a user may not see is a 404.
Starting a build answers at once (the work is queued after commit), then the progress page
polls a JSON status (with a <meta refresh> fallback when JavaScript is off).
"""
from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigns.text import clean_text
from dossiers import dates, selectors, services
from dossiers.forms import DocumentDateForm
from campaigns.vn_format import ascii_slug
from dossiers.models import CONTENT_TYPES, BuildStatus
from nominations.models import Nomination
from nominations.rules import visible_nominations_q


@login_required
@require_GET
def round_dossiers(request, round_id):
    found = selectors.round_dossiers_for_user(request.user, round_id)
    if found is None:
        raise Http404
    round_, items = found
    return render(request, "dossiers/pages/round.html", {"round": round_, "items": items})


@login_required
@require_http_methods(["GET", "POST"])
def stage_dossier(request, round_id, order, unit_id):
    item = selectors.stage_dossier_for_user(request.user, round_id, order, unit_id)
    if item is None:
        raise Http404
    if request.method == "POST":
        if not item.can_build:
            raise Http404
        try:
            record = services.request_stage_dossier(
                stage=item.stage, organisation=item.organisation, actor=request.user, force=request.POST.get("force") == "1"
            )
        except services.DossierError as error:
            messages.error(request, str(error))
            return redirect("dossiers:stage", round_id=round_id, order=order, unit_id=unit_id)
        return redirect("dossiers:status", pk=record.pk)
    latest = item.latest
    if latest is not None and latest.status == BuildStatus.DONE and latest.is_stale:
        services.refresh_staleness(latest)
    dating = dates.to_trinh_dating(item.stage, item.organisation) if item.stage.action != "decision" else None
    return render(request, "dossiers/pages/stage.html", {
        "item": item,
        "round": item.stage.round,
        "latest": latest,
        "dating": dating,
        "date_form": DocumentDateForm(initial={"date": dating.date}) if dating else None,
        "files": selectors.related_files(latest) if latest else [],
        "members": selectors.members_of(latest) if latest else [],
    })


@login_required
@require_POST
def to_trinh_date(request, round_id, order, unit_id):
    """The issuer dates its tờ trình (dossiers.services.set_to_trinh_date says what is allowed)."""
    item = selectors.stage_dossier_for_user(request.user, round_id, order, unit_id)
    if item is None or not item.can_build:
        raise Http404
    form = DocumentDateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["date"]))
    else:
        try:
            services.set_to_trinh_date(stage=item.stage, organisation=item.organisation, day=form.cleaned_data["date"], actor=request.user)
        except services.DossierError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Đã ghi ngày tờ trình {form.cleaned_data['date']:%d/%m/%Y}: lập lại hồ sơ để văn bản mang ngày này.")
    return redirect("dossiers:stage", round_id=round_id, order=order, unit_id=unit_id)


@login_required
@require_POST
def nomination_report(request, nomination_id):
    nomination = Nomination.objects.filter(visible_nominations_q(request.user), pk=nomination_id).select_related(
        "round", "proposing_unit"
    ).first()
    if nomination is None:
        raise Http404
    try:
        records = services.request_report(nomination=nomination, actor=request.user, force=request.POST.get("force") == "1")
    except services.DossierError as error:
        messages.error(request, str(error))
        return redirect("nomination_detail", pk=nomination_id)
    return redirect("dossiers:status", pk=records[0].pk)


@login_required
@require_GET
def build_status(request, pk):
    record = selectors.document_for_user(request.user, pk)
    if record is None:
        raise Http404
    payload = selectors.status_payload(record)
    return render(request, "dossiers/pages/status.html", {
        "record": record,
        "payload": payload,
        "files": selectors.related_files(record),
        "members": selectors.members_of(record) if record.is_batch else [],
    })


@never_cache
@login_required
@require_GET
def build_status_json(request, pk):
    record = selectors.document_for_user(request.user, pk)
    if record is None:
        raise Http404
    return JsonResponse(selectors.status_payload(record))


@login_required
@require_GET
def download(request, pk):
    record = selectors.document_for_user(request.user, pk)
    if record is None or record.status != BuildStatus.DONE or not record.file:
        raise Http404
    try:
        stream = record.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    name = ascii_slug(record.title or record.get_kind_display(), max_length=80)
    if record.number:
        name += "_" + ascii_slug(record.number)
    response = FileResponse(
        stream, as_attachment=True, filename=f"{name}.{record.format}", content_type=CONTENT_TYPES[record.format]
    )
    response["Cache-Control"] = "private, no-store"
    return response


VERIFICATION_CODE = re.compile(r"[A-Z0-9]{1,12}")


@require_GET
def verify(request, code):
    """Public: number, date, issuer, checksum and whether this is the current version. Nothing
    about the nominees."""
    from dossiers.models import GeneratedDocument

    wanted = code.strip().upper()
    # Codes are 8 letters and digits (services.CODE_ALPHABET); anything else (a NUL, which
    # PostgreSQL refuses in a query, a long string) is simply not a code: 404 without a query.
    record = (
        GeneratedDocument.objects.select_related("organisation")
        .filter(verification_code=wanted, status=BuildStatus.DONE)
        .first()
        if VERIFICATION_CODE.fullmatch(wanted) else None
    )
    if record is None:
        return render(request, "dossiers/pages/verify.html", {"found": False, "code": clean_text(code)[:40]}, status=404)
    return render(request, "dossiers/pages/verify.html", {
        "found": True,
        "code": record.verification_code,
        "number": record.number,
        "date": record.issued_on,
        "issuer": record.organisation.name,
        "checksum": record.checksum,
        # Single documents: today's data compared (a few queries). Whole dossiers: the latest
        # version and no change flagged (a public page must not rebuild a 100-report plan).
        "current": record.is_latest and not record.is_stale if record.is_batch else services.is_current(record),
    })
