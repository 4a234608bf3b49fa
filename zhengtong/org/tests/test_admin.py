"""The IT centre's admin follows the county's roles (等保 三员), and its saves go
through the operations, so they are checked and audited like everything else."""

from zhengtong.core.models import AuditRecord
from zhengtong.org.models import Role, RoleAssignment, Unit, UnitKind


def add_unit_in_admin(client, **fields):
    """Post the admin's add-unit form: a department under the government."""
    data = {
        "parent": Unit.objects.get(kind=UnitKind.GOVERNMENT).pk,
        "kind": UnitKind.DEPARTMENT,
        "short_name": "",
        "code": "",
        "doc_prefix": "",
        "phone": "",
        "email": "",
        "address": "",
        "postcode": "",
        "duties": "",
        "sort_order": 0,
        "is_active": "on",
        "names-TOTAL_FORMS": 0,
        "names-INITIAL_FORMS": 0,
        "names-MIN_NUM_FORMS": 0,
        "names-MAX_NUM_FORMS": 1000,
    }
    return client.post("/admin/org/unit/add/", data | fields)


def test_the_system_administrator_manages_units_but_cannot_read_the_audit_trail(
    client, login, system_admin
):
    login(system_admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/org/unit/").status_code == 200
    assert client.get("/admin/core/auditrecord/").status_code == 403


def test_the_audit_administrator_reads_the_audit_trail_and_nothing_else(client, login, audit_admin):
    login(audit_admin)
    assert client.get("/admin/core/auditrecord/").status_code == 200
    assert client.get("/admin/org/unit/").status_code == 403
    assert client.get("/admin/org/roleassignment/").status_code == 403


def test_the_security_administrator_hands_out_roles_and_cannot_edit_units(
    client, login, security_admin
):
    login(security_admin)
    assert client.get("/admin/org/roleassignment/").status_code == 200
    assert client.get("/admin/org/unit/").status_code == 403


def test_a_clerk_is_sent_to_the_admin_sign_in(client, login, clerk_a):
    login(clerk_a)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_adding_a_unit_in_the_admin_goes_through_the_operation(client, login, system_admin, county):
    login(system_admin)
    response = add_unit_in_admin(client, name="县统计局", short_name="统计局", doc_prefix="统发")
    assert response.status_code == 302, response.content[:2000]
    unit = Unit.objects.get(name="县统计局")
    assert AuditRecord.objects.filter(
        action="org.unit.create", object_id=str(unit.pk), actor=system_admin
    ).exists()


def test_a_bad_credit_code_in_the_admin_is_refused_and_nothing_is_saved(
    client, login, system_admin, county
):
    login(system_admin)
    response = add_unit_in_admin(client, name="县审计局", code="911100006000373411")
    assert not Unit.objects.filter(name="县审计局").exists()
    assert response.status_code == 200  # the form again, with the error on the field
    assert response.context["adminform"].form.errors["code"]


def test_granting_a_role_in_the_admin_keeps_the_three_administrators_apart(
    client, login, security_admin, system_admin
):
    login(security_admin)
    client.post(
        "/admin/org/roleassignment/add/",
        {"user": system_admin.pk, "role": Role.AUDIT_ADMIN, "unit": ""},
    )
    assert not RoleAssignment.objects.filter(user=system_admin, role=Role.AUDIT_ADMIN).exists()
