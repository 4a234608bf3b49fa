"""Sign-in, account and directory pages for staff."""

import base64
from collections.abc import Iterable
from io import BytesIO
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhengtong.core.errors import DomainError, NotPermitted
from zhengtong.core.masking import mask_mobile
from zhengtong.core.web import form_error, safe_next

from . import permissions, services
from .forms import (
    DelegationForm,
    LoginForm,
    MoveStaffForm,
    OtpForm,
    PasswordChangeForm,
    PasswordResetForm,
    PreferencesForm,
    StaffCreateForm,
    StaffDetailsForm,
    StaffImportForm,
)
from .models import Delegation, Membership, RoleAssignment, Unit, UnitKind, User
from .requests import StaffRequest


class LoginView(auth_views.LoginView):
    template_name = "org/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Django puts the host name in `site_name`; the page shows the county's name
        # from the context processor instead.
        context.pop("site_name", None)
        context.pop("site", None)
        return context


class LogoutView(auth_views.LogoutView):
    pass


@login_required
def password_change(request: StaffRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_password(request.user, request.user, form.cleaned_data["new_password"])
        except DomainError as exc:
            if exc.field == "password":  # the policy's message belongs by the new password
                exc.field = "new_password"
            form_error(form, exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect(safe_next(request, reverse("core:workspace")))
    return render(
        request,
        "org/password_change.html",
        {"form": form, "forced": request.user.must_change_password},
    )


def _qr_svg(uri: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def otp_setup(request: StaffRequest) -> HttpResponse:
    """Set up an authenticator app (TOTP): scan the code, confirm with one token."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=request.user, name=_("Authenticator app"), confirmed=False
        )
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            from zhengtong.core import audit

            audit.record(
                request.user, "auth.otp.enrol", request.user, unit=request.user.primary_unit
            )
            messages.success(request, _("Two-factor sign-in is set up."))
            return redirect(safe_next(request, reverse("core:workspace")))
        form.add_error(
            "token", _("This code is not right; check the time on your phone and try again.")
        )
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "org/otp_setup.html",
        {
            "form": form,
            "qr": _qr_svg(device.config_url),
            "secret": secret,
        },
    )


@login_required
def otp_verify(request: StaffRequest) -> HttpResponse:
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(safe_next(request, reverse("core:workspace")))
        from zhengtong.core import audit

        audit.record(request.user, "auth.otp.failed", request.user, unit=request.user.primary_unit)
        form.add_error("token", _("This code is not right."))
    return render(request, "org/otp_verify.html", {"form": form})


@login_required
def account(request: StaffRequest) -> HttpResponse:
    user = request.user
    prefs = PreferencesForm(
        request.POST if request.POST.get("form") == "prefs" else None, instance=user
    )
    delegation_form = DelegationForm(
        user, request.POST if request.POST.get("form") == "delegate" else None
    )
    if request.method == "POST" and request.POST.get("form") == "prefs" and prefs.is_valid():
        services.update_own_preferences(user, **prefs.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("org:account")
    if (
        request.method == "POST"
        and request.POST.get("form") == "delegate"
        and delegation_form.is_valid()
    ):
        data = delegation_form.cleaned_data
        try:
            services.delegate(
                user,
                delegator=user,
                delegate_to=data["delegate"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                reason=data["reason"],
            )
        except DomainError as exc:
            form_error(delegation_form, exc)
        else:
            messages.success(request, _("Your work is handed over for that period."))
            return redirect("org:account")
    return render(
        request,
        "org/account.html",
        {
            "prefs": prefs,
            "delegation_form": delegation_form,
            "memberships": Membership.objects.filter(user=user).select_related("unit"),
            "roles": RoleAssignment.objects.filter(user=user).select_related("unit"),
            "given": Delegation.objects.filter(delegator=user).select_related("delegate")[:20],
            "now": timezone.now(),
            "received": Delegation.objects.active()
            .filter(delegate=user)
            .select_related("delegator"),
            "has_otp": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        },
    )


@login_required
@require_POST
def delegation_revoke(request: StaffRequest, pk: int) -> HttpResponse:
    delegation = get_object_or_404(Delegation, pk=pk)
    try:
        services.revoke_delegation(request.user, delegation)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The delegation has ended."))
    return redirect("org:account")


@login_required
def directory(request: StaffRequest) -> HttpResponse:
    """The unit tree with member counts, searchable by name."""
    query = (request.GET.get("q") or "").strip()
    units = Unit.objects.filter(is_active=True).annotate(
        member_count=Count("memberships", distinct=True)
    )
    people: Iterable[User] = []
    if query:
        units = units.filter(Q(name__icontains=query) | Q(short_name__icontains=query))
        people = (
            User.objects.filter(is_active=True)
            .filter(Q(real_name__icontains=query) | Q(position__icontains=query))
            .prefetch_related(
                Prefetch("memberships", queryset=Membership.objects.select_related("unit"))
            )[:50]
        )
    groups = [
        (kind, label, [u for u in units if u.kind == kind]) for kind, label in UnitKind.choices
    ]
    return render(
        request,
        "org/directory.html",
        {
            "can_manage": bool(permissions.may(request.user, "org.open_staff_pages")),
            "groups": [g for g in groups if g[2]],
            "query": query,
            "people": people,
        },
    )


@login_required
def unit_detail(request: StaffRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=pk)
    members = (
        Membership.objects.filter(unit=unit, user__is_active=True)
        .select_related("user")
        .prefetch_related("user__units")
        .order_by("-is_primary", "user__real_name")
    )
    # Whole mobile numbers by the same rule as the API: the unit's own members, other
    # colleagues of a shared unit and the IT centre; masked for everyone else.
    whole = permissions.is_member(request.user, unit)
    rows = [
        {
            "user": m.user,
            "position": m.position or m.user.position,
            "mobile": m.user.mobile
            if whole or permissions.may(request.user, "org.view_staff_contact", m.user)
            else mask_mobile(m.user.mobile),
        }
        for m in members
    ]
    return render(
        request,
        "org/unit_detail.html",
        {
            "unit": unit,
            "rows": rows,
            "can_manage": bool(permissions.may(request.user, "org.manage_staff", None, unit=unit)),
            "children": unit.children.filter(is_active=True),
            "former_names": unit.names.all(),
        },
    )


@login_required
def staff_import(request: StaffRequest) -> HttpResponse:
    """The IT centre (or a unit administrator, for their own unit) adds staff in bulk."""
    permissions.require(request.user, "org.open_staff_pages")
    form = StaffImportForm(request.POST or None, request.FILES or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = services.import_staff(request.user, form.cleaned_data["file"])
        except NotPermitted:
            form.add_error("file", _("The file adds staff to a unit you do not administer."))
        except DomainError as exc:
            for line in str(exc.message).split("\n"):
                form.add_error("file", line)
        else:
            messages.success(request, _("%(count)d staff added.") % {"count": len(created)})
    return render(request, "org/staff_import.html", {"form": form, "created": created})


@login_required
def staff_new(request: StaffRequest) -> HttpResponse:
    """Add one staff member (the IT centre anywhere, a unit administrator in their unit)."""
    permissions.require(request.user, "org.open_staff_pages")
    form = StaffCreateForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.create_staff(
                request.user,
                unit=data["unit"],
                username=data["username"],
                real_name=data["real_name"],
                position=data["position"],
                mobile=data["mobile"],
                email=data["email"],
                roles=data["roles"],
                password=data["password"] or None,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("%(name)s has been added.") % {"name": person.real_name})
            return redirect("org:staff_manage", pk=person.pk)
    return render(request, "org/staff_new.html", {"form": form})


@login_required
def staff_manage(request: StaffRequest, pk: int) -> HttpResponse:
    """One person's account for whoever manages their unit: details, password reset,
    move to another unit. Each form calls its own operation."""
    person = get_object_or_404(User, pk=pk)
    permissions.require(request.user, "org.manage_staff", person, unit=person.primary_unit)
    action = request.POST.get("form") if request.method == "POST" else None
    details = StaffDetailsForm(
        request.POST if action == "details" else None,
        initial={
            "real_name": person.real_name,
            "position": person.position,
            "mobile": person.mobile,
            "email": person.email,
            "is_active": person.is_active,
        },
        prefix="details",
    )
    reset = PasswordResetForm(request.POST if action == "password" else None, prefix="password")
    move = MoveStaffForm(request.user, request.POST if action == "move" else None, prefix="move")
    forms_by_action: dict[str, forms.Form] = {"details": details, "password": reset, "move": move}
    bound = forms_by_action.get(action or "")
    if bound is not None and bound.is_valid():
        data = bound.cleaned_data
        try:
            if action == "details":
                services.update_staff(request.user, person, **data)
                done = _("Saved.")
            elif action == "password":
                services.set_password(request.user, person, data["new_password"], must_change=True)
                done = _("The password is reset; the person must change it at next sign-in.")
            else:
                services.move_staff(
                    request.user,
                    person,
                    data["unit"],
                    keep_old=data["keep_old"],
                    position=data["position"] or None,
                )
                done = _("Moved to %(unit)s.") % {"unit": data["unit"].name}
        except DomainError as exc:
            form_error(bound, exc)
        else:
            messages.success(request, done)
            return redirect("org:staff_manage", pk=person.pk)
    return render(
        request,
        "org/staff_manage.html",
        {
            "person": person,
            "details": details,
            "reset": reset,
            "move": move,
            "memberships": person.memberships.select_related("unit"),
            "roles": person.role_assignments.select_related("unit"),
        },
    )
