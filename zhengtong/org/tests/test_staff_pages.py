"""The IT centre's and unit administrators' staff pages: add one person, change their
details, reset their password, move them to another unit."""

from zhengtong.core.models import AuditRecord
from zhengtong.org.models import Membership, Role, RoleAssignment, User

from ..models import UnitKind
from .conftest_helpers import GOOD_PASSWORD


def test_the_it_centre_adds_a_person_with_roles(client, login, system_admin, county):
    login(system_admin)
    response = client.post(
        "/oa/staff/new/",
        {
            "username": "newbie",
            "real_name": "新同事",
            "unit": county.b.pk,
            "position": "科员",
            "mobile": "13900001111",
            "roles": [Role.CLERK],
            "password": GOOD_PASSWORD,
        },
    )
    person = User.objects.get(username="newbie")
    assert response.status_code == 302 and response["Location"] == f"/oa/staff/{person.pk}/"
    assert person.primary_unit == county.b
    assert person.must_change_password and person.check_password(GOOD_PASSWORD)
    assert RoleAssignment.objects.filter(user=person, role=Role.CLERK, unit=county.b).exists()
    assert AuditRecord.objects.filter(action="org.staff.create", actor=system_admin).exists()


def test_adding_a_person_with_a_bad_mobile_shows_the_error_and_saves_nothing(
    client, login, system_admin, county
):
    login(system_admin)
    response = client.post(
        "/oa/staff/new/",
        {
            "username": "newbie",
            "real_name": "新同事",
            "unit": county.b.pk,
            "mobile": "12345",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["mobile"]
    assert not User.objects.filter(username="newbie").exists()


def test_a_unit_administrator_can_only_choose_their_own_unit(client, login, unit_admin_a, county):
    login(unit_admin_a)
    response = client.post(
        "/oa/staff/new/", {"username": "x", "real_name": "某人", "unit": county.b.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]  # not among the choices
    assert not User.objects.filter(username="x").exists()


def test_a_clerk_cannot_add_staff(client, login, clerk_a):
    login(clerk_a)
    assert client.get("/oa/staff/new/").status_code == 403


def test_details_are_changed_and_audited(client, login, system_admin, clerk_a):
    login(system_admin)
    response = client.post(
        f"/oa/staff/{clerk_a.pk}/",
        {
            "form": "details",
            "details-real_name": "张伟伟",
            "details-position": "副科长",
            "details-mobile": "13812345678",
            "details-email": "",
            "details-is_active": "on",
        },
    )
    assert response.status_code == 302
    clerk_a.refresh_from_db()
    assert clerk_a.real_name == "张伟伟" and clerk_a.position == "副科长"
    assert AuditRecord.objects.filter(action="org.staff.update", object_id=str(clerk_a.pk)).exists()


def test_deactivating_keeps_the_account_and_its_history(client, login, system_admin, clerk_a):
    login(system_admin)
    client.post(
        f"/oa/staff/{clerk_a.pk}/",
        {
            "form": "details",
            "details-real_name": clerk_a.real_name,
            "details-mobile": "",
        },
    )
    clerk_a.refresh_from_db()
    assert clerk_a.is_active is False
    assert Membership.objects.filter(user=clerk_a).exists()


def test_a_password_reset_forces_a_change_at_next_sign_in(client, login, system_admin, clerk_a):
    login(system_admin)
    client.post(
        f"/oa/staff/{clerk_a.pk}/", {"form": "password", "password-new_password": GOOD_PASSWORD}
    )
    clerk_a.refresh_from_db()
    assert clerk_a.check_password(GOOD_PASSWORD) and clerk_a.must_change_password


def test_a_weak_reset_password_is_refused_with_a_message(client, login, system_admin, clerk_a):
    login(system_admin)
    response = client.post(
        f"/oa/staff/{clerk_a.pk}/", {"form": "password", "password-new_password": "short"}
    )
    assert response.status_code == 200
    assert response.context["reset"].errors
    clerk_a.refresh_from_db()
    assert not clerk_a.check_password("short")


def test_moving_a_person_changes_the_primary_unit(client, login, system_admin, clerk_a, county):
    login(system_admin)
    client.post(
        f"/oa/staff/{clerk_a.pk}/",
        {"form": "move", "move-unit": county.town.pk, "move-position": "文书"},
    )
    clerk_a.refresh_from_db()
    assert clerk_a.primary_unit == county.town
    assert not Membership.objects.filter(user=clerk_a, unit=county.a).exists()
    assert AuditRecord.objects.filter(action="org.staff.move", object_id=str(clerk_a.pk)).exists()


def test_a_unit_administrator_cannot_manage_another_units_staff(
    client, login, unit_admin_a, clerk_b
):
    login(unit_admin_a)
    assert client.get(f"/oa/staff/{clerk_b.pk}/").status_code == 403
    response = client.post(
        f"/oa/staff/{clerk_b.pk}/", {"form": "password", "password-new_password": GOOD_PASSWORD}
    )
    assert response.status_code == 403
    clerk_b.refresh_from_db()
    assert not clerk_b.check_password(GOOD_PASSWORD)


def test_a_unit_administrator_manages_the_sections_of_their_unit(
    client, login, unit_admin_a, county
):
    from ...conftest import make_unit, make_user

    section = make_unit("Teaching Section", UnitKind.SECTION, county.a)
    member = make_user("teacher", section)
    login(unit_admin_a)
    assert client.get(f"/oa/staff/{member.pk}/").status_code == 200


def test_the_unit_page_links_staff_to_their_page_for_the_administrator_only(
    client, login, system_admin, clerk_a, county
):
    login(clerk_a)
    assert (
        f"/oa/staff/{clerk_a.pk}/" not in client.get(f"/oa/units/{county.a.pk}/").content.decode()
    )
    login(system_admin)
    assert f"/oa/staff/{clerk_a.pk}/" in client.get(f"/oa/units/{county.a.pk}/").content.decode()
