"""Read-only views of generated documents and the number register (staff can look, not edit:
numbers and files come only from the services)."""
from django.contrib import admin

from dossiers.models import DocumentNumber, GeneratedDocument


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(ReadOnly):
    list_display = ("title", "format", "version", "number", "issued_on", "status", "is_stale", "is_latest", "verification_code", "builds")
    # A document per nomination and stage: no COUNT(*) of the whole table on every page; the
    # default order (round, identity, format, -version) is an index.
    show_full_result_count = False
    list_filter = ("kind", "format", "status", "is_stale", "is_latest", "round")
    search_fields = ("title", "number", "verification_code", "identity")
    exclude = ("file",)  # downloads go through the permission-checking view


@admin.register(DocumentNumber)
class DocumentNumberAdmin(ReadOnly):
    list_display = ("text", "organisation", "doc_type", "year", "value", "identity", "allocated_at")
    list_select_related = ("organisation",)
    show_full_result_count = False
    list_filter = ("doc_type", "year")
    search_fields = ("text", "identity")
