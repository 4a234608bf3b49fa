"""factory_boy factories of the kernel's objects, for every app's tests.

One factory per kind of thing a test needs, not per table:

- `UnitFactory`: a unit (a department unless told; `with_code` gives it a valid unified
  social credit code); `county_tree()` builds the small county of zhengtong/conftest.py.
- `StaffFactory`: a staff member who can sign in with `PASSWORD`; `unit=` makes the
  primary membership and `roles=` the role assignments (in that unit, or county-wide
  for the county-wide roles; a `(role, unit)` pair names another unit).
- `DelegationFactory`: an active delegation (`revoked=True` for a revoked one).
- `WorkItemFactory`: a work item written straight to the table, for reading tests
  (operations are tested through `core.workitems.open_work_item`).
- `PublicUserFactory`: a citizen's account (`business=True` for a business's).
- `AttachmentFactory`: an accepted upload, through `core.attachments.store_upload`.

Objects are written to the table directly, without the operations' audit records:
tests of an operation call the operation.
"""

import datetime
from types import SimpleNamespace
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from zhengtong.core.models import Attachment, WorkItem, WorkItemState
from zhengtong.core.validators import (
    citizen_id_check_char,
    credit_code_check_char,
    organisation_code_check_char,
)
from zhengtong.org.models import (
    COUNTY_WIDE_ROLES,
    Delegation,
    Membership,
    RoleAssignment,
    Unit,
    UnitKind,
    User,
)
from zhengtong.public.models import PublicUser

# Meets the staff password policy: 10+ characters, three character classes, not the
# username.
PASSWORD = "Zt-Test-Passw0rd!"
# A public user's password (the one the public tests register with).
PUBLIC_PASSWORD = "Hexi-county-2026"

# The smallest file the upload checks accept as a PDF.
PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


# --- identifiers with correct check characters (fictional) ---------------------------


def citizen_id(first17: str = "33010219900101123") -> str:
    """A citizen ID number (GB 11643) with its check character computed."""
    return first17 + citizen_id_check_char(first17)


def credit_code(org_body: str = "MA2B3C4D", region: str = "330102") -> str:
    """A unified social credit code (GB 32100) of a business registered in `region`,
    with both check characters computed."""
    first17 = "91" + region + org_body + organisation_code_check_char(org_body)
    return first17 + credit_code_check_char(first17)


# --- units ---------------------------------------------------------------------------


class UnitFactory(DjangoModelFactory):
    """A unit of the county: a department with no parent unless told.

    `UnitFactory(name="Hexi Town", kind=UnitKind.TOWN, parent=root, doc_prefix="禾发")`;
    `with_code=True` gives a valid unified social credit code (unique per unit)."""

    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Unit {n}")
    kind = UnitKind.DEPARTMENT
    parent = None

    class Params:
        with_code = factory.Trait(
            code=factory.Sequence(lambda n: credit_code(f"MA{n:06d}", region="330100"))
        )


def county_tree(name: str = "Qingshan County") -> SimpleNamespace:
    """The small county the kernel tests share: the root (kind county), its government
    with departments A (Education Bureau, "EduB") and B (Finance Bureau, "FinB"), and a
    town under the root."""
    root = UnitFactory(name=name, kind=UnitKind.COUNTY)
    government = UnitFactory(
        name="Qingshan County People's Government", kind=UnitKind.GOVERNMENT, parent=root
    )
    dept_a = UnitFactory(name="Education Bureau", parent=government, short_name="EduB")
    dept_b = UnitFactory(name="Finance Bureau", parent=government, short_name="FinB")
    town = UnitFactory(name="Hexi Town", kind=UnitKind.TOWN, parent=root)
    return SimpleNamespace(root=root, government=government, a=dept_a, b=dept_b, town=town)


# --- staff ---------------------------------------------------------------------------


class StaffFactory(DjangoModelFactory):
    """A staff member who signs in with `PASSWORD` and need not change it.

    `unit` (not a model field) becomes the primary membership; `roles` holds Role values
    (held in `unit`, or county-wide for the county-wide roles) or `(role, unit)` pairs.
    The real name defaults to the username in title case."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"staff{n}")
    real_name = factory.LazyAttribute(lambda person: person.username.title())
    mobile = ""
    email = ""
    password = factory.django.Password(PASSWORD)
    must_change_password = False

    @classmethod
    def _create(
        cls, model_class: type[User], *args: Any, unit: Unit | None = None, roles=(), **kwargs: Any
    ) -> User:
        user = super()._create(model_class, *args, **kwargs)
        if unit is not None:
            Membership.objects.create(user=user, unit=unit, is_primary=True)
        for role in roles:
            role, role_unit = role if isinstance(role, tuple) else (role, unit)
            RoleAssignment.objects.create(
                user=user, role=role, unit=None if role in COUNTY_WIDE_ROLES else role_unit
            )
        return user


class DelegationFactory(DjangoModelFactory):
    """代理: `delegator` hands their work to `delegate`, from an hour ago for three days
    (`revoked=True`: revoked now)."""

    class Meta:
        model = Delegation

    delegator = factory.SubFactory(StaffFactory)
    delegate = factory.SubFactory(StaffFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))
    revoked_at = None

    class Params:
        revoked = factory.Trait(revoked_at=factory.LazyFunction(timezone.now))


# --- work ----------------------------------------------------------------------------


class WorkItemFactory(DjangoModelFactory):
    """An open work item of kind "test.task", assigned to nobody unless told
    (`assignee_user=`, `assignee_unit=`); it may be marked done by hand unless told."""

    class Meta:
        model = WorkItem

    kind = "test.task"
    title = factory.Sequence(lambda n: f"Item {n + 1}")
    assignee_user = None
    assignee_unit = None
    due_date = None
    state = WorkItemState.OPEN
    closes_by_hand = True


# --- the public ----------------------------------------------------------------------


class PublicUserFactory(DjangoModelFactory):
    """A citizen's account, signing in with `PUBLIC_PASSWORD` unless told
    (`business=True`: a business's, with a company name and a credit code)."""

    class Meta:
        model = PublicUser

    # 135… numbers: the tests' own numbers are 136–139…, so the two never meet.
    mobile = factory.Sequence(lambda n: f"135{n:08d}")
    password = factory.django.Password(PUBLIC_PASSWORD)
    real_name = ""

    class Params:
        business = factory.Trait(
            kind=PublicUser.Kind.BUSINESS,
            company_name=factory.Sequence(lambda n: f"禾溪县测试企业{n}有限公司"),
            credit_code=factory.Sequence(lambda n: credit_code(f"MB{n:06d}")),
        )


# --- files ---------------------------------------------------------------------------


class AttachmentFactory(DjangoModelFactory):
    """A file accepted by `core.attachments.store_upload` (a small PDF unless told:
    `name=`, `content=`), uploaded by `uploaded_by` and filed under `unit` / `owner`.
    Needs a writable MEDIA_ROOT, as every upload does."""

    class Meta:
        model = Attachment

    uploaded_by = None
    unit = None
    owner = None
    name = "file.pdf"
    content = PDF
    contains_personal_data = False

    @classmethod
    def _create(
        cls,
        model_class: type[Attachment],
        *args: Any,
        uploaded_by: User | None,
        name: str,
        content: bytes,
        **kwargs: Any,
    ) -> Attachment:
        from zhengtong.core.attachments import store_upload

        return store_upload(uploaded_by, SimpleUploadedFile(name, content), **kwargs)
