"""Admin registrations: attachments, read-only (files come in through
`core.attachments.store_upload` only)."""

from django.contrib import admin

from .admin_base import ReadOnlyAdmin
from .models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin, admin.ModelAdmin[Attachment]):
    list_display = [
        "original_name",
        "extension",
        "size",
        "scan_status",
        "uploaded_by",
        "unit",
        "contains_personal_data",
        "created_at",
    ]
    list_filter = ["extension", "scan_status", "contains_personal_data", "created_at"]
    search_fields = ["original_name", "sha256"]
    date_hierarchy = "created_at"
    list_select_related = ["uploaded_by", "unit"]
    readonly_fields = [
        "file",
        "original_name",
        "extension",
        "content_type",
        "size",
        "sha256",
        "scan_status",
        "uploaded_by",
        "unit",
        "owner_type",
        "owner_id",
        "contains_personal_data",
        "created_at",
    ]
