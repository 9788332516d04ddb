"""Admin of the background exports, read-only: staff can see who asked for which list, how far it got
and why it failed; jobs and files are written by the export task and deleted by the daily cleanup
(reports.tasks.task_delete_old_exports), never here. The file itself is downloaded through the
portal's permission-checking page, not from the admin."""
from django.contrib import admin

from campaigns.admin import RoundListFilter
from reports.exporters import AwardListExporter
from reports.models import ExportJob

# A job's `kind` is its exporter's identifier: shown by the exporter's Vietnamese name.
KIND_NAMES = {exporter.identifier: exporter.verbose_name for exporter in (AwardListExporter,)}


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind_name", "round", "requested_by", "status", "rows", "filename", "created_at", "finished_at")
    list_display_links = ("id", "kind_name")
    list_filter = ("status", ("round", RoundListFilter), "created_at")
    list_select_related = ("round__campaign", "requested_by")
    show_full_result_count = False
    search_fields = ("filename", "requested_by__username", "requested_by__last_name", "error")
    date_hierarchy = "created_at"
    exclude = ("file",)  # downloads go through the permission-checking view
    readonly_fields = ("kind_name", "rows")

    @admin.display(description="loại", ordering="kind")
    def kind_name(self, job):
        return KIND_NAMES.get(job.kind, job.kind)

    @admin.display(description="số dòng đã ghi / tổng số")
    def rows(self, job):
        return f"{job.progress:,} / {job.total:,}".replace(",", ".")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the cleanup task deletes a job with its file; a row deleted here would orphan the file
