"""Admin registrations: the audit trail, read-only. Nobody adds, changes or deletes
audit records through the admin (purging old records is `audit.purge_queryset`)."""

from django.contrib import admin

from .admin_base import ReadOnlyAdmin
from .models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin, admin.ModelAdmin[AuditRecord]):
    list_display = [
        "seq",
        "at",
        "actor_name",
        "on_behalf_of_name",
        "unit",
        "ip",
        "action",
        "object_type",
        "object_repr",
    ]
    list_filter = ["action", "object_type", "at"]
    search_fields = ["actor_name", "action", "object_type", "object_id", "object_repr"]
    date_hierarchy = "at"
    list_select_related = ["unit"]
    ordering = ["-seq"]
    actions = None
    readonly_fields = [
        "seq",
        "at",
        "actor",
        "actor_name",
        "on_behalf_of",
        "on_behalf_of_name",
        "unit",
        "ip",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "changes",
        "algorithm",
        "prev_hash",
        "hash",
    ]
