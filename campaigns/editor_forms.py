"""The campaign editor's forms, made from the entities' specs (campaigns.specs).

A form per entity and a formset per table (add, reorder, remove rows). The forms only parse what
the user typed into the shape of a data file's entry (`entry_from`); the checks are the loader's
(`campaigns.services.loading.round_entry_problems`), with the same Vietnamese messages as
`load_campaigns`, so a rule is checked by one piece of code whichever way it arrives.
"""
from __future__ import annotations

import datetime as dt

from django import forms

from campaigns import specs
from campaigns.text import CleanTextForm

LIST_HELP = "Các mã cách nhau bởi dấu phẩy."
LONG_TEXT = {"summary", "notes", "label", "source", "dossier_source", "history_note", "title", "theme", "basis_clause"}


def _choices(values, labels=None, blank=True):
    labels = labels or {}
    return ([("", "—")] if blank else []) + [(v, labels.get(v, v)) for v in values if v != ""]


def _form_field(field: specs.Field, spec: specs.EntitySpec) -> forms.Field:
    kind, label = field.type, field.label or field.name
    help_text = "Bắt buộc." if field.required else ""
    if isinstance(kind, specs.Date):
        return forms.DateField(
            label=label, required=False, help_text=help_text or "dd/mm/yyyy",
            widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, format="%d/%m/%Y"),
        )
    if isinstance(kind, specs.Bool):
        return forms.BooleanField(label=label, required=False)
    if isinstance(kind, specs.Count):
        return forms.IntegerField(label=label, required=False, help_text=help_text, min_value=0, max_value=1_000_000)
    if isinstance(kind, specs.Number):
        return forms.DecimalField(label=label, required=False, max_digits=12, decimal_places=2)
    if isinstance(kind, specs.Choice):
        return forms.ChoiceField(label=label, required=False, choices=_choices(kind.choices, kind.labels), help_text=help_text)
    if isinstance(kind, specs.NomineeKinds):
        return forms.MultipleChoiceField(
            label=label, required=False, widget=forms.CheckboxSelectMultiple,
            choices=[("collective", "Tập thể"), ("individual", "Cá nhân")],
        )
    if isinstance(kind, (specs.RefList, specs.StringList, specs.ChoiceList, specs.DossierMinutes)):
        return forms.CharField(label=label, required=False, help_text=LIST_HELP, max_length=2000)
    widget = forms.Textarea(attrs={"rows": 2}) if field.name.split(".")[-1] in LONG_TEXT else None
    return forms.CharField(label=label, required=False, help_text=help_text, max_length=20000, widget=widget)


def _styled(form_field: forms.Field, field: specs.Field) -> forms.Field:
    widget = form_field.widget
    if isinstance(widget, forms.CheckboxInput):
        widget.attrs.setdefault("class", "form-check-input")
    elif isinstance(widget, forms.Select):
        widget.attrs.setdefault("class", "form-select form-select-sm")
    elif not isinstance(widget, forms.CheckboxSelectMultiple):
        widget.attrs.setdefault("class", "form-control form-control-sm")
    if isinstance(field.type, specs.Ref):  # a code to pick: the page's list of known codes
        widget.attrs.setdefault("list", f"dl-{field.type.kind.replace('_', '-')}")
    return form_field


def _with_default(form_field: forms.Field, field: specs.Field) -> forms.Field:
    """A row added in the browser starts from the spec's fixed default (a stage's deadline stated
    by the document, one dossier copy, an award as outcome), as a data file leaving the key out
    would; an added row left at its defaults is blank and skipped."""
    default = field.default
    if default is not specs.MISSING and not callable(default) and default not in (None, "", False, []):
        form_field.initial = default
    return form_field


def form_class(spec: specs.EntitySpec, *, leave_out=()) -> type[forms.Form]:
    """A form with one field per field of the spec (dotted names become `registration__deadline`)."""
    attrs = {
        field.name.replace(".", "__"): _with_default(_styled(_form_field(field, spec), field), field)
        for field in spec.fields
        if field.name not in leave_out
    }
    return type(f"{spec.model.__name__}EntryForm", (CleanTextForm,), attrs)


def _as_list(text: str):
    return [part.strip() for part in (text or "").replace("\n", ",").split(",") if part.strip()]


def entry_from(spec: specs.EntitySpec, cleaned: dict) -> dict:
    """A data file's entry from a form's cleaned data: blank values left out, as a file leaves
    them out (so the spec's defaults apply and its checks name what is missing)."""
    entry: dict = {}
    for field in spec.fields:
        key = field.name.replace(".", "__")
        if key not in cleaned:
            continue
        value = cleaned[key]
        if isinstance(field.type, (specs.RefList, specs.StringList, specs.ChoiceList)):
            value = _as_list(value) or None
        elif isinstance(field.type, specs.DossierMinutes):
            parts = _as_list(value)
            value = [int(p) if p.isdigit() else p for p in parts] if parts else None
        elif isinstance(field.type, specs.NomineeKinds):
            value = list(value) or None
        elif isinstance(field.type, specs.Number) and value is not None:
            value = float(value) if value != value.to_integral_value() else int(value)
        if value in (None, "") and not isinstance(field.type, specs.Bool):
            continue
        specs._put(entry, field.name, value)
    return entry


def initial_from(spec: specs.EntitySpec, entry: dict) -> dict:
    """A form's initial data from a data file's entry (the spec's defaults filled in)."""
    initial = {}
    for field in spec.fields:
        value = field.value_in(entry)
        if value is specs.MISSING or value is None:
            if field.default is specs.MISSING or isinstance(field.type, specs.DossierMinutes):
                continue  # left blank: the default (worked out from the other stages) applies on saving
            try:
                value = field.default_for(entry, specs.SpecContext(stages=[entry]))
            except (KeyError, TypeError):
                continue
        if isinstance(value, list) and not isinstance(field.type, specs.NomineeKinds):
            value = ", ".join(str(v) for v in value)
        if isinstance(value, dt.date):
            value = value.strftime("%d/%m/%Y")
        initial[field.name.replace(".", "__")] = value
    return initial


def formset_class(spec: specs.EntitySpec, *, leave_out=()):
    """A table of entries: rows added, reordered (ORDER) and removed (DELETE)."""
    return forms.formset_factory(form_class(spec, leave_out=leave_out), extra=0, can_order=True, can_delete=True, max_num=500, absolute_max=500)


def kept_rows(spec: specs.EntitySpec, formset) -> list[tuple[dict, forms.Form]]:
    """(entry, form) of the table's rows in the order the user gave, without the removed rows and
    the blank ones."""
    rows = []
    for position, form in enumerate(formset.forms):
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE"):
            continue
        if position >= formset.initial_form_count() and not set(form.changed_data) - {"ORDER", "DELETE"}:
            continue  # a row added and left at its defaults
        entry = entry_from(spec, data)
        if not any(v not in (None, "", False, []) for v in entry.values()):
            continue  # a blank row added and left empty
        order = data.get("ORDER")
        rows.append((order if order is not None else 10_000 + position, position, entry, form))
    return [(entry, form) for _, _, entry, form in sorted(rows, key=lambda r: (r[0], r[1]))]


def entries_from(spec: specs.EntitySpec, formset) -> list[dict]:
    """The table's entries in the order the user gave, without the removed rows and the blank ones."""
    return [entry for entry, _form in kept_rows(spec, formset)]


def _stage_number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def stage_entries_from(formset) -> list[dict]:
    """The stages in the order of their rows, numbered from 1 (a stage's order is its row's
    position). The stage numbers in `dossier_minutes` are those the page showed: they follow their
    stage when rows move, and a removed stage's number is dropped (its minutes are gone); anything
    else typed there is left for the loader's check to judge."""
    shown_forms = formset.forms[:formset.initial_form_count()]
    shown = {_stage_number(form.initial.get("order")) for form in shown_forms} - {None}
    rows = kept_rows(specs.STAGE, formset)
    new_number = {
        _stage_number(form.initial.get("order")): position
        for position, (_entry, form) in enumerate(rows, start=1)
        if form in shown_forms and _stage_number(form.initial.get("order")) is not None
    }
    stages = []
    for position, (entry, _form) in enumerate(rows, start=1):
        entry["order"] = position
        if isinstance(entry.get("dossier_minutes"), list):
            renumbered = []
            for value in entry["dossier_minutes"]:
                number = _stage_number(value)
                if number in new_number:
                    renumbered.append(new_number[number])
                elif number not in shown:
                    renumbered.append(value)
            entry["dossier_minutes"] = renumbered
        stages.append(entry)
    return stages


class CampaignCreateForm(CleanTextForm):
    """What a new campaign needs before its rules: the rest is filled in its editor."""

    code = forms.SlugField(label="Mã phong trào", max_length=80, help_text="Chữ thường không dấu, số, gạch nối; ví dụ son-la-2026-2030.")
    name = forms.CharField(label="Tên phong trào", max_length=500)
    issuer = forms.ChoiceField(label="Cơ quan phát động")
    issuer_title = forms.CharField(label="Người/cơ quan phát động (như ghi trên văn bản)", max_length=255)
    period_start = forms.DateField(label="Bắt đầu", widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}, format="%d/%m/%Y"))
    period_end = forms.DateField(label="Kết thúc", widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}, format="%d/%m/%Y"))

    def __init__(self, *args, issuers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].choices = [(u.code, u.name) for u in issuers]

    def clean(self):
        data = super().clean()
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            self.add_error("period_end", "Ngày kết thúc không được trước ngày bắt đầu.")
        return data


class CampaignFileForm(CleanTextForm):
    file = forms.FileField(
        label="Tệp YAML của phong trào",
        help_text="Tệp xuất từ cổng (nút \"Tải tệp quy định\") đã sửa, hoặc tệp theo định dạng campaigns/data/. Tối đa 2 MB.",
        error_messages={"required": "Hãy chọn tệp cần nạp.", "empty": "Tệp rỗng (0 byte)."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(f"Tệp quá lớn ({upload.size / 1024 / 1024:.1f} MB); giới hạn 2 MB.")
        return upload


class CampaignCloneForm(CleanTextForm):
    """A new phase from an old one (clone_campaign): its rounds re-dated with today's organisations
    and the law in force; its plan's documents and targets left for the officer to fill in."""

    campaign = forms.ChoiceField(label="Từ phong trào")
    code = forms.SlugField(label="Mã phong trào mới", max_length=80)
    name = forms.CharField(label="Tên phong trào mới", max_length=500)
    start = forms.IntegerField(label="Năm bắt đầu", min_value=1900, max_value=2200)
    end = forms.IntegerField(label="Năm kết thúc", min_value=1900, max_value=2200)

    def __init__(self, *args, campaigns=(), **kwargs):
        super().__init__(*args, prefix="clone", **kwargs)
        self.fields["campaign"].choices = [(c.code, f"{c.name} ({c.period_start:%Y}-{c.period_end:%Y})") for c in campaigns]
