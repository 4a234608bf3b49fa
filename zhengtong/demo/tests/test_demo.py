"""The demo county: a fictional county built through the organisation's operations.

The county is built once for the module (`built`, inside a transaction rolled back at
the end of the module) because every check reads the same ~320 staff.
"""

import time
from collections import Counter
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from zhengtong.core import audit
from zhengtong.core.models import AuditRecord, Notification, WorkItem, WorkItemState
from zhengtong.core.validators import check_credit_code
from zhengtong.demo import data, generator
from zhengtong.org.models import (
    THREE_ADMINS,
    Delegation,
    Membership,
    Role,
    RoleAssignment,
    Unit,
    UnitGroup,
    UnitKind,
    User,
)

SEED = generator.DEFAULT_SEED


# --- the plan (no database) -----------------------------------------------------------------


def test_the_same_seed_gives_the_same_people_units_and_codes():
    one, two = generator.plan_county(seed=7), generator.plan_county(seed=7)
    assert [s.real_name for s in one.all_staff] == [s.real_name for s in two.all_staff]
    assert [s.mobile for s in one.all_staff] == [s.mobile for s in two.all_staff]
    assert [(u.name, u.code, u.phone) for u in one.units] == [
        (u.name, u.code, u.phone) for u in two.units
    ]


def test_another_seed_gives_other_names():
    one, two = generator.plan_county(seed=7), generator.plan_county(seed=8)
    assert [s.real_name for s in one.all_staff] != [s.real_name for s in two.all_staff]
    assert len(one.all_staff) == len(two.all_staff)


def test_scale_multiplies_staff_and_only_staff_beyond_300_are_bulk_created():
    plan = generator.plan_county(seed=1, scale=3)
    assert len(plan.all_staff) == 900
    assert len(plan.staff) >= 300
    assert len(plan.staff) + len(plan.bulk_staff) == 900
    # Bulk-created people hold no role and no extra membership: roles stay audited.
    assert not any(s.roles or s.memberships or s.login for s in plan.bulk_staff)


def test_generated_names_mobiles_and_landlines_are_well_formed():
    from zhengtong.core.validators import check_landline, check_mobile

    plan = generator.plan_county(seed=3)
    assert len({s.real_name for s in plan.all_staff}) == len(plan.all_staff)
    assert not {s.real_name for s in plan.all_staff} & data.BLOCKED_NAMES
    for s in plan.all_staff:
        assert check_mobile(s.mobile) == s.mobile
    for u in plan.units:
        # A local number starting with 0 cannot exist: the landlines reach nobody.
        assert check_landline(u.phone).split("-")[1].startswith("0")


def test_the_demo_refuses_a_database_that_holds_another_county(db):
    # Whether or not the module's demo county is built yet, make the only county another.
    if not Unit.objects.filter(kind=UnitKind.COUNTY).update(name="别的县"):
        Unit.objects.create(kind=UnitKind.COUNTY, name="别的县")
    users = User.objects.count()
    with pytest.raises(CommandError, match="别的县"):
        call_command("demo", stdout=StringIO())
    assert User.objects.count() == users


# --- the county in the database -------------------------------------------------------------


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        started = time.perf_counter()
        call_command("demo", "--seed", str(SEED), stdout=out)
        seconds = time.perf_counter() - started
        yield SimpleNamespace(output=out.getvalue(), seconds=seconds)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_county_has_its_committee_government_departments_and_towns(built):
    kinds = Counter(Unit.objects.values_list("kind", flat=True))
    assert kinds[UnitKind.COUNTY] == 1
    assert kinds[UnitKind.COMMITTEE] == 1 and kinds[UnitKind.GOVERNMENT] == 1
    assert kinds[UnitKind.OFFICE] >= 2
    assert kinds[UnitKind.DEPARTMENT] >= 25
    assert kinds[UnitKind.TOWN] >= 12
    root = Unit.objects.get(kind=UnitKind.COUNTY)
    assert root.name == data.COUNTY_NAME
    assert "（虚构演示县）" in root.duties
    assert all(u.county() == root for u in Unit.objects.all())
    sections = set(Unit.objects.filter(kind=UnitKind.SECTION).values_list("short_name", flat=True))
    assert {"督查室", "信息中心"} <= sections
    towns = Unit.objects.filter(kind=UnitKind.TOWN)
    assert set(UnitGroup.objects.get(name="全体乡镇").units.all()) == set(towns)
    departments = Unit.objects.filter(kind=UnitKind.DEPARTMENT)
    assert set(UnitGroup.objects.get(name="县直部门").units.all()) == set(departments)


@pytest.mark.django_db
def test_every_unit_except_sections_has_a_valid_credit_code_and_its_own_prefix(built):
    for unit in Unit.objects.exclude(kind=UnitKind.SECTION):
        assert check_credit_code(unit.code) == unit.code, unit.name
        assert unit.code.startswith("11" + data.REGION_CODE)
        assert unit.phone.startswith(data.AREA_CODE + "-")
    assert not Unit.objects.filter(kind=UnitKind.SECTION).exclude(code="").exists()
    prefixes = [u.doc_prefix for u in Unit.objects.exclude(doc_prefix="")]
    assert len(prefixes) == len(set(prefixes))
    assert Unit.objects.get(kind=UnitKind.GOVERNMENT).doc_prefix == "禾政发"
    assert Unit.objects.get(name="禾溪县教育局").doc_prefix == "禾教发"


@pytest.mark.django_db
def test_at_least_300_staff_each_with_one_primary_unit(built):
    assert User.objects.count() >= 300
    assert Membership.objects.filter(is_primary=True).count() == User.objects.count()


@pytest.mark.django_db
def test_every_unit_has_a_head_and_a_clerk(built):
    for unit in Unit.objects.exclude(kind=UnitKind.COUNTY):
        roles = set(RoleAssignment.objects.filter(unit=unit).values_list("role", flat=True))
        assert {Role.UNIT_HEAD, Role.CLERK} <= roles, unit.name
    for unit in Unit.objects.filter(kind=UnitKind.DEPARTMENT, name="禾溪县教育局"):
        roles = set(RoleAssignment.objects.filter(unit=unit).values_list("role", flat=True))
        assert {Role.EDITOR, Role.REVIEWER} <= roles


@pytest.mark.django_db
def test_the_three_administrators_are_three_different_people_in_the_it_centre(built):
    holders = {
        role: list(RoleAssignment.objects.filter(role=role).values_list("user_id", flat=True))
        for role in THREE_ADMINS
    }
    assert all(len(people) == 1 for people in holders.values())
    assert len({people[0] for people in holders.values()}) == 3
    for people in holders.values():
        assert User.objects.get(pk=people[0]).primary_unit.short_name == "信息中心"
    assert RoleAssignment.objects.filter(role=Role.COUNTY_LEADER, unit=None).count() >= 3
    supervisor = RoleAssignment.objects.filter(role=Role.SUPERVISOR).first().user
    assert supervisor.primary_unit.short_name == "督查室"


@pytest.mark.django_db
def test_the_demo_logins_sign_in_with_the_shared_password_and_no_one_else_can(built):
    names = [name for name, _note in generator.DEMO_LOGINS]
    for user in User.objects.filter(username__in=names):
        assert user.check_password(data.DEMO_PASSWORD), user.username
        assert not user.must_change_password
    assert User.objects.filter(username__in=names).count() == 7
    others = User.objects.exclude(username__in=names)
    assert not any(u.has_usable_password() for u in others)
    assert not others.filter(must_change_password=False).exists()
    roles = dict(
        RoleAssignment.objects.filter(
            user__username__in=["itadmin", "security", "auditor"]
        ).values_list("user__username", "role")
    )
    assert roles == {
        "itadmin": Role.SYSTEM_ADMIN,
        "security": Role.SECURITY_ADMIN,
        "auditor": Role.AUDIT_ADMIN,
    }
    assert User.objects.get(username="clerk").primary_unit.kind == UnitKind.TOWN
    assert User.objects.get(username="head").primary_unit.kind == UnitKind.DEPARTMENT
    for name in names:
        assert name in built.output


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_staff_in_the_database(built):
    planned = [(s.username, s.real_name) for s in generator.plan_county(seed=SEED).all_staff]
    stored = list(User.objects.order_by("pk").values_list("username", "real_name"))
    assert stored == planned


@pytest.mark.django_db
def test_sample_work_notifications_and_a_delegation_for_the_demo_logins(built):
    head = User.objects.get(username="head")
    delegation = Delegation.objects.active().get(delegator=head)
    assert delegation.delegate.primary_unit == head.primary_unit
    open_items = WorkItem.objects.filter(state=WorkItemState.OPEN, kind__startswith="demo.")
    today = timezone.localdate()
    assert open_items.filter(due_date__lt=today).count() >= 3
    assert open_items.filter(due_date__gte=today).count() >= 10
    assert open_items.filter(assignee_unit__kind=UnitKind.TOWN).count() >= 12
    for name in ("clerk", "head", "leader", "editor", "itadmin"):
        assert Notification.objects.filter(recipient__username=name).exists()


@pytest.mark.django_db
def test_a_second_run_changes_nothing(built):
    models = [
        Unit,
        User,
        Membership,
        RoleAssignment,
        UnitGroup,
        Delegation,
        WorkItem,
        Notification,
        AuditRecord,
    ]
    before = {m: m.objects.count() for m in models}
    out = StringIO()
    call_command("demo", "--seed", "99", "--logins", stdout=out)
    assert "demo county already loaded" in out.getvalue()
    assert "itadmin" in out.getvalue() and data.DEMO_PASSWORD in out.getvalue()
    assert {m: m.objects.count() for m in models} == before


@pytest.mark.django_db
def test_the_build_is_audited_and_the_audit_chain_verifies(built):
    assert audit.verify_chain() is None
    staff = User.objects.count()
    assert AuditRecord.objects.filter(action="org.staff.create").count() == staff
    assert AuditRecord.objects.filter(action="org.unit.create").count() == Unit.objects.count()
    assert (
        AuditRecord.objects.filter(action="org.role.grant").count()
        == RoleAssignment.objects.count()
    )
    # Mobile numbers are never written to the audit trail in clear.
    record = AuditRecord.objects.filter(action="org.staff.create").first()
    assert User.objects.get(pk=record.object_id).mobile not in str(record.changes)


@pytest.mark.django_db
def test_bulk_created_benchmark_staff_are_consistent(built):
    plan = generator.plan_county(seed=SEED, scale=2)
    units = {u.key: Unit.objects.get(name=u.name) for u in plan.units}
    extra = plan.bulk_staff[:40]
    generator._bulk_create_staff(extra, units)
    people = User.objects.filter(username__in=[s.username for s in extra])
    assert people.count() == 40
    assert Membership.objects.filter(user__in=people, is_primary=True).count() == 40
    assert not any(u.has_usable_password() for u in people)
    assert people.first().mobile in {s.mobile for s in extra}
    assert audit.verify_chain() is None
