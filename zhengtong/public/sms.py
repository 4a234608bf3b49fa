"""SMS confirmation codes (短信验证码): 6 digits, valid 10 minutes, 5 tries, one use.

Only a keyed hash of each code is stored (HMAC-SM3 over the purpose, the number's blind
index and the code). Sending is rate-limited per number (1 a minute, 10 a day) and per
address (30 an hour) and goes through the kernel's SMS adapter after commit.
"""

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengtong.core.crypto import blind_index, blind_index_matches, mobile_index
from zhengtong.core.errors import Invalid
from zhengtong.core.notifications import send_sms

from . import throttle
from .models import SmsCode

VALID_FOR = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 5

# Codes sent while the logging SMS backend is configured (development, tests): that
# backend writes every code to the log anyway, and tests read them here because the
# real send waits for a commit that a test's transaction never makes.
_DEV_OUTBOX: list[tuple[str, str]] = []


def _hash(index: str, purpose: str, code: str) -> str:
    return blind_index(f"{purpose}:{index}:{code}", "sms-code")


def send_code(mobile: str, purpose: str, *, request: HttpRequest | None = None) -> SmsCode:
    """Send a new code for `purpose` ("register", "letter" ...) to `mobile`.
    Raises Invalid for a bad number and Throttled when a limit is reached."""
    from django.core.exceptions import ValidationError

    from zhengtong.core.validators import check_mobile

    try:
        mobile = check_mobile(mobile)
    except ValidationError as exc:
        raise Invalid(exc.messages[0], field="mobile") from exc
    index = mobile_index(mobile)
    if request is not None:
        limit, window = throttle.SMS_PER_IP_HOUR
        throttle.hit("sms:ip", throttle.ip_key(request), limit=limit, window_seconds=window)
    for scope, (limit, window) in (
        ("sms:mobile:minute", throttle.SMS_PER_NUMBER_MINUTE),
        ("sms:mobile:day", throttle.SMS_PER_NUMBER_DAY),
    ):
        throttle.hit(scope, index, limit=limit, window_seconds=window)
    code = f"{secrets.randbelow(1_000_000):06d}"
    now = timezone.now()
    with transaction.atomic():
        row = SmsCode.objects.create(
            mobile_index=index,
            purpose=purpose[:30],
            code_hash=_hash(index, purpose, code),
            created_at=now,
            expires_at=now + VALID_FOR,
        )
        text = _(
            "Your verification code is %(code)s, valid for %(minutes)d minutes. "
            "Do not tell it to anyone."
        ) % {"code": code, "minutes": VALID_FOR.seconds // 60}
        send_sms(mobile, text)
    if settings.SMS_BACKEND.endswith("LoggingSmsBackend"):
        _DEV_OUTBOX.append((mobile, code))
        del _DEV_OUTBOX[:-100]
    return row


def code_to_show_on_screen(mobile: str) -> str:
    """The code just sent to `mobile` when the demonstration shows codes on screen
    (development keys, plain HTTP, the logging backend: settings.SMS_SHOW_CODES_ON_SCREEN),
    since the log has it masked and no SMS leaves the machine; "" otherwise."""
    if not getattr(settings, "SMS_SHOW_CODES_ON_SCREEN", False):
        return ""
    if not settings.SMS_BACKEND.endswith("LoggingSmsBackend"):
        return ""
    for sent_to, code in reversed(_DEV_OUTBOX):
        if sent_to == mobile:
            return code
    return ""


def verify_code(mobile: str, purpose: str, code: str | None) -> None:
    """Use up the latest code sent to `mobile` for `purpose` if `code` matches it.
    Raises Invalid (field "sms_code") when it does not, has expired, was used already
    or was tried too often. Call outside any transaction that may roll back, so that a
    wrong try stays counted."""
    code = (code or "").strip()
    try:
        index = mobile_index(mobile)
    except Exception as exc:  # ValidationError: the form reports the bad number itself
        raise Invalid(_("Enter a valid mobile number."), field="mobile") from exc
    now = timezone.now()
    with transaction.atomic():
        row = (
            SmsCode.objects.select_for_update()
            .filter(mobile_index=index, purpose=purpose)
            .order_by("-created_at", "-pk")
            .first()
        )
        if row is None:
            raise Invalid(_("Ask for a code first."), field="sms_code", code="no_code")
        if row.used_at is not None or row.expires_at <= now:
            raise Invalid(
                _("This code has expired or was used already. Ask for a new code."),
                field="sms_code",
                code="code_expired",
            )
        if row.attempts >= MAX_ATTEMPTS:
            raise Invalid(
                _("The code was entered wrongly too often. Ask for a new code."),
                field="sms_code",
                code="code_attempts",
            )
        row.attempts += 1
        ok = code.isdigit() and blind_index_matches(
            f"{purpose}:{index}:{code}", "sms-code", row.code_hash
        )
        if ok:
            row.used_at = now
        row.save(update_fields=["attempts", "used_at"])
    if not ok:
        raise Invalid(
            _("The code is wrong. Check the SMS and enter it again."),
            field="sms_code",
            code="code_wrong",
        )


def delete_old_codes(before: datetime.datetime | None = None) -> int:
    """Forget codes that expired more than a day ago."""
    before = before or timezone.now() - datetime.timedelta(days=1)
    return SmsCode.objects.filter(expires_at__lt=before).delete()[0]
