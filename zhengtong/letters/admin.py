"""The letters' settings in /admin/ (the IT centre): mailboxes, deadlines per mailbox
and category, the out-of-scope reasons and the standard replies. Letters themselves
are not here: they carry personal data and change only through the operations."""

from django.contrib import admin

from zhengtong.core import audit
from zhengtong.org import permissions

from .models import DeadlinePolicy, DeclineReason, Mailbox, StandardReply


def _may_manage(request):
    return bool(permissions.may(request.user, "letters.manage_settings"))


class AuditedAdmin(admin.ModelAdmin):
    """Settings kept by the IT centre (rule letters.manage_settings); every change is
    written to the audit trail."""

    def has_module_permission(self, request):
        return _may_manage(request)

    def has_view_permission(self, request, obj=None):
        return _may_manage(request)

    def has_add_permission(self, request, obj=None):
        return _may_manage(request)

    def has_change_permission(self, request, obj=None):
        return _may_manage(request)

    def has_delete_permission(self, request, obj=None):
        return _may_manage(request)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(
            request.user,
            f"letters.{obj._meta.model_name}.{'change' if change else 'add'}",
            obj,
            changes={name: [None, form.cleaned_data.get(name)] for name in form.changed_data},
        )

    def delete_model(self, request, obj):
        audit.record(request.user, f"letters.{obj._meta.model_name}.delete", obj)
        super().delete_model(request, obj)


class DeadlinePolicyInline(admin.TabularInline):
    model = DeadlinePolicy
    extra = 0

    def has_view_permission(self, request, obj=None):
        return _may_manage(request)

    def has_add_permission(self, request, obj=None):
        return _may_manage(request)

    def has_change_permission(self, request, obj=None):
        return _may_manage(request)

    def has_delete_permission(self, request, obj=None):
        return _may_manage(request)


@admin.register(Mailbox)
class MailboxAdmin(AuditedAdmin):
    list_display = ["name", "kind", "owner_unit", "office_unit", "is_active", "sort_order"]
    list_filter = ["kind", "is_active"]
    autocomplete_fields = ["owner_unit", "office_unit"]
    inlines = [DeadlinePolicyInline]


@admin.register(DeclineReason)
class DeclineReasonAdmin(AuditedAdmin):
    list_display = ["text", "is_active", "sort_order"]
    list_editable = ["is_active", "sort_order"]


@admin.register(StandardReply)
class StandardReplyAdmin(AuditedAdmin):
    list_display = ["title", "category", "sort_order"]
    list_filter = ["category"]
