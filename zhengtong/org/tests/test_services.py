"""Operations on the organisation: units, staff, roles, passwords, delegations."""

import datetime

import pytest
from django.utils import timezone

from zhengtong.conftest import PASSWORD, audit_records, make_delegation, make_user, make_work_item
from zhengtong.core.errors import Conflict, Invalid, NotFound, NotPermitted
from zhengtong.core.models import AuditRecord, WorkItem
from zhengtong.org import permissions, services
from zhengtong.org.models import (
    Delegation,
    Membership,
    Role,
    RoleAssignment,
    Unit,
    UnitKind,
    UnitName,
    User,
)

pytestmark = pytest.mark.django_db

VALID_CREDIT_CODE = "914403001922038216"
STRONG_PASSWORD = "Qingshan-2026!"


def later(**kwargs):
    return timezone.now() + datetime.timedelta(**kwargs)


# --- units ----------------------------------------------------------------------------


def test_the_system_administrator_adds_a_department_and_it_is_audited(system_admin, county):
    unit = services.create_unit(
        system_admin,
        parent=county.government,
        kind=UnitKind.DEPARTMENT,
        name="Health Commission",
        code=VALID_CREDIT_CODE,
        doc_prefix="卫健",
    )
    assert unit.parent == county.government
    (record,) = audit_records("org.unit.create")
    assert record.actor_id == system_admin.pk
    assert record.object_id == str(unit.pk)
    assert record.changes["name"] == [None, "Health Commission"]


def test_a_unit_administrator_adds_an_internal_section_to_their_unit(unit_admin_a, county):
    section = services.create_unit(
        unit_admin_a, parent=county.a, kind=UnitKind.SECTION, name="General Office"
    )
    assert section.parent == county.a


def test_a_unit_administrator_cannot_add_a_department_even_under_their_unit(unit_admin_a, county):
    with pytest.raises(NotPermitted):
        services.create_unit(
            unit_admin_a, parent=county.a, kind=UnitKind.DEPARTMENT, name="Shadow Bureau"
        )
    assert not Unit.objects.filter(name="Shadow Bureau").exists()


def test_a_unit_administrator_cannot_add_a_section_to_another_unit(unit_admin_a, county):
    with pytest.raises(NotPermitted):
        services.create_unit(unit_admin_a, parent=county.b, kind=UnitKind.SECTION, name="X")
    assert not Unit.objects.filter(name="X").exists()


def test_every_unit_but_the_county_needs_a_parent(system_admin):
    with pytest.raises(Invalid) as exc:
        services.create_unit(system_admin, kind=UnitKind.DEPARTMENT, name="Orphan")
    assert exc.value.field == "parent"


def test_a_wrong_credit_code_is_refused_on_its_field(system_admin, county):
    with pytest.raises(Invalid) as exc:
        services.create_unit(
            system_admin,
            parent=county.government,
            kind=UnitKind.OFFICE,
            name="Office",
            code="914403001922038217",
        )
    assert exc.value.field == "code"


def test_two_units_cannot_share_a_credit_code(system_admin, county):
    services.create_unit(
        system_admin,
        parent=county.government,
        kind=UnitKind.OFFICE,
        name="One",
        code=VALID_CREDIT_CODE,
    )
    with pytest.raises(Conflict) as exc:
        services.create_unit(
            system_admin,
            parent=county.government,
            kind=UnitKind.OFFICE,
            name="Two",
            code=VALID_CREDIT_CODE,
        )
    assert exc.value.field == "code"
    assert not Unit.objects.filter(name="Two").exists()


def test_a_renamed_unit_keeps_its_old_name_for_earlier_dates(system_admin, county):
    effective = datetime.date(2026, 3, 1)
    services.update_unit(
        system_admin, county.a, name="Education and Sports Bureau", effective=effective
    )
    county.a.refresh_from_db()
    assert county.a.name == "Education and Sports Bureau"
    assert county.a.name_on(datetime.date(2026, 2, 28)) == "Education Bureau"
    assert county.a.name_on(datetime.date(2025, 6, 1)) == "Education Bureau"
    assert county.a.name_on(effective) == "Education and Sports Bureau"
    assert UnitName.objects.get(unit=county.a).valid_until == datetime.date(2026, 2, 28)
    (record,) = audit_records("org.unit.update")
    assert record.changes["name"] == ["Education Bureau", "Education and Sports Bureau"]


def test_two_renames_each_keep_the_name_of_their_time(system_admin, county):
    services.update_unit(system_admin, county.a, name="Second", effective=datetime.date(2025, 1, 1))
    services.update_unit(system_admin, county.a, name="Third", effective=datetime.date(2026, 1, 1))
    county.a.refresh_from_db()
    assert county.a.name_on(datetime.date(2024, 12, 31)) == "Education Bureau"
    assert county.a.name_on(datetime.date(2025, 6, 1)) == "Second"
    assert county.a.name_on(datetime.date(2026, 6, 1)) == "Third"


def test_changing_other_details_does_not_add_a_former_name(system_admin, county):
    services.update_unit(system_admin, county.a, phone="0551-1234567")
    assert not UnitName.objects.exists()
    county.a.refresh_from_db()
    assert county.a.phone == "0551-1234567"


def test_a_unit_administrator_keeps_their_units_details(unit_admin_a, county):
    services.update_unit(unit_admin_a, county.a, phone="0551-7654321", duties="Schools")
    county.a.refresh_from_db()
    assert (county.a.phone, county.a.duties) == ("0551-7654321", "Schools")


@pytest.mark.parametrize("field", ["parent", "kind", "code", "is_active"])
def test_a_unit_administrator_cannot_change_their_units_place_kind_code_or_existence(
    unit_admin_a, county, field
):
    value = {
        "parent": county.town,
        "kind": UnitKind.TOWN,
        "code": VALID_CREDIT_CODE,
        "is_active": False,
    }[field]
    with pytest.raises(NotPermitted):
        services.update_unit(unit_admin_a, county.a, **{field: value})
    county.a.refresh_from_db()
    assert (county.a.parent, county.a.kind, county.a.code, county.a.is_active) == (
        county.government,
        UnitKind.DEPARTMENT,
        "",
        True,
    )


def test_a_unit_administrator_cannot_update_another_unit(unit_admin_a, county):
    with pytest.raises(NotPermitted):
        services.update_unit(unit_admin_a, county.b, phone="110")
    county.b.refresh_from_db()
    assert county.b.phone == ""


def test_a_unit_cannot_be_moved_under_its_own_section(system_admin, county):
    section = services.create_unit(
        system_admin, parent=county.a, kind=UnitKind.SECTION, name="Section"
    )
    with pytest.raises(Invalid) as exc:
        services.update_unit(system_admin, county.a, parent=section)
    assert exc.value.field == "parent"
    county.a.refresh_from_db()
    assert county.a.parent == county.government


def test_merging_moves_members_and_open_items_and_keeps_the_old_unit_readable(
    system_admin, clerk_a, clerk_b, county
):
    open_item = make_work_item(unit=county.b, title="open item of B")
    done_item = make_work_item(unit=county.b, state="done")
    services.merge_units(system_admin, county.b, county.a)
    county.b.refresh_from_db()
    assert county.b.is_active is False
    assert county.b.merged_into == county.a
    membership = Membership.objects.get(user=clerk_b)
    assert membership.unit == county.a and membership.is_primary
    assert WorkItem.objects.get(pk=open_item.pk).assignee_unit == county.a
    assert WorkItem.objects.get(pk=done_item.pk).assignee_unit == county.b
    (record,) = audit_records("org.unit.merge")
    assert record.changes["members_moved"] == [0, 1]


def test_a_person_in_both_merged_units_keeps_one_primary_membership(system_admin, clerk_b, county):
    Membership.objects.create(user=clerk_b, unit=county.a)
    services.merge_units(system_admin, county.b, county.a)
    memberships = list(Membership.objects.filter(user=clerk_b))
    assert [(m.unit, m.is_primary) for m in memberships] == [(county.a, True)]


def test_a_unit_administrator_cannot_merge_another_unit_into_theirs(unit_admin_a, clerk_b, county):
    with pytest.raises(NotPermitted):
        services.merge_units(unit_admin_a, county.b, county.a)
    county.b.refresh_from_db()
    assert county.b.is_active
    assert Membership.objects.get(user=clerk_b).unit == county.b


def test_a_unit_cannot_be_merged_into_itself_or_twice(system_admin, county):
    with pytest.raises(Invalid):
        services.merge_units(system_admin, county.a, county.a)
    services.merge_units(system_admin, county.b, county.a)
    with pytest.raises(Conflict):
        services.merge_units(system_admin, county.b, county.a)


# --- staff ----------------------------------------------------------------------------


def test_a_unit_administrator_creates_staff_in_their_unit_and_it_is_audited(unit_admin_a, county):
    user = services.create_staff(
        unit_admin_a,
        unit=county.a,
        username="new_clerk",
        real_name="Chen Jing",
        mobile="+86 138-0013-8000",
        password=STRONG_PASSWORD,
    )
    assert user.primary_unit == county.a
    assert user.mobile == "13800138000"
    assert user.must_change_password is True
    assert user.check_password(STRONG_PASSWORD)
    (record,) = audit_records("org.staff.create")
    assert record.actor_id == unit_admin_a.pk
    assert record.changes["username"] == [None, "new_clerk"]
    assert record.changes["unit"] == [None, county.a.pk]
    # personal data stays out of the audit trail in clear
    assert "13800138000" not in str(record.changes)


def test_a_unit_administrator_cannot_create_staff_in_another_unit(unit_admin_a, county):
    with pytest.raises(NotPermitted):
        services.create_staff(unit_admin_a, unit=county.b, username="intruder", real_name="X")
    assert not User.objects.filter(username="intruder").exists()


def test_a_bad_mobile_number_is_refused_on_its_field(system_admin, county):
    with pytest.raises(Invalid) as exc:
        services.create_staff(
            system_admin, unit=county.a, username="x1", real_name="X", mobile="12345"
        )
    assert exc.value.field == "mobile"
    assert not User.objects.filter(username="x1").exists()


def test_a_taken_user_name_is_a_conflict_whatever_its_case(system_admin, clerk_a, county):
    with pytest.raises(Conflict) as exc:
        services.create_staff(system_admin, unit=county.b, username="CLERK_A", real_name="X")
    assert exc.value.field == "username"
    assert User.objects.filter(username__iexact="clerk_a").count() == 1


def test_a_weak_password_is_refused_and_no_account_is_made(system_admin, county):
    for weak in ["short1A!", "alllowercaseletters", "weak_user_Pass1"]:
        with pytest.raises(Invalid) as exc:
            services.create_staff(
                system_admin, unit=county.a, username="weak_user", real_name="X", password=weak
            )
        assert exc.value.field == "password"
    assert not User.objects.filter(username="weak_user").exists()


def test_without_a_password_the_new_account_cannot_sign_in(system_admin, county):
    user = services.create_staff(system_admin, unit=county.a, username="nopass", real_name="X")
    assert not user.has_usable_password()


def test_a_bad_role_rolls_back_the_whole_new_account(system_admin, county):
    before = AuditRecord.objects.count()
    with pytest.raises(Invalid):
        services.create_staff(
            system_admin, unit=county.a, username="halfdone", real_name="X", roles=["emperor"]
        )
    assert not User.objects.filter(username="halfdone").exists()
    assert not Membership.objects.filter(user__username="halfdone").exists()
    assert AuditRecord.objects.count() == before


def test_a_role_the_creator_may_not_give_rolls_back_the_new_account(unit_admin_a, county):
    with pytest.raises(NotPermitted):
        services.create_staff(
            unit_admin_a,
            unit=county.a,
            username="wannabe",
            real_name="X",
            roles=[Role.SYSTEM_ADMIN],
        )
    assert not User.objects.filter(username="wannabe").exists()


def test_staff_created_with_roles_hold_them_in_their_unit(system_admin, county):
    user = services.create_staff(
        system_admin,
        unit=county.a,
        username="c2",
        real_name="X",
        roles=[Role.CLERK, Role.COUNTY_LEADER],
    )
    held = set(RoleAssignment.objects.filter(user=user).values_list("role", "unit_id"))
    assert held == {(Role.CLERK, county.a.pk), (Role.COUNTY_LEADER, None)}


def test_updating_staff_checks_the_mobile_and_refuses_unknown_fields(unit_admin_a, clerk_a):
    with pytest.raises(Invalid) as exc:
        services.update_staff(unit_admin_a, clerk_a, mobile="999")
    assert exc.value.field == "mobile"
    with pytest.raises(Invalid) as exc:
        services.update_staff(unit_admin_a, clerk_a, is_superuser=True)
    assert exc.value.field == "is_superuser"
    clerk_a.refresh_from_db()
    assert clerk_a.mobile == "13812345678" and not clerk_a.is_superuser
    services.update_staff(unit_admin_a, clerk_a, position="Section chief")
    clerk_a.refresh_from_db()
    assert clerk_a.position == "Section chief"
    (record,) = audit_records("org.staff.update")
    assert record.changes == {"position": ["", "Section chief"]}


def test_a_unit_administrator_cannot_touch_an_administrators_account(unit_admin_a, county):
    auditor = make_user("auditor_in_a", county.a, roles=[(Role.AUDIT_ADMIN, None)])
    with pytest.raises(NotPermitted):
        services.update_staff(unit_admin_a, auditor, is_active=False)
    auditor.refresh_from_db()
    assert auditor.is_active


def test_a_unit_administrator_cannot_update_staff_of_another_unit(unit_admin_a, clerk_b):
    with pytest.raises(NotPermitted):
        services.update_staff(unit_admin_a, clerk_b, position="Puppet")


def test_a_unit_administrator_cannot_pull_someone_from_another_unit_into_theirs(
    unit_admin_a, clerk_b, county
):
    with pytest.raises(NotPermitted):
        services.move_staff(unit_admin_a, clerk_b, county.a)
    assert clerk_b.primary_unit == county.b


def test_moving_staff_changes_the_primary_unit(system_admin, clerk_b, county):
    services.move_staff(system_admin, clerk_b, county.a)
    assert clerk_b.primary_unit == county.a
    assert not Membership.objects.filter(user=clerk_b, unit=county.b).exists()
    assert audit_records("org.staff.move")[0].changes["primary_unit"] == [county.b.pk, county.a.pk]


# --- roles (等保 三员) -------------------------------------------------------------------


def test_the_three_administrators_must_be_three_different_people(
    security_admin, system_admin, county
):
    with pytest.raises(Conflict):
        services.assign_role(security_admin, system_admin, Role.AUDIT_ADMIN)
    with pytest.raises(Conflict):
        services.assign_role(security_admin, security_admin, Role.SYSTEM_ADMIN)
    assert not RoleAssignment.objects.filter(user=system_admin, role=Role.AUDIT_ADMIN).exists()
    person = make_user("third", county.government)
    services.assign_role(security_admin, person, Role.AUDIT_ADMIN)
    assert permissions.has_role(person, Role.AUDIT_ADMIN)


def test_only_the_security_administrator_assigns_roles_once_there_is_one(
    system_admin, clerk_a, county
):
    services.assign_role(system_admin, clerk_a, Role.EDITOR, unit=county.a)  # first set-up
    make_user("secadmin", county.government, roles=[Role.SECURITY_ADMIN])
    with pytest.raises(NotPermitted):
        services.assign_role(system_admin, clerk_a, Role.REVIEWER, unit=county.a)
    assert not RoleAssignment.objects.filter(user=clerk_a, role=Role.REVIEWER).exists()


def test_the_system_administrator_never_hands_out_an_administrator_role(system_admin, county):
    person = make_user("crony", county.government)
    with pytest.raises(NotPermitted):
        services.assign_role(system_admin, person, Role.AUDIT_ADMIN)
    assert not RoleAssignment.objects.filter(user=person).exists()


def test_the_system_administrator_cannot_take_away_an_administrator_role(system_admin, audit_admin):
    with pytest.raises(NotPermitted):
        services.revoke_role(system_admin, audit_admin, Role.AUDIT_ADMIN)
    assert permissions.has_role(audit_admin, Role.AUDIT_ADMIN)


def test_a_unit_administrator_cannot_hand_out_roles(unit_admin_a, clerk_a, county):
    with pytest.raises(NotPermitted):
        services.assign_role(unit_admin_a, clerk_a, Role.UNIT_HEAD, unit=county.a)


def test_a_role_is_granted_and_revoked_with_an_audit_record_each(security_admin, clerk_a, county):
    services.assign_role(security_admin, clerk_a, Role.REVIEWER, unit=county.a)
    assert permissions.has_role(clerk_a, Role.REVIEWER, county.a)
    services.revoke_role(security_admin, clerk_a, Role.REVIEWER, unit=county.a)
    assert not RoleAssignment.objects.filter(user=clerk_a, role=Role.REVIEWER).exists()
    assert len(audit_records("org.role.grant")) == 1
    assert len(audit_records("org.role.revoke")) == 1
    with pytest.raises(NotFound):
        services.revoke_role(security_admin, clerk_a, Role.REVIEWER, unit=county.a)


def test_a_unit_role_needs_a_unit_and_an_unknown_role_is_refused(security_admin, clerk_a):
    with pytest.raises(Invalid) as exc:
        services.assign_role(security_admin, clerk_a, Role.CLERK)
    assert exc.value.field == "unit"
    with pytest.raises(Invalid) as exc:
        services.assign_role(security_admin, clerk_a, "overlord")
    assert exc.value.field == "role"


# --- passwords --------------------------------------------------------------------------


def test_the_password_policy_applies_to_a_change(clerk_a):
    for weak in ["Short1!", "onlylowercase12", "clerk_a-Strong1"]:
        with pytest.raises(Invalid) as exc:
            services.set_password(clerk_a, clerk_a, weak)
        assert exc.value.field == "password"
    clerk_a.refresh_from_db()
    assert clerk_a.check_password(PASSWORD)


def test_changing_ones_own_password_clears_the_forced_change(clerk_a):
    clerk_a.must_change_password = True
    clerk_a.save()
    services.set_password(clerk_a, clerk_a, STRONG_PASSWORD)
    clerk_a.refresh_from_db()
    assert clerk_a.check_password(STRONG_PASSWORD)
    assert clerk_a.must_change_password is False
    assert clerk_a.password_changed_at is not None
    assert len(audit_records("org.password.change")) == 1


def test_a_password_reset_by_an_administrator_must_be_changed_at_next_sign_in(
    unit_admin_a, clerk_a
):
    services.set_password(unit_admin_a, clerk_a, STRONG_PASSWORD)
    clerk_a.refresh_from_db()
    assert clerk_a.must_change_password is True
    (record,) = audit_records("org.password.reset")
    assert record.actor_id == unit_admin_a.pk


def test_a_unit_administrator_cannot_reset_passwords_in_another_unit(unit_admin_a, clerk_b):
    with pytest.raises(NotPermitted):
        services.set_password(unit_admin_a, clerk_b, STRONG_PASSWORD)
    clerk_b.refresh_from_db()
    assert clerk_b.check_password(PASSWORD)


# --- delegations ----------------------------------------------------------------------


def test_a_person_hands_their_work_to_a_colleague(clerk_a, head_a):
    item = services.delegate(
        clerk_a,
        delegator=clerk_a,
        delegate_to=head_a,
        starts_at=timezone.now(),
        ends_at=later(days=2),
        reason="training",
    )
    assert permissions.delegators_of(head_a) == [clerk_a]
    (record,) = audit_records("org.delegation.create")
    assert record.object_id == str(item.pk)


def test_a_person_cannot_delegate_to_themself(clerk_a):
    with pytest.raises(Invalid) as exc:
        services.delegate(
            clerk_a,
            delegator=clerk_a,
            delegate_to=clerk_a,
            starts_at=timezone.now(),
            ends_at=later(days=1),
        )
    assert exc.value.field == "delegate"
    assert not Delegation.objects.exists()


def test_a_delegation_must_end_after_it_starts(clerk_a, head_a):
    with pytest.raises(Invalid) as exc:
        services.delegate(
            clerk_a,
            delegator=clerk_a,
            delegate_to=head_a,
            starts_at=later(days=2),
            ends_at=later(days=1),
        )
    assert exc.value.field == "ends_at"


def test_a_delegation_for_a_past_period_is_refused(clerk_a, head_a):
    with pytest.raises(Invalid):
        services.delegate(
            clerk_a,
            delegator=clerk_a,
            delegate_to=head_a,
            starts_at=later(days=-3),
            ends_at=later(days=-1),
        )
    assert not Delegation.objects.exists()


def test_overlapping_delegations_are_refused(clerk_a, head_a, unit_admin_a):
    services.delegate(
        clerk_a,
        delegator=clerk_a,
        delegate_to=head_a,
        starts_at=later(days=1),
        ends_at=later(days=5),
    )
    with pytest.raises(Conflict):
        services.delegate(
            clerk_a,
            delegator=clerk_a,
            delegate_to=unit_admin_a,
            starts_at=later(days=4),
            ends_at=later(days=8),
        )
    assert Delegation.objects.count() == 1
    # the next period, touching but not overlapping, is fine
    services.delegate(
        clerk_a,
        delegator=clerk_a,
        delegate_to=unit_admin_a,
        starts_at=later(days=5),
        ends_at=later(days=8),
    )


def test_delegations_cannot_go_in_a_circle(clerk_a, head_a):
    services.delegate(
        clerk_a,
        delegator=clerk_a,
        delegate_to=head_a,
        starts_at=timezone.now(),
        ends_at=later(days=3),
    )
    with pytest.raises(Conflict):
        services.delegate(
            head_a,
            delegator=head_a,
            delegate_to=clerk_a,
            starts_at=timezone.now(),
            ends_at=later(days=2),
        )


def test_delegations_cannot_go_in_a_circle_in_a_future_period(clerk_a, head_a):
    services.delegate(
        clerk_a,
        delegator=clerk_a,
        delegate_to=head_a,
        starts_at=later(days=7),
        ends_at=later(days=10),
    )
    with pytest.raises(Conflict):
        services.delegate(
            head_a,
            delegator=head_a,
            delegate_to=clerk_a,
            starts_at=later(days=8),
            ends_at=later(days=9),
        )
    assert Delegation.objects.count() == 1


def test_a_unit_administrator_sets_up_a_delegation_for_a_member(unit_admin_a, clerk_a, head_a):
    services.delegate(
        unit_admin_a,
        delegator=clerk_a,
        delegate_to=head_a,
        starts_at=timezone.now(),
        ends_at=later(days=1),
    )
    assert permissions.delegators_of(head_a) == [clerk_a]


def test_nobody_else_hands_over_a_persons_work(clerk_b, clerk_a, head_a):
    with pytest.raises(NotPermitted):
        services.delegate(
            clerk_b,
            delegator=clerk_a,
            delegate_to=clerk_b,
            starts_at=timezone.now(),
            ends_at=later(days=1),
        )
    assert not Delegation.objects.exists()


def test_revoking_a_delegation_ends_it_at_once(clerk_a, head_a):
    delegation = make_delegation(clerk_a, head_a)
    services.revoke_delegation(clerk_a, delegation)
    assert permissions.delegators_of(head_a) == []
    with pytest.raises(Conflict):
        services.revoke_delegation(clerk_a, delegation)
    assert len(audit_records("org.delegation.revoke")) == 1


# --- preferences ------------------------------------------------------------------------


def test_changing_preferences_is_audited_with_the_old_and_new_values(clerk_a):
    clerk_a.notification_mode = "daily"  # e.g. a bound form changed the instance already
    services.update_own_preferences(clerk_a, notification_mode="daily", email="new@example.cn")
    (record,) = audit_records("org.preferences.update")
    assert record.changes["notification_mode"] == ["immediate", "daily"]
    assert record.changes["email"] == ["clerk_a@example.cn", "new@example.cn"]


def test_a_further_unit_is_added_once_and_audited(system_admin, clerk_b, county):
    services.add_membership(system_admin, clerk_b, county.a, position="Liaison")
    services.add_membership(system_admin, clerk_b, county.a)
    assert permissions.is_member(clerk_b, county.a)
    assert clerk_b.primary_unit == county.b
    assert len(audit_records("org.membership.add")) == 1
