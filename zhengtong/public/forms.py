"""Forms of the public pages. `PublicForm` is the base of every public form in every
app: picture captcha, honeypot and idempotency key, and optionally a mobile number
confirmed by an SMS code."""

import re
import secrets
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhengtong.core.crypto import blind_index
from zhengtong.core.errors import DomainError
from zhengtong.core.validators import check_mobile

from . import captcha, sms
from .session import current_public_user

NAME_MAX = 50
HUMAN_SESSION_KEY = "_zt_public_human"
_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# The fields PublicForm adds itself (rendered by public/human_check.html).
OWN_FIELDS = (
    "name",
    "mobile",
    "sms_code",
    "captcha_token",
    "captcha_answer",
    "website",
    "submission_key",
)


class _BlankTextInput(forms.TextInput):
    """Never shows what was typed: a used captcha answer is worthless."""

    def format_value(self, value: Any) -> None:
        return None


class MobileField(forms.CharField):
    """A mainland mobile number, cleaned to its 11 digits."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel-national"}),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if not value:
            return value
        return check_mobile(value)


class PublicForm(forms.Form):
    """Base class of every public form: picture captcha, honeypot, idempotency key.
    Construct as PublicForm(data or None, files=None, request=request, **kwargs).
    Subclass it and add your own fields. Class attribute `sms_purpose = None`; set it
    (e.g. "letter") to add fields `name`, `mobile` and `sms_code`, and clean() then checks
    the code sent to that mobile for that purpose (skipped when a public user is signed in:
    their account's mobile is used, and cleaned_data["public_user"] holds the account).
    cleaned_data["submission_key"] is a random key issued with the rendered form: the
    operation stores it in a unique field so a double click / retry creates ONE object.

    Render your own fields (`form.own_fields`) and then, inside the same <form>,
    {% include "public/human_check.html" %}."""

    sms_purpose: str | None = None
    # Set when sending the SMS code was refused by a rate limit (the page answers 429).
    throttled = False

    captcha_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    captcha_answer = forms.CharField(
        label=_("Characters in the picture"),
        max_length=10,
        help_text=_("Letters are not case-sensitive."),
        widget=_BlankTextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter the characters shown in the picture.")},
    )
    # The honeypot: hidden from people, filled in by bots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, files, **kwargs)
        self.request = request
        self.public_user = current_public_user(request) if request is not None else None
        self.sms_notice = ""
        self._captcha_used = False
        self._captcha_ok = False
        self._fresh_token: str | None = None
        key = self.data.get(self.add_prefix("submission_key"), "") if self.is_bound else ""
        self._submission_key = key if _KEY_RE.match(key or "") else secrets.token_urlsafe(24)
        if self.sms_purpose:
            self._add_sms_fields()
        if self._human_already():
            # The visitor solved a picture for this very form to get the SMS code: the
            # code now proves more than a second picture would.
            del self.fields["captcha_answer"]

    def _human_already(self) -> bool:
        session = getattr(self.request, "session", None)
        if not (self.sms_purpose and self.public_user is None and session is not None):
            return False
        mark = self._human_mark()
        return mark is not None and session.get(HUMAN_SESSION_KEY) == mark

    def _human_mark(self) -> str | None:
        try:
            mobile = check_mobile(self.data.get(self.add_prefix("mobile")) or "")
        except ValidationError:
            return None
        return blind_index(f"{self._submission_key}:{mobile}", "public-human")

    def mark_human(self) -> None:
        """Remember that this form (its submission key) passed the picture check."""
        session = getattr(self.request, "session", None)
        mark = self._human_mark()
        if session is not None and mark:
            session[HUMAN_SESSION_KEY] = mark

    def _add_sms_fields(self) -> None:
        user = self.public_user
        self.fields["name"] = forms.CharField(
            label=_("Your name"),
            max_length=NAME_MAX,
            initial=(user.display_name if user and (user.real_name or user.company_name) else ""),
            widget=forms.TextInput(attrs={"autocomplete": "name"}),
        )
        if user is None:
            self.fields["mobile"] = MobileField(
                help_text=_("We send a confirmation code to this number.")
            )
            self.fields["sms_code"] = forms.CharField(
                label=_("SMS code"),
                max_length=6,
                min_length=6,
                help_text=_("The 6 digits we sent to your mobile number."),
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}
                ),
            )

    # --- what the template uses --------------------------------------------------

    @property
    def own_fields(self) -> list[forms.BoundField]:
        """The subclass's visible fields, without the ones PublicForm adds."""
        return [f for f in self.visible_fields() if f.name not in OWN_FIELDS]

    @property
    def sms_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("name", "mobile", "sms_code") if name in self.fields]

    @property
    def captcha_token_value(self) -> str:
        """A fresh challenge for each rendering (the previous one is used up)."""
        if self._fresh_token is None:
            self._fresh_token = captcha.new_challenge()
        return self._fresh_token

    @property
    def submission_key_value(self) -> str:
        return self._submission_key

    # --- checks --------------------------------------------------------------------

    def is_spam(self) -> bool:
        """True when the honeypot was filled in: pretend success, store nothing."""
        return bool((self.data.get(self.add_prefix("website")) or "").strip())

    def check_captcha(self) -> bool:
        """Check (and use up) the captcha answered in the submitted data, once."""
        if "captcha_answer" not in self.fields:
            return True
        if self._captcha_used:
            return self._captcha_ok
        self._captcha_used = True
        self._captcha_ok = captcha.check(
            self.data.get(self.add_prefix("captcha_token")),
            self.data.get(self.add_prefix("captcha_answer")),
        )
        return self._captcha_ok

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        cleaned["submission_key"] = self._submission_key
        cleaned["public_user"] = self.public_user
        if (
            "captcha_answer" in self.fields
            and "captcha_answer" in cleaned
            and not self.check_captcha()
        ):
            self.add_error(
                "captcha_answer",
                _("The characters do not match the picture. Enter those of the new picture."),
            )
            return cleaned
        if not self.sms_purpose:
            return cleaned
        if self.public_user is not None:
            cleaned["mobile"] = self.public_user.mobile
            return cleaned
        if self.errors:
            # Spend no SMS attempt while anything else is still wrong.
            return cleaned
        if cleaned.get("mobile") and cleaned.get("sms_code"):
            try:
                sms.verify_code(cleaned["mobile"], self.sms_purpose, cleaned["sms_code"])
            except DomainError as exc:
                self.add_error(exc.field if exc.field in self.fields else None, str(exc.message))
        return cleaned
