"""Admin of campaigns, units and their rules, in Vietnamese (labels come from the models' verbose names).

The campaigns' rules are loaded from campaigns/data/*.yaml (`load_campaigns`), which stays the
source of truth: an edit made here is overwritten the next time the files are loaded. Every
rule row shows its `source` (the document and clause it comes from).
"""
import unicodedata

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from campaigns.forms import UnitImportForm
from campaigns.models import (
    Campaign,
    CampaignDocument,
    CampaignTarget,
    EligibilityCondition,
    LegalBasis,
    LegalText,
    Membership,
    Round,
    RoundAwardForm,
    RuleChange,
    Stage,
    Unit,
    UnitCategory,
    UnitImportJob,
    VoteRule,
)
from campaigns.services.unit_imports import start_unit_import
from campaigns.services.units import MAX_FILE_SIZE, UnitImportError

admin.site.site_header = "Quản trị Cổng thi đua chuyển đổi số"
admin.site.site_title = "Cổng thi đua chuyển đổi số"
admin.site.index_title = "Quản trị hệ thống"


def changelist_link(model_label, text, **filters):
    """A link to another admin list, filtered (e.g. a round's criteria)."""
    url = reverse(f"admin:{model_label.replace('.', '_')}_changelist")
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return format_html('<a href="{}?{}">{}</a>', url, query, text)


class CompleteFieldsetsMixin:
    """Declared fieldsets, plus a last "Khác" fieldset with any field they do not name, so that a
    field added to the model later is editable here without touching the admin."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if self.fieldsets:
            named = set(flatten_fieldsets(fieldsets))
            rest = [name for name in self.get_fields(request, obj) if name not in named]
            if rest:
                fieldsets.append(("Khác", {"fields": rest}))
        return fieldsets


class RoundListFilter(admin.RelatedFieldListFilter):
    """The 'đợt' filter: a round's name includes its campaign's, fetched in the same query."""

    def field_choices(self, field, request, model_admin):
        rounds = field.related_model.objects.select_related("campaign").order_by("campaign__code", "year", "code")
        return [(r.pk, str(r)) for r in rounds]


# ---------------------------------------------------------------- units


@admin.register(UnitCategory)
class UnitCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "people_committee", "head_title", "parent_in_heading", "unit_count"]
    list_editable = ["order"]
    search_fields = ["name", "code"]
    ordering = ["order", "code"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_unit_count=Count("units"))

    @admin.display(description="số đơn vị", ordering="_unit_count")
    def unit_count(self, obj):
        return changelist_link("campaigns.unit", obj._unit_count, category__id__exact=obj.pk)


class ValidityFilter(admin.SimpleListFilter):
    title = "hiệu lực"
    parameter_name = "hieu_luc"

    def lookups(self, request, model_admin):
        return [("con", "Còn hiệu lực hôm nay"), ("het", "Đã hết hiệu lực"), ("chua", "Chưa có hiệu lực")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "con":
            return queryset.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today)).filter(
                Q(valid_to__isnull=True) | Q(valid_to__gte=today)
            )
        if self.value() == "het":
            return queryset.filter(valid_to__lt=today)
        if self.value() == "chua":
            return queryset.filter(valid_from__gt=today)
        return queryset


@admin.register(Unit)
class UnitAdmin(CompleteFieldsetsMixin, admin.ModelAdmin):
    list_display = ["name", "code", "category", "level", "parent", "valid_from", "valid_to", "successor"]
    list_filter = [ValidityFilter, "level", "category"]
    list_select_related = ["category", "parent", "successor"]
    show_full_result_count = False
    search_fields = ["name", "code", "short_name", "place_name"]
    autocomplete_fields = ["parent", "successor"]
    list_per_page = 100
    change_list_template = "admin/campaigns/unit/change_list.html"
    import_template = "admin/campaigns/unit/import_units.html"
    fieldsets = [
        (None, {"fields": ["code", "name", "short_name", "category", "level", "parent", "place_name", "email", "head_title", "functions_basis"]}),
        ("Lịch sử", {"fields": ["valid_from", "valid_to", "successor", "history_note"]}),
    ]

    def get_urls(self):
        urls = [
            path("import/", self.admin_site.admin_view(self.import_view), name="campaigns_unit_import"),
            path("import/<int:job_id>/", self.admin_site.admin_view(self.import_job_view), name="campaigns_unit_import_job"),
        ]
        return urls + super().get_urls()

    def import_view(self, request):
        """'Nhập đơn vị từ Excel': the form; the file is checked (size, zip bomb) at once, then
        imported by a job whose page shows its progress and, at the end, its result."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        problems = []
        if request.method == "POST" and _declared_length(request) > MAX_FILE_SIZE + UPLOAD_OVERHEAD:
            # Refused from the announced length, before the form and the spreadsheet are read (the
            # body itself is bounded by the reverse proxy's limit: CSRF checking reads it first).
            form = UnitImportForm()
            problems = [f"Tệp quá lớn ({_declared_length(request) / 1024 / 1024:.1f} MB); giới hạn {MAX_FILE_SIZE // (1024 * 1024)} MB."]
        elif request.method == "POST":
            form = UnitImportForm(request.POST, request.FILES)
            if form.is_valid():
                update = form.cleaned_data["update"]
                if update and not self.has_change_permission(request):
                    raise PermissionDenied
                try:
                    job = start_unit_import(upload=form.cleaned_data["file"], update=update, actor=request.user)
                except UnitImportError as error:
                    problems = error.problems
                else:
                    return redirect("admin:campaigns_unit_import_job", job_id=job.pk)
        else:
            form = UnitImportForm()
        context = {
            **self.admin_site.each_context(request),
            "title": "Nhập đơn vị từ Excel",
            "opts": self.model._meta,
            "form": form,
            "problems": problems,
            "max_size_mb": MAX_FILE_SIZE // (1024 * 1024),
        }
        return TemplateResponse(request, self.import_template, context)

    def import_job_view(self, request, job_id):
        """The progress of one import (refreshing itself until it ends), then its result."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        job = UnitImportJob.objects.filter(pk=job_id).first()
        if job is None or not (request.user.is_superuser or job.requested_by_id == request.user.pk):
            raise Http404
        context = {
            **self.admin_site.each_context(request),
            "title": "Nhập đơn vị từ Excel",
            "opts": self.model._meta,
            "job": job,
        }
        return TemplateResponse(request, "admin/campaigns/unit/import_job.html", context)


UPLOAD_OVERHEAD = 64 * 1024  # bytes of a multipart request besides the file (fields, boundaries)


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role", "unit__category"]
    list_select_related = ["user", "unit"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email", "unit__name", "unit__code"]
    autocomplete_fields = ["user", "unit"]


# ---------------------------------------------------------------- reference rules


@admin.register(VoteRule)
class VoteRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "quorum", "approval", "approval_strict", "source"]
    search_fields = ["name", "code", "source"]

    @admin.display(description="túc số")
    def quorum(self, obj):
        return f"{obj.quorum_numerator}/{obj.quorum_denominator}"

    @admin.display(description="tỷ lệ đồng ý")
    def approval(self, obj):
        return f"{obj.approval_numerator}/{obj.approval_denominator}"


@admin.register(LegalBasis)
class LegalBasisAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "date", "effective_from", "effective_to", "template_set"]
    search_fields = ["number", "name", "code"]


@admin.register(LegalText)
class LegalTextAdmin(admin.ModelAdmin):
    """The laws the documents cite by their date: a correction here (a title, an end of validity)
    applies to every document built afterwards."""

    list_display = ["code", "role", "number", "date", "effective_from", "effective_to", "cited_in_documents"]
    list_filter = ["role", "cited_in_documents"]
    search_fields = ["code", "number", "title", "citation"]
    autocomplete_fields = ["replaced_by"]


# ---------------------------------------------------------------- campaigns and rounds


class CampaignTargetInline(admin.TabularInline):
    model = CampaignTarget
    extra = 0
    fields = ("code", "year", "group", "label", "operator", "threshold", "source", "order")


class CampaignDocumentInline(admin.TabularInline):
    model = CampaignDocument
    extra = 0
    fields = ["order", "number", "date", "kind", "issuer", "title", "note"]


@admin.register(Campaign)
class CampaignAdmin(CompleteFieldsetsMixin, admin.ModelAdmin):
    list_display = ["name", "code", "issuer", "period_start", "period_end", "rounds_link", "data_file"]
    list_select_related = ["issuer"]
    search_fields = ["name", "code", "theme"]
    autocomplete_fields = ["issuer"]
    readonly_fields = ["rounds_link"]
    inlines = [CampaignDocumentInline, CampaignTargetInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "theme", "achievement_field", "issuer", "issuer_title", "period_start", "period_end", "summary"]}),
        ("Nguồn dữ liệu", {"fields": ["data_file", "seed_document", "rounds_link"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_round_count=Count("rounds"))

    @admin.display(description="các đợt")
    def rounds_link(self, obj):
        if obj.pk is None:
            return "—"
        count = getattr(obj, "_round_count", None)
        count = obj.rounds.count() if count is None else count
        return changelist_link("campaigns.round", f"{count} đợt", campaign__id__exact=obj.pk)


class RoundAwardFormInline(admin.StackedInline):
    model = RoundAwardForm
    extra = 0
    fields = [
        ("order", "code"),
        "name",
        "granted_by",
        ("for_collectives", "for_individuals"),
        ("dossier_copies", "copies_source"),
        ("vote_rule", "outcome"),
        "basis_clause",
        "source",
    ]


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    fields = ["order", "name", "organisation", "action", "deadline", "deadline_stated", "holds_council", "council_of",
              "dossier_minutes", "dossier_source", "source"]
    autocomplete_fields = ["organisation", "council_of"]


class EligibilityConditionInline(admin.TabularInline):
    model = EligibilityCondition
    extra = 0
    fields = ["order", "code", "label", "kind", "source"]


@admin.register(Round)
class RoundAdmin(CompleteFieldsetsMixin, admin.ModelAdmin):
    list_display = ["name", "campaign", "kind", "year", "legal_basis", "criteria_link", "quotas_link", "source"]
    list_filter = ["campaign", "kind", "year", "legal_basis"]
    list_select_related = ["campaign", "legal_basis"]
    search_fields = ["name", "code", "campaign__name", "campaign__code"]
    autocomplete_fields = ["cloned_from"]
    readonly_fields = ["criteria_link", "quotas_link"]
    inlines = [RoundAwardFormInline, StageInline, EligibilityConditionInline]
    fieldsets = [
        (None, {"fields": ["campaign", "code", "name", "kind", "year", "legal_basis", "source", "notes", "cloned_from"]}),
        ("Hồ sơ", {"fields": ["report_form", "report_form_source", "summary_report_required", "summary_report_source", "achievement_field",
                              "award_kind", "award_kind_source"]}),
        ("Đăng ký thi đua", {"fields": ["registration_required", "registration_deadline", "registration_source", "pledge_label"]}),
        ("Tiêu chí và số lượng", {"fields": ["criteria_link", "quotas_link"]}),
    ]

    def save_related(self, request, form, formsets, change):
        """After the round and its rows are saved: say which legal texts it cites out of force in its
        period (the check load_campaigns and clone_round refuse on)."""
        super().save_related(request, form, formsets, change)
        from campaigns.services.legal import round_legal_problems

        for problem in round_legal_problems(form.instance):
            messages.error(request, f"Đợt này chưa mở được: {problem}.")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_criteria_count=Count("criteria", distinct=True), _quota_count=Count("quota_rules", distinct=True))
        )

    @admin.display(description="tiêu chí", ordering="_criteria_count")
    def criteria_link(self, obj):
        if obj.pk is None:
            return "—"
        return changelist_link("criteria.criterion", f"{obj._criteria_count} tiêu chí", round__id__exact=obj.pk)

    @admin.display(description="số lượng khen thưởng", ordering="_quota_count")
    def quotas_link(self, obj):
        if obj.pk is None:
            return "—"
        return changelist_link("quotas.quotarule", f"{obj._quota_count} quy định", round__id__exact=obj.pk)


@admin.register(RoundAwardForm)
class RoundAwardFormAdmin(admin.ModelAdmin):
    list_display = ["name", "round", "granted_by", "for_collectives", "for_individuals", "dossier_copies", "vote_rule", "outcome", "source"]
    list_filter = ["round__campaign", ("round", RoundListFilter), "outcome"]
    list_select_related = ["round__campaign", "vote_rule"]
    search_fields = ["name", "code", "granted_by", "round__name", "round__campaign__name"]
    autocomplete_fields = ["round"]


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "round", "organisation", "action", "deadline", "deadline_stated", "holds_council", "source"]
    list_filter = ["round__campaign", ("round", RoundListFilter), "action"]
    list_select_related = ["round__campaign", "organisation"]
    search_fields = ["name", "source", "organisation__name"]
    autocomplete_fields = ["round", "organisation"]


@admin.register(EligibilityCondition)
class EligibilityConditionAdmin(admin.ModelAdmin):
    list_display = ["label", "round", "kind", "source"]
    list_filter = ["round__campaign", ("round", RoundListFilter), "kind"]
    list_select_related = ["round__campaign"]
    search_fields = ["label", "code", "source"]
    autocomplete_fields = ["round"]


# --- Accounts: one full-name field ---------------------------------------------------------------
#
# A Vietnamese name is written whole, family name first ("Trịnh Thị Mai"); Django's separate first
# and last name fields, shown as "Họ" and "Tên", put it back together reversed. The portal keeps
# the whole name in first_name (get_full_name() then gives it as written) and last_name empty.


class FullNameUserChangeForm(UserChangeForm):
    full_name = forms.CharField(
        label="Họ và tên", max_length=150, required=False,
        help_text="Viết đầy đủ theo thứ tự trên giấy tờ: họ, tên đệm, tên (ví dụ: Trịnh Thị Mai).",
        error_messages={"max_length": "Họ và tên không quá %(limit_value)d ký tự (đã nhập %(show_value)d)."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "full_name" not in self.initial:
            self.initial["full_name"] = self.instance.get_full_name()

    def clean_full_name(self):
        return " ".join(unicodedata.normalize("NFC", self.cleaned_data.get("full_name") or "").split())

    def save(self, commit=True):
        self.instance.first_name = self.cleaned_data.get("full_name", "")
        self.instance.last_name = ""
        return super().save(commit=commit)


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class FullNameUserAdmin(UserAdmin):
    form = FullNameUserChangeForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Thông tin cá nhân", {"fields": ("full_name", "email")}),
        ("Quyền", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Thời điểm", {"fields": ("last_login", "date_joined")}),
    )
    list_display = ("username", "full_name_display", "email", "is_staff", "is_active")
    search_fields = ("username", "first_name", "last_name", "email")

    @admin.display(description="Họ và tên", ordering="first_name")
    def full_name_display(self, user):
        return user.get_full_name()


@admin.register(RuleChange)
class RuleChangeAdmin(admin.ModelAdmin):
    """The log of changes to a round's rules after submissions: read only (the editor writes it)."""

    list_display = ("round", "version", "changed_at", "changed_by")
    list_filter = ("round__campaign",)
    readonly_fields = ("round", "version", "changed_at", "changed_by", "summary", "before", "after")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
