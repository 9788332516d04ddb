"""Forms of the unit officer's side. Validation only: every save goes through nominations.services.

Error messages are Vietnamese and set on each field, so they do not depend on the browser's language.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from campaigns import clock, report_forms, vn_format
from campaigns.models import EligibilityKind, NomineeKind, RoundAwardForm, Unit
from campaigns.text import CleanTextForm
from criteria import evaluation
from criteria.models import Criterion, CriterionKind
from criteria.selectors import criteria_for
from nominations import council, display
from campaigns.bounds import (
    COUNCIL_MEMBERS_MAX,
    COUNCIL_NOTES_MAX_CHARS,
    CRITERION_TEXT_MAX_CHARS,
    MAX_CHARS_MESSAGE,
    PLEDGE_MAX_CHARS,
    SUMMARY_MAX_CHARS,
)
from nominations.models import Gender
from nominations.services import may_propose_form, nominee_units_for
from nominations.validators import ALLOWED_LABEL, round_start, validate_evidence_file

MIN_BIRTH_YEAR = 1930
BOOLEAN_CHOICES = [("", _("— chưa khai —")), ("yes", _("Có")), ("no", _("Không"))]
_FLAGS = {"yes": True, "no": False}
_DIGITS = re.compile(r"[0-9]+")


def _required(what):
    return {"required": format_lazy(_("Vui lòng nhập {what}."), what=what)}


MAX_LENGTH = {"max_length": _("Không quá %(limit_value)d ký tự (đã nhập %(show_value)d).")}


# --- One field per criterion -----------------------------------------------------------------


def criterion_field_name(criterion) -> str:
    return f"tc_{criterion.pk}"


def criterion_field(criterion: Criterion) -> forms.Field:
    """The input for one criterion, by its kind; the source clause is the help text."""
    help_text = _("Nguồn: %(source)s") % {"source": criterion.source}
    if criterion.kind == CriterionKind.PERCENTAGE:
        return forms.DecimalField(
            label=f"{criterion.label} — {_('yêu cầu')}: {criterion.threshold_display()}",
            help_text=help_text,
            required=False,
            min_value=0,
            max_value=100,
            decimal_places=2,
            localize=True,
            widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal", "placeholder": _("ví dụ 92,5"), "autocomplete": "off"}),
            error_messages={
                "invalid": _("Hãy nhập một tỷ lệ phần trăm là số từ 0 đến 100, ví dụ 92,5."),
                # Django fills these messages with params (limit_value...): a literal % is written %%.
                "max_value": _("Tỷ lệ không được lớn hơn 100 %%."),
                "min_value": _("Tỷ lệ không được nhỏ hơn 0 %%."),
                "max_decimal_places": _("Chỉ nhập tối đa 2 chữ số sau dấu phẩy."),
                "max_digits": _("Tỷ lệ không được lớn hơn 100 %%."),
                "max_whole_digits": _("Tỷ lệ không được lớn hơn 100 %%."),
            },
        )
    if criterion.kind == CriterionKind.BOOLEAN:
        return forms.ChoiceField(
            label=criterion.label,
            help_text=help_text,
            required=False,
            choices=BOOLEAN_CHOICES,
            widget=forms.Select(attrs={"class": "form-select"}),
            error_messages={"invalid_choice": _("Hãy chọn Có hoặc Không.")},
        )
    if criterion.kind == CriterionKind.RANKING:
        levels = criterion.choices or criterion.accepted_values
        return forms.ChoiceField(
            label=criterion.label,
            help_text=help_text,
            required=False,
            choices=[("", _("— chưa chọn —"))] + [(level, level) for level in levels],
            widget=forms.Select(attrs={"class": "form-select"}),
            error_messages={"invalid_choice": _("Mức đã chọn không có trong danh sách. Hãy chọn lại.")},
        )
    return forms.CharField(
        label=criterion.label,
        help_text=_("%(help)s. Thuyết minh ngắn; tệp minh chứng tải lên ở trang Minh chứng.") % {"help": help_text},
        required=False,
        max_length=CRITERION_TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
        error_messages=MAX_LENGTH,
    )


def criterion_initial(criterion, value) -> object:
    """The form value of a stored CriterionValue."""
    if value is None:
        return None
    if criterion.kind == CriterionKind.PERCENTAGE:
        return vn_format.vn_number(value.number)  # "92,5", as an officer types it
    if criterion.kind == CriterionKind.BOOLEAN:
        return {True: "yes", False: "no"}.get(value.flag, "")
    return value.text


def evaluation_kwargs(criterion, typed) -> dict:
    """A cleaned form value as the keyword arguments of criteria.evaluation.evaluate()."""
    if criterion.kind == CriterionKind.PERCENTAGE:
        return {"number": typed}
    if criterion.kind == CriterionKind.BOOLEAN:
        return {"flag": _FLAGS.get(typed)}
    return {"text": typed or ""}


def service_value(criterion, typed) -> dict:
    """A cleaned form value in the shape nominations.services.save_nomination() takes."""
    kwargs = evaluation_kwargs(criterion, typed)
    return {"number": kwargs.get("number"), "flag": kwargs.get("flag"), "text": kwargs.get("text", "")}


def judge_typed(criterion, field, raw, *, judgement="", has_evidence=False) -> dict:
    """Evaluate a raw (typed) value: the status and the badge to show. Never raises."""
    try:
        typed = field.clean(raw)
        invalid = False
    except ValidationError as error:
        typed, invalid = None, True
        message = " ".join(error.messages)
    else:
        message = ""
    has_value = typed not in (None, "")
    status = evaluation.evaluate(criterion, judgement=judgement, has_evidence=has_evidence, **evaluation_kwargs(criterion, typed))
    key = "invalid" if invalid and not judgement else display.criterion_badge_key(
        criterion, status, has_value=has_value, has_evidence=has_evidence, judgement=judgement
    )
    return {"status": status, "badge": display.badge(key), "message": message, "typed": typed}


# --- The nomination ------------------------------------------------------------------------------


class _ListedChoices(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.objects:
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.objects) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.objects)


class ListedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField over objects the form has already read (`set_objects`): rendering and
    validation use that list instead of querying the queryset again (twice per render with
    crispy's select template, once more to validate)."""

    iterator = _ListedChoices
    objects = ()

    def set_objects(self, queryset, objects):
        self.objects = list(objects)
        self.queryset = queryset  # kept for what reads it; also resets the widget's choices

    def to_python(self, value):
        if value in self.empty_values:
            return None
        model = self.queryset.model
        key = model._meta.get_field(self.to_field_name) if self.to_field_name else model._meta.pk
        if isinstance(value, model):
            value = getattr(value, key.attname)
        try:
            wanted = key.to_python(value)  # what the database lookup would compare ("08" → 8)
        except (ValidationError, TypeError, ValueError):
            wanted = None
        for obj in self.objects:
            if wanted is not None and getattr(obj, key.attname) == wanted:
                return obj
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})


INDIVIDUAL_FIELDS = {
    "full_name": _("họ và tên"),
    "gender": _("giới tính"),
    "birth_year": _("năm sinh"),
    "position": _("chức vụ, chức danh"),
    "person_identifier": _("số CMND/CCCD"),
}


# The particulars only a report form asks (gender and position are asked of every individual above).
REPORT_ONLY_FIELDS = tuple(name for name in report_forms.REPORT_FIELDS if name not in INDIVIDUAL_FIELDS)


def _fits(award_form, kind) -> bool:
    return award_form.for_collectives if kind == NomineeKind.COLLECTIVE else award_form.for_individuals


class NominationForm(CleanTextForm):
    """A nomination and one field per criterion that applies to it.

    The criteria depend on the kind, the nominee unit's category and the award form, so the form
    builds them from what was posted (or the stored nomination) every time it is made. Posting
    with `refresh` re-renders the form for a changed choice without saving (see `refreshed()`)."""

    kind = forms.ChoiceField(
        label=_("Đối tượng đề nghị"),
        choices=NomineeKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn tập thể hoặc cá nhân."), "invalid_choice": _("Đối tượng đề nghị không hợp lệ.")},
    )
    nominee_unit = ListedModelChoiceField(
        queryset=Unit.objects.none(),
        label=_("Tập thể được đề nghị"),
        empty_label=None,
        error_messages={
            "required": _("Hãy chọn đơn vị."),
            "invalid_choice": _("Đơn vị đã chọn không phù hợp với đối tượng đề nghị. Hãy chọn lại."),
        },
    )
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200, required=False, error_messages=MAX_LENGTH)
    gender = forms.ChoiceField(
        label=_("Giới tính"),
        choices=[("", _("— chọn —")), *Gender.choices],
        required=False,
        error_messages={"invalid_choice": _("Hãy chọn Nam hoặc Nữ.")},
    )
    birth_year = forms.IntegerField(
        label=_("Năm sinh"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": MIN_BIRTH_YEAR}),
        error_messages={"invalid": _("Năm sinh phải là một số có 4 chữ số, ví dụ 1985.")},
    )
    position = forms.CharField(label=_("Chức vụ, chức danh"), max_length=255, required=False, error_messages=MAX_LENGTH)
    person_identifier = forms.CharField(
        label=_("Số CMND/CCCD"),
        max_length=32,
        required=False,
        help_text=_("9 chữ số (CMND) hoặc 12 chữ số (CCCD), để phát hiện một người được đề nghị hai lần."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages=MAX_LENGTH,
    )
    # The particulars the round's báo cáo thành tích form asks (campaigns.report_forms): optional; the
    # report prints a dotted line for a blank one. Only those the round's form has are kept (__init__).
    birth_date = forms.DateField(
        label=_("Ngày sinh"),
        required=False,
        input_formats=["%d/%m/%Y"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"invalid": _("Ngày sinh phải theo dạng dd/mm/yyyy, ví dụ 05/03/1985.")},
    )
    hometown = forms.CharField(label=_("Quê quán (xã, tỉnh)"), max_length=255, required=False, error_messages=MAX_LENGTH)
    residence = forms.CharField(label=_("Trú quán"), max_length=255, required=False, error_messages=MAX_LENGTH)
    qualification = forms.CharField(label=_("Trình độ chuyên môn, nghiệp vụ"), max_length=255, required=False, error_messages=MAX_LENGTH)
    political_theory = forms.CharField(label=_("Trình độ lý luận chính trị"), max_length=100, required=False, error_messages=MAX_LENGTH)
    academic_rank = forms.CharField(label=_("Học hàm"), max_length=100, required=False, error_messages=MAX_LENGTH)
    academic_degree = forms.CharField(label=_("Học vị"), max_length=100, required=False, error_messages=MAX_LENGTH)
    headquarters = forms.CharField(label=_("Trụ sở"), max_length=255, required=False, error_messages=MAX_LENGTH)
    unit_profile = forms.CharField(
        label=_("Đặc điểm, tình hình (quá trình thành lập, đặc điểm chính)"), max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}), error_messages=MAX_LENGTH,
    )
    unit_functions = forms.CharField(
        label=_("Chức năng, nhiệm vụ"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}), error_messages=MAX_LENGTH,
    )
    unit_structure = forms.CharField(
        label=_("Tổ chức bộ máy (cơ cấu tổ chức)"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=MAX_LENGTH,
    )
    award_form = ListedModelChoiceField(
        queryset=RoundAwardForm.objects.none(),
        label=_("Hình thức khen thưởng đề nghị"),
        empty_label=None,
        error_messages={
            "required": _("Hãy chọn hình thức khen thưởng."),
            "invalid_choice": _("Hình thức khen thưởng đã chọn không áp dụng cho đối tượng này trong đợt. Hãy chọn lại."),
        },
    )
    achievement_summary = forms.CharField(
        label=_("Tóm tắt thành tích"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=SUMMARY_MAX_CHARS,
        error_messages={**_required(_("tóm tắt thành tích")), **MAX_LENGTH},
    )
    eligibility_declared = forms.BooleanField(
        label=_("Đơn vị cam kết tập thể, cá nhân được đề nghị không đang bị xem xét kỷ luật, điều tra, thanh tra, kiểm tra, khiếu nại, tố cáo"),
        required=False,
    )

    def __init__(self, data=None, *, round_, proposing_unit, nomination=None, values=None, evidence_criteria=(), initial=None,
                 reads=None, **kwargs):
        self.round = round_
        # What the form read from the database, by what it depends on; refreshed() hands it on, so
        # that re-rendering for a changed choice reads only what the new choice needs.
        self._reads = {} if reads is None else reads
        self.proposing_unit = proposing_unit
        self.nomination = nomination
        self.existing_values = values or {}
        self.evidence_criteria = set(evidence_criteria)
        base = self._initial_from(nomination) if nomination else {"kind": NomineeKind.COLLECTIVE, "nominee_unit": proposing_unit.pk}
        super().__init__(data, initial={**base, **(initial or {})}, **kwargs)
        self._build_selection()
        self._build_report_fields()
        self._build_criteria()
        self._label_fields()
        for name in ("kind", "nominee_unit", "award_form"):
            # criteria.js re-renders the form (the refresh button) when one of these changes.
            self.fields[name].widget.attrs["data-refresh-on-change"] = "1"

    # The choices the criteria depend on, read from the posted data or the initial values.
    def _raw(self, name):
        if self.is_bound:
            return self.data.get(self.add_prefix(name))
        value = self.initial.get(name)
        return getattr(value, "pk", value)

    def _initial_from(self, nomination):
        initial = {
            "kind": nomination.kind,
            "nominee_unit": nomination.nominee_unit_id,
            "full_name": nomination.full_name,
            "gender": nomination.gender,
            "birth_year": nomination.birth_year,
            "position": nomination.position,
            "person_identifier": nomination.person_identifier,
            **{name: getattr(nomination, name) for name in REPORT_ONLY_FIELDS},
            "award_form": nomination.award_form_id,
            "achievement_summary": nomination.achievement_summary,
            "eligibility_declared": nomination.eligibility_declared,
        }
        for value in self.existing_values.values():
            initial[f"tc_{value.criterion_id}"] = criterion_initial(value.criterion, value)
        return initial

    def _read(self, key, read):
        if key not in self._reads:
            self._reads[key] = read()
        return self._reads[key]

    def _build_selection(self):
        award_forms = [
            f for f in self._read("award_forms", lambda: list(self.round.award_forms.order_by("order")))
            if may_propose_form(f, self.proposing_unit)
        ]
        kinds = [k for k, _label in NomineeKind.choices if any(_fits(f, k) for f in award_forms)] or [NomineeKind.COLLECTIVE]
        self.fields["kind"].choices = [(k, label) for k, label in NomineeKind.choices if k in kinds]
        raw_kind = self._raw("kind")
        kind = raw_kind if raw_kind in kinds else kinds[0]

        fitting = [f for f in award_forms if _fits(f, kind)]
        self.fields["award_form"].set_objects(
            RoundAwardForm.objects.filter(pk__in=[f.pk for f in fitting]).order_by("order"), fitting
        )
        raw_form = str(self._raw("award_form") or "")
        award_form = next((f for f in fitting if str(f.pk) == raw_form), fitting[0] if fitting else None)

        if kind == NomineeKind.COLLECTIVE:
            units = nominee_units_for(round_=self.round, proposing_unit=self.proposing_unit)
        else:
            units = Unit.objects.filter(path__startswith=self.proposing_unit.path).select_related("category")
        units = units.order_by("path", "name")
        unit_list = self._read(("units", kind), lambda: list(units))
        self.fields["nominee_unit"].set_objects(units, unit_list)
        raw_unit = str(self._raw("nominee_unit") or "")
        nominee_unit = next(
            (u for u in unit_list if str(u.pk) == raw_unit),
            next((u for u in unit_list if u.pk == self.proposing_unit.pk), unit_list[0] if unit_list else self.proposing_unit),
        )
        self.selected_kind, self.selected_unit, self.selected_award_form = kind, nominee_unit, award_form

    def _build_report_fields(self):
        """Keep the particulars the round's report form asks: an individual's for the individual's
        form, a collective's for the collective's (the page shows one set or the other by kind)."""
        self.report_fields = self._read("report_fields", lambda: {kind: report_forms.fields_asked(self.round, kind) for kind in NomineeKind.values})
        asked = {field for fields in self.report_fields.values() for field in fields}
        for name in report_forms.REPORT_FIELDS:
            if name in self.fields and name not in INDIVIDUAL_FIELDS and name not in asked:
                del self.fields[name]

    def _build_criteria(self):
        if self.selected_award_form is None:
            self.criteria = []
            return
        key = ("criteria", self.selected_kind, self.selected_unit.category_id, self.selected_award_form.pk)
        self.criteria = self._read(key, lambda: list(
            criteria_for(
                round_=self.round,
                nominee_kind=self.selected_kind,
                category=self.selected_unit.category,
                award_form=self.selected_award_form,
            )
        ))
        missing = {}
        for criterion in self.criteria:
            name = criterion_field_name(criterion)
            self.fields[name] = criterion_field(criterion)
            # A criterion that was not on the page the officer posted (the choices changed) keeps
            # its stored value: put it in the data, so it is shown and saved unchanged.
            if self.is_bound and self.add_prefix(name) not in self.data and self.initial.get(name) not in (None, ""):
                missing[self.add_prefix(name)] = self.initial[name]
        if missing:
            self.data = self.data.copy()
            for key, value in missing.items():
                self.data[key] = value

    def _label_fields(self):
        if self.selected_kind == NomineeKind.INDIVIDUAL:
            self.fields["nominee_unit"].label = _("Đơn vị công tác của cá nhân")
        declaration = self._read("declaration", lambda: next(
            (c for c in self.round.eligibility_conditions.all() if c.kind == EligibilityKind.DECLARATION), None
        ))
        if declaration is not None:
            self.fields["eligibility_declared"].label = _("Đơn vị cam kết: %(label)s") % {"label": declaration.label}
            self.fields["eligibility_declared"].help_text = _("Nguồn: %(source)s. Chưa cam kết thì chỉ lưu nháp, chưa gửi được.") % {
                "source": declaration.source
            }
        year = clock.today().year
        self.fields["birth_year"].widget.attrs["max"] = year
        self.fields["birth_year"].help_text = _("Từ %(low)d đến %(high)d.") % {"low": MIN_BIRTH_YEAR, "high": year}

    # Validation.
    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        high = clock.today().year
        if year is not None and not (MIN_BIRTH_YEAR <= year <= high):
            raise ValidationError(_("Năm sinh phải từ %(low)d đến %(high)d.") % {"low": MIN_BIRTH_YEAR, "high": high})
        return year

    def clean_birth_date(self):
        day = self.cleaned_data.get("birth_date")
        if day is not None and not (MIN_BIRTH_YEAR <= day.year and day <= clock.today()):
            raise ValidationError(_("Ngày sinh phải từ năm %(low)d đến hôm nay.") % {"low": MIN_BIRTH_YEAR})
        return day

    def clean_person_identifier(self):
        value = "".join((self.cleaned_data.get("person_identifier") or "").split())
        if not value:
            return value
        if not _DIGITS.fullmatch(value):
            raise ValidationError(_("Số CMND/CCCD chỉ gồm chữ số (không có chữ cái, dấu chấm hay dấu gạch)."))
        if len(value) not in (9, 12):
            raise ValidationError(
                _("Số CMND/CCCD phải có 9 chữ số (CMND) hoặc 12 chữ số (CCCD); đã nhập %(n)d chữ số.") % {"n": len(value)}
            )
        return value

    def clean_full_name(self):
        return " ".join((self.cleaned_data.get("full_name") or "").split())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == NomineeKind.INDIVIDUAL:
            for name, what in INDIVIDUAL_FIELDS.items():
                if name not in self.errors and cleaned.get(name) in (None, ""):
                    self.add_error(name, _("Vui lòng nhập %(what)s (bắt buộc với cá nhân).") % {"what": what})
            born, year = cleaned.get("birth_date"), cleaned.get("birth_year")
            if born is not None and year is not None and born.year != year:
                self.add_error("birth_date", _("Ngày sinh (năm %(a)d) không khớp năm sinh đã nhập (%(b)d).") % {"a": born.year, "b": year})
        return cleaned

    # What the view hands to the service.
    def nomination_data(self) -> dict:
        names = ("kind", "nominee_unit", "full_name", "gender", "birth_year", "position", "person_identifier",
                 "award_form", "achievement_summary", "eligibility_declared")
        kind = self.cleaned_data.get("kind")
        asked = set(self.report_fields.get(kind, ()))
        # The particulars of the chosen kind's form; those of the other kind (or of no form) are blank.
        particulars = {
            name: (self.cleaned_data.get(name) if name in asked else None) or (None if name == "birth_date" else "")
            for name in REPORT_ONLY_FIELDS
        }
        return {name: self.cleaned_data.get(name) for name in names} | particulars | {
            "full_name": self.cleaned_data.get("full_name") or "",
            "gender": self.cleaned_data.get("gender") or "",
            "position": self.cleaned_data.get("position") or "",
            "person_identifier": self.cleaned_data.get("person_identifier") or "",
        }

    def criterion_values(self) -> dict[int, dict]:
        return {c.pk: service_value(c, self.cleaned_data.get(criterion_field_name(c))) for c in self.criteria}

    def refreshed(self) -> "NominationForm":
        """The same form, unbound, showing what was typed, with the criteria of the new choices."""
        typed = {name: self[name].data for name in self.base_fields if name in self.fields}  # not the particulars a round does not ask
        typed.update({key: self.data.get(key) for key in self.data if key.startswith("tc_")})
        return NominationForm(
            round_=self.round,
            proposing_unit=self.proposing_unit,
            nomination=self.nomination,
            values=self.existing_values,
            evidence_criteria=self.evidence_criteria,
            initial=typed,
            reads=self._reads,
        )

    def criterion_rows(self) -> list[dict]:
        """Each criterion with its field and its status, evaluated now (criteria.evaluation)."""
        rows = []
        for criterion in self.criteria:
            name = criterion_field_name(criterion)
            bound = self[name]
            if bound.errors:  # templates/nominations/_criterion_field.html renders the widget as it is
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
            raw = bound.data if self.is_bound else bound.initial
            existing = self.existing_values.get(criterion.pk)
            judgement = existing.judgement if existing else ""
            has_evidence = criterion.pk in self.evidence_criteria
            result = judge_typed(criterion, self.fields[name], raw, judgement=judgement, has_evidence=has_evidence)
            rows.append(
                {
                    "criterion": criterion,
                    "field": bound,
                    "status": result["status"],
                    "badge": result["badge"],
                    "judgement": judgement,
                    "has_evidence": has_evidence,
                    "accepted_json": json.dumps(criterion.accepted_values, ensure_ascii=False),
                    "threshold_plain": "" if criterion.threshold is None else f"{criterion.threshold.normalize():f}",
                }
            )
        return rows


# --- Evidence ------------------------------------------------------------------------------------


MAX_FILES_PER_UPLOAD = 20  # one upload's files (each up to 10 MB: nominations.validators)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (an <input type="file" multiple>), each checked as a FileField."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            files = [single(item, initial) for item in data if item]
            if self.required and not files:
                raise ValidationError(self.error_messages["required"], code="required")
            return files
        cleaned = single(data, initial)
        return [cleaned] if cleaned else []


def checked_uploads(files) -> list[tuple]:
    """(file, content type proven by its bytes) for each file; every file's problem is said at once."""
    if len(files) > MAX_FILES_PER_UPLOAD:
        raise ValidationError(
            _("Tối đa %(n)d tệp trong một lần tải lên (đã chọn %(chosen)d).") % {"n": MAX_FILES_PER_UPLOAD, "chosen": len(files)}
        )
    checked, problems = [], []
    for uploaded in files:
        try:
            checked.append((uploaded, validate_evidence_file(uploaded)))
        except ValidationError as error:
            problems += [f"{uploaded.name}: {message}" for message in error.messages]
    if problems:
        raise ValidationError(problems)
    return checked


EVIDENCE_FILE_ERRORS = {
    "required": _("Hãy chọn tệp minh chứng."),
    "empty": _("Tệp rỗng (0 byte). Hãy chọn lại tệp minh chứng."),
    "invalid": _("Không đọc được tệp đã gửi. Hãy chọn lại."),
    "missing": _("Không nhận được tệp. Hãy chọn lại."),
    "max_length": _("Tên tệp quá dài (tối đa %(max)d ký tự)."),
}


class EvidenceForm(CleanTextForm):
    file = MultipleFileField(
        label=_("Tệp minh chứng"),
        help_text=format_lazy(
            _("Chọn một hoặc nhiều tệp (tối đa {n} tệp). Chấp nhận {allowed}, mỗi tệp tối đa 10 MB. Cổng kiểm tra nội dung tệp."),
            n=MAX_FILES_PER_UPLOAD, allowed=ALLOWED_LABEL,
        ),
        error_messages=EVIDENCE_FILE_ERRORS,
        max_length=255,
    )
    criterion = forms.ModelChoiceField(
        queryset=Criterion.objects.none(),
        required=False,
        label=_("Minh chứng cho tiêu chí"),
        empty_label=_("— Minh chứng chung của hồ sơ —"),
        error_messages={"invalid_choice": _("Tiêu chí đã chọn không áp dụng cho hồ sơ này.")},
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = criteria
        self.fields["criterion"].label_from_instance = lambda c: c.label  # in full: criteria differ by their ends
        self.uploads = []

    def clean_file(self):
        self.uploads = checked_uploads(self.cleaned_data["file"])
        return self.cleaned_data["file"]


class CriterionEvidenceForm(forms.Form):
    """The evidence files chosen in the nomination form itself, one field per criterion that asks
    for a file ("minh_chung_<criterion id>"): checked before anything is saved."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = [c for c in criteria if c.needs_evidence]
        for criterion in self.criteria:
            self.fields[evidence_field_name(criterion)] = MultipleFileField(
                label=_("Tệp minh chứng cho tiêu chí"), required=False, error_messages=EVIDENCE_FILE_ERRORS, max_length=255,
            )
        self.uploads = []  # (criterion, file, content type)

    def clean(self):
        data = super().clean()
        for criterion in self.criteria:
            name = evidence_field_name(criterion)
            if name in self.errors:
                continue
            try:
                self.uploads += [(criterion, f, kind) for f, kind in checked_uploads(data.get(name) or [])]
            except ValidationError as error:
                self.add_error(name, error)
        return data


def evidence_field_name(criterion) -> str:
    return f"minh_chung_{criterion.pk}"


# --- A council meeting: the unit's and a stage organisation's -------------------------------------


_INTEGER = {"invalid": _("Hãy nhập một số nguyên.")}
_VOTES = {
    **_INTEGER, "min_value": _("Số phiếu không được âm."), "max_value": _("Số phiếu không được lớn hơn %(limit_value)s."),
}
# The stage council's wording: one message for every missing field, short bounds.
_STAGE_REQUIRED = _("Cần nhập thông tin này.")
_STAGE_INTEGER = {
    "required": _STAGE_REQUIRED, "invalid": _("Cần nhập một số nguyên."),
    "min_value": _("Không được nhỏ hơn %(limit_value)s."), "max_value": _("Không được lớn hơn %(limit_value)s."),
}
_STAGE_TEXT = {"required": _STAGE_REQUIRED, "max_length": MAX_CHARS_MESSAGE}
_STAGE_TIME = {
    "input_formats": ["%H:%M", "%Hh%M", "%H giờ %M"],
    "widget": lambda: forms.TimeInput(format="%H:%M", attrs={"placeholder": "hh:mm"}),
    "error_messages": {"invalid": _("Giờ phải theo dạng hh:mm, ví dụ 08:30."), "required": _STAGE_REQUIRED},
}


@dataclass(frozen=True)
class CouncilSide:
    """What tells one council's form from the other's, as data: the names of the vote fields, the
    wording, the formats a time may be typed in, whether the day must lie inside the round and the
    votes are checked against the members in the form (the service checks them for both), and which
    count a recorded meeting shows once for every nominee."""

    common_field: str  # the count for every nominee without a count of its own
    vote_prefix: str  # + the nomination's id: its own count
    date_in_round: bool  # the round's bounds (nominations.council.check_meeting_date) besides "not after today"
    votes_checked: bool  # each count at most the members present plus the written opinions
    common_initial: str  # "same": shown once only when every nominee has the same count; "most_common"
    fields: dict = dataclass_field(default_factory=dict)  # field name -> {label, help_text, input_formats, widget, error_messages}
    vote_field: dict = dataclass_field(default_factory=dict)  # error_messages of a nominee's count
    problem_messages: dict = dataclass_field(default_factory=dict)  # nominations.council code -> message (%(n)d: the limit)
    votes_message: str = ""  # %(n)d: votes_allowed


UNIT_COUNCIL = CouncilSide(
    common_field="phieu_chung",
    vote_prefix="phieu_",
    date_in_round=True,
    votes_checked=True,
    common_initial="same",
    vote_field={"error_messages": _VOTES},
    problem_messages={
        council.PRESENT_OVER_TOTAL: _("Số thành viên có mặt không được lớn hơn số thành viên Hội đồng (%(n)d)."),
        council.WRITTEN_OVER_ABSENT: _("Số ý kiến bằng văn bản không được lớn hơn số thành viên vắng mặt (%(n)d)."),
        council.END_NOT_AFTER_START: _("Giờ kết thúc phải sau giờ bắt đầu."),
    },
    votes_message=_("Số phiếu đồng ý không được lớn hơn số thành viên có mặt cộng ý kiến bằng văn bản (%(n)d)."),
)

STAGE_COUNCIL = CouncilSide(
    common_field="votes_all",
    vote_prefix="vote_",
    date_in_round=False,
    votes_checked=False,
    common_initial="most_common",
    fields={
        "date": {
            "widget": lambda: forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
            "error_messages": {"invalid": _("Ngày phải theo dạng dd/mm/yyyy, ví dụ 05/12/2024."), "required": _STAGE_REQUIRED},
            "help_text": _("Dạng dd/mm/yyyy."),
        },
        "start_time": {"label": _("Bắt đầu"), **_STAGE_TIME},
        "end_time": {"label": _("Kết thúc"), **_STAGE_TIME},
        "place": {"error_messages": _STAGE_TEXT},
        "chair": {"error_messages": _STAGE_TEXT},
        "secretary": {"error_messages": _STAGE_TEXT},
        "members_total": {"label": _("Số thành viên Hội đồng"), "error_messages": _STAGE_INTEGER},
        "members_present": {"error_messages": _STAGE_INTEGER},
        "written_opinions": {"error_messages": _STAGE_INTEGER},
        "notes": {"error_messages": _STAGE_TEXT},
        "attendees": {"error_messages": _STAGE_TEXT},
        "absentees": {"error_messages": _STAGE_TEXT},
        "votes_all": {
            "help_text": _("Áp dụng cho mọi hồ sơ không ghi số phiếu riêng trong bảng dưới."),
            "widget": forms.NumberInput,
            "error_messages": _STAGE_INTEGER,
        },
    },
    vote_field={
        "error_messages": {
            "invalid": _("Cần nhập một số nguyên."), "min_value": _("Không được âm."), "max_value": _("Không được lớn hơn %(limit_value)s."),
        },
    },
    problem_messages=council.PLAIN_PROBLEM_MESSAGES,
)


# A database id as a form may send it (a row of a long list on another page).
ID_RE = re.compile(r"[0-9]{1,18}")


class PagedRowsMixin:
    """A form with a row per nomination (`self.nominations`) shown a page at a time (the council
    votes, the award decision): moving to another page sends the form, which is shown again as it
    was sent. `row_field_name(nomination)`: the name of the row's field whose errors are named
    when the row is on another page."""

    def show_as_sent(self):
        """Shown again as it was sent, nothing checked: the user moves to another page of the list;
        the whole form is checked when it is sent to be recorded."""
        self._errors = ErrorDict()
        self.cleaned_data = {}

    def errors_elsewhere(self, shown_ids) -> list[tuple[object, str]]:
        """(nomination, error) of the rows refused that are not among `shown_ids` (another page)."""
        if not self.is_bound:
            return []
        return [
            (nomination, error)
            for nomination in self.nominations
            if nomination.pk not in shown_ids
            for error in self.errors.get(self.row_field_name(nomination), ())
        ]


class CouncilMeetingForm(PagedRowsMixin, CleanTextForm):
    """A council meeting and its 'đồng ý' votes, for any number of nominations: the unit's council
    (`side=UNIT_COUNCIL`, the round's first stage) or a stage organisation's (`side=STAGE_COUNCIL`).
    The rules of the meeting are nominations.council's; what differs between the two pages is the
    side's data (CouncilSide).

    A council usually gives most nominations the same count, so the form asks for it once (the
    side's `common_field`) and per nomination (`vote_prefix` + id) only where it differs: a row left
    empty takes the common count (none: not voted), and static/js/sparse-form.js leaves empty rows
    out of the request. A stage with thousands of nominations is then sent in a few dozen fields,
    far below DATA_UPLOAD_MAX_NUMBER_FIELDS (each posted field counts, empty or not).

    A long list is shown a page at a time: the form is then built for the page's nominations
    (`nominations`), `all_ids` naming every nomination the meeting votes on; the counts of the
    other pages travel in hidden fields (`carried_votes`), so that moving between pages and
    sending the form keep them. Sending it builds the form over every nomination (`votes()`)."""

    date = forms.DateField(
        label=_("Ngày họp"),
        input_formats=["%d/%m/%Y"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}),
        error_messages={**_required(_("ngày họp")), "invalid": _("Ngày họp phải theo dạng dd/mm/yyyy, ví dụ 05/12/2024.")},
    )
    start_time = forms.TimeField(
        label=_("Bắt đầu lúc"),
        input_formats=["%H:%M", "%H:%M:%S", "%Hh%M"],
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
        error_messages={**_required(_("giờ bắt đầu")), "invalid": _("Giờ phải theo dạng HH:MM, ví dụ 08:00.")},
    )
    end_time = forms.TimeField(
        label=_("Kết thúc lúc"),
        input_formats=["%H:%M", "%H:%M:%S", "%Hh%M"],
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
        error_messages={**_required(_("giờ kết thúc")), "invalid": _("Giờ phải theo dạng HH:MM, ví dụ 10:30.")},
    )
    place = forms.CharField(label=_("Địa điểm"), max_length=255, error_messages={**_required(_("địa điểm")), **MAX_LENGTH})
    chair = forms.CharField(label=_("Chủ trì"), max_length=200, error_messages={**_required(_("người chủ trì")), **MAX_LENGTH})
    secretary = forms.CharField(label=_("Thư ký"), max_length=200, error_messages={**_required(_("thư ký")), **MAX_LENGTH})
    members_total = forms.IntegerField(
        label=_("Số thành viên Hội đồng (đương nhiệm)"),
        min_value=1,
        max_value=COUNCIL_MEMBERS_MAX,
        error_messages={
            **_required(_("số thành viên Hội đồng")),
            **_INTEGER,
            "min_value": _("Hội đồng phải có ít nhất 1 thành viên."),
            "max_value": _("Số thành viên Hội đồng không được lớn hơn %(limit_value)s."),
        },
    )
    members_present = forms.IntegerField(
        label=_("Số thành viên có mặt"),
        min_value=0,
        max_value=COUNCIL_MEMBERS_MAX,
        error_messages={
            **_required(_("số thành viên có mặt")),
            **_INTEGER,
            "min_value": _("Số thành viên có mặt không được âm."),
            "max_value": _("Số thành viên có mặt không được lớn hơn %(limit_value)s."),
        },
    )
    written_opinions = forms.IntegerField(
        label=_("Số ý kiến bằng văn bản của thành viên vắng mặt"),
        min_value=0,
        max_value=COUNCIL_MEMBERS_MAX,
        initial=0,
        error_messages={
            **_required(_("số ý kiến bằng văn bản (0 nếu không có)")),
            **_INTEGER,
            "min_value": _("Số ý kiến bằng văn bản không được âm."),
            "max_value": _("Số ý kiến bằng văn bản không được lớn hơn %(limit_value)s."),
        },
    )
    notes = forms.CharField(
        label=_("Diễn biến, ý kiến"), required=False, max_length=COUNCIL_NOTES_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}), error_messages=MAX_LENGTH,
    )
    attendees = forms.CharField(
        label=_("Thành viên có mặt (họ tên, chức vụ; mỗi người một dòng)"), required=False, max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}), error_messages=MAX_LENGTH,
        help_text=_("Không bắt buộc. Biên bản ghi tên từng thành viên khi được nhập."),
    )
    absentees = forms.CharField(
        label=_("Thành viên vắng mặt (họ tên, chức vụ; ghi \"có ý kiến bằng văn bản\" nếu có)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}), error_messages=MAX_LENGTH,
    )

    MEETING_FIELDS = ("date", "start_time", "end_time", "place", "chair", "secretary", "members_total",
                      "members_present", "written_opinions", "notes", "attendees", "absentees")

    def __init__(self, *args, side: CouncilSide = UNIT_COUNCIL, round_=None, nominations=(), meeting=None,
                 stored_votes: dict[int, int] | None = None, all_ids=None, common_votes: int | None = None, **kwargs):
        """`meeting` (recorded earlier) fills the form: its figures, and its votes (`stored_votes`,
        nomination id -> count; read from the meeting when not given), the common count once.
        `all_ids`: every nomination voted on when `nominations` are one page of them.
        `common_votes` (a side whose common count is the most frequent): that count, worked out by
        the caller, `stored_votes` then holding only the own counts that differ from it among
        the nominations voted on (`all_ids` is not needed)."""
        self.side = side
        self.round = round_
        self.nominations = list(nominations)
        self.all_ids = list(all_ids) if all_ids is not None else [n.pk for n in self.nominations]
        self.common_votes = common_votes
        if meeting is not None:
            if stored_votes is None:
                stored_votes = {v.nomination_id: v.votes_for for v in meeting.votes.all()}
            kwargs.setdefault("initial", self._initial(meeting, stored_votes))
        super().__init__(*args, **kwargs)
        self.fields[side.common_field] = forms.IntegerField(
            label=_("Số phiếu đồng ý chung"),
            required=False,
            min_value=0,
            max_value=COUNCIL_MEMBERS_MAX,
            help_text=_("Áp dụng cho mọi hồ sơ để trống ở dưới. Để trống nếu chỉ ghi số phiếu riêng từng hồ sơ."),
            widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            error_messages=_VOTES,
        )
        for name, overrides in side.fields.items():
            self._override(self.fields[name], overrides)
        if round_ is not None and side.date_in_round:
            self.fields["date"].help_text = _("Dạng dd/mm/yyyy, từ %(start)s đến hôm nay.") % {
                "start": round_start(round_).strftime("%d/%m/%Y")
            }
        for nomination in self.nominations:
            self.fields[self.vote_name(nomination)] = forms.IntegerField(
                label=_("Số phiếu đồng ý: %(name)s") % {"name": nomination.nominee_name},
                required=False,
                min_value=0,
                max_value=COUNCIL_MEMBERS_MAX,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "data-sparse": "1"}),
                error_messages=side.vote_field["error_messages"],
            )

    @staticmethod
    def _override(form_field, overrides):
        for attribute, value in overrides.items():
            if attribute == "error_messages":
                form_field.error_messages.update(value)
            elif attribute == "widget":
                form_field.widget = value()
            else:
                setattr(form_field, attribute, value)

    def _initial(self, meeting, stored: dict[int, int]) -> dict:
        side = self.side
        initial = {name: getattr(meeting, name) for name in self.MEETING_FIELDS}
        if side.common_initial == "same":
            counts = {stored.get(nid) for nid in self.all_ids}
            if len(self.all_ids) > 1 and len(counts) == 1 and None not in counts:
                initial[side.common_field] = counts.pop()  # every open nomination has the same count: shown once
            else:
                initial.update({f"{side.vote_prefix}{nid}": votes for nid, votes in stored.items()})
        else:
            if self.common_votes is None:  # the most frequent count; the own counts of the nominations voted on here
                common = council.common_count(Counter(stored.values()))
                voted_on = set(self.all_ids)
                stored = {nid: own for nid, own in stored.items() if nid in voted_on}
            else:
                common = self.common_votes
            initial[side.common_field] = common
            initial.update({f"{side.vote_prefix}{nid}": own for nid, own in stored.items() if own != common})
        return initial

    def vote_name(self, nomination) -> str:
        return f"{self.side.vote_prefix}{nomination.pk}"

    row_field_name = vote_name

    def carried_votes(self, shown_ids) -> list[tuple[str, str]]:
        """(field name, count) of each nomination's own count that is not among `shown_ids` (those
        on another page of the list), for hidden fields: as sent, or as recorded. Whether a count
        is valid, and its nomination one the meeting votes on, is checked when the form is sent."""
        prefix, carried = self.side.vote_prefix, []
        if self.is_bound:
            names = (key for key in self.data if key.startswith(prefix))
            values = ((name, self.data.get(name)) for name in names)
        else:
            values = ((name, value) for name, value in self.initial.items() if name.startswith(prefix))
        for name, value in values:
            own_id = name[len(prefix):]
            if value not in (None, "") and ID_RE.fullmatch(own_id) and int(own_id) not in shown_ids:
                carried.append((name, str(value)))
        return sorted(carried, key=lambda item: int(item[0][len(prefix):]))

    def vote_field(self, nomination):
        return self[self.vote_name(nomination)]

    def vote_fields(self):
        return [(n, self.vote_field(n)) for n in self.nominations]

    def meeting_fields(self):
        return [self[name] for name in self.MEETING_FIELDS]

    def clean_date(self):
        """The meeting took place: not after today, and inside the round where the side says so."""
        day = self.cleaned_data["date"]
        in_round = self.round if self.side.date_in_round else None
        council.check_meeting_date(day, what=self.fields["date"].label, round_=in_round, today=clock.today())
        return day

    def clean(self):
        cleaned = super().clean()
        side = self.side
        total, present, written = cleaned.get("members_total"), cleaned.get("members_present"), cleaned.get("written_opinions")
        problems = council.meeting_problems(
            total=total, present=present, written=written, start=cleaned.get("start_time"), end=cleaned.get("end_time")
        )
        for problem in problems:
            self.add_error(problem.field, side.problem_messages[problem.code] % {"n": problem.limit})
        if side.votes_checked and present is not None and written is not None and (total is None or present <= total):
            allowed = council.votes_allowed(present=present, written=written)
            for name in [side.common_field, *(self.vote_name(n) for n in self.nominations)]:
                votes = cleaned.get(name)
                if votes is not None and not council.votes_possible(votes, present=present, written=written):
                    self.add_error(name, side.votes_message % {"n": allowed})
        return cleaned

    def meeting_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.MEETING_FIELDS}

    def votes(self) -> dict[int, int]:
        """Each nomination's count: its own where given, else the common count (if any)."""
        common = self.cleaned_data.get(self.side.common_field)
        result = {}
        for nomination in self.nominations:
            votes = self.cleaned_data.get(self.vote_name(nomination))
            if votes is None:
                votes = common
            if votes is not None:
                result[nomination.pk] = votes
        return result


# --- Registration -----------------------------------------------------------------------------------


class RegistrationForm(CleanTextForm):
    pledge = forms.CharField(
        label=_("Chỉ tiêu đăng ký"),
        required=False,
        max_length=PLEDGE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=MAX_LENGTH,
    )

    def __init__(self, *args, round_, **kwargs):
        super().__init__(*args, **kwargs)
        if round_.pledge_label:
            self.fields["pledge"].label = round_.pledge_label
        if round_.registration_source:
            self.fields["pledge"].help_text = _("Nguồn: %(source)s") % {"source": round_.registration_source}
