"""The award-list filter form (validation only; the export goes through exporters/services)."""
from __future__ import annotations

from django import forms

from campaigns.models import Round
from campaigns.stages import stages_of
from campaigns.text import CleanTextForm
from nominations.models import Status

from .filters import AwardListFilters
from .selectors import award_list_choices


class AwardListForm(CleanTextForm):
    stage = forms.TypedChoiceField(label="Bước hiện tại", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label="Trạng thái", required=False)
    award_form = forms.ChoiceField(label="Hình thức khen thưởng", required=False)
    category = forms.ChoiceField(label="Khối", required=False)
    unit = forms.ChoiceField(label="Đơn vị đề nghị", required=False)
    per_award_form = forms.BooleanField(label="Mỗi hình thức khen thưởng một trang tính", required=False)

    def __init__(self, *args, round_: Round, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round_
        everything = [("", "— Tất cả —")]
        self.fields["stage"].choices = everything + [(s.order, f"{s.order}. {s.name}") for s in stages_of(round_)]
        self.fields["status"].choices = [("", "— Mọi trạng thái trừ nháp —")] + list(Status.choices)
        self.fields["award_form"].choices = everything + list(round_.award_forms.order_by("order").values_list("code", "name"))
        choices = award_list_choices(round_)
        self.fields["category"].choices = everything + choices.categories
        self.fields["unit"].choices = everything + choices.units

    def filters(self) -> AwardListFilters:
        return AwardListFilters.from_dict(self.cleaned_data)
