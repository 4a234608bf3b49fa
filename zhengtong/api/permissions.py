"""Who may use the API: signed-in staff whose account is in order.

The pages' account policy (`org.middleware.AccountPolicyMiddleware`) leaves /api/ alone,
so the API applies the same policy itself: no access until a forced password change is
done, and a browser session of someone who needs two-factor sign-in must have passed
it. A token is only handed out after the second factor (`views.ObtainToken`).
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from zhengtong.org.middleware import needs_second_factor


class PasswordChangeRequired(exceptions.PermissionDenied):
    default_detail = _("Change your password on the staff site first.")
    default_code = "password_change_required"


class SecondFactorRequired(exceptions.PermissionDenied):
    default_detail = _("Complete two-factor sign-in first.")
    default_code = "otp_required"


class LockedOut(exceptions.APIException):
    status_code = 429
    default_detail = _(
        "Too many failed sign-in attempts. Try again later, or ask your unit administrator "
        "or the IT centre to unlock the account."
    )
    default_code = "locked_out"


class StaffAccountPolicy(IsAuthenticated):
    def has_permission(self, request: Request, view: APIView) -> bool:
        if not super().has_permission(request, view):
            return False
        user = request.user
        if getattr(user, "must_change_password", False):
            raise PasswordChangeRequired()
        if isinstance(request.successful_authenticator, TokenAuthentication):
            return True  # tokens are issued only after the second factor
        required, has_device = needs_second_factor(user)
        if (required or has_device) and not _is_verified(user):
            raise SecondFactorRequired()
        return True


def _is_verified(user: Any) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified()) if callable(is_verified) else False
