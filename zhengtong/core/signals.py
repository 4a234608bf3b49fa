"""Audit of sign-in events: login, logout and failed login.

Recorded from django.contrib.auth's signals, so every way of signing in (the login
page, the admin, the API's session login) is covered. A failed login records the
user name that was tried, never the password.
"""

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest

from . import audit
from .clientaddr import client_ip

logger = logging.getLogger(__name__)


def _ip(request: HttpRequest | None) -> str | None:
    return client_ip(request) if request is not None else None


def _primary_unit(user: Any) -> Any:
    try:
        return user.primary_unit if user is not None and user.pk else None
    except AttributeError:
        return None


@receiver(user_logged_in, dispatch_uid="zt_audit_login")
def audit_login(
    sender: type[Any], request: HttpRequest | None = None, user: Any = None, **kwargs: Any
) -> None:
    with transaction.atomic():
        audit.record(user, "auth.login", user, unit=_primary_unit(user), ip=_ip(request))


@receiver(user_logged_out, dispatch_uid="zt_audit_logout")
def audit_logout(
    sender: type[Any], request: HttpRequest | None = None, user: Any = None, **kwargs: Any
) -> None:
    if user is None or not getattr(user, "pk", None):
        return  # nobody was signed in
    with transaction.atomic():
        audit.record(user, "auth.logout", user, unit=_primary_unit(user), ip=_ip(request))


@receiver(user_login_failed, dispatch_uid="zt_audit_login_failed")
def audit_login_failed(
    sender: str,
    credentials: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    credentials = credentials or {}
    User = get_user_model()
    username = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")[:150]
    user = User.objects.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    with transaction.atomic():
        audit.record(
            None,
            "auth.login_failed",
            user,
            unit=_primary_unit(user),
            ip=_ip(request),
            object_type=None if user else User._meta.label_lower,
            object_repr=None if user else username,
            changes={"username": username},
        )
