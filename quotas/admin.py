"""Admin of quota rules, their named exceptions, and allocations (a plan's breakdown of places into
shares, which are the whole allocation) with what they give the categories no share names. Every
row shows its `source`."""
from django.contrib import admin, messages

from campaigns.admin import RoundListFilter
from campaigns.models import RoundAwardForm
from quotas.checks import allocation_problems
from quotas.models import QuotaAllocation, QuotaException, QuotaRule, QuotaShareMapping


class QuotaExceptionInline(admin.TabularInline):
    model = QuotaException
    extra = 0
    fields = ["unit", "limit", "source"]
    autocomplete_fields = ["unit"]


@admin.register(QuotaRule)
class QuotaRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "round", "award_form", "nominee_kind", "scope", "limit", "allocation", "exception_count", "source"]
    list_filter = ["round__campaign", ("round", RoundListFilter), "nominee_kind", "scope", "level", "categories"]
    list_select_related = ["round__campaign", "award_form", "allocation"]
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
        field = form.base_fields.get("allocation")
        if field is not None and obj is not None:
            field.queryset = QuotaAllocation.objects.filter(round=obj.round)
        return form


@admin.register(QuotaException)
class QuotaExceptionAdmin(admin.ModelAdmin):
    list_display = ["unit", "rule", "limit", "source"]
    list_filter = ["rule__round__campaign", ("rule__round", RoundListFilter)]
    list_select_related = ["unit", "rule__award_form"]
    search_fields = ["unit__name", "unit__code", "rule__code", "source"]
    autocomplete_fields = ["unit"]


class QuotaShareMappingInline(admin.TabularInline):
    model = QuotaShareMapping
    extra = 0
    fields = ["category", "nominee_kind", "share", "note", "source"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None:
            formset.form.base_fields["share"].queryset = obj.shares.all()
        return formset


@admin.register(QuotaAllocation)
class QuotaAllocationAdmin(admin.ModelAdmin):
    """After saving, the allocation's round is checked as load_campaigns checks it (quotas.checks)."""

    list_display = ["__str__", "round", "award_form", "nominee_kind", "total", "source"]
    list_filter = ["round__campaign", ("round", RoundListFilter), "nominee_kind"]
    list_select_related = ["round__campaign", "award_form", "total"]
    search_fields = ["code", "label", "source"]
    autocomplete_fields = ["round"]
    inlines = [QuotaShareMappingInline]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None:
            for name, rows in (("award_form", RoundAwardForm.objects.filter(round=obj.round)), ("total", obj.round.quota_rules.all())):
                if name in form.base_fields:
                    form.base_fields[name].queryset = rows
        return form

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for problem in allocation_problems(form.instance.round):
            self.message_user(request, problem, level=messages.WARNING)
