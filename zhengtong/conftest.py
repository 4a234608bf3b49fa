"""Shared fixtures: a small county, its staff, signed-in clients and work items.

The county (root, kind "county") has a government, two departments A and B under it
and a town. Staff: a clerk and the head of A, a clerk of B, the three administrators
(系统/安全/审计管理员) in the government, and the unit administrator of A.

The objects are built with the factories of zhengtong/testing/factories.py; the
`make_*` helpers below are their short names. Staff sign in with `client.force_login`
(django-axes refuses `client.login` without a request); the administrator roles need
two-factor sign-in, so `login()` also gives them a confirmed TOTP device and marks the
session verified. Public users sign in with `public_login()`.
"""

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhengtong.core.models import AuditRecord
from zhengtong.org.models import TWO_FACTOR_ROLES, Role, RoleAssignment, UnitKind
from zhengtong.testing.factories import (
    PASSWORD,
    DelegationFactory,
    StaffFactory,
    UnitFactory,
    WorkItemFactory,
    county_tree,
)

__all__ = ["PASSWORD"]  # imported by tests from here

# The helpers below keep the short names the tests call; each is one factory.


def make_unit(name, kind=UnitKind.DEPARTMENT, parent=None, **fields):
    return UnitFactory(name=name, kind=kind, parent=parent, **fields)


def make_user(username, unit=None, *, roles=(), real_name=None, **fields):
    """A staff member with `unit` as primary unit. `roles` holds Role values (held in
    `unit`, or county-wide for the county-wide roles) or (role, unit) pairs."""
    if real_name:
        fields["real_name"] = real_name
    return StaffFactory(username=username, unit=unit, roles=roles, **fields)


def make_work_item(*, user=None, unit=None, **fields):
    """A work item written straight to the table (for reading tests); operations are
    tested through `core.workitems.open_work_item`. Marked done by hand unless told."""
    return WorkItemFactory(assignee_user=user, assignee_unit=unit, **fields)


def make_delegation(delegator, delegate, *, starts=None, ends=None, revoked=False):
    period = {"starts_at": starts, "ends_at": ends}
    return DelegationFactory(
        delegator=delegator,
        delegate=delegate,
        revoked=revoked,
        **{field: value for field, value in period.items() if value},
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
    return county_tree()


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
def public_login(client):
    """public_login(user): the test client is signed in as that public user."""
    from zhengtong.public import session as public_session

    def sign_in(user):
        session = client.session
        session[public_session.SESSION_KEY] = user.pk
        session[public_session.HASH_KEY] = public_session._password_hash(user)
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
