"""Admin of the mail outbox, read-only."""
from django.contrib import admin

from nominations.models import OutboxMail


@admin.register(OutboxMail)
class OutboxMailAdmin(admin.ModelAdmin):
    """Read-only: the outbox is written by the actions and emptied by nominations.outbox."""

    list_display = ("id", "subject", "status", "attempts", "created_at", "next_attempt_at", "sent_at")
    list_filter = ("status", "created_at")
    search_fields = ("subject", "last_error")
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in OutboxMail._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
