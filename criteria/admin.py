"""Admin of criteria. Rules come from campaigns/data/*.yaml; every row shows its `source`."""
from django.contrib import admin

from campaigns.admin import CompleteFieldsetsMixin, RoundListFilter
from campaigns.models import RoundAwardForm
from criteria.models import Criterion


@admin.register(Criterion)
class CriterionAdmin(CompleteFieldsetsMixin, admin.ModelAdmin):
    list_display = ["label", "round", "nominee_kind", "kind", "operator", "threshold", "source"]
    list_filter = ["round__campaign", ("round", RoundListFilter), "nominee_kind", "kind", "categories"]
    list_select_related = ["round__campaign"]
    search_fields = ["label", "code", "group", "source"]
    autocomplete_fields = ["round"]
    filter_horizontal = ["categories", "award_forms"]
    fieldsets = [
        (None, {"fields": ["round", "code", "label", "group", "nominee_kind", "categories", "award_forms", "order"]}),
        ("Cách đánh giá", {"fields": ["kind", "operator", "threshold", "choices", "accepted_values", "mandatory",
                                     "needs_evidence", "alternative_group", "priority"]}),
        ("Nguồn", {"fields": ["source"]}),
    ]

    def get_form(self, request, obj=None, **kwargs):
        """Offer only the round's own award forms once the round is known."""
        form = super().get_form(request, obj, **kwargs)
        field = form.base_fields.get("award_forms")
        if field is not None:
            forms = RoundAwardForm.objects.select_related("round")
            if obj is not None:
                forms = forms.filter(round=obj.round)
            field.queryset = forms
            field.label_from_instance = lambda award_form: f"{award_form.round.code}: {award_form.name}"
        return form
