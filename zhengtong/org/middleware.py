"""Account policy on every staff request: a forced password change on first sign-in
(and after a reset), and two-factor verification for the administrator roles (and
for anyone who has set up an authenticator)."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from .models import TWO_FACTOR_ROLES

EXEMPT_PREFIXES = ("/static/", "/media/", "/i18n/", "/healthz", "/readyz", "/api/")


def needs_second_factor(user: Any) -> tuple[bool, bool]:
    from django_otp import devices_for_user

    if getattr(user, "_zt_needs_2fa", None) is None:
        required = user.role_assignments.filter(role__in=TWO_FACTOR_ROLES).exists()
        has_device = any(True for _d in devices_for_user(user, confirmed=True))
        user._zt_needs_2fa = (required, has_device)
    answer: tuple[bool, bool] = user._zt_needs_2fa
    return answer


class AccountPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        path = request.path
        if user is not None and user.is_authenticated and not path.startswith(EXEMPT_PREFIXES):
            target = self._redirect_for(request, user, path)
            if target and path != target:
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def _redirect_for(self, request: HttpRequest, user: Any, path: str) -> str | None:
        allowed = {reverse("org:logout")}
        if getattr(user, "must_change_password", False):
            target = reverse("org:password_change")
            return None if path in allowed else target
        required, has_device = needs_second_factor(user)
        if (required or has_device) and not user.is_verified():
            target = reverse("org:otp_verify") if has_device else reverse("org:otp_setup")
            return None if path in allowed else target
        return None
