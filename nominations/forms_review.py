"""Forms of the review side. Validation only: every write goes through a service or advance()."""
from __future__ import annotations

import re
import unicodedata

from django import forms
from django.core.validators import RegexValidator
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns import clock
from campaigns.text import CleanTextForm
from campaigns.bounds import MAX_CHARS_MESSAGE, REASON_MAX_CHARS
from nominations.forms import ID_RE, PagedRowsMixin
from nominations.models import CriteriaStatus
from nominations.validators import validate_not_after_today

DATE_INPUT_FORMATS = ["%d/%m/%Y"]
DECISION_NUMBER_RE = re.compile(r"^\d+/QĐ-[A-ZĐ0-9-]+$")


def vn_date_field(label, **kwargs):
    return forms.DateField(
        label=label,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
        error_messages={"invalid": _("Ngày phải theo dạng dd/mm/yyyy, ví dụ 05/12/2024."), "required": _("Cần nhập ngày.")},
        help_text=_("Dạng dd/mm/yyyy."),
        **kwargs,
    )


def vn_time_field(label):
    return forms.TimeField(
        label=label,
        input_formats=["%H:%M", "%Hh%M", "%H giờ %M"],
        widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": "hh:mm"}),
        error_messages={"invalid": _("Giờ phải theo dạng hh:mm, ví dụ 08:30."), "required": _("Cần nhập giờ.")},
    )


class PlainSelect(forms.Select):
    """A <select> written in one pass (format_html), not through a template per option: a queue's
    filter lists every unit with a nomination waiting, hundreds of options on each page view.
    Same markup as forms.Select: name, id and attributes, the selected option marked."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        attributes = self.build_attrs(self.attrs, attrs)
        options = format_html_join(
            "",
            "<option value=\"{}\"{}>{}</option>",
            (
                (str(option_value), mark_safe(" selected") if str(option_value) in selected else "", label)
                for option_value, label in self.choices
            ),
        )
        return format_html("<select name=\"{}\"{}>{}</select>", name, flatatt(attributes), options)


class QueueFilterForm(CleanTextForm):
    """The queue's GET filters. Choices, (id, label), come from the selector (queue_filter_choices,
    kept between page views); a valid filter is the chosen id."""

    category = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label=_("Khối"), widget=PlainSelect)
    award_form = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label=_("Hình thức"), widget=PlainSelect)
    criteria_status = forms.ChoiceField(
        choices=[("", _("Mọi kết quả tiêu chí"))] + list(CriteriaStatus.choices), required=False, label=_("Tiêu chí"), widget=PlainSelect
    )
    proposing_unit = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label=_("Đơn vị đề nghị"), widget=PlainSelect)

    EMPTY_LABELS = {"category": _("Tất cả các khối"), "award_form": _("Tất cả hình thức"), "proposing_unit": _("Tất cả đơn vị")}

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        for name, key in (("category", "categories"), ("award_form", "award_forms"), ("proposing_unit", "proposing_units")):
            self.fields[name].choices = [("", self.EMPTY_LABELS[name])] + list(choices[key])
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = gettext("Lựa chọn không hợp lệ.")
            # The queue renders the fields itself (label, select, error), with Bootstrap's classes.
            field.widget.attrs["class"] = "form-select"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "form-select is-invalid"

    def fragment_key(self) -> str | None:
        """What the rendered filters show besides their choices (kept with the queue's summaries):
        the chosen values; None when a value was refused (its error is shown, never kept)."""
        filters = self.filters()
        if self.errors:
            return None
        return "&".join(f"{name}={value}" for name, value in sorted(filters.items()))

    def filters(self) -> dict:
        """The valid filters (an invalid one is ignored rather than failing the whole page)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in self.fields if data.get(name)}


class ApproveForm(CleanTextForm):
    comment = forms.CharField(
        label=_("Ý kiến (không bắt buộc)"), required=False, max_length=REASON_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(CleanTextForm):
    reason = forms.CharField(
        label=_("Lý do trả lại, nội dung cần bổ sung"),
        max_length=REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Cần ghi rõ lý do trả lại hồ sơ và nội dung đơn vị cần bổ sung.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(self.fields["reason"].error_messages["required"])
        return reason


class RejectForm(ReturnForm):
    reason = forms.CharField(
        label=_("Lý do không chấp thuận"),
        max_length=REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Cần ghi rõ lý do không chấp thuận hồ sơ.")},
    )


class JudgementForm(CleanTextForm):
    judgement = forms.ChoiceField(
        label=_("Đánh giá"),
        choices=[("met", _("Đạt")), ("not_met", _("Không đạt"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn Đạt hoặc Không đạt."), "invalid_choice": _("Chọn Đạt hoặc Không đạt.")},
    )
    comment = forms.CharField(label=_("Nhận xét"), required=False, max_length=REASON_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 2}))


class BulkSelectionForm(CleanTextForm):
    """The nominations ticked in the queue, kept in the order they were sent."""

    n = forms.TypedMultipleChoiceField(
        coerce=int,
        choices=(),
        error_messages={
            "required": _("Chọn ít nhất một hồ sơ."),
            "invalid_choice": _("Hồ sơ %(value)s không còn ở bước này."),
        },
    )
    comment = forms.CharField(label=_("Ý kiến chung (không bắt buộc)"), required=False, max_length=REASON_MAX_CHARS)

    def __init__(self, *args, queue_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["n"].choices = [(str(pk), str(pk)) for pk in queue_ids]


class BulkConfirmForm(CleanTextForm):
    """The confirmed selection: any id of the round; advance() decides for each one."""

    n = forms.TypedMultipleChoiceField(coerce=int, choices=(), error_messages={"required": _("Chọn ít nhất một hồ sơ.")})
    comment = forms.CharField(required=False, max_length=REASON_MAX_CHARS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        values = self.data.getlist("n") if hasattr(self.data, "getlist") else []
        # An id the database can hold (a 30-digit "id" overflowed its integer: a 500).
        self.fields["n"].choices = [(v, v) for v in values if ID_RE.fullmatch(str(v))]
        self.fields["n"].error_messages["invalid_choice"] = gettext("Mã hồ sơ không hợp lệ.")


class ExtensionForm(CleanTextForm):
    unit = forms.ModelChoiceField(
        queryset=None, label=_("Đơn vị được gia hạn"), empty_label=_("— Chọn đơn vị —"),
        error_messages={"required": _("Chọn đơn vị được gia hạn."), "invalid_choice": _("Đơn vị không hợp lệ.")},
    )
    new_deadline = vn_date_field(_("Hạn mới"))
    reason = forms.CharField(
        label=_("Lý do gia hạn"), max_length=REASON_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Cần ghi rõ lý do gia hạn.")},
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean_new_deadline(self):
        day = self.cleaned_data["new_deadline"]
        today = clock.today()
        if day < today:
            raise forms.ValidationError(
                gettext("Hạn mới đã qua: phải từ hôm nay (%(today)s) trở đi.") % {"today": today.strftime("%d/%m/%Y")}, code="past"
            )
        return day


def _normalise_number(value: str) -> str:
    """NFC, no spaces, capitals: "123/qđ-ubnd " → "123/QĐ-UBND"."""
    return unicodedata.normalize("NFC", "".join(value.split())).upper()


decision_number_validator = RegexValidator(
    DECISION_NUMBER_RE,
    message=_("Số quyết định không đúng định dạng: số thứ tự, \"/QĐ-\", rồi chữ viết tắt của cơ quan ban hành, ví dụ 123/QĐ-UBND."),
)


class DecisionForm(PagedRowsMixin, CleanTextForm):
    """The Quyết định khen thưởng for every nomination at the final stage, for any number of them.

    Every nomination listed is awarded unless it is ticked in `khong` (one field, sent once per
    ticked nomination), and only those need a reason (`reason_<id>`); static/js/sparse-form.js
    leaves empty reasons out of the request. A decision on thousands of nominations is then sent in
    a handful of fields, far below DATA_UPLOAD_MAX_NUMBER_FIELDS. The ids are checked against the
    nominations waiting at the stage (what the user may act on)."""

    number = forms.CharField(
        label=_("Số quyết định"),
        max_length=50,
        help_text=_("Ví dụ: 123/QĐ-UBND."),
        error_messages={"required": _("Cần nhập số quyết định.")},
    )
    date = vn_date_field(_("Ngày ký"))
    signer = forms.CharField(label=_("Người ký"), max_length=200, error_messages={"required": _("Cần nhập họ tên người ký.")})
    signer_title = forms.CharField(
        label=_("Chức vụ người ký"), max_length=200, required=False, help_text=_("Ví dụ: KT. CHỦ TỊCH, PHÓ CHỦ TỊCH.")
    )
    khong = forms.TypedMultipleChoiceField(
        label=_("Không khen thưởng"),
        coerce=int,
        required=False,
        choices=(),
        error_messages={"invalid_choice": _("Hồ sơ mã %(value)s không còn chờ quyết định. Hãy tải lại trang.")},
    )

    def __init__(self, *args, nominations, **kwargs):
        super().__init__(*args, **kwargs)
        self.nominations = list(nominations)
        self.fields["khong"].choices = [(str(n.pk), str(n.pk)) for n in self.nominations]
        for nomination in self.nominations:
            self.fields[f"reason_{nomination.pk}"] = forms.CharField(
                label=gettext("Lý do không khen thưởng %(name)s") % {"name": nomination.nominee_name}, required=False, max_length=REASON_MAX_CHARS,
                error_messages={"max_length": MAX_CHARS_MESSAGE},
            )

    def clean_date(self):
        day = self.cleaned_data["date"]
        validate_not_after_today(day, what=gettext("Ngày ký quyết định"), today=clock.today())
        return day

    def clean_number(self):
        number = _normalise_number(self.cleaned_data["number"])
        decision_number_validator(number)
        return number

    def _declined_ids(self) -> set[int]:
        return set(getattr(self, "cleaned_data", {}).get("khong") or [])

    def clean(self):
        data = super().clean()
        if not self.nominations:
            raise forms.ValidationError(gettext("Không có hồ sơ nào ở bước quyết định."))
        declined = self._declined_ids()
        if "khong" in self.errors:
            return data
        if len(declined) == len(self.nominations):
            raise forms.ValidationError(gettext("Chọn ít nhất một hồ sơ được khen thưởng."))
        for nomination in self.nominations:
            if nomination.pk in declined and not (data.get(f"reason_{nomination.pk}") or "").strip():
                self.add_error(
                    f"reason_{nomination.pk}", gettext("Cần ghi lý do không khen thưởng %(name)s.") % {"name": nomination.nominee_name}
                )
        return data

    def ticked_elsewhere(self, shown_ids) -> list[tuple[int, str]]:
        """(id, reason as sent) of each nomination ticked "not awarded" that is not among
        `shown_ids` (those on another page of the list): the page carries them in hidden fields,
        so that moving between pages keeps every tick. Whether the ids are waiting at the stage is
        checked when the decision is sent (clean)."""
        if not self.is_bound or not hasattr(self.data, "getlist"):
            return []
        carried = {}
        for value in self.data.getlist(self.add_prefix("khong")):
            value = str(value)
            if ID_RE.fullmatch(value) and int(value) not in shown_ids:
                carried.setdefault(int(value), self.data.get(self.add_prefix(f"reason_{value}"), ""))
        return sorted(carried.items())

    def row_field_name(self, nomination) -> str:
        """A row's reason box (PagedRowsMixin.errors_elsewhere names its errors on other pages)."""
        return f"reason_{nomination.pk}"

    def rows(self):
        """(nomination, ticked as not awarded, its reason field) for the table."""
        if self.is_bound:
            ticked = {str(v) for v in self.data.getlist(self.add_prefix("khong"))} if hasattr(self.data, "getlist") else set()
        else:
            ticked = set()
        return [(n, str(n.pk) in ticked, self[f"reason_{n.pk}"]) for n in self.nominations]

    def awarded(self):
        declined = self._declined_ids()
        return [n for n in self.nominations if n.pk not in declined]

    def not_awarded(self) -> dict[int, str]:
        declined = self._declined_ids()
        return {n.pk: self.cleaned_data[f"reason_{n.pk}"].strip() for n in self.nominations if n.pk in declined}
