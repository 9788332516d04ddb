"""The review side: a stage's queue, actions on one nomination, bulk approval, the stage council,
deadline extensions and the award decision.

Thin views: they check who may see the page (404 for anybody else, as pretalx does), validate a
form, call workflow.advance() or a service, and turn a refusal into a Vietnamese message.
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigns.models import Round
from nominations import selectors_review as selectors
from nominations.batch import approve_batch, preview_batch
from nominations.duplicates import likely_duplicates
from nominations.forms_review import (
    ApproveForm,
    BulkConfirmForm,
    BulkSelectionForm,
    DecisionForm,
    ExtensionForm,
    JudgementForm,
    QueueFilterForm,
    RejectForm,
    ReturnForm,
)
from nominations.forms import STAGE_COUNCIL, CouncilMeetingForm
from nominations.models import AwardDecision, CriterionValue, Nomination, Status
from nominations.views.links import nomination_detail_url, nomination_detail_urls
from nominations.rules import can_act_at_stage, visible_nominations_q
from nominations.services import (
    ServiceError,
    grant_extension,
    judge_criteria,
    judge_criterion,
    record_council_meeting,
    record_decision,
)
from nominations.outbox import QUEUED_NOTICE
from nominations.validators import validate_round_date
from nominations.workflow import Action, RoundRules, TransitionError, advance

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
DECISION_PAGE_SIZE = 200
# Rows of the decision form shown at a time (the decision itself covers every page).
DECISION_FORM_PAGE_SIZE = 100
COUNCIL_FORM_PAGE_SIZE = 100  # the stage council form's vote rows a page
COUNCIL_RESULTS_PAGE_SIZE = 100  # the stage council's results a page


# --- Helpers ------------------------------------------------------------------------------------


def _stage_or_404(user, round_id, order, *, act=False):
    """(stage, access) for a user who may see the stage's review pages; 404 for anyone else.
    With act=True, read-only access (administrators) is not enough either."""
    stage = selectors.review_stage(round_id, order)
    access = selectors.stage_access(user, stage)
    if access is None or (act and access != selectors.ACT):
        raise Http404("Không tìm thấy bước xét.")
    return stage, access


def _queue_url(stage):
    return reverse("review_queue", args=(stage.round_id, stage.order))


def _back(request, fallback):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def _nomination_for_action(user, pk):
    """The nomination a stage person acts on. 404 unless the user may see it and belongs to one of
    its round's stage organisations (a unit officer, an administrator or a stranger learn nothing);
    whether the action is allowed now is advance()'s to say."""
    nomination = get_object_or_404(
        Nomination.objects.filter(visible_nominations_q(user)).select_related(
            "round", "stage__organisation", "proposing_unit", "nominee_unit", "award_form__vote_rule"
        ),
        pk=pk,
    )
    if not (can_act_at_stage(user, nomination.stage) or selectors.round_stage_person(user, nomination.round)):
        raise Http404("Không tìm thấy hồ sơ.")
    return nomination


def _fallback_for(nomination, stage):
    return nomination_detail_url(nomination) or (
        _queue_url(stage) if stage.organisation_id else reverse("review_home")
    )


# --- Home: the stages a user reviews -----------------------------------------------------------


@login_required
@require_GET
def review_home(request):
    stages = selectors.review_stages_for(request.user)
    if not stages:
        raise Http404("Tài khoản không xét hồ sơ ở bước nào.")
    return render(request, "nominations/review/home.html", {"stages": stages})


# --- The queue ----------------------------------------------------------------------------------


@login_required
@require_GET
def review_queue(request, round_id, order):
    stage, access = _stage_or_404(request.user, round_id, order)
    filter_form = QueueFilterForm(request.GET or None, choices=selectors.queue_filter_choices(stage))
    nominations = selectors.queue_rows(stage, request.user, **filter_form.filters())
    page = Paginator(nominations, PAGE_SIZE).get_page(request.GET.get("trang"))
    detail_urls = nomination_detail_urls(page.object_list)
    for nomination in page.object_list:
        nomination.unit_vote = selectors.unit_vote_of(nomination)
        nomination.detail_url = detail_urls[nomination.pk]
    previous = selectors.previous_stage(stage)
    query = request.GET.copy()
    query.pop("trang", None)
    deadline = selectors.stage_deadline(stage)
    context = {
        "stage": stage,
        "round": stage.round,
        "can_act": access == selectors.ACT,
        # Past the deadline the queue is read only: no selection, no bulk approval, no decision.
        "can_act_now": access == selectors.ACT and not deadline.is_past,
        "filter_form": filter_form,
        "page": page,
        "page_query": query.urlencode(),
        "deadline": deadline,
        # Read when shown: not while their HTML is kept (below).
        "quotas": SimpleLazyObject(lambda: selectors.quota_usage_with_waiting(stage)),
        "returned": SimpleLazyObject(lambda: selectors.returned_summary(stage, request.user, shown=20)),
        "is_final": selectors.is_final_stage(stage),
        "next_stage": selectors.following_stage(stage),
        "previous_stage": previous,
        # The quotas, the filters and the returned nominations are shown as kept (stage_summary):
        # their HTML is kept as long, under the same nomination event.
        "summary_seconds": settings.LIST_SUMMARY_CACHE_SECONDS,
        "summary_version": selectors.summary_version(stage),
        "filter_key": filter_form.fragment_key(),
    }
    return render(request, "nominations/review/queue.html", context)


# --- Actions on one nomination ------------------------------------------------------------------

def _refusal(action) -> str:
    """The message of an action advance() refused (%(name)s: the nominee, %(error)s: why)."""
    return {
        Action.APPROVE: _("Không thể chấp thuận hồ sơ %(name)s: %(error)s"),
        Action.RETURN: _("Không thể trả lại hồ sơ %(name)s: %(error)s"),
        Action.REJECT: _("Không thể không chấp thuận hồ sơ %(name)s: %(error)s"),
    }[action]


def _act(request, pk, action, form_class):
    nomination = _nomination_for_action(request.user, pk)
    stage = nomination.stage
    fallback = _fallback_for(nomination, stage)
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(request, fallback)
    comment = form.cleaned_data.get("reason") or form.cleaned_data.get("comment") or ""
    name = nomination.nominee_name
    try:
        moved = advance(nomination, action, actor=request.user, comment=comment)
    except TransitionError as error:
        messages.error(request, _refusal(action) % {"name": name, "error": error})
        return _back(request, fallback)
    except DatabaseError:
        logger.exception("Review action %s on nomination %s failed", action, pk)
        messages.error(request, _("Không ghi được thao tác trên hồ sơ %(name)s, hãy thử lại.") % {"name": name})
        return _back(request, fallback)
    if action == Action.APPROVE:
        if moved.status in (Status.AWARDED, Status.PROPOSED):
            messages.success(
                request, _("Đã chấp thuận hồ sơ %(name)s: %(status)s.") % {"name": name, "status": moved.get_status_display().lower()}
            )
        else:
            messages.success(
                request, _("Đã chấp thuận hồ sơ %(name)s, chuyển tới bước \"%(stage)s\".") % {"name": name, "stage": moved.stage.name}
            )
    elif action == Action.RETURN:
        messages.success(
            request,
            _("Đã trả lại hồ sơ %(name)s cho %(unit)s để bổ sung.") % {"name": name, "unit": nomination.proposing_unit},
        )
    else:
        messages.success(request, _("Đã ghi không chấp thuận hồ sơ %(name)s.") % {"name": name})
    if getattr(moved, "queued_mail", 0):
        messages.info(request, QUEUED_NOTICE)
    return _back(request, fallback)


@login_required
@require_POST
def review_approve(request, pk):
    return _act(request, pk, Action.APPROVE, ApproveForm)


@login_required
@require_POST
def review_return(request, pk):
    return _act(request, pk, Action.RETURN, ReturnForm)


@login_required
@require_POST
def review_reject(request, pk):
    return _act(request, pk, Action.REJECT, RejectForm)


@login_required
@require_POST
def review_judge(request, pk, value_id):
    nomination = _nomination_for_action(request.user, pk)
    value = get_object_or_404(CriterionValue.objects.select_related("criterion"), pk=value_id, nomination=nomination)
    fallback = _fallback_for(nomination, nomination.stage)
    form = JudgementForm(request.POST, prefix=f"tc{value.pk}")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(request, fallback)
    try:
        judge_criterion(
            nomination=nomination, criterion_value=value, judgement=form.cleaned_data["judgement"],
            actor=request.user, comment=form.cleaned_data["comment"],
        )
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        label = _("Đạt") if form.cleaned_data["judgement"] == "met" else _("Không đạt")
        messages.success(
            request,
            _("Đã ghi đánh giá \"%(judgement)s\" cho tiêu chí: %(criterion)s") % {"judgement": label, "criterion": value.criterion.label},
        )
    return _back(request, fallback)


JUDGE_ANCHOR = "xet-ho-so-tieu-de"  # the reviewer's panel on the detail page, where the criteria are judged


@login_required
@require_POST
def review_judge_all(request, pk):
    """The pending criteria of a nomination judged in one form; those left blank stay pending.
    The page comes back where it was (the criteria's anchor)."""
    nomination = _nomination_for_action(request.user, pk)
    fallback = _fallback_for(nomination, nomination.stage)
    values = list(CriterionValue.objects.select_related("criterion").filter(nomination=nomination, status="pending").order_by("criterion__order", "pk"))
    judgements, refused = [], []
    for value in values:
        form = JudgementForm(request.POST, prefix=f"tc{value.pk}")
        if not request.POST.get(form.add_prefix("judgement")):
            continue  # not judged this time
        if form.is_valid():
            judgements.append((value, form.cleaned_data["judgement"], form.cleaned_data["comment"]))
        else:
            refused += [f"{value.criterion.label}: {error}" for errors in form.errors.values() for error in errors]
    if refused:
        for message in refused:
            messages.error(request, message)
    elif not judgements:
        messages.error(request, _("Chọn Đạt hoặc Không đạt cho ít nhất một tiêu chí."))
    else:
        try:
            judge_criteria(nomination=nomination, judgements=judgements, actor=request.user)
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            count = len(judgements)
            messages.success(
                request, ngettext("Đã ghi đánh giá %(n)d tiêu chí.", "Đã ghi đánh giá %(n)d tiêu chí.", count) % {"n": count}
            )
    response = _back(request, fallback)
    response["Location"] = response["Location"].split("#")[0] + f"#{JUDGE_ANCHOR}"
    return response


# --- Bulk approval --------------------------------------------------------------------------------


@login_required
@require_GET
def review_bulk_preview(request, round_id, order):
    stage, _access = _stage_or_404(request.user, round_id, order, act=True)
    queue_ids = selectors.queue_nominations(stage, request.user).values_list("pk", flat=True)
    form = BulkSelectionForm(request.GET, queue_ids=list(queue_ids))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_queue_url(stage))
    preview = preview_batch(stage=stage, nomination_ids=form.cleaned_data["n"], actor=request.user)
    duplicates = likely_duplicates([row.nomination for row in preview.rows], request.user, stage.round)
    for row in preview.rows:
        row.likely_duplicates = duplicates.get(row.nomination.pk, [])
    return render(
        request,
        "nominations/review/bulk_preview.html",
        {"stage": stage, "round": stage.round, "preview": preview, "comment": form.cleaned_data["comment"],
         "deadline": selectors.stage_deadline(stage), "previous_stage": selectors.previous_stage(stage)},
    )


@login_required
@require_POST
def review_bulk_confirm(request, round_id, order):
    stage, _access = _stage_or_404(request.user, round_id, order, act=True)
    form = BulkConfirmForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_queue_url(stage))
    results = approve_batch(
        stage=stage, nomination_ids=form.cleaned_data["n"], actor=request.user, comment=form.cleaned_data["comment"]
    )
    moved = [r for r in results if r.ok]
    if moved:
        names = ", ".join(r.nomination.nominee_name for r in moved)
        messages.success(
            request,
            ngettext("Đã chấp thuận %(n)d hồ sơ: %(names)s.", "Đã chấp thuận %(n)d hồ sơ: %(names)s.", len(moved))
            % {"n": len(moved), "names": names},
        )
    for result in results:
        if not result.ok:
            messages.warning(
                request,
                _("Không chấp thuận được hồ sơ %(name)s: %(reason)s") % {"name": result.nomination.nominee_name, "reason": result.message},
            )
    if not results:
        messages.error(request, _("Không có hồ sơ nào thuộc đợt này trong danh sách đã chọn."))
    return redirect(_queue_url(stage))


# --- The stage council ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def review_council(request, round_id, order):
    """A stage organisation's own council meeting (as Rạch Giá's city council) and its votes on the
    nominations waiting at the stage. The results are shown a page at a time
    (COUNCIL_RESULTS_PAGE_SIZE rows; every row for printing, `ket_qua=tat-ca`), the form's votes
    too (COUNCIL_FORM_PAGE_SIZE): moving to another page of the form is a POST (`den_trang`) that
    shows it with what was sent, the other pages' counts carried in hidden fields, and checks
    nothing; sending the form checks and records the meeting over every nomination waiting."""
    stage, access = _stage_or_404(request.user, round_id, order)
    if not stage.holds_council:
        raise Http404("Bước này không họp Hội đồng.")
    meeting = selectors.stage_meeting(stage)
    can_act = access == selectors.ACT
    if request.method == "POST" and not can_act:
        raise Http404("Không tìm thấy trang.")
    turning = request.method == "POST" and "den_trang" in request.POST
    form = None
    if request.method == "POST" and not turning:
        form = CouncilMeetingForm(request.POST, side=STAGE_COUNCIL, nominations=selectors.stage_nominations(stage), meeting=meeting)
        if form.is_valid():
            try:
                record_council_meeting(
                    actor=request.user, stage=stage, unit=stage.organisation, data=form.meeting_data(), votes=form.votes()
                )
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, _("Đã ghi kết quả họp Hội đồng Thi đua - Khen thưởng của %(unit)s.") % {"unit": stage.organisation}
                )
                return redirect("review_council", round_id=stage.round_id, order=stage.order)
    number = (request.POST.get("den_trang") or request.POST.get("trang")) if request.method == "POST" else request.GET.get("trang")
    page = selectors.waiting_page(stage, number, COUNCIL_FORM_PAGE_SIZE)
    shown_ids = {n.pk for n in page.object_list}
    if can_act and form is None:
        common_votes, own_votes = selectors.stage_council_counts(stage, meeting)
        form = CouncilMeetingForm(
            request.POST if turning else None, side=STAGE_COUNCIL, nominations=page.object_list, meeting=meeting,
            stored_votes=own_votes, common_votes=common_votes,
        )
        if turning:
            form.show_as_sent()
    every_result = request.GET.get("ket_qua") == "tat-ca"
    results_page = selectors.council_rows_page(
        stage, meeting, request.GET.get("ket_qua"), None if every_result else COUNCIL_RESULTS_PAGE_SIZE
    )
    return render(
        request,
        "nominations/review/council.html",
        {
            "stage": stage, "round": stage.round, "can_act": can_act, "form": form, "meeting": meeting,
            "rows": results_page.object_list, "results_page": None if every_result else results_page,
            "vote_page": page,
            "vote_rows": [(n, form.vote_field(n)) for n in page.object_list if form.vote_name(n) in form.fields] if form else [],
            "carried_votes": form.carried_votes(shown_ids) if form else [],
            "errors_elsewhere": form.errors_elsewhere(shown_ids) if form else [],
            "previous_stage": selectors.previous_stage(stage), "is_final": selectors.is_final_stage(stage),
        },
    )


# --- Deadline extensions ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def review_extensions(request, round_id, order):
    """The organisation receiving the previous stage's dossiers extends a unit's deadline there."""
    stage, access = _stage_or_404(request.user, round_id, order)
    previous = selectors.previous_stage(stage)
    if previous is None:
        raise Http404("Bước này không có bước trước.")
    can_act = access == selectors.ACT
    form = ExtensionForm(request.POST or None, units=selectors.extension_units(previous)) if can_act else None
    if request.method == "POST":
        if not can_act:
            raise Http404("Không tìm thấy trang.")
        if form.is_valid():
            try:
                extension = grant_extension(
                    actor=request.user, stage=previous, unit=form.cleaned_data["unit"],
                    new_deadline=form.cleaned_data["new_deadline"], reason=form.cleaned_data["reason"],
                )
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                logger.info(
                    "Deadline extension: stage %s, unit %s, to %s, by %s", previous.pk, extension.unit_id,
                    extension.new_deadline, request.user.pk,
                )
                messages.success(
                    request,
                    _("Đã gia hạn cho %(unit)s đến hết ngày %(day)s.")
                    % {"unit": extension.unit, "day": extension.new_deadline.strftime("%d/%m/%Y")},
                )
                return redirect("review_extensions", round_id=stage.round_id, order=stage.order)
    return render(
        request,
        "nominations/review/extensions.html",
        {
            "stage": stage, "round": stage.round, "previous": previous, "previous_stage": previous, "can_act": can_act,
            "form": form, "is_final": selectors.is_final_stage(stage),
            "extensions": selectors.extensions_for(previous),
        },
    )


# --- The award decision -------------------------------------------------------------------------


def _final_stage_or_404(user, round_id):
    round_ = get_object_or_404(Round.objects.select_related("campaign"), pk=round_id)
    final = selectors.final_stage(round_)
    access = selectors.stage_access(user, final)
    if access is None:
        raise Http404("Không tìm thấy trang.")
    return round_, final, access


@login_required
@require_http_methods(["GET", "POST"])
def review_decision(request, round_id):
    """The award decision for the nominations waiting at the final stage. The list is shown a page
    at a time (DECISION_FORM_PAGE_SIZE rows), whatever their number; every nomination waiting is
    awarded unless ticked "not awarded". Moving to another page is a POST of the form
    (`den_trang`): it shows the other page with what was sent, the ticks of other pages carried in
    hidden fields, and checks nothing. Sending it for the preview checks the decision over the
    whole list (DecisionForm), then the preview and its confirmation record it whole."""
    round_, final, access = _final_stage_or_404(request.user, round_id)
    can_act = access == selectors.ACT
    if request.method == "POST" and not can_act:
        raise Http404("Không tìm thấy trang.")
    turning = request.method == "POST" and "den_trang" in request.POST
    form = None
    if request.method == "POST" and not turning:
        nominations = selectors.stage_nominations(final)  # the whole list: what the decision records
        form = DecisionForm(request.POST, nominations=nominations)
        if form.is_valid() and "xac_nhan" not in request.POST:
            try:  # the date's bounds, as record_decision checks them, before the preview
                validate_round_date(form.cleaned_data["date"], round_=round_, last_deadline=final.deadline, what=_("Ngày ký quyết định"))
            except ValidationError as error:
                form.add_error("date", error)
            if form.is_valid() and "sua_lai" not in request.POST:  # "Sửa lại": the form again, as it was filled
                return render(
                    request,
                    "nominations/review/decision_preview.html",
                    {
                        "round": round_, "stage": final, "form": form, "awarded": form.awarded(),
                        "not_awarded": [(n, form.cleaned_data[f"reason_{n.pk}"]) for n in nominations if n.pk in form.not_awarded()],
                        "previous_stage": selectors.previous_stage(final),
                    },
                )
        elif form.is_valid():
            data = form.cleaned_data
            try:
                decision = record_decision(
                    actor=request.user, round_=round_, number=data["number"], date=data["date"], signer=data["signer"],
                    signer_title=data["signer_title"], nominations=form.awarded(), not_awarded=form.not_awarded(),
                    round_rules=RoundRules.load(round_),  # read once for the whole list, not per nomination
                )
            except ServiceError as error:
                form.add_error(None, str(error))
            except DatabaseError:
                logger.exception("Recording decision for round %s failed", round_.pk)
                form.add_error(None, _("Không ghi được quyết định, hãy thử lại."))
            else:
                count = len(form.awarded())
                # The decision's number and date as str(decision) writes them, inside a translatable sentence.
                messages.success(
                    request,
                    ngettext(
                        "Đã ghi Quyết định số %(number)s ngày %(date)s: %(n)d hồ sơ được khen thưởng.",
                        "Đã ghi Quyết định số %(number)s ngày %(date)s: %(n)d hồ sơ được khen thưởng.",
                        count,
                    ) % {"number": decision.number, "date": decision.date.strftime("%d/%m/%Y"), "n": count},
                )
                return redirect("review_decision_detail", round_id=round_.pk, decision_id=decision.pk)
    number = request.POST.get("den_trang") or request.POST.get("trang") if request.method == "POST" else request.GET.get("trang")
    page = selectors.waiting_page(final, number, DECISION_FORM_PAGE_SIZE)
    shown_ids = {n.pk for n in page.object_list}
    if can_act and form is None:
        form = DecisionForm(request.POST if turning else None, nominations=page.object_list)
        if turning:
            form.show_as_sent()
    return render(
        request,
        "nominations/review/decision_form.html",
        {
            "round": round_, "stage": final, "can_act": can_act, "form": form, "page": page,
            "ticked_elsewhere": form.ticked_elsewhere(shown_ids) if form is not None else [],
            "errors_elsewhere": form.errors_elsewhere(shown_ids) if form is not None else [],
            "decisions": selectors.recorded_decisions(round_, final), "deadline": selectors.stage_deadline(final),
            "has_propose": selectors.stage_has_proposals(final),
            "previous_stage": selectors.previous_stage(final),
        },
    )


@login_required
@require_GET
def review_decision_detail(request, round_id, decision_id):
    round_, final, _access = _final_stage_or_404(request.user, round_id)
    decision = get_object_or_404(AwardDecision.objects.select_related("recorded_by"), pk=decision_id, round=round_)
    page = Paginator(selectors.decision_nominations(decision), DECISION_PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "nominations/review/decision_detail.html",
        {
            "round": round_, "stage": final, "decision": decision, "page": page,
            "awarded": selectors.share_related(list(page.object_list), round_.pk),
            "previous_stage": selectors.previous_stage(final),
        },
    )

