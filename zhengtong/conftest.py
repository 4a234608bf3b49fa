"""Shared fixtures: a small county, its staff, signed-in clients and work items.

The county (root, kind "county") has a government, two departments A and B under it
and a town. Staff: a clerk and the head of A, a clerk of B, the three administrators
(系统/安全/审计管理员) in the government, and the unit administrator of A.

Staff sign in with `client.force_login` (django-axes refuses `client.login` without a
request); the administrator roles need two-factor sign-in, so `login()` also gives
them a confirmed TOTP device and marks the session verified.
"""

import datetime
import itertools
from types import SimpleNamespace

import pytest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhengtong.core.models import AuditRecord, WorkItem
from zhengtong.org.models import (
    TWO_FACTOR_ROLES,
    Delegation,
    Membership,
    Role,
    RoleAssignment,
    Unit,
    UnitKind,
    User,
)

# Meets the password policy: 10+ characters, three character classes, not the username.
PASSWORD = "Zt-Test-Passw0rd!"

_serial = itertools.count(1)


def make_unit(name, kind=UnitKind.DEPARTMENT, parent=None, **fields):
    return Unit.objects.create(name=name, kind=kind, parent=parent, **fields)


def make_user(
    username,
    unit=None,
    *,
    roles=(),
    real_name=None,
    mobile="",
    email="",
    password=PASSWORD,
    must_change_password=False,
    **fields,
):
    """A staff member with `unit` as primary unit. `roles` holds Role values (held in
    `unit`, or county-wide for the county-wide roles) or (role, unit) pairs."""
    user = User(
        username=username,
        real_name=real_name or username.title(),
        mobile=mobile,
        email=email,
        must_change_password=must_change_password,
        **fields,
    )
    user.set_password(password)
    user.save()
    if unit is not None:
        Membership.objects.create(user=user, unit=unit, is_primary=True)
    for role in roles:
        role, role_unit = role if isinstance(role, tuple) else (role, unit)
        from zhengtong.org.permissions import is_county_wide

        RoleAssignment.objects.create(
            user=user, role=role, unit=None if is_county_wide(role) else role_unit
        )
    return user


def make_work_item(
    *, user=None, unit=None, title=None, due_date=None, kind="test.task", state="open", **fields
):
    """A work item written straight to the table (for reading tests); operations are
    tested through `core.workitems.open_work_item`. Marked done by hand unless told."""
    fields.setdefault("closes_by_hand", True)
    return WorkItem.objects.create(
        kind=kind,
        title=title or f"Item {next(_serial)}",
        assignee_user=user,
        assignee_unit=unit,
        due_date=due_date,
        state=state,
        **fields,
    )


def make_delegation(delegator, delegate, *, starts=None, ends=None, revoked=False):
    now = timezone.now()
    return Delegation.objects.create(
        delegator=delegator,
        delegate=delegate,
        starts_at=starts or now - datetime.timedelta(hours=1),
        ends_at=ends or now + datetime.timedelta(days=3),
        revoked_at=now if revoked else None,
    )


def audit_records(action, **filters):
    return list(AuditRecord.objects.filter(action=action, **filters).order_by("seq"))


def confirmed_device(user):
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)


def needs_two_factor(user):
    return RoleAssignment.objects.filter(user=user, role__in=TWO_FACTOR_ROLES).exists()


@pytest.fixture
def county(db):
    root = make_unit("Qingshan County", UnitKind.COUNTY)
    government = make_unit("Qingshan County People's Government", UnitKind.GOVERNMENT, root)
    dept_a = make_unit("Education Bureau", UnitKind.DEPARTMENT, government, short_name="EduB")
    dept_b = make_unit("Finance Bureau", UnitKind.DEPARTMENT, government, short_name="FinB")
    town = make_unit("Hexi Town", UnitKind.TOWN, root)
    return SimpleNamespace(root=root, government=government, a=dept_a, b=dept_b, town=town)


@pytest.fixture
def clerk_a(county):
    return make_user(
        "clerk_a",
        county.a,
        roles=[Role.CLERK],
        real_name="Zhang Wei",
        mobile="13812345678",
        email="clerk_a@example.cn",
    )


@pytest.fixture
def head_a(county):
    return make_user(
        "head_a", county.a, roles=[Role.UNIT_HEAD], real_name="Li Na", mobile="13912345678"
    )


@pytest.fixture
def clerk_b(county):
    return make_user(
        "clerk_b",
        county.b,
        roles=[Role.CLERK],
        real_name="Wang Fang",
        mobile="13712345678",
        email="clerk_b@example.cn",
    )


@pytest.fixture
def system_admin(county):
    return make_user(
        "sysadmin", county.government, roles=[Role.SYSTEM_ADMIN], real_name="Zhao Qiang"
    )


@pytest.fixture
def security_admin(county):
    return make_user("secadmin", county.government, roles=[Role.SECURITY_ADMIN], real_name="Sun Li")


@pytest.fixture
def audit_admin(county):
    return make_user(
        "auditadmin", county.government, roles=[Role.AUDIT_ADMIN], real_name="Zhou Min"
    )


@pytest.fixture
def unit_admin_a(county):
    return make_user("unitadmin_a", county.a, roles=[Role.UNIT_ADMIN], real_name="Wu Gang")


@pytest.fixture
def login(client):
    """login(user) signs the test client in as `user`, with a verified second factor
    when the user's role requires one (or `otp=True`)."""

    def sign_in(user, *, otp=None):
        client.force_login(user)
        if otp or (otp is None and needs_two_factor(user)):
            device = confirmed_device(user)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return sign_in


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def english(client):
    """The person chose English with the language switch (pages are Chinese otherwise)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
