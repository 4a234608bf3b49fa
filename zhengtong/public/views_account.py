"""The personal centre (个人中心) at /grzx/: register, sign in and out, reset and
change the password, edit the profile, and the list of the user's items.

Every page with a form sends Cache-Control: private, no-store (never_cache); the
sign-in of a public user is independent of the staff sign-in (session.py)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from zhengtong.core.errors import DomainError
from zhengtong.core.masking import mask_citizen_id, mask_mobile, mask_name
from zhengtong.core.web import form_error, safe_next

from . import registry, services, session
from .forms_account import (
    ChangePasswordForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    SignInForm,
)
from .session import current_public_user, public_login_required, signed_in_public_user
from .throttle import REGISTER_PER_IP_HOUR, Throttled, hit, ip_key
from .views import send_code_if_asked, throttled_response

CENTRE = "/grzx/"


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context.setdefault("public_user", current_public_user(request))
    return render(request, template, context, status=status)


def _status(form: forms.BaseForm) -> int:
    if getattr(form, "throttled", False):
        return 429
    # form._errors is None when the form was re-rendered without validation.
    return 400 if form.is_bound and getattr(form, "_errors", None) else 200


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """注册: mobile + SMS code + password; citizens or businesses."""
    if current_public_user(request):
        return redirect(CENTRE)
    form = RegisterForm(request.POST or None, request=request)
    if request.method == "POST":
        # A code is sent to any number, registered or not: whether a number has an
        # account is said only once the captcha and the SMS code pass (RegisterForm).
        if send_code_if_asked(request, form):
            pass
        elif form.is_valid():
            if form.is_spam():  # the honeypot was filled in: pretend, keep nothing
                return redirect(CENTRE)
            data = form.cleaned_data
            try:
                limit, window = REGISTER_PER_IP_HOUR
                hit("register:ip", ip_key(request), limit=limit, window_seconds=window)
                user = services.register_public_user(
                    mobile=data["mobile"],
                    password=data["password1"],
                    kind=data["kind"],
                    real_name=data["real_name"],
                    id_number=data["id_number"],
                    company_name=data["company_name"],
                    credit_code=data["credit_code"],
                )
            except Throttled as exc:
                return throttled_response(request, exc)
            except DomainError as exc:
                form_error(form, exc)
            else:
                session.sign_in(request, user)
                messages.success(request, _("Your account is ready. You are signed in."))
                return redirect(CENTRE)
    return _page(
        request,
        "public/register.html",
        {"form": form, "title": pgettext("public account", "Register")},
        status=_status(form),
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """登录: mobile + password + picture."""
    form = SignInForm(request.POST or None, request=request)
    if request.method == "POST" and not send_code_if_asked(request, form):
        if form.is_valid():
            if form.is_spam():
                return redirect(CENTRE)
            try:
                user = services.sign_in_public_user(
                    mobile=form.cleaned_data["mobile"],
                    password=form.cleaned_data["password"],
                    ip_key=ip_key(request),
                )
            except Throttled as exc:
                return throttled_response(request, exc)
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                session.sign_in(request, user)
                return redirect(safe_next(request, CENTRE))
    return _page(
        request,
        "public/sign_in.html",
        {"form": form, "title": _("Sign in"), "next": safe_next(request, "")},
        status=_status(form),
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    """退出: POST signs out; GET shows the button (works without JavaScript)."""
    if request.method == "POST":
        session.sign_out(request)
        messages.info(request, _("You are signed out."))
        return redirect(CENTRE + "dl/")
    return _page(request, "public/sign_out.html", {"title": _("Sign out")})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def reset_password(request: HttpRequest) -> HttpResponse:
    """找回密码: a code to the account's mobile number, then a new password."""
    form = ResetPasswordForm(request.POST or None, request=request)
    if request.method == "POST" and not send_code_if_asked(request, form):
        if form.is_valid():
            if form.is_spam():
                return redirect(CENTRE + "dl/")
            try:
                services.reset_public_password(
                    mobile=form.cleaned_data["mobile"],
                    new_password=form.cleaned_data["new_password1"],
                )
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("Your password was changed. Sign in with it."))
                return redirect(CENTRE + "dl/")
    return _page(
        request,
        "public/reset_password.html",
        {"form": form, "title": _("Forgotten password")},
        status=_status(form),
    )


@never_cache
@public_login_required
@require_http_methods(["GET", "HEAD", "POST"])
def change_password(request: HttpRequest) -> HttpResponse:
    """修改密码."""
    user = signed_in_public_user(request)
    form = ChangePasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.change_public_password(
                user, form.cleaned_data["old_password"], form.cleaned_data["new_password1"]
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            session.refresh(request, user)
            messages.success(request, _("Your password was changed."))
            return redirect(CENTRE)
    return _page(
        request,
        "public/form_page.html",
        {"form": form, "title": _("Change password"), "submit": _("Change the password")},
        status=_status(form),
    )


@never_cache
@public_login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """资料: real name, ID number, business details (the mobile number stays)."""
    user = signed_in_public_user(request)
    initial = {
        "real_name": user.real_name,
        "id_number": user.id_number,
        "company_name": user.company_name,
        "credit_code": user.credit_code,
    }
    form = ProfileForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_public_profile(
                user,
                real_name=data.get("real_name", ""),
                id_number=data.get("id_number", ""),
                company_name=data.get("company_name", ""),
                credit_code=data.get("credit_code", ""),
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Your details were saved."))
            return redirect(CENTRE)
    return _page(
        request,
        "public/form_page.html",
        {"form": form, "title": _("My details"), "submit": _("Save")},
        status=_status(form),
    )


@never_cache
@public_login_required
@require_http_methods(["GET", "HEAD"])
def centre(request: HttpRequest) -> HttpResponse:
    """个人中心: the account (masked) and every subsystem's items for this user."""
    user = signed_in_public_user(request)
    details = [
        (_("Mobile number"), mask_mobile(user.mobile)),
        (_("Kind"), user.get_kind_display()),
    ]
    if user.real_name:
        details.append((_("Real name"), mask_name(user.real_name)))
    if user.id_number:
        details.append((_("Citizen ID number"), mask_citizen_id(user.id_number)))
    if user.company_name:
        details.append((_("Business name"), user.company_name))
        details.append((_("Unified social credit code"), user.credit_code))
    return _page(
        request,
        "public/centre.html",
        {
            "title": _("My account"),
            "is_centre": True,
            "details": details,
            "my_sections": registry.sections_for(user),
        },
    )
