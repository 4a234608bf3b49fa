"""Password rules for staff accounts (docs/conformance.md SEC-1, 身份鉴别: "password complexity").

Used through settings.AUTH_PASSWORD_VALIDATORS next to Django's minimum-length
(10 characters) and common-password validators.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

__all__ = ["CharacterClassValidator", "NotUsernameValidator"]


def _character_classes(password: str) -> set[str]:
    classes = set()
    for char in password:
        if char.islower():
            classes.add("lower")
        elif char.isupper():
            classes.add("upper")
        elif char.isdecimal():
            classes.add("digit")
        else:
            classes.add("other")  # punctuation, spaces, Chinese characters ...
    return classes


class CharacterClassValidator:
    """The password must mix at least `min_classes` (default 3) of the four character
    classes: lower-case letters, upper-case letters, digits, other characters
    (docs/conformance.md SEC-1, 身份鉴别, password complexity for a level-3 system)."""

    def __init__(self, min_classes: int = 3) -> None:
        if not 1 <= min_classes <= 4:
            raise ValueError("min_classes must be between 1 and 4")
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if len(_character_classes(password)) < self.min_classes:
            raise ValidationError(
                ngettext(
                    "This password must contain characters of at least %(min_classes)d "
                    "kind: lower-case letters, upper-case letters, digits, other characters.",
                    "This password must contain characters of at least %(min_classes)d "
                    "kinds: lower-case letters, upper-case letters, digits, other characters.",
                    self.min_classes,
                ),
                code="password_too_few_character_classes",
                params={"min_classes": self.min_classes},
            )

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must contain characters of at least %(min_classes)d kind: "
            "lower-case letters, upper-case letters, digits, other characters.",
            "Your password must contain characters of at least %(min_classes)d kinds: "
            "lower-case letters, upper-case letters, digits, other characters.",
            self.min_classes,
        ) % {"min_classes": self.min_classes}


class NotUsernameValidator:
    """The password must not contain the username (ignoring case) nor be the username
    reversed (docs/conformance.md SEC-1, 身份鉴别).

    For an e-mail-style username the part before "@" is checked as well. Usernames (or
    parts) shorter than `min_username_length` (default 3) are only compared whole, so a
    two-letter username like "wu" does not forbid every password containing "wu".
    """

    def __init__(self, min_username_length: int = 3) -> None:
        self.min_username_length = min_username_length

    @staticmethod
    def _username(user: Any) -> str:
        if user is None:
            return ""
        get_username = getattr(user, "get_username", None)
        username = get_username() if callable(get_username) else getattr(user, "username", "")
        return str(username or "").strip()

    def validate(self, password: str, user: Any = None) -> None:
        username = self._username(user)
        if not username:
            return
        folded = password.casefold()
        names = {username.casefold()}
        if "@" in username:
            names.add(username.split("@", 1)[0].casefold())
        for name in filter(None, names):
            if folded == name or (len(name) >= self.min_username_length and name in folded):
                raise ValidationError(
                    _("The password must not contain the username."),
                    code="password_contains_username",
                )
            if folded == name[::-1]:
                raise ValidationError(
                    _("The password must not be the username written backwards."),
                    code="password_is_reversed_username",
                )

    def get_help_text(self) -> str:
        return _("Your password must not contain your username or be your username backwards.")
