"""The IT centre's admin for the organisation. Every save goes through
`org.services`, so the admin checks the same permissions and writes the same audit
trail as the staff pages and the API."""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import admin, messages
from django.db.models import Model
from django.http import HttpRequest

from zhengtong.core.admin_base import ReadOnlyAdmin
from zhengtong.core.errors import DomainError

from . import services
from .models import Delegation, Membership, RoleAssignment, Unit, UnitGroup, UnitName, User
from .requests import staff_user

M = TypeVar("M", bound=Model)
T = TypeVar("T")


class ServiceAdmin(admin.ModelAdmin[M]):
    """Routes saves through an operation; a domain error becomes a message."""

    def _run(self, request: HttpRequest, func: Callable[[], T]) -> T | None:
        try:
            return func()
        except DomainError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            return None


class UnitNameInline(admin.TabularInline[UnitName, Unit]):
    model = UnitName
    extra = 0
    can_delete = False
    readonly_fields = ["name", "short_name", "valid_until"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Unit)
class UnitAdmin(ServiceAdmin[Unit]):
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

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = {
            f: form.cleaned_data[f]
            for f in form.changed_data
            if f in services.UNIT_FIELDS or f == "parent"
        }
        if change:
            original = Unit.objects.get(pk=obj.pk)
            self._run(request, lambda: services.update_unit(staff_user(request), original, **data))
        else:
            fields: dict[str, Any] = {
                f: form.cleaned_data[f]
                for f in self.fields or ()
                if isinstance(f, str)
                and f in form.cleaned_data
                and f not in ("parent", "merged_into")
            }
            unit = self._run(
                request,
                lambda: services.create_unit(
                    staff_user(request), parent=form.cleaned_data.get("parent"), **fields
                ),
            )
            if unit is not None:
                obj.pk = unit.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # units are deactivated or merged, never deleted


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0
    readonly_fields = ["unit", "is_primary", "position", "since"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class StaffAdmin(ServiceAdmin[User]):
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

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # accounts are deactivated, never deleted: history points at them

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = {f: form.cleaned_data[f] for f in form.changed_data if f in services.STAFF_FIELDS}
        original = User.objects.get(pk=obj.pk)
        self._run(request, lambda: services.update_staff(staff_user(request), original, **data))


class RoleAssignmentForm(forms.ModelForm[RoleAssignment]):
    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "unit"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("user") and data.get("role"):
            try:
                services.check_role_grant(data["user"], data["role"], data.get("unit"))
            except DomainError as exc:
                self.add_error(exc.field if exc.field in self.fields else None, str(exc.message))
        return data


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ServiceAdmin[RoleAssignment]):
    form = RoleAssignmentForm
    list_display = ["user", "role", "unit", "granted_at"]
    list_filter = ["role"]
    search_fields = ["user__real_name", "user__username", "unit__name"]
    autocomplete_fields = ["user", "unit"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        self._run(
            request,
            lambda: services.assign_role(
                staff_user(request), data["user"], data["role"], unit=data.get("unit")
            ),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._run(
            request,
            lambda: services.revoke_role(staff_user(request), obj.user, obj.role, unit=obj.unit),
        )


@admin.register(Delegation)
class DelegationAdmin(ReadOnlyAdmin, admin.ModelAdmin[Delegation]):
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
class UnitGroupAdmin(ServiceAdmin[UnitGroup]):
    list_display = ["name"]
    filter_horizontal = ["units"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        group = UnitGroup.objects.get(pk=obj.pk) if change else None
        saved = self._run(
            request,
            lambda: services.save_unit_group(
                staff_user(request), group, name=data["name"], units=data["units"]
            ),
        )
        if saved is not None:
            obj.pk = saved.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # the members are saved by services.save_unit_group
