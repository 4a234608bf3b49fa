"""The shared factories make valid objects, and test support stays in the kernel."""

import ast
import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from zhengtong.org.models import Delegation, Role, UnitKind
from zhengtong.public.models import PublicUser
from zhengtong.testing.factories import (
    PASSWORD,
    PUBLIC_PASSWORD,
    AttachmentFactory,
    DelegationFactory,
    PublicUserFactory,
    StaffFactory,
    UnitFactory,
    WorkItemFactory,
    county_tree,
)

pytestmark = pytest.mark.django_db


def test_a_unit_with_a_code_passes_the_models_checks():
    root = UnitFactory(name="禾溪县", kind=UnitKind.COUNTY)
    bureau = UnitFactory(parent=root, with_code=True, doc_prefix="禾教发")
    other = UnitFactory(parent=root, with_code=True)
    bureau.full_clean()
    other.full_clean()
    assert bureau.code != other.code and len(bureau.code) == 18
    assert bureau.county() == root and bureau.kind == UnitKind.DEPARTMENT


def test_the_small_county_has_its_government_departments_and_town():
    county = county_tree()
    assert county.root.kind == UnitKind.COUNTY
    assert county.a.parent == county.b.parent == county.government
    assert county.town.parent == county.root and county.town.kind == UnitKind.TOWN


def test_a_staff_member_signs_in_and_holds_roles_in_the_unit_or_county_wide():
    county = county_tree()
    person = StaffFactory(
        username="clerk",
        unit=county.a,
        roles=[Role.CLERK, Role.SUPERVISOR, (Role.EDITOR, county.b)],
    )
    assert person.check_password(PASSWORD) and not person.must_change_password
    assert person.real_name == "Clerk" and person.primary_unit == county.a
    held = {(a.role, a.unit_id) for a in person.role_assignments.all()}
    assert held == {(Role.CLERK, county.a.pk), (Role.SUPERVISOR, None), (Role.EDITOR, county.b.pk)}
    assert StaffFactory(password="Other-Passw0rd!").check_password("Other-Passw0rd!")


def test_a_delegation_is_active_until_revoked():
    active = DelegationFactory()
    revoked = DelegationFactory(revoked=True)
    assert list(Delegation.objects.active()) == [active]
    assert revoked.revoked_at is not None and revoked.delegator != revoked.delegate


def test_a_work_item_is_open_and_may_be_marked_done_by_hand():
    unit = UnitFactory()
    due = timezone.localdate() + datetime.timedelta(days=3)
    item = WorkItemFactory(assignee_unit=unit, due_date=due)
    assert item.state == "open" and item.closes_by_hand and item.assignee_unit == unit


def test_public_users_sign_in_and_a_business_has_a_valid_credit_code():
    citizen = PublicUserFactory(real_name="李小禾")
    business = PublicUserFactory(business=True)
    assert citizen.check_password(PUBLIC_PASSWORD) and citizen.kind == "citizen"
    business.full_clean()
    assert business.kind == "business" and business.company_name
    assert PublicUser.objects.get(mobile_index=citizen.mobile_index) == citizen


def test_an_attachment_goes_through_the_upload_checks(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.CLAMD_SOCKET = ""
    unit = UnitFactory()
    uploader = StaffFactory(unit=unit)
    attachment = AttachmentFactory(uploaded_by=uploader, unit=unit, name="通知.pdf")
    assert attachment.extension == "pdf" and attachment.uploaded_by == uploader
    assert attachment.unit == unit and attachment.file.size == attachment.size


def test_test_support_imports_the_kernel_below_the_subsystems_only():
    allowed = {"core", "org", "public", "testing"}
    package = Path(__file__).resolve().parents[1]
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            for name in names:
                parts = name.split(".")
                if parts[0] == "zhengtong" and len(parts) > 1:
                    assert parts[1] in allowed, f"{path.name} imports {name}"
