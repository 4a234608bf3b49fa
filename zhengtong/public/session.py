"""The public user's sign-in, kept in the session under its own keys: independent of
the staff sign-in (a staff member signed in at /oa/ is not a public user, and signing
a public user out leaves a staff sign-in alone)."""

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import PublicUser

SESSION_KEY = "_zt_public_user_id"
HASH_KEY = "_zt_public_user_hash"
SIGN_IN_PATH = "/grzx/dl/"


def _password_hash(user: PublicUser) -> str:
    # Changing the password ends every other sign-in of the account.
    return salted_hmac("zhengtong.public.session", user.password, algorithm="sha256").hexdigest()


def current_public_user(request: HttpRequest) -> PublicUser | None:
    """The signed-in, active public user of this request, or None."""
    # The answer is kept on the request (an attribute of ours, hence getattr/setattr).
    if hasattr(request, "_zt_public_user"):
        cached: PublicUser | None = getattr(request, "_zt_public_user")  # noqa: B009
        return cached
    user = None
    session = getattr(request, "session", None)
    pk = session.get(SESSION_KEY) if session is not None else None
    if session is not None and pk is not None:
        user = PublicUser.objects.filter(pk=pk, is_active=True).first()
        if user is not None and not constant_time_compare(
            session.get(HASH_KEY, ""), _password_hash(user)
        ):
            user = None
        if user is None:
            session.pop(SESSION_KEY, None)
            session.pop(HASH_KEY, None)
    setattr(request, "_zt_public_user", user)  # noqa: B010
    return user


def signed_in_public_user(request: HttpRequest) -> PublicUser:
    """The public user of a page behind `public_login_required` (PermissionDenied when
    there is none, which that decorator never lets happen)."""
    user = current_public_user(request)
    if user is None:
        raise PermissionDenied
    return user


def sign_in(request: HttpRequest, user: PublicUser) -> None:
    """Remember `user` in the session under a new session key (no fixation)."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = user.pk
    request.session[HASH_KEY] = _password_hash(user)
    setattr(request, "_zt_public_user", user)  # noqa: B010


def refresh(request: HttpRequest, user: PublicUser) -> None:
    """Keep the sign-in after the user changed their own password."""
    if request.session.get(SESSION_KEY) == user.pk:
        request.session[HASH_KEY] = _password_hash(user)
        setattr(request, "_zt_public_user", user)  # noqa: B010


def sign_out(request: HttpRequest) -> None:
    """Forget the public user (a staff sign-in in the same session stays)."""
    request.session.pop(SESSION_KEY, None)
    request.session.pop(HASH_KEY, None)
    request.session.cycle_key()
    setattr(request, "_zt_public_user", None)  # noqa: B010


def public_login_required(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Send visitors who are not signed in as public users to /grzx/dl/?next=…"""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if current_public_user(request) is None:
            return redirect(f"{SIGN_IN_PATH}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper
