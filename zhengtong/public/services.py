"""Operations on public users' accounts (公众用户): register, sign in, change or reset
the password, edit the profile, and (staff) deactivate or reactivate an account.

Public actions are audited with no actor (the audit trail's "system"); the record names
the account, never a password, a code or the full mobile number. SMS codes are checked
by the forms before these run (sms.verify_code), so a wrong code stays counted.
"""

import types
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengtong.core import audit
from zhengtong.core.access import Person
from zhengtong.core.crypto import mobile_index
from zhengtong.core.errors import Conflict, Invalid
from zhengtong.core.validators import check_citizen_id, check_credit_code, check_mobile
from zhengtong.org import permissions

from . import throttle
from .models import PublicUser

NAME_MAX = 50
COMPANY_MAX = 200
PASSWORD_MAX = 128


def _wrong_sign_in() -> str:
    # The one message for every failed sign-in: it never says which part was wrong.
    return _("The mobile number or the password is wrong.")


def _check_mobile(mobile: object) -> str:
    try:
        return check_mobile(mobile)
    except ValidationError as exc:
        raise Invalid(exc.messages[0], field="mobile") from exc


def check_password_rules(
    password: str | None, mobile: str | None = None, field: str = "password"
) -> None:
    """Apply the project's password validators (a public user's "username" is the
    mobile number: the password may not contain it)."""
    if not password:
        raise Invalid(_("Enter a password."), field=field)
    if len(password) > PASSWORD_MAX:
        raise Invalid(
            _("The password may be at most %(max)d characters.") % {"max": PASSWORD_MAX},
            field=field,
        )
    try:
        # The validators read the user's name only: the mobile number stands for it.
        as_user: Any = types.SimpleNamespace(username=mobile or "")
        password_validation.validate_password(password, as_user)
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages), field=field) from exc


def clean_profile(
    kind: str,
    real_name: str | None,
    id_number: str | None,
    company_name: str | None,
    credit_code: str | None,
) -> dict[str, str]:
    """Validated profile fields as a dict; raises Invalid naming the field."""
    real_name = (real_name or "").strip()
    id_number = (id_number or "").strip()
    company_name = (company_name or "").strip()
    credit_code = (credit_code or "").strip()
    if kind not in PublicUser.Kind.values:
        raise Invalid(_("Choose citizen or business."), field="kind")
    if len(real_name) > NAME_MAX:
        raise Invalid(
            _("The name may be at most %(max)d characters.") % {"max": NAME_MAX},
            field="real_name",
        )
    if id_number:
        try:
            id_number = check_citizen_id(id_number)
        except ValidationError as exc:
            raise Invalid(exc.messages[0], field="id_number") from exc
    if kind == PublicUser.Kind.BUSINESS:
        if not company_name:
            raise Invalid(_("Enter the business name."), field="company_name")
        if len(company_name) > COMPANY_MAX:
            raise Invalid(
                _("The business name may be at most %(max)d characters.") % {"max": COMPANY_MAX},
                field="company_name",
            )
        if not credit_code:
            raise Invalid(_("Enter the unified social credit code."), field="credit_code")
        try:
            credit_code = check_credit_code(credit_code)
        except ValidationError as exc:
            raise Invalid(exc.messages[0], field="credit_code") from exc
    else:
        company_name, credit_code = "", ""
    return {
        "kind": kind,
        "real_name": real_name,
        "id_number": id_number,
        "company_name": company_name,
        "credit_code": credit_code,
    }


def mobile_registered(mobile: str) -> bool:
    try:
        return PublicUser.objects.filter(mobile_index=mobile_index(mobile)).exists()
    except ValidationError:
        return False


def register_public_user(
    *,
    mobile: str,
    password: str,
    kind: str = PublicUser.Kind.CITIZEN,
    real_name: str = "",
    id_number: str = "",
    company_name: str = "",
    credit_code: str = "",
) -> PublicUser:
    """Create a citizen's or a business's account. The mobile number must have been
    confirmed by an SMS code (the form checks it). Raises Invalid (field named) for bad
    input and Conflict when the number already has an account; nothing is saved then."""
    mobile = _check_mobile(mobile)
    profile = clean_profile(kind, real_name, id_number, company_name, credit_code)
    check_password_rules(password, mobile)
    user = PublicUser(mobile=mobile, **profile)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            audit.record(None, "public.user.register", user, changes={"kind": [None, kind]})
    except IntegrityError as exc:
        raise Conflict(
            _("This mobile number already has an account. Sign in, or reset the password."),
            field="mobile",
            code="mobile_taken",
        ) from exc
    return user


def sign_in_public_user(*, mobile: str, password: str | None, ip_key: str) -> PublicUser:
    """The account for `mobile` and `password`, or Invalid with one generic message.
    Failures count per number and per address: 10 in 15 minutes lock both (Throttled).
    Not one transaction: a failure must stay counted."""
    limit, window = throttle.SIGN_IN_FAILURES
    try:
        index = mobile_index(mobile)
    except ValidationError:
        index = None
    throttle.check("signin:ip", ip_key, limit=limit, window_seconds=window)
    if index:
        throttle.check("signin:mobile", index, limit=limit, window_seconds=window)
    user = PublicUser.objects.filter(mobile_index=index).first() if index else None
    if user is None:
        # Spend as long as a real check, so timing does not tell which numbers exist.
        PublicUser(password="").set_password(password or "")
    ok = (
        user is not None
        and user.is_active
        and bool(password)
        and len(password or "") <= PASSWORD_MAX
        and user.check_password(password or "")
    )
    if user is None or not ok:
        throttle.add("signin:ip", ip_key, window_seconds=window)
        if index:
            throttle.add("signin:mobile", index, window_seconds=window)
        raise Invalid(_wrong_sign_in(), code="wrong_sign_in")
    with transaction.atomic():
        user.last_login = timezone.now()
        user.save(update_fields=["last_login"])
        audit.record(None, "public.user.sign_in", user)
    return user


@transaction.atomic
def change_public_password(
    user: PublicUser, old_password: str | None, new_password: str | None
) -> PublicUser:
    """The user changes their own password (knowing the old one)."""
    user = PublicUser.objects.select_for_update().get(pk=user.pk)
    if not old_password or not user.check_password(old_password):
        raise Invalid(_("The current password is wrong."), field="old_password")
    check_password_rules(new_password, user.mobile, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit.record(None, "public.user.change_password", user)
    return user


@transaction.atomic
def reset_public_password(*, mobile: str, new_password: str | None) -> PublicUser:
    """Set a new password for the account of `mobile` (whose SMS code the form has
    checked). Raises Invalid when the number has no active account."""
    mobile = _check_mobile(mobile)
    user = (
        PublicUser.objects.select_for_update()
        .filter(mobile_index=mobile_index(mobile), is_active=True)
        .first()
    )
    if user is None:
        raise Invalid(_("No active account has this mobile number."), field="mobile")
    check_password_rules(new_password, mobile, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit.record(None, "public.user.reset_password", user)
    return user


@transaction.atomic
def update_public_profile(
    user: PublicUser,
    *,
    real_name: str = "",
    id_number: str = "",
    company_name: str = "",
    credit_code: str = "",
) -> PublicUser:
    """The user edits their real-name (and business) details; the kind stays."""
    user = PublicUser.objects.select_for_update().get(pk=user.pk)
    profile = clean_profile(user.kind, real_name, id_number, company_name, credit_code)
    changed = [name for name, value in profile.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, profile[name])
    if changed:
        user.save(update_fields=changed)
        # Which fields changed, never their (personal) values.
        audit.record(None, "public.user.update_profile", user, changes={"fields": changed})
    return user


@transaction.atomic
def deactivate_public_user(
    actor: Person, user: PublicUser, *, active: bool = False, reason: str = ""
) -> PublicUser:
    """Staff (the system administrator) deactivates an account (it can no longer sign
    in) or, with active=True, reactivates it."""
    acting = permissions.require(actor, "public.manage_users", user)
    user = PublicUser.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        raise Conflict(
            _("This account is already active.")
            if active
            else _("This account is already deactivated.")
        )
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(
        acting,
        "public.user.reactivate" if active else "public.user.deactivate",
        user,
        changes={"is_active": [not active, active], "reason": [None, (reason or "")[:200]]},
    )
    return user


def find_by_mobile(mobile: str) -> PublicUser | None:
    """The account of a mobile number (blind index), or None."""
    try:
        return PublicUser.objects.filter(mobile_index=mobile_index(mobile)).first()
    except ValidationError:
        return None
