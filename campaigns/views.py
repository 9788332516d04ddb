"""The campaign editor (quản trị phong trào): campaigns, their documents, rounds and every rule,
as drafts; "Kiểm tra", publishing, preview as a unit, the data file out and in.

Thin views: forms parse (campaigns.editor_forms), campaigns.services.editor writes, the loader's
checks judge. A campaign the user does not manage answers 404.
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import yaml
from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns import specs
from campaigns.editor_forms import (
    CampaignCloneForm,
    CampaignCreateForm,
    CampaignFileForm,
    entries_from,
    stage_entries_from,
    entry_from,
    form_class,
    formset_class,
    initial_from,
)
from campaigns.forms import UnitImportForm
from campaigns.models import UnitImportJob
from campaigns.services.unit_imports import start_unit_import
from campaigns.services.units import UnitImportError
from campaigns.models import Campaign, LegalBasis, PublicationStatus, Round, Unit, UnitCategory, VoteRule
from campaigns.rules import is_campaign_manager, issuers_for, managed_campaigns_q, manages_campaign
from campaigns.services import editor
from campaigns.services.campaigns import CampaignCloneError, clone_campaign
from campaigns.services.campaign_files import campaign_data, campaign_yaml, round_data
from campaigns.services.checks import campaign_problems, participants_by_category, round_problems
from campaigns.services.loading import CampaignDataError, load_campaign_files

CAMPAIGN_FIELDS = ("code", "name", "theme", "achievement_field", "issuer", "issuer_title", "territory", "period.start", "period.end", "summary")
ROUND_TABLES = (
    ("award_forms", specs.AWARD_FORM, "Hình thức khen thưởng"),
    ("stages", specs.STAGE, "Các bước xét và hạn chót"),
    ("eligibility", specs.ELIGIBILITY, "Điều kiện"),
    ("quotas", specs.QUOTA_RULE, "Số lượng khen thưởng"),
    ("allocations", specs.ALLOCATION, "Phân bổ số lượng (các phần là toàn bộ số lượng của phân bổ)"),
    ("criteria", specs.CRITERION, "Tiêu chí"),
)
# A table's rows that hold a list of their own (a quota's exceptions, an allocation's mappings):
# typed in one text box in the data files' own YAML, so that nothing typed in a note or a source
# (a ";", a line break) is lost.
NESTED = {
    "quotas": ("exceptions", "Ngoại lệ theo đơn vị", ("unit", "limit", "source")),
    "allocations": ("mappings", "Khối không phần nào nêu", ("category", "nominee_kind", "share", "no_share", "note", "source")),
}
STAGE_ORDER = ("order",)
CAMPAIGN_TABLES = {"documents": "Văn bản căn cứ", "targets": "Mục tiêu"}
# The loader names a row "stages[2] (name)", counted from 0: the editor names its table and line.
ROW_PLACE = re.compile(r"^(?P<key>[a-z_]+)\[(?P<index>\d+)\] \((?P<label>[^)]*)\)")


def _placed(problems: list[str], titles: dict[str, str]) -> list[str]:
    """The loader's messages with "stages[2] (X)" as the page shows it: "Các bước xét và hạn chót,
    dòng 3 (X)" (the rows kept, in the order given, are the lines the page numbers)."""
    def place(match):
        title = titles.get(match["key"])
        if title is None:
            return match[0]
        label = match["label"]
        return f"{title}, dòng {int(match['index']) + 1}" + (f" ({label})" if label not in ("None", "") else "")

    return [ROW_PLACE.sub(place, problem, count=1) for problem in problems]


def _managed_or_404(request, code) -> Campaign:
    campaign = Campaign.objects.select_related("issuer", "territory").filter(code=code).first()
    if campaign is None or not manages_campaign(request.user, campaign):
        raise Http404
    return campaign


def _round_or_404(campaign, round_code) -> Round:
    round_ = campaign.rounds.select_related("campaign", "legal_basis").filter(code=round_code).first()
    if round_ is None:
        raise Http404
    return round_


def _reference_lists():
    """What the editor offers to pick from (datalists): units, categories, vote rules, legal bases."""
    return {
        "units": Unit.objects.filter(valid_to__isnull=True).order_by("path").only("code", "name"),
        "categories": UnitCategory.objects.order_by("order").only("code", "name"),
        "vote_rules": VoteRule.objects.order_by("code").only("code", "name"),
        "legal_bases": LegalBasis.objects.order_by("code").only("code", "name"),
    }


@login_required
def editor_home(request):
    if not is_campaign_manager(request.user):
        raise Http404
    campaigns = list(Campaign.objects.filter(managed_campaigns_q(request.user)).select_related("issuer", "territory").order_by("-period_start", "code"))
    issuers = list(issuers_for(request.user))
    cloning = request.method == "POST" and "clone" in request.POST
    form = CampaignCreateForm(None if cloning else request.POST or None, issuers=issuers)
    clone_form = CampaignCloneForm(request.POST if cloning else None, campaigns=campaigns)
    if cloning and clone_form.is_valid():
        data = clone_form.cleaned_data
        source = next(c for c in campaigns if c.code == data["campaign"])
        try:
            campaign = clone_campaign(campaign=source, code=data["code"], name=data["name"], start=data["start"], end=data["end"])
        except CampaignCloneError as error:
            clone_form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã tạo giai đoạn mới '%(name)s' (bản nháp): hãy nhập văn bản căn cứ và mục tiêu của kế hoạch mới.") % {"name": campaign.name})
            return redirect("campaign_editor", code=campaign.code)
    if request.method == "POST" and not cloning and form.is_valid():
        data = form.cleaned_data
        issuer = next(u for u in issuers if u.code == data["issuer"])
        entry = {
            "code": data["code"], "name": data["name"], "issuer": issuer.code, "issuer_title": data["issuer_title"],
            "period": {"start": data["period_start"], "end": data["period_end"]},
        }
        try:
            campaign = editor.create_campaign(entry=entry)
        except editor.EditorError as error:
            for problem in error.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, _("Đã tạo phong trào '%(name)s' (bản nháp).") % {"name": campaign.name})
            return redirect("campaign_editor", code=campaign.code)
    return render(request, "campaigns/editor/home.html", {"campaigns": campaigns, "form": form, "clone_form": clone_form})


def _campaign_forms(request, campaign):
    data = campaign_data(campaign)
    bound = request.POST if request.method == "POST" else None
    CampaignForm = form_class(specs.CAMPAIGN, leave_out=[f.name for f in specs.CAMPAIGN.fields if f.name not in CAMPAIGN_FIELDS])
    form = CampaignForm(bound, initial=initial_from(specs.CAMPAIGN, data), prefix="campaign")
    documents = formset_class(specs.DOCUMENT)(bound, initial=[initial_from(specs.DOCUMENT, d) for d in data.get("documents", [])], prefix="documents")
    targets = formset_class(specs.TARGET)(bound, initial=[initial_from(specs.TARGET, t) for t in data.get("targets", [])], prefix="targets")
    return form, documents, targets


@login_required
def campaign_editor(request, code):
    campaign = _managed_or_404(request, code)
    form, documents, targets = _campaign_forms(request, campaign)
    problems = []
    if request.method == "POST":
        if form.is_valid() and documents.is_valid() and targets.is_valid():
            entry = entry_from(specs.CAMPAIGN, form.cleaned_data)
            entry["documents"] = entries_from(specs.DOCUMENT, documents)
            entry["targets"] = entries_from(specs.TARGET, targets)
            entry["status"] = campaign.status
            entry["demonstration"] = campaign.demonstration
            try:
                outside = editor.scope_problems(request.user, entry)
                if outside:
                    raise editor.EditorError(outside)
                campaign = editor.update_campaign(campaign=campaign, entry=entry)
            except editor.EditorError as error:
                problems = _placed(error.problems, CAMPAIGN_TABLES)
            else:
                messages.success(request, _("Đã lưu phong trào."))
                return redirect("campaign_editor", code=campaign.code)
        else:
            problems = ["Có ô nhập chưa đúng: xem các ô được đánh dấu bên dưới."]
    rounds = list(campaign.rounds.select_related("campaign", "legal_basis").order_by("year", "code"))
    context = {
        "campaign": campaign, "form": form, "documents": documents, "targets": targets, "problems": problems,
        "rounds": rounds, "file_form": CampaignFileForm(), "import_form": UnitImportForm(), "participants": participants_by_category(campaign), **_reference_lists(),
    }
    return render(request, "campaigns/editor/campaign.html", context)


def _nested_help(columns) -> str:
    return "Danh sách YAML như tệp dữ liệu, mỗi mục bắt đầu bằng '- ', với các khóa: " + ", ".join(columns) + "."


def _nested_text(rows: list, columns) -> str:
    if not rows:
        return ""
    return yaml.safe_dump(list(rows), allow_unicode=True, sort_keys=False, width=1000).strip()


def _nested_from(text: str, columns) -> tuple[list[dict], list[str]]:
    if not (text or "").strip():
        return [], []
    try:
        entries = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (dòng {mark.line + 1})" if mark else ""
        return [], [f"không đọc được danh sách YAML{where}"]
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        return [], ["phải là một danh sách YAML, mỗi mục bắt đầu bằng '- ' và gồm các khóa " + ", ".join(columns)]
    unknown = sorted({k for e in entries for k in e if k not in columns})
    if unknown:
        return [], [f"khóa không dùng được: {', '.join(map(str, unknown))} (dùng: {', '.join(columns)})"]
    return entries, []


def _round_forms(request, round_entry):
    bound = request.POST if request.method == "POST" else None
    leave_out = [f.name for f in specs.ROUND.fields if f.name == "status"]
    form = form_class(specs.ROUND, leave_out=leave_out)(bound, initial=initial_from(specs.ROUND, round_entry), prefix="round")
    tables = []
    for key, spec, title in ROUND_TABLES:
        rows = round_entry.get(key, [])
        initial = [initial_from(spec, row) for row in rows]
        # A stage's order is its row's position: moving a row moves the stage.
        formset_cls = formset_class(spec, leave_out=STAGE_ORDER if key == "stages" else ())
        if key in NESTED:
            name, label, columns = NESTED[key]
            for row, values in zip(rows, initial):
                values[name] = _nested_text(row.get(name), columns)
            formset_cls.form = type(f"{spec.model.__name__}RowForm", (formset_cls.form,), {
                name: django_forms.CharField(
                    label=label, required=False, help_text=_nested_help(columns), max_length=20000,
                    widget=django_forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
                ),
            })
        tables.append((key, spec, title, formset_cls(bound, initial=initial, prefix=key)))
    return form, tables


@login_required
def round_editor(request, code, round_code=None):
    campaign = _managed_or_404(request, code)
    round_ = _round_or_404(campaign, round_code) if round_code else None
    round_entry = round_data(round_) if round_ else {"stages": [{"order": 1, "name": "Đơn vị đề nghị", "action": "unit_council"}]}
    form, tables = _round_forms(request, round_entry)
    problems = []
    if request.method == "POST":
        if form.is_valid() and all(formset.is_valid() for *_, formset in tables):
            entry = entry_from(specs.ROUND, form.cleaned_data)
            for key, spec, _title, formset in tables:
                entry[key] = stage_entries_from(formset) if key == "stages" else entries_from(spec, formset)
            # A quota's exceptions and an allocation's mappings are typed in their row's text box.
            nested_problems = []
            for key, _spec, _title, formset in tables:
                if key not in NESTED:
                    continue
                name, _heading, columns = NESTED[key]
                by_code = {}
                for row in formset.forms:
                    data = getattr(row, "cleaned_data", None) or {}
                    if data and not data.get("DELETE") and data.get("code"):
                        found, bad = _nested_from(data.get(name, ""), columns)
                        by_code[data["code"]] = found
                        nested_problems += [f"{key} ({data['code']}).{name}: {p}" for p in bad]
                for item in entry.get(key, []):
                    if by_code.get(item.get("code")):
                        item[name] = by_code[item["code"]]
            if nested_problems:
                problems = nested_problems
            else:
                try:
                    round_ = editor.save_round(campaign=campaign, entry=entry, round_=round_, user=request.user)
                except editor.EditorError as error:
                    problems = _placed(error.problems, {key: title for key, _, title in ROUND_TABLES})
                else:
                    messages.success(request, _("Đã lưu đợt '%(name)s'.") % {"name": round_.name})
                    return redirect("round_editor", code=campaign.code, round_code=round_.code)
        else:
            problems = ["Có ô nhập chưa đúng: xem các ô được đánh dấu bên dưới."]
    context = {
        "campaign": campaign, "round": round_, "form": form, "tables": tables, "problems": problems,
        "rule_changes": round_.rule_changes.all()[:20] if round_ else [], **_reference_lists(),
    }
    return render(request, "campaigns/editor/round.html", context)


@login_required
def round_check(request, code, round_code):
    campaign = _managed_or_404(request, code)
    round_ = _round_or_404(campaign, round_code)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "publish":
                editor.publish_round(round_=round_)
                messages.success(request, _("Đã công bố đợt '%(name)s': các đơn vị đã thấy và đề nghị được.") % {"name": round_.name})
            elif action == "withdraw":
                editor.withdraw_round(round_=round_)
                messages.success(request, _("Đợt '%(name)s' đã về bản nháp.") % {"name": round_.name})
        except editor.EditorError as error:
            for problem in error.problems:
                messages.error(request, problem)
        return redirect("round_check", code=campaign.code, round_code=round_.code)
    problems = round_problems(round_)
    own = [p for p in campaign_problems(campaign) if not p.startswith("đợt '")] if campaign.status != PublicationStatus.PUBLISHED else []
    return render(request, "campaigns/editor/check.html", {"campaign": campaign, "round": round_, "problems": problems, "campaign_problems": own})


@login_required
def round_preview(request, code, round_code):
    """What an officer of a chosen unit will see: criteria, quotas and deadlines."""
    from campaigns.services.preview import unit_preview

    campaign = _managed_or_404(request, code)
    round_ = _round_or_404(campaign, round_code)
    units = list(Unit.objects.filter(path__startswith=campaign.territory_unit.path).select_related("category").order_by("path")[:2000])
    chosen = next((u for u in units if str(u.pk) == request.GET.get("don_vi")), None)
    preview = unit_preview(round_, chosen) if chosen else None
    return render(request, "campaigns/editor/preview.html", {"campaign": campaign, "round": round_, "units": units, "unit": chosen, "preview": preview})


@login_required
def campaign_download(request, code):
    campaign = _managed_or_404(request, code)
    response = HttpResponse(campaign_yaml(campaign), content_type="application/x-yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{campaign.code}.yaml"'
    return response


@login_required
@require_POST
def participants_import(request, code):
    """Units of the campaign's territory from Excel, by the portal's importer (a job): every row
    must lie under the territory."""
    campaign = _managed_or_404(request, code)
    form = UnitImportForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("campaign_editor", code=campaign.code)
    try:
        job = start_unit_import(
            upload=form.cleaned_data["file"], update=form.cleaned_data["update"], actor=request.user, within=campaign.territory_unit,
        )
    except UnitImportError as error:
        for problem in error.problems:
            messages.error(request, problem)
        return redirect("campaign_editor", code=campaign.code)
    return redirect("participants_import_job", code=campaign.code, job_id=job.pk)


@login_required
def participants_import_job(request, code, job_id):
    campaign = _managed_or_404(request, code)
    job = UnitImportJob.objects.filter(pk=job_id, requested_by=request.user, within=campaign.territory_unit).first()
    if job is None:
        raise Http404
    return render(request, "campaigns/editor/import_job.html", {"campaign": campaign, "job": job})


@login_required
@require_POST
def campaign_upload(request, code):
    """A data file for this campaign, read with the loader's checks: written only if all pass."""
    campaign = _managed_or_404(request, code)
    form = CampaignFileForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("campaign_editor", code=campaign.code)
    upload = form.cleaned_data["file"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{campaign.code}.yaml"
        path.write_bytes(upload.read())
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("code") != campaign.code:
                raise CampaignDataError([f"tệp là của phong trào '{data.get('code') if isinstance(data, dict) else '?'}', không phải '{campaign.code}'"])
            outside = editor.scope_problems(request.user, data, territory=campaign.territory_unit)
            if outside:
                raise CampaignDataError(outside)
            report = load_campaign_files([path])
        except (CampaignDataError, UnicodeDecodeError, yaml.YAMLError) as error:
            problems = getattr(error, "problems", None) or [f"tệp không đọc được: {error}"]
            messages.error(request, _("Tệp không nạp được, không có gì thay đổi:"))
            for problem in problems:
                messages.error(request, problem)
        else:
            messages.success(request, _("Đã nạp tệp: %(report)s.") % {"report": report})
    return redirect("campaign_editor", code=campaign.code)

