"""The IT centre's admin for the organisation. Every save goes through
`org.services`, so the admin checks the same permissions and writes the same audit
trail as the staff pages and the API."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from zhengtong.core.admin_base import ReadOnlyAdmin
from zhengtong.core.errors import DomainError

from . import services
from .models import Delegation, Membership, RoleAssignment, Unit, UnitGroup, UnitName, User


class ServiceAdmin(admin.ModelAdmin):
    """Routes saves through an operation; a domain error becomes a message."""

    def _run(self, request: HttpRequest, func):
        try:
            return func()
        except DomainError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            return None


class UnitNameInline(admin.TabularInline):
    model = UnitName
    extra = 0
    can_delete = False
    readonly_fields = ["name", "short_name", "valid_until"]

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Unit)
class UnitAdmin(ServiceAdmin):
    list_display = ["name", "short_name", "kind", "parent", "doc_prefix", "code", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "code", "doc_prefix"]
    readonly_fields = ["merged_into"]
    inlines = [UnitNameInline]
    fields = [
        "parent",
        "kind",
        "name",
        "short_name",
        "code",
        "doc_prefix",
        "phone",
        "email",
        "address",
        "postcode",
        "duties",
        "sort_order",
        "is_active",
        "merged_into",
    ]

    def save_model(self, request: HttpRequest, obj, form, change) -> None:
        data = {
            f: form.cleaned_data[f]
            for f in form.changed_data
            if f in services.UNIT_FIELDS or f == "parent"
        }
        if change:
            original = Unit.objects.get(pk=obj.pk)
            self._run(request, lambda: services.update_unit(request.user, original, **data))
        else:
            fields = {
                f: form.cleaned_data[f]
                for f in self.fields
                if f in form.cleaned_data and f not in ("parent", "merged_into")
            }
            unit = self._run(
                request,
                lambda: services.create_unit(
                    request.user, parent=form.cleaned_data.get("parent"), **fields
                ),
            )
            if unit is not None:
                obj.pk = unit.pk

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # units are deactivated or merged, never deleted


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    readonly_fields = ["unit", "is_primary", "position", "since"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(User)
class StaffAdmin(ServiceAdmin):
    list_display = ["username", "real_name", "position", "primary_unit", "is_active", "last_login"]
    list_filter = ["is_active", "role_assignments__role"]
    search_fields = ["username", "real_name", "position"]
    fields = [
        "username",
        "real_name",
        "position",
        "mobile",
        "email",
        "is_active",
        "must_change_password",
        "last_login",
        "date_joined",
    ]
    readonly_fields = ["username", "must_change_password", "last_login", "date_joined"]
    inlines = [MembershipInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # staff are added on the staff pages or by import, with a unit

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # accounts are deactivated, never deleted: history points at them

    def save_model(self, request: HttpRequest, obj, form, change) -> None:
        data = {f: form.cleaned_data[f] for f in form.changed_data if f in services.STAFF_FIELDS}
        original = User.objects.get(pk=obj.pk)
        self._run(request, lambda: services.update_staff(request.user, original, **data))


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "unit"]

    def clean(self):
        data = super().clean()
        if data.get("user") and data.get("role"):
            try:
                services.check_role_grant(data["user"], data["role"], data.get("unit"))
            except DomainError as exc:
                self.add_error(exc.field if exc.field in self.fields else None, str(exc.message))
        return data


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ServiceAdmin):
    form = RoleAssignmentForm
    list_display = ["user", "role", "unit", "granted_at"]
    list_filter = ["role"]
    search_fields = ["user__real_name", "user__username", "unit__name"]
    autocomplete_fields = ["user", "unit"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj, form, change) -> None:
        data = form.cleaned_data
        self._run(
            request,
            lambda: services.assign_role(
                request.user, data["user"], data["role"], unit=data.get("unit")
            ),
        )

    def delete_model(self, request: HttpRequest, obj) -> None:
        self._run(
            request, lambda: services.revoke_role(request.user, obj.user, obj.role, unit=obj.unit)
        )


@admin.register(Delegation)
class DelegationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["delegator", "delegate", "starts_at", "ends_at", "revoked_at"]
    readonly_fields = [
        "delegator",
        "delegate",
        "starts_at",
        "ends_at",
        "reason",
        "revoked_at",
        "created_at",
    ]


@admin.register(UnitGroup)
class UnitGroupAdmin(ServiceAdmin):
    list_display = ["name"]
    filter_horizontal = ["units"]

    def save_model(self, request: HttpRequest, obj, form, change) -> None:
        data = form.cleaned_data
        group = UnitGroup.objects.get(pk=obj.pk) if change else None
        saved = self._run(
            request,
            lambda: services.save_unit_group(
                request.user, group, name=data["name"], units=data["units"]
            ),
        )
        if saved is not None:
            obj.pk = saved.pk

    def save_related(self, request: HttpRequest, form, formsets, change) -> None:
        pass  # the members are saved by services.save_unit_group
