"""The unit officer's pages: a round, registration, the nomination form, evidence, the unit's
council meeting, submitting; and the nomination's detail page, shared by every role.

What a user may not see answers 404. Who may do what: the predicates of nominations/rules.py,
asked by name (`rules.has_perm`, `rules.test_rule`). Reads come from nominations.selectors; every
write goes through nominations.services or nominations.workflow.advance()."""
from __future__ import annotations

import json
import re
import unicodedata
from urllib.parse import quote

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.exceptions import FieldDoesNotExist
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns import clock
from campaigns.models import NomineeKind
from campaigns.stages import stages_of
from criteria import evaluation
from nominations import display, selectors, services
from nominations.council import vote_outcome
from nominations.duplicates import likely_duplicates
from nominations.forms import (
    UNIT_COUNCIL,
    CouncilMeetingForm,
    CriterionEvidenceForm,
    EvidenceForm,
    NominationForm,
    RegistrationForm,
    criterion_field,
    evidence_field_name,
    judge_typed,
)
from nominations.guards_evidence import requires_evidence
from nominations.models import Gender, Nomination, Status
from nominations.services import ServiceError, applicable_criteria
from nominations.views.links import nomination_detail_urls
from nominations.workflow import Action, Blocker, RoundRules, TransitionError, advance, allowed_actions, blockers, unit_deadline

# Rows of a council meeting's results shown at a time on the unit council page.
COUNCIL_RESULTS_PAGE_SIZE = 100
COUNCIL_FORM_PAGE_SIZE = 100  # the council form's vote rows a page

# --- Helpers ----------------------------------------------------------------------------------------


def _round_or_404(round_id):
    round_ = selectors.round_with_stages(round_id)
    if round_ is None or not stages_of(round_):
        raise Http404
    return round_


def _unit_for_round(request, round_, *, officer_only):
    """The user's unit taking part in `round_` (?don_vi=<id> picks one when there are several)."""
    units = [u for u in selectors.units_of(request.user, officer_only=officer_only) if selectors.takes_part(u, round_)]
    if not units:
        raise Http404
    wanted = request.GET.get("don_vi") or request.POST.get("don_vi")
    if wanted:
        unit = next((u for u in units if str(u.pk) == wanted), None)
        if unit is None:
            raise Http404
        return unit, units
    return units[0], units


def _nomination_or_404(request, pk):
    nomination = selectors.nomination_for_user(request.user, pk)
    if nomination is None:
        raise Http404
    return nomination


def _round_url(round_, unit, units):
    url = reverse("unit_round", args=[round_.pk])
    return f"{url}?don_vi={unit.pk}" if len(units) > 1 else url


# --- A round, as one unit takes part in it -----------------------------------------------------------


@login_required
def unit_round(request, round_id):
    round_ = _round_or_404(round_id)
    unit, units = _unit_for_round(request, round_, officer_only=False)
    unit_round = selectors.unit_rounds([unit], [round_])[0]
    stage = stages_of(round_).first
    context = {
        "round": round_,
        "unit": unit,
        "units": units,
        "ur": unit_round,
        "first_stage": stage,
        "meeting": selectors.council_meeting_of(round_, stage, unit),
        "award_forms": list(round_.award_forms.order_by("order")),
        "quota_rules": list(round_.quota_rules.select_related("award_form").order_by("order", "code")),
        "is_officer": rules.test_rule("nominations.propose_for_unit", request.user, unit),
        "submit_past": clock.is_past(unit_round.submit_deadline.day),
        "unit_query": f"?don_vi={unit.pk}" if len(units) > 1 else "",
    }
    return render(request, "nominations/round.html", context)


@login_required
def unit_register(request, round_id):
    round_ = _round_or_404(round_id)
    unit, units = _unit_for_round(request, round_, officer_only=True)
    registration = selectors.registrations_for([round_], [unit]).get((round_.pk, unit.pk))
    form = RegistrationForm(
        request.POST if request.method == "POST" else None,
        round_=round_,
        initial={"pledge": registration.pledge if registration else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.register_unit(round_=round_, unit=unit, actor=request.user, pledge=form.cleaned_data["pledge"])
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã ghi đăng ký thi đua của %(unit)s.") % {"unit": unit.name})
            return redirect(_round_url(round_, unit, units))
    deadline = round_.registration_deadline
    context = {
        "round": round_,
        "unit": unit,
        "units": units,
        "form": form,
        "registration": registration,
        "deadline_past": bool(deadline and clock.is_past(deadline)),
        "round_url": _round_url(round_, unit, units),
    }
    return render(request, "nominations/register.html", context)


# --- The nomination form -------------------------------------------------------------------------


def _nomination_form(request, *, round_, unit, units, nomination):
    values = selectors.criterion_values(nomination) if nomination else {}
    evidence_criteria = selectors.evidence_criterion_ids(nomination) if nomination else set()
    kwargs = {
        "round_": round_,
        "proposing_unit": unit,
        "nomination": nomination,
        "values": values,
        "evidence_criteria": evidence_criteria,
    }
    not_saved = False
    duplicate_of = None
    files_form = None
    if request.method == "POST":
        form = NominationForm(request.POST, **kwargs)
        files_form = CriterionEvidenceForm(request.POST, request.FILES, criteria=form.criteria)
        if "refresh" in request.POST:
            form = form.refreshed()
        elif form.is_valid() and files_form.is_valid():
            try:
                saved = services.save_nomination_with_evidence(
                    actor=request.user,
                    round_=round_,
                    proposing_unit=unit,
                    data=form.nomination_data(),
                    values=form.criterion_values(),
                    nomination=nomination,
                    uploads=files_form.uploads,
                )
            except ServiceError as error:
                form.add_error(None, str(error))
                not_saved = True
                duplicate_of = _duplicate_shown(request, error, nomination)
            else:
                messages.success(request, _("Đã lưu hồ sơ của %(name)s.") % {"name": saved.nominee_name})
                if "continue" in request.POST:
                    return redirect("nomination_edit", pk=saved.pk)
                return redirect("nomination_detail", pk=saved.pk)
        else:
            not_saved = True
    else:
        form = NominationForm(**kwargs)
    registered = not round_.registration_required or (round_.pk, unit.pk) in selectors.registrations_for([round_], [unit])
    rows = form.criterion_rows()
    file_errors = files_form.errors if files_form is not None else {}
    for row in rows:
        row["evidence_field"] = evidence_field_name(row["criterion"])
        row["evidence_errors"] = file_errors.get(row["evidence_field"], [])
    if file_errors:
        not_saved = True
    overall = evaluation.summarise([(row["criterion"], row["status"]) for row in rows])[0] if rows else None
    context = {
        "round": round_,
        "unit": unit,
        "form": form,
        "rows": rows,
        "overall_badge": display.badge(overall) if overall else None,
        "nomination": nomination,
        "not_saved": not_saved,
        "duplicate_of": duplicate_of,
        "registered": registered,
        "submit_deadline": unit_deadline(stages_of(round_).first, unit),
        "round_url": _round_url(round_, unit, units),
    }
    return render(request, "nominations/form.html", context)


def _duplicate_shown(request, error, nomination):
    """The nomination a refused save clashes with, if the user may see it (the page links to it), with
    `carry_into`: whether what was typed can be saved into it (a draft or returned nomination of the
    user's own unit)."""
    existing = getattr(error, "existing", None)
    if existing is None or (nomination is not None and existing.pk == nomination.pk):
        return None
    existing = selectors.nomination_for_user(request.user, existing.pk)
    if existing is None:
        return None
    existing.carry_into = rules.has_perm("nominations.edit_nomination", request.user, existing) and existing.is_editable_by_unit
    return existing


@login_required
def nomination_create(request, round_id):
    round_ = _round_or_404(round_id)
    unit, units = _unit_for_round(request, round_, officer_only=True)
    return _nomination_form(request, round_=round_, unit=unit, units=units, nomination=None)


@login_required
def nomination_edit(request, pk):
    nomination = _nomination_or_404(request, pk)
    if not rules.has_perm("nominations.edit_nomination", request.user, nomination):
        raise Http404
    if not nomination.is_editable_by_unit:
        messages.error(request, _("Hồ sơ đã gửi, không sửa được. Chỉ sửa khi hồ sơ còn nháp hoặc bị trả lại."))
        return redirect("nomination_detail", pk=pk)
    round_ = _round_or_404(nomination.round_id)
    unit = nomination.proposing_unit
    return _nomination_form(request, round_=round_, unit=unit, units=[unit], nomination=nomination)


def _unit_transition(request, pk, action, *, refused, done):
    """The unit's own move of its nomination through the workflow, which refuses it with the reason."""
    nomination = _nomination_or_404(request, pk)
    try:
        nomination = advance(nomination, action, actor=request.user)
    except TransitionError as error:
        messages.error(request, refused % {"reason": error})
    else:
        messages.success(request, done(nomination))
        if getattr(nomination, "queued_mail", 0):
            messages.info(request, _("Thư thông báo đã được xếp vào hàng đợi và sẽ được gửi tự động."))
    return redirect("nomination_detail", pk=pk)


@login_required
@require_POST
def nomination_submit(request, pk):
    """Submit to the first review stage. Refused (with the reason, e.g. the deadline) by the workflow."""
    return _unit_transition(
        request, pk, Action.SUBMIT, refused=_("Chưa gửi được hồ sơ. %(reason)s"),
        done=lambda nomination: _("Đã gửi hồ sơ đến bước \"%(stage)s\".") % {"stage": nomination.stage.name},
    )


@login_required
@require_POST
def nomination_withdraw(request, pk):
    """Take a sent nomination back to draft before the first reviewing level acts on it. Refused
    (with the reason) by the workflow."""
    return _unit_transition(
        request, pk, Action.WITHDRAW, refused=_("Chưa rút được hồ sơ. %(reason)s"),
        done=lambda nomination: _("Đã rút hồ sơ về bản nháp của đơn vị: có thể sửa và gửi lại trong hạn."),
    )


@login_required
def nomination_delete(request, pk):
    """A draft deleted by its unit: GET asks for confirmation (what goes with it), POST deletes."""
    nomination = _nomination_or_404(request, pk)
    if not rules.has_perm("nominations.edit_nomination", request.user, nomination):
        raise Http404
    round_url = _round_url(nomination.round, nomination.proposing_unit, [nomination.proposing_unit])
    if request.method == "POST":
        try:
            name = services.delete_draft(nomination=nomination, actor=request.user)
        except ServiceError as error:
            messages.error(request, _("Chưa xoá được hồ sơ. %(reason)s") % {"reason": error})
            return redirect("nomination_detail", pk=pk)
        messages.success(request, _("Đã xoá hồ sơ nháp của %(name)s.") % {"name": name})
        return redirect(round_url)
    context = {
        "nomination": nomination,
        "round": nomination.round,
        "round_url": round_url,
        "deletable": nomination.status == Status.DRAFT and nomination.submitted_at is None,
        "evidence": selectors.evidence_of(nomination),
        "votes": selectors.council_votes_of(nomination),
    }
    return render(request, "nominations/delete.html", context)


# --- The detail page, shared by every role ------------------------------------------------------------

_JUDGEMENTS = {"met": _("Đạt"), "not_met": _("Không đạt"), "": _("(bỏ đánh giá)")}


def _field_label(name):
    try:
        label = str(Nomination._meta.get_field(name.removesuffix("_id")).verbose_name)
    except FieldDoesNotExist:  # a field renamed since the event: show its recorded name
        return name
    return label[:1].upper() + label[1:]


def _change_value(key, value, names):
    if value is None or value == "":
        return "—"
    if key in names:
        return names[key].get(value, value)
    if key == "kind":
        return dict(NomineeKind.choices).get(value, value)
    if key == "gender":
        return dict(Gender.choices).get(value, value)
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    return value


def _history_rows(events, criteria_by_code):
    names = selectors.event_names(events)
    statuses = dict(Status.choices)
    rows = []
    for event in events:
        changes = []
        for key, pair in (event.changes or {}).items():
            old, new = (list(pair) + [None, None])[:2]
            if event.action == "judge":
                criterion = criteria_by_code.get(key)
                label = criterion.label if criterion else key
                changes.append((label, _JUDGEMENTS.get(old or "", old), _JUDGEMENTS.get(new or "", new)))
            else:
                changes.append((_field_label(key), _change_value(key, old, names), _change_value(key, new, names)))
        rows.append(
            {
                "event": event,
                "label": display.EVENT_LABELS.get(event.action, event.action),
                "actor": (event.actor.get_full_name() or event.actor.get_username()) if event.actor else _("Hệ thống"),
                "from_status": statuses.get(event.from_status, event.from_status),
                "to_status": statuses.get(event.to_status, event.to_status),
                "moved": event.from_stage_id != event.to_stage_id,
                "changes": changes,
            }
        )
    return rows


@login_required
def nomination_detail(request, pk):
    user = request.user
    nomination = _nomination_or_404(request, pk)
    round_ = nomination.round
    criteria = list(applicable_criteria(nomination))
    values = selectors.criterion_values(nomination)
    evidence = selectors.evidence_of(nomination)
    evidence_by_criterion = {}
    for item in evidence:
        evidence_by_criterion.setdefault(item.criterion_id, []).append(item)
    rows = []
    for criterion in criteria:
        value = values.get(criterion.pk)
        status = value.status if value else evaluation.PENDING
        has_value = value is not None and (value.number is not None or value.flag is not None or bool(value.text))
        key = display.criterion_badge_key(
            criterion, status, has_value=has_value, has_evidence=criterion.pk in evidence_by_criterion,
            judgement=value.judgement if value else "",
        )
        rows.append(
            {
                "criterion": criterion, "value": value, "badge": display.badge(key),
                "evidence": evidence_by_criterion.get(criterion.pk, []),
                "missing_evidence": requires_evidence(criterion) and criterion.pk not in evidence_by_criterion,
            }
        )
    rule = nomination.award_form.vote_rule
    council = [
        {"vote": vote, "meeting": vote.meeting, "outcome": vote_outcome(vote.meeting, vote.votes_for, rule)}
        for vote in selectors.council_votes_of(nomination)
    ]
    is_officer = rules.has_perm("nominations.edit_nomination", user, nomination)
    can_edit = is_officer and nomination.is_editable_by_unit
    can_delete = can_edit and nomination.status == Status.DRAFT and nomination.submitted_at is None
    can_submit, submit_blockers, quota_places, can_withdraw = False, [], [], False
    if can_edit:
        round_rules = RoundRules(round_)  # the round's rules read once for the submission's checks
        can_submit = Action.SUBMIT in allowed_actions(nomination, actor=user, round_rules=round_rules)
        if not can_submit:
            submit_blockers = blockers(nomination, Action.SUBMIT, actor=user, round_rules=round_rules)
        # The quota is counted again, under lock, at "Gửi hồ sơ"; shown here before the click.
        quota_places = selectors.quota_places_at_submission(nomination, rules=round_rules.quota_rules)
        full = [Blocker(place.refusal) for place in quota_places if place.full]
        if full:
            can_submit, submit_blockers = False, [*submit_blockers, *full]
    elif is_officer and nomination.status == Status.IN_REVIEW:
        can_withdraw = not blockers(nomination, Action.WITHDRAW, actor=user)
    can_review = rules.has_perm("nominations.review_nomination", user, nomination)
    review_actions = allowed_actions(nomination, actor=user) if can_review and nomination.status == Status.IN_REVIEW else []
    events = selectors.history_of(nomination)
    context = {
        "nomination": nomination,
        "round": round_,
        "criteria_rows": rows,
        "general_evidence": evidence_by_criterion.get(None, []),
        "evidence": evidence,
        "council": council,
        "vote_rule": rule,
        "history": _history_rows(events, {c.code: c for c in criteria}),
        "is_officer": is_officer,
        "can_edit": can_edit,
        "can_submit": can_submit,
        "can_delete": can_delete,
        "quota_places": quota_places,
        "submit_blockers": submit_blockers,
        "can_withdraw": can_withdraw,
        "submit_deadline": unit_deadline(stages_of(round_).first, nomination.proposing_unit),
        "can_review": can_review,
        "review_actions": review_actions,
        "action_labels": Action.LABELS,
        "duplicates": selectors.same_person_elsewhere(nomination, user) if (can_review or rules.test_rule("nominations.administer_campaign", user, nomination.round.campaign)) else [],
        "summary_badge": display.badge(nomination.criteria_status),
        "missing_evidence": [row["criterion"] for row in rows if row["missing_evidence"]],
        "likely_duplicates": likely_duplicates([nomination], user, nomination.round).get(nomination.pk, []),
    }
    return render(request, "nominations/detail.html", context)


# --- Evidence ----------------------------------------------------------------------------------------


@login_required
def nomination_evidence(request, pk):
    nomination = _nomination_or_404(request, pk)
    can_upload = rules.has_perm("nominations.edit_nomination", request.user, nomination) and nomination.is_editable_by_unit
    form = None
    if can_upload:
        criteria = applicable_criteria(nomination)
        if request.method == "POST":
            form = EvidenceForm(request.POST, request.FILES, criteria=criteria)
            if form.is_valid():
                criterion = form.cleaned_data["criterion"]
                try:
                    items = services.add_evidence_files(
                        nomination=nomination, uploads=[(criterion, f, kind) for f, kind in form.uploads], actor=request.user,
                    )
                except ServiceError as error:
                    form.add_error(None, str(error))
                else:
                    names = ", ".join(f"\"{item.original_name}\"" for item in items)
                    messages.success(request, _("Đã tải lên tệp minh chứng %(names)s.") % {"names": names})
                    return redirect("nomination_evidence", pk=pk)
        else:
            form = EvidenceForm(criteria=criteria, initial={"criterion": request.GET.get("tieu_chi") or None})
    elif request.method == "POST":
        messages.error(request, _("Chỉ thêm minh chứng khi hồ sơ còn nháp hoặc bị trả lại, bởi cán bộ đơn vị đề nghị."))
        return redirect("nomination_evidence", pk=pk)
    context = {"nomination": nomination, "evidence": selectors.evidence_of(nomination), "form": form}
    return render(request, "nominations/evidence.html", context)


def _ascii_fallback(name: str) -> str:
    name = name.replace("đ", "d").replace("Đ", "D")
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    name = re.sub(r'[\\"\r\n;]+', "_", name).strip() or "minh-chung"
    return name


@login_required
def evidence_download(request, pk):
    """A private evidence file, only for users who may see its nomination (others: 404)."""
    item = selectors.evidence_for_user(request.user, pk)
    if item is None:
        raise Http404
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError, ValueError) as error:
        raise Http404 from error
    response = FileResponse(handle, content_type=item.content_type or "application/octet-stream")
    response["Content-Disposition"] = (
        f'attachment; filename="{_ascii_fallback(item.original_name)}"; '
        f"filename*=UTF-8''{quote(item.original_name, safe='')}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- The unit's council meeting ------------------------------------------------------------------------


@login_required
def unit_council(request, round_id):
    """The unit's council meeting and its votes on the unit's drafts and returns. The votes are
    asked a page at a time (COUNCIL_FORM_PAGE_SIZE rows), whatever their number: moving to another
    page is a POST of the form (`den_trang`) that shows the other page with what was sent, the
    other pages' counts carried in hidden fields, and checks nothing; sending the form checks and
    records the meeting over every nomination."""
    round_ = _round_or_404(round_id)
    unit, units = _unit_for_round(request, round_, officer_only=False)
    stage = stages_of(round_).first
    meeting = selectors.council_meeting_of(round_, stage, unit)
    open_nominations = selectors.council_open_nominations(round_, unit)
    turning = request.method == "POST" and "den_trang" in request.POST
    form = None
    if request.method == "POST" and not turning:
        form = CouncilMeetingForm(
            request.POST, side=UNIT_COUNCIL, round_=round_, meeting=meeting,
            nominations=selectors.share_related(list(open_nominations), round_.pk),
        )
        if form.is_valid():
            try:
                services.record_council_meeting(
                    actor=request.user, stage=stage, unit=unit, data=form.meeting_data(), votes=form.votes()
                )
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Đã ghi kết quả họp Hội đồng Thi đua - Khen thưởng."))
                url = reverse("unit_council", args=[round_.pk])
                return redirect(f"{url}?don_vi={unit.pk}" if len(units) > 1 else url)
    number = (request.POST.get("den_trang") or request.POST.get("trang")) if request.method == "POST" else request.GET.get("trang")
    page = Paginator(open_nominations, COUNCIL_FORM_PAGE_SIZE).get_page(number)
    shown = selectors.share_related(list(page.object_list), round_.pk)
    shown_ids = {n.pk for n in shown}
    if form is None and turning:
        form = CouncilMeetingForm(request.POST, side=UNIT_COUNCIL, round_=round_, nominations=shown, meeting=meeting)
        form.show_as_sent()
    elif form is None:
        paged = page.paginator.num_pages > 1
        form = CouncilMeetingForm(
            side=UNIT_COUNCIL, round_=round_, nominations=shown, meeting=meeting,
            all_ids=list(open_nominations.values_list("pk", flat=True)) if paged else shown_ids,
            stored_votes=selectors.votes_of_meeting(meeting, open_nominations if paged else shown_ids),
        )
    # The meeting's results a page at a time (a unit may have voted on thousands); every row at once
    # when asked for printing (?ket_qua=tat-ca).
    results, results_page = [], None
    if meeting is not None:
        votes = selectors.MeetingVotes(meeting)
        if request.GET.get("ket_qua") != "tat-ca":
            results_page = Paginator(votes, COUNCIL_RESULTS_PAGE_SIZE).get_page(request.GET.get("ket_qua"))
            votes = results_page.object_list
        votes = list(votes)
        detail_urls = nomination_detail_urls([vote.nomination for vote in votes])
        requirements = {}  # a vote rule's requirement, written once for the rows that share it
        for vote in votes:
            rule = vote.nomination.award_form.vote_rule
            if rule.pk not in requirements:
                requirements[rule.pk] = render_to_string("nominations/_vote_requirement.html", {"rule": rule})
            results.append({
                "vote": vote, "nomination": vote.nomination, "detail_url": detail_urls[vote.nomination_id],
                "requirement": requirements[rule.pk], "outcome": vote_outcome(meeting, vote.votes_for, rule),
            })
    context = {
        "round": round_,
        "unit": unit,
        "stage": stage,
        "form": form,
        "meeting": meeting,
        # A nomination that became open since the form was sent has no field in it: shown next time.
        "vote_rows": [(n, form.vote_field(n)) for n in shown if form.vote_name(n) in form.fields],
        "vote_page": page,
        "carried_votes": form.carried_votes(shown_ids),
        "errors_elsewhere": form.errors_elsewhere(shown_ids),
        "results": results,
        "results_page": results_page,
        "unit_query": f"don_vi={unit.pk}&" if len(units) > 1 else "",
        "round_url": _round_url(round_, unit, units),
    }
    return render(request, "nominations/council.html", context)


# --- Live evaluation (JSON) -------------------------------------------------------------------------------


@require_POST
def criteria_evaluate(request):
    """Evaluate criterion values without saving: POST tc_<id>=<value> pairs (form-encoded, or JSON
    {"values": {"tc_<id>": value}, "nomination": id}); answers each status and the overall one.
    The form's script evaluates in the browser too; this is the same rule on the server."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Cần đăng nhập.")}, status=401)
    if request.content_type == "application/json":
        try:
            payload = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nesting too deep to read
            return JsonResponse({"error": _("Dữ liệu gửi lên không phải JSON hợp lệ.")}, status=400)
        if not isinstance(payload, dict):
            return JsonResponse({"error": _("Dữ liệu gửi lên phải là một đối tượng JSON có mục \"values\".")}, status=400)
        raw_values = payload.get("values") or {}
        nomination_id = payload.get("nomination")
    else:
        raw_values = {key: request.POST.get(key) for key in request.POST}
        nomination_id = request.POST.get("nomination")
    if not isinstance(raw_values, dict):
        return JsonResponse({"error": _("Thiếu số liệu tiêu chí.")}, status=400)
    wanted = {}
    for key, value in raw_values.items():
        match = re.fullmatch(r"(?:tc_)?(\d{1,18})", str(key))  # an id the database can hold
        if match:
            if not (value is None or isinstance(value, (str, int, float))):
                return JsonResponse({"error": _("Giá trị tiêu chí phải là chữ hoặc số.")}, status=400)
            wanted[int(match.group(1))] = value
    criteria = list(selectors.visible_criteria(request.user, wanted.keys()))
    if not criteria:
        return JsonResponse({"error": _("Không tìm thấy tiêu chí.")}, status=404)
    judgements, with_evidence = {}, set()
    if nomination_id:
        nomination = selectors.nomination_for_user(request.user, nomination_id) if re.fullmatch(r"\d{1,18}", str(nomination_id)) else None
        if nomination is not None:
            judgements = {cid: v.judgement for cid, v in selectors.criterion_values(nomination).items()}
            with_evidence = selectors.evidence_criterion_ids(nomination)
    results, pairs = {}, []
    for criterion in criteria:
        result = judge_typed(
            criterion, criterion_field(criterion), wanted[criterion.pk],
            judgement=judgements.get(criterion.pk, ""), has_evidence=criterion.pk in with_evidence,
        )
        pairs.append((criterion, result["status"]))
        results[f"tc_{criterion.pk}"] = {
            "status": result["status"],
            "badge": result["badge"]["key"],
            "label": result["badge"]["label"],
            "colour": result["badge"]["colour"],
            "message": result["message"],
            "threshold": criterion.threshold_display(),
        }
    overall, met, total = evaluation.summarise(pairs)
    return JsonResponse({"results": results, "overall": {"status": overall, **display.badge(overall), "met": met, "total": total}})
