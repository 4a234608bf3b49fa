"""The IT centre adds staff in bulk from a spreadsheet: all rows or none, every
problem named with its line."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from zhengtong.core.errors import Invalid, NotPermitted
from zhengtong.core.models import AuditRecord
from zhengtong.org import services
from zhengtong.org.models import Role, RoleAssignment, User

HEADER = "username,real_name,unit,position,mobile,email,roles\n"
GOOD = HEADER + (
    "chenjing,陈静,EduB,科员,13800001111,,文书\n"
    "liuyang,刘洋,Finance Bureau,副局长,,liu@example.cn,unit_head;Reviewer\n"
)


def test_a_good_file_adds_every_row_with_units_and_roles(system_admin, county):
    created = services.import_staff(system_admin, GOOD.encode("utf-8-sig"))
    assert [u.username for u in created] == ["chenjing", "liuyang"]
    chen = User.objects.get(username="chenjing")
    assert chen.primary_unit == county.a
    assert chen.mobile == "13800001111"
    assert chen.must_change_password and not chen.has_usable_password()
    assert RoleAssignment.objects.filter(user=chen, role=Role.CLERK, unit=county.a).exists()
    liu = User.objects.get(username="liuyang")
    assert set(liu.role_assignments.values_list("role", flat=True)) == {
        Role.UNIT_HEAD,
        Role.REVIEWER,
    }
    assert AuditRecord.objects.filter(action="org.staff.create", actor=system_admin).count() == 2


def test_one_bad_row_refuses_the_whole_file_and_names_every_problem(system_admin, county):
    bad = GOOD + "clerk_a,,Nowhere,,12345,,magician\n"
    with pytest.raises(Invalid) as caught:
        services.import_staff(system_admin, bad)
    message = str(caught.value.message)
    assert "Line 4" in message
    for fragment in ("real name", "Nowhere", "magician"):
        assert fragment in message
    assert not User.objects.filter(username__in=["chenjing", "liuyang"]).exists()


def test_a_taken_user_name_is_refused(system_admin, clerk_a, county):
    with pytest.raises(Invalid, match="clerk_a"):
        services.import_staff(system_admin, HEADER + "clerk_a,张三,EduB,,,,\n")


def test_administrator_roles_are_never_given_by_import(system_admin, county):
    with pytest.raises(Invalid, match="administrator roles"):
        services.import_staff(system_admin, HEADER + "x1,张三,EduB,,,,system_admin\n")


def test_a_file_without_the_header_is_refused(system_admin, county):
    with pytest.raises(Invalid, match="missing"):
        services.import_staff(system_admin, "chenjing,陈静,EduB\n")


def test_a_unit_administrator_imports_into_their_own_unit_only(unit_admin_a, county):
    services.import_staff(unit_admin_a, HEADER + "x2,张三,EduB,,,,\n")
    with pytest.raises(NotPermitted):
        services.import_staff(unit_admin_a, HEADER + "x3,李四,FinB,,,,\n")
    assert not User.objects.filter(username="x3").exists()


def test_the_import_page_adds_staff_and_shows_them(client, login, system_admin, county):
    login(system_admin)
    upload = SimpleUploadedFile("staff.csv", GOOD.encode("utf-8-sig"), content_type="text/csv")
    response = client.post("/oa/directory/import/", {"file": upload})
    assert response.status_code == 200
    assert "陈静" in response.content.decode()
    assert User.objects.filter(username="liuyang").exists()


def test_the_import_page_shows_each_problem_and_saves_nothing(client, login, system_admin, county):
    login(system_admin)
    upload = SimpleUploadedFile(
        "staff.csv", (HEADER + "y1,,EduB,,,,\n").encode(), content_type="text/csv"
    )
    response = client.post("/oa/directory/import/", {"file": upload})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not User.objects.filter(username="y1").exists()


def test_a_clerk_cannot_open_the_import_page(client, login, clerk_a):
    login(clerk_a)
    assert client.get("/oa/directory/import/").status_code == 403


def test_a_unit_administrator_importing_into_another_unit_gets_a_clear_message(
    client, login, unit_admin_a, county
):
    login(unit_admin_a)
    upload = SimpleUploadedFile(
        "s.csv", (HEADER + "z1,王五,FinB,,,,\n").encode(), content_type="text/csv"
    )
    response = client.post("/oa/directory/import/", {"file": upload})
    assert response.context["form"].errors["file"]
    assert not User.objects.filter(username="z1").exists()


def test_the_import_command_reports_a_bad_file(tmp_path, county):
    path = tmp_path / "staff.csv"
    path.write_text(HEADER + "q1,,EduB,,,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Line 2"):
        call_command("import_staff", str(path))
    path.write_text(HEADER + "q1,钱一,EduB,,,,\n", encoding="utf-8")
    call_command("import_staff", str(path))
    assert User.objects.filter(username="q1").exists()


def test_an_excel_workbook_even_a_bomb_is_refused_unexpanded_with_advice(system_admin, county):
    from zhengtong.core.tests.test_archives import xlsx_bomb

    upload = SimpleUploadedFile("人员.xlsx", xlsx_bomb())
    with pytest.raises(Invalid, match="CSV UTF-8") as caught:
        services.import_staff(system_admin, upload)
    assert caught.value.code == "not_csv"
    assert not User.objects.filter(username="chenjing").exists()


def test_a_staff_file_over_the_limit_is_refused_without_reading_it_all(
    system_admin, county, monkeypatch
):
    monkeypatch.setattr(services, "STAFF_FILE_MAX_BYTES", 100)
    upload = SimpleUploadedFile("人员.csv", (GOOD + "x" * 200).encode())
    with pytest.raises(Invalid) as caught:
        services.import_staff(system_admin, upload)
    assert caught.value.code == "too_large"
