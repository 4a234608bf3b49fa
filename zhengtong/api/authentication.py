"""API tokens that expire.

DRF's tokens live until deleted; a token copied into another system's configuration
(the 12345 hotline, the provincial platform) would then work for ever. Here a token is
valid for API_TOKEN_DAYS after it was issued; after that it is refused with 401 and the
client asks for a new one at /api/v1/auth/token/ (which replaces the expired token).
A token issued before the password was last changed or reset is refused the same way
(revoked, as the person's sessions are).
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def token_lifetime() -> timedelta:
    return timedelta(days=settings.API_TOKEN_DAYS)


def expires_at(token: Token) -> datetime:
    created: datetime = token.created
    return created + token_lifetime()


def has_expired(token: Token, now: datetime | None = None) -> bool:
    return (now or timezone.now()) >= expires_at(token)


def predates_password(token: Token) -> bool:
    """True when the password was changed or reset after the token was issued: the
    token is revoked, as the person's sessions are."""
    changed: datetime | None = getattr(token.user, "password_changed_at", None)
    created: datetime = token.created
    return changed is not None and created <= changed


def is_usable(token: Token) -> bool:
    return not has_expired(token) and not predates_password(token)


class TokenExpired(exceptions.AuthenticationFailed):
    default_detail = _("The token has expired. Ask for a new one at /api/v1/auth/token/.")
    default_code = "token_expired"


class TokenRevoked(exceptions.AuthenticationFailed):
    default_detail = _(
        "The password was changed after this token was issued. Ask for a new one at "
        "/api/v1/auth/token/."
    )
    default_code = "token_revoked"


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, refused once the token is older than its lifetime
    or than the account's last password change or reset."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if has_expired(token):
            raise TokenExpired()
        if predates_password(token):
            raise TokenRevoked()
        return user, token
