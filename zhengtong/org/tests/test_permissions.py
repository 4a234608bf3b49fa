"""The one permission helper: object-level rules, and delegation (代理)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from zhengtong.conftest import audit_records, make_delegation, make_user, make_work_item
from zhengtong.core import workitems
from zhengtong.core.errors import NotPermitted
from zhengtong.core.models import WorkItem, WorkItemState
from zhengtong.org import permissions
from zhengtong.org.models import Role

pytestmark = pytest.mark.django_db


# --- rules ----------------------------------------------------------------------------


def test_a_unit_administrator_may_manage_staff_of_their_own_unit(unit_admin_a, clerk_a, county):
    assert permissions.may(unit_admin_a, "org.manage_staff", clerk_a)
    assert permissions.may(unit_admin_a, "org.manage_staff", county.a, unit=county.a)


def test_a_unit_administrator_cannot_manage_staff_of_another_unit(unit_admin_a, clerk_b, county):
    assert permissions.may(unit_admin_a, "org.manage_staff", clerk_b) is None
    assert permissions.may(unit_admin_a, "org.manage_staff", county.b, unit=county.b) is None
    with pytest.raises(NotPermitted):
        permissions.require(unit_admin_a, "org.manage_staff", clerk_b)


def test_the_system_administrator_manages_staff_of_every_unit(system_admin, clerk_a, clerk_b):
    assert permissions.may(system_admin, "org.manage_staff", clerk_a)
    assert permissions.may(system_admin, "org.manage_staff", clerk_b)


def test_a_clerk_cannot_manage_staff_even_of_their_own_unit(clerk_a, head_a):
    assert permissions.may(clerk_a, "org.manage_staff", head_a) is None


def test_only_the_system_administrator_manages_the_unit_tree(system_admin, clerk_a, county):
    assert permissions.may(system_admin, "org.manage_unit", county.b, unit=county.b)
    assert permissions.may(clerk_a, "org.manage_unit", county.a, unit=county.a) is None


def test_a_unit_administrator_manages_their_own_unit_but_not_another(unit_admin_a, county):
    assert permissions.may(unit_admin_a, "org.manage_unit", county.a, unit=county.a)
    assert permissions.may(unit_admin_a, "org.manage_unit", county.b, unit=county.b) is None


def test_a_role_held_in_one_unit_does_not_cover_another(unit_admin_a, county):
    assert permissions.has_role(unit_admin_a, Role.UNIT_ADMIN, county.a)
    assert not permissions.has_role(unit_admin_a, Role.UNIT_ADMIN, county.b)
    assert not permissions.has_role(unit_admin_a, Role.UNIT_ADMIN)


def test_the_security_administrator_assigns_roles(security_admin, clerk_a):
    assert permissions.may(security_admin, "org.assign_role", clerk_a)


def test_the_system_administrator_assigns_roles_only_while_there_is_no_security_administrator(
    system_admin, clerk_a, county
):
    assert permissions.may(system_admin, "org.assign_role", clerk_a)
    make_user("secadmin2", county.government, roles=[Role.SECURITY_ADMIN])
    assert permissions.may(system_admin, "org.assign_role", clerk_a) is None


def test_a_unit_administrator_cannot_reset_an_administrators_password(
    unit_admin_a, clerk_a, county
):
    admin_in_a = make_user("auditor_in_a", county.a, roles=[(Role.AUDIT_ADMIN, None)])
    assert permissions.may(unit_admin_a, "org.reset_password", clerk_a, unit=county.a)
    assert permissions.may(unit_admin_a, "org.reset_password", admin_in_a, unit=county.a) is None


def test_whole_mobile_numbers_are_for_colleagues_of_a_shared_unit(clerk_a, head_a, clerk_b):
    assert permissions.may(head_a, "org.view_staff_contact", clerk_a)
    assert permissions.may(clerk_b, "org.view_staff_contact", clerk_a) is None
    assert permissions.may(clerk_a, "org.view_staff_contact", clerk_a)


def test_the_system_administrator_sees_every_mobile_number(system_admin, clerk_b):
    assert permissions.may(system_admin, "org.view_staff_contact", clerk_b)


def test_nobody_anonymous_or_disabled_may_do_anything(clerk_a, head_a):
    item = make_work_item(user=clerk_a)
    assert permissions.may(AnonymousUser(), "core.close_workitem", item) is None
    clerk_a.is_active = False
    clerk_a.save()
    assert permissions.may(clerk_a, "core.close_workitem", item) is None


def test_asking_about_an_unregistered_action_is_a_programming_error(clerk_a):
    with pytest.raises(KeyError):
        permissions.may(clerk_a, "nobody.registered_this")


def test_a_work_item_of_a_unit_may_be_closed_by_any_member_and_nobody_else(
    clerk_a, head_a, clerk_b, county
):
    item = make_work_item(unit=county.a)
    assert permissions.may(head_a, "core.close_workitem", item)
    assert permissions.may(clerk_a, "core.close_workitem", item)
    assert permissions.may(clerk_b, "core.close_workitem", item) is None


def test_acting_on_ones_own_authority_names_nobody_on_whose_behalf(clerk_a):
    item = make_work_item(user=clerk_a)
    acting = permissions.may(clerk_a, "core.close_workitem", item)
    assert acting.person == clerk_a
    assert acting.principal == clerk_a
    assert acting.on_behalf_of is None


# --- delegation -----------------------------------------------------------------------


def test_a_delegate_may_close_the_delegators_personal_work_item(clerk_a, clerk_b):
    item = make_work_item(user=clerk_a)
    assert permissions.may(clerk_b, "core.close_workitem", item) is None
    make_delegation(clerk_a, clerk_b)
    acting = permissions.may(clerk_b, "core.close_workitem", item)
    assert acting.person == clerk_b
    assert acting.on_behalf_of == clerk_a


def test_work_closed_under_delegation_is_recorded_with_both_names(clerk_a, clerk_b):
    item = make_work_item(user=clerk_a)
    make_delegation(clerk_a, clerk_b)
    workitems.complete_work_item(clerk_b, item)
    item.refresh_from_db()
    assert item.state == WorkItemState.DONE
    assert item.closed_by == clerk_b
    assert item.closed_on_behalf_of == clerk_a
    (record,) = audit_records("workitem.done", object_id=str(item.pk))
    assert record.actor_id == clerk_b.pk
    assert record.on_behalf_of_id == clerk_a.pk
    assert record.actor_name == "Wang Fang"
    assert record.on_behalf_of_name == "Zhang Wei"


def test_a_delegate_gets_nothing_the_delegator_does_not_have(clerk_a, clerk_b, head_a):
    item_of_head = make_work_item(user=head_a)
    make_delegation(clerk_a, clerk_b)
    assert permissions.may(clerk_b, "core.close_workitem", item_of_head) is None


def test_non_delegable_actions_are_not_passed_on(unit_admin_a, clerk_b, head_a):
    make_delegation(unit_admin_a, clerk_b)
    assert permissions.may(unit_admin_a, "org.manage_staff", head_a)
    assert permissions.may(clerk_b, "org.manage_staff", head_a) is None
    with pytest.raises(NotPermitted):
        permissions.require(clerk_b, "org.manage_staff", head_a)


def test_an_expired_delegation_gives_nothing(clerk_a, clerk_b):
    item = make_work_item(user=clerk_a)
    now = timezone.now()
    make_delegation(
        clerk_a,
        clerk_b,
        starts=now - datetime.timedelta(days=5),
        ends=now - datetime.timedelta(days=1),
    )
    assert permissions.may(clerk_b, "core.close_workitem", item) is None
    assert permissions.delegators_of(clerk_b) == []


def test_a_revoked_delegation_gives_nothing(clerk_a, clerk_b):
    item = make_work_item(user=clerk_a)
    make_delegation(clerk_a, clerk_b, revoked=True)
    assert permissions.may(clerk_b, "core.close_workitem", item) is None
    with pytest.raises(NotPermitted):
        workitems.complete_work_item(clerk_b, item)
    assert WorkItem.objects.get(pk=item.pk).state == WorkItemState.OPEN


def test_a_delegation_that_has_not_started_gives_nothing_yet(clerk_a, clerk_b):
    item = make_work_item(user=clerk_a)
    now = timezone.now()
    make_delegation(
        clerk_a,
        clerk_b,
        starts=now + datetime.timedelta(days=1),
        ends=now + datetime.timedelta(days=3),
    )
    assert permissions.may(clerk_b, "core.close_workitem", item) is None
    assert permissions.may(
        clerk_b, "core.close_workitem", item, at=now + datetime.timedelta(days=2)
    )


def test_a_disabled_delegator_passes_on_nothing(clerk_a, clerk_b):
    item = make_work_item(user=clerk_a)
    make_delegation(clerk_a, clerk_b)
    clerk_a.is_active = False
    clerk_a.save()
    assert permissions.may(clerk_b, "core.close_workitem", item) is None


def test_delegation_is_not_passed_on_down_a_chain(clerk_a, clerk_b, head_a):
    item = make_work_item(user=clerk_a)
    make_delegation(clerk_a, clerk_b)
    make_delegation(clerk_b, head_a)
    assert permissions.may(head_a, "core.close_workitem", item) is None
