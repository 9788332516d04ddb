"""Admin of quota rules and their named exceptions. Every row shows its `source`."""
from django.contrib import admin

from campaigns.admin import RoundListFilter
from campaigns.models import RoundAwardForm
from quotas.models import QuotaException, QuotaRule


class QuotaExceptionInline(admin.TabularInline):
    model = QuotaException
    extra = 0
    fields = ["unit", "limit", "source"]
    autocomplete_fields = ["unit"]


@admin.register(QuotaRule)
class QuotaRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "round", "award_form", "nominee_kind", "scope", "limit", "exception_count", "source"]
    list_filter = ["round__campaign", ("round", RoundListFilter), "nominee_kind", "scope", "level", "categories"]
    list_select_related = ["round__campaign", "award_form"]
    search_fields = ["code", "label", "source"]
    autocomplete_fields = ["round"]
    filter_horizontal = ["categories", "excluded_categories"]
    inlines = [QuotaExceptionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("exceptions")

    @admin.display(description="ngoại lệ")
    def exception_count(self, obj):
        return len(obj.exceptions.all())

    def get_form(self, request, obj=None, **kwargs):
        """Offer only the round's own award forms once the round is known."""
        form = super().get_form(request, obj, **kwargs)
        field = form.base_fields.get("award_form")
        if field is not None:
            forms = RoundAwardForm.objects.select_related("round")
            if obj is not None:
                forms = forms.filter(round=obj.round)
            field.queryset = forms
            field.label_from_instance = lambda award_form: f"{award_form.round.code}: {award_form.name}"
        return form


@admin.register(QuotaException)
class QuotaExceptionAdmin(admin.ModelAdmin):
    list_display = ["unit", "rule", "limit", "source"]
    list_filter = ["rule__round__campaign", ("rule__round", RoundListFilter)]
    list_select_related = ["unit", "rule__award_form"]
    search_fields = ["unit__name", "unit__code", "rule__code", "source"]
    autocomplete_fields = ["unit"]
