"""The organisation: units, staff accounts, memberships, roles and delegations.

Units are renamed and merged in real life; a unit keeps its history in `UnitName`
rows so that a document dated before a rename shows the name it was issued under
(`Unit.name_on(date)`).
"""

import datetime
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengtong.core.crypto import EncryptedTextField, mobile_index
from zhengtong.core.validators import validate_credit_code, validate_mobile


class UnitKind(models.TextChoices):
    COUNTY = "county", _("County")
    COMMITTEE = "committee", _("Party committee")
    GOVERNMENT = "government", _("Government")
    OFFICE = "office", _("Office")
    DEPARTMENT = "department", _("Department")
    TOWN = "town", _("Town")
    SECTION = "section", _("Internal section")


class Unit(models.Model):
    """A unit of the county: the county itself (root), committee, government, offices,
    departments, towns and their internal sections."""

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        help_text=_("18 characters, GB 32100; empty for internal sections."),
        validators=[validate_credit_code],
    )
    doc_prefix = models.CharField(_("document-number prefix (代字)"), max_length=20, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    duties = models.TextField(_("duties"), blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="org_unit_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_short_name(self) -> str:
        return self.short_name or self.name

    def name_on(self, day: datetime.date) -> str:
        """The unit's name as it was on `day` (a date), for documents issued then."""
        old = self.names.filter(valid_until__gte=day).order_by("valid_until").first()
        return old.name if old else self.name

    def ancestors(self) -> list["Unit"]:
        unit, chain = self.parent, []
        while unit is not None:
            chain.append(unit)
            unit = unit.parent
        return chain

    def county(self) -> "Unit":
        """The root of this unit's tree: the county it belongs to."""
        chain = self.ancestors()
        return chain[-1] if chain else self


class UnitName(models.Model):
    """A name the unit carried until `valid_until` (inclusive), kept when it is renamed."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    valid_until = models.DateField(_("valid until"))

    class Meta:
        ordering = ["valid_until"]
        verbose_name = _("former unit name")
        verbose_name_plural = _("former unit names")

    def __str__(self) -> str:
        return f"{self.name} (≤ {self.valid_until})"


class UnitGroup(models.Model):
    """A saved group of units, such as "all towns", used for distribution."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    units = models.ManyToManyField(Unit, related_name="groups", verbose_name=_("units"))

    class Meta:
        verbose_name = _("unit group")
        verbose_name_plural = _("unit groups")

    def __str__(self) -> str:
        return self.name


class DigestChoice(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately")
    DAILY = "daily", _("Daily digest")


class User(AbstractUser):
    """A staff account. Public users (citizens, businesses) get their own model in the
    interaction issue and never sign in to the staff side."""

    real_name = models.CharField(_("real name"), max_length=50)
    position = models.CharField(_("position"), max_length=60, blank=True)
    # Encrypted at rest (SM4); `mobile_index` is the keyed hash used to look a number up.
    mobile = EncryptedTextField(_("mobile"), blank=True, default="", validators=[validate_mobile])
    mobile_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    must_change_password = models.BooleanField(_("must change password"), default=True)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    notification_mode = models.CharField(
        _("notifications"),
        max_length=12,
        choices=DigestChoice.choices,
        default=DigestChoice.IMMEDIATE,
    )
    units = models.ManyToManyField(
        Unit, through="Membership", related_name="members", verbose_name=_("units")
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self) -> str:
        return self.real_name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.mobile_index = mobile_index(self.mobile) if self.mobile else ""
        if kwargs.get("update_fields") is not None and "mobile" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "mobile_index"}
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.real_name or self.username

    @property
    def primary_unit(self) -> "Unit | None":
        membership = self.memberships.filter(is_primary=True).select_related("unit").first()
        return membership.unit if membership else None


class Membership(models.Model):
    """A person's place in a unit. Exactly one membership is primary."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    is_primary = models.BooleanField(_("primary unit"), default=False)
    position = models.CharField(_("position"), max_length=60, blank=True)
    since = models.DateField(_("since"), default=timezone.localdate)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="org_membership_unique"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_primary=True), name="org_one_primary_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit}"


class Role(models.TextChoices):
    """Roles. The three administrators (等保 三员) are kept apart: one person may not hold
    two of them (enforced in `services.assign_role`)."""

    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")
    UNIT_ADMIN = "unit_admin", _("Unit administrator")
    CLERK = "clerk", _("Clerk")
    UNIT_HEAD = "unit_head", _("Unit head")
    COUNTY_LEADER = "county_leader", _("County leader")
    EDITOR = "editor", _("Editor")
    REVIEWER = "reviewer", _("Reviewer")
    SUPERVISOR = "supervisor", _("Supervisor")


THREE_ADMINS = {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}
# Roles that hold power over the whole county rather than one unit.
COUNTY_WIDE_ROLES = THREE_ADMINS | {Role.COUNTY_LEADER, Role.SUPERVISOR}
# Roles that must use two-factor sign-in.
TWO_FACTOR_ROLES = THREE_ADMINS | {Role.UNIT_ADMIN}


class RoleAssignment(models.Model):
    """A role held by a person, in a unit (or county-wide when `unit` is empty)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
        verbose_name=_("unit"),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit"], name="org_role_unique_per_unit"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(unit__isnull=True),
                name="org_role_unique_countywide",
            ),
        ]

    def __str__(self) -> str:
        where = self.unit.display_short_name if self.unit is not None else _("county-wide")
        return f"{self.user} · {self.get_role_display()} · {where}"


class DelegationQuerySet(models.QuerySet["Delegation"]):
    def active(self, at: datetime.datetime | None = None) -> "DelegationQuerySet":
        at = at or timezone.now()
        return self.filter(starts_at__lte=at, ends_at__gt=at, revoked_at__isnull=True)


class Delegation(models.Model):
    """代理: `delegator` hands their work to `delegate` for a period. Actions the
    delegate takes for the delegator are recorded with both names."""

    delegator = models.ForeignKey(User, on_delete=models.CASCADE, related_name="delegations_given")
    delegate = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="delegations_received"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="org_delegation_period"
            ),
            models.CheckConstraint(
                condition=~Q(delegator=models.F("delegate")), name="org_delegation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegator} → {self.delegate}"
