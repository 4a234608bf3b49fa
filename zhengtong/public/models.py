"""Public users and the small records that keep public forms honest.

Public users are deliberately NOT the staff user model (org.User): they never reach
/oa/, /cms/ or /admin/, they sign in with a mobile number, and their personal data is
encrypted at rest. Letters, disclosure requests, consultations and online services
link to `PublicUser` when the writer has an account, and otherwise keep the confirmed
name and mobile number on their own rows.
"""

from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengtong.core.crypto import EncryptedTextField, citizen_id_index, mobile_index
from zhengtong.core.validators import validate_citizen_id, validate_credit_code, validate_mobile


class PublicUser(models.Model):
    """A citizen's or a business's account (mobile number + password)."""

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        BUSINESS = "business", _("Business")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CITIZEN)
    # Encrypted at rest (SM4); the blind index finds an account by its number.
    mobile = EncryptedTextField(_("mobile"), validators=[validate_mobile])
    mobile_index = models.CharField(max_length=64, unique=True, editable=False)
    password = models.CharField(_("password"), max_length=128)
    # Optional real-name fields (实名信息).
    real_name = EncryptedTextField(_("real name"), blank=True, default="")
    id_number = EncryptedTextField(
        _("citizen ID number"), blank=True, default="", validators=[validate_citizen_id]
    )
    id_number_index = models.CharField(max_length=64, blank=True, default="", editable=False)
    # Businesses: name and unified social credit code (统一社会信用代码, GB 32100).
    company_name = models.CharField(_("business name"), max_length=200, blank=True, default="")
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        default="",
        validators=[validate_credit_code],
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("registered"), default=timezone.now)
    last_login = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("public user")
        verbose_name_plural = _("public users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="business") | ~models.Q(credit_code=""),
                name="public_business_has_credit_code",
            )
        ]

    def __str__(self) -> str:
        from zhengtong.core.masking import mask_mobile

        return self.company_name or mask_mobile(self.mobile)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.mobile_index = mobile_index(self.mobile)
        self.id_number_index = citizen_id_index(self.id_number) if self.id_number else ""
        fields = kwargs.get("update_fields")
        if fields is not None:
            extra: set[str] = set()
            if "mobile" in fields:
                extra.add("mobile_index")
            if "id_number" in fields:
                extra.add("id_number_index")
            kwargs["update_fields"] = {*fields, *extra}
        super().save(*args, **kwargs)

    # Django's hashers (Argon2 first, as for staff).
    def set_password(self, raw_password: str | None) -> None:
        self.password = make_password(raw_password)

    def check_password(self, raw_password: str) -> bool:
        return check_password(raw_password, self.password)

    @property
    def display_name(self) -> str:
        return self.company_name or self.real_name or str(self)


class SmsCode(models.Model):
    """A one-time code sent to a mobile number to confirm it (hash only is kept)."""

    mobile_index = models.CharField(max_length=64, db_index=True)
    purpose = models.CharField(max_length=30)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SMS code")
        verbose_name_plural = _("SMS codes")
        indexes = [models.Index(fields=["mobile_index", "purpose", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class CaptchaChallenge(models.Model):
    """A picture challenge (验证码) shown on a public form; one use only.

    Kept in the database, not in a process's memory, so it holds with several server
    processes in the embedded mode too."""

    token = models.CharField(max_length=64, unique=True)
    # Encrypted rather than hashed: four or five characters hash to a brute-forceable
    # digest anyway, and tests read the answer through the model as a person reads it.
    answer = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.token[:8]


class RateCounter(models.Model):
    """Hits of one scope and key (an IP address or a mobile number's blind index) in
    one fixed time window; the public forms' rate limits count here."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key", "window_start"], name="public_rate_counter_unique"
            )
        ]
        indexes = [models.Index(fields=["window_start"])]

    def __str__(self) -> str:
        return f"{self.scope}:{self.hits}"
