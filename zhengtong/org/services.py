"""Operations on the organisation: units, staff, roles, delegations.

Each takes the acting person first, checks permission through `org.permissions`,
changes state in one transaction and writes the audit trail. The demo loader and the
IT centre's import call these too (with `actor=None` meaning the system itself, which
only management commands may pass).
"""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from typing import Any, TypeAlias

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengtong.core import audit
from zhengtong.core.access import Acting
from zhengtong.core.errors import Conflict, Invalid, NotFound, NotPermitted
from zhengtong.core.validators import check_credit_code

from . import permissions
from .models import (
    THREE_ADMINS,
    Delegation,
    Membership,
    Role,
    RoleAssignment,
    Unit,
    UnitGroup,
    UnitKind,
    UnitName,
    User,
)
from .permissions import UnitRef

SYSTEM = None  # actor for operations run by management commands

# Who acts: a staff member, or SYSTEM (None) for trusted commands.
Actor: TypeAlias = User | None


def _require(actor: Actor, action: str, obj: Any = None, *, unit: UnitRef = None) -> Acting | None:
    """Permission check; `SYSTEM` (None) is only ever passed by trusted commands."""
    if actor is SYSTEM:
        return None
    return permissions.require(actor, action, obj, unit=unit)


def _snapshot(obj: object, fields: Iterable[str]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


UNIT_FIELDS = [
    "name",
    "short_name",
    "kind",
    "code",
    "doc_prefix",
    "phone",
    "email",
    "address",
    "postcode",
    "duties",
    "sort_order",
    "is_active",
    "parent_id",
]


STRUCTURAL_UNIT_FIELDS = {"parent", "kind", "code", "is_active"}


def _clean_unit_fields(fields: dict[str, Any], *, parent: Unit | None) -> dict[str, Any]:
    code = (fields.get("code") or "").strip().upper()
    if code:
        try:
            fields["code"] = check_credit_code(code)
        except ValidationError as exc:
            raise Invalid(exc.messages[0], field="code") from exc
    name = (fields.get("name") or "").strip()
    if "name" in fields and not name:
        raise Invalid(_("A unit needs a name."), field="name")
    kind = fields.get("kind")
    if kind is not None and kind not in UnitKind.values:
        raise Invalid(_("Unknown unit kind."), field="kind")
    if kind == UnitKind.SECTION and parent is None:
        raise Invalid(_("An internal section belongs to a unit."), field="parent")
    if kind not in (None, UnitKind.COUNTY) and parent is None:
        raise Invalid(_("Every unit except the county itself has a parent unit."), field="parent")
    return fields


@transaction.atomic
def create_unit(actor: Actor, *, parent: Unit | None = None, **fields: Any) -> Unit:
    """Add a unit to the tree (IT centre, or a unit administrator adding a section)."""
    _require(actor, "org.manage_unit", parent, unit=parent)
    fields = _clean_unit_fields(fields, parent=parent)
    if (
        actor is not SYSTEM
        and fields.get("kind") != UnitKind.SECTION
        and not permissions.may(actor, "org.restructure_units")
    ):
        # A unit administrator adds internal sections to their unit, nothing else.
        raise NotPermitted()
    try:
        with transaction.atomic():
            unit = Unit.objects.create(parent=parent, **fields)
    except IntegrityError as exc:
        raise Conflict(_("Another unit already has this code."), field="code") from exc
    audit.record(
        actor,
        "org.unit.create",
        unit,
        unit=parent,
        changes=audit.diff({}, _snapshot(unit, UNIT_FIELDS)),
    )
    return unit


@transaction.atomic
def update_unit(
    actor: Actor, unit: Unit, *, effective: datetime.date | None = None, **fields: Any
) -> Unit:
    """Change a unit's details. A change of name keeps the old name in the unit's
    history (valid until the day before `effective`, default today), so documents
    issued before the rename keep showing the old name."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    _require(actor, "org.manage_unit", unit, unit=unit)
    if (
        actor is not SYSTEM
        and set(fields) & STRUCTURAL_UNIT_FIELDS
        and not permissions.may(actor, "org.restructure_units")
    ):
        # A unit administrator keeps their unit's details (phone, address, duties ...);
        # its place in the tree, kind, code and whether it exists are the IT centre's.
        raise NotPermitted()
    fields = _clean_unit_fields(fields, parent=fields.get("parent", unit.parent))
    new_parent = fields.get("parent")
    if new_parent is not None and (
        new_parent.pk == unit.pk or unit.pk in {u.pk for u in new_parent.ancestors()}
    ):
        raise Invalid(
            _("A unit cannot be placed under itself or its own sections."), field="parent"
        )
    before = _snapshot(unit, UNIT_FIELDS)
    renamed = ("name" in fields and fields["name"] != unit.name) or (
        "short_name" in fields and fields["short_name"] != unit.short_name
    )
    if renamed:
        effective = effective or timezone.localdate()
        UnitName.objects.create(
            unit=unit,
            name=unit.name,
            short_name=unit.short_name,
            valid_until=effective - datetime.timedelta(days=1),
        )
    for key, value in fields.items():
        setattr(unit, key, value)
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError as exc:
        raise Conflict(_("Another unit already has this code."), field="code") from exc
    audit.record(
        actor,
        "org.unit.update",
        unit,
        unit=unit,
        changes=audit.diff(before, _snapshot(unit, UNIT_FIELDS)),
    )
    return unit


@transaction.atomic
def merge_units(actor: Actor, source: Unit, target: Unit) -> Unit:
    """Merge `source` into `target`: members move to the target, the source is kept
    (inactive, pointing at the target) so its documents and history stay readable."""
    _require(actor, "org.manage_unit", target, unit=target)
    _require(actor, "org.manage_unit", source, unit=source)
    if source.pk == target.pk:
        raise Invalid(_("A unit cannot be merged into itself."))
    source = Unit.objects.select_for_update().get(pk=source.pk)
    if not source.is_active:
        raise Conflict(_("This unit is no longer active."))
    moved = 0
    for membership in Membership.objects.filter(unit=source).select_related("user"):
        if Membership.objects.filter(user=membership.user, unit=target).exists():
            was_primary = membership.is_primary
            membership.delete()
            if was_primary:
                Membership.objects.filter(user=membership.user, unit=target).update(is_primary=True)
        else:
            membership.unit = target
            membership.save(update_fields=["unit"])
        moved += 1
    source.is_active = False
    source.merged_into = target
    source.save(update_fields=["is_active", "merged_into"])
    # The source has no members left: its open work items go to the target, or nobody
    # would ever see them again.
    from zhengtong.core.models import WorkItem, WorkItemState

    items_moved = WorkItem.objects.filter(assignee_unit=source, state=WorkItemState.OPEN).update(
        assignee_unit=target
    )
    audit.record(
        actor,
        "org.unit.merge",
        source,
        unit=target,
        changes={
            "merged_into": [None, target.pk],
            "members_moved": [0, moved],
            "open_items_moved": [0, items_moved],
        },
    )
    return target


def _clean_staff(
    username: str | None, real_name: str | None, mobile: str | None
) -> tuple[str, str, str]:
    username = (username or "").strip()
    if not username:
        raise Invalid(_("A user name is required."), field="username")
    if not (real_name or "").strip():
        raise Invalid(_("The real name is required."), field="real_name")
    if mobile:
        from zhengtong.core.validators import check_mobile

        try:
            mobile = check_mobile(mobile)
        except ValidationError as exc:
            raise Invalid(exc.messages[0], field="mobile") from exc
    return username, (real_name or "").strip(), mobile or ""


STAFF_FIELDS = ["username", "real_name", "position", "mobile", "email", "is_active"]


def _staff_snapshot(user: User) -> dict[str, Any]:
    """The audited staff fields; the mobile number masked (it is encrypted at rest and
    must not lie in clear in the audit trail)."""
    from zhengtong.core.masking import mask_mobile

    snapshot = _snapshot(user, STAFF_FIELDS)
    if snapshot["mobile"]:
        snapshot["mobile"] = mask_mobile(snapshot["mobile"])
    return snapshot


@transaction.atomic
def create_staff(
    actor: Actor,
    *,
    unit: Unit,
    username: str,
    real_name: str,
    password: str | None = None,
    position: str = "",
    mobile: str = "",
    email: str = "",
    roles: Iterable[str | tuple[str, Unit | None]] = (),
    must_change_password: bool = True,
) -> User:
    """Create a staff account with its primary unit and roles. Without a password the
    account cannot sign in until an administrator sets one."""
    _require(actor, "org.manage_staff", unit, unit=unit)
    username, real_name, mobile = _clean_staff(username, real_name, mobile)
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("This user name is taken."), field="username")
    user = User(
        username=username,
        real_name=real_name,
        position=position,
        mobile=mobile,
        email=email,
        must_change_password=must_change_password,
    )
    if password:
        _check_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, unit=unit, is_primary=True, position=position)
    audit.record(
        actor,
        "org.staff.create",
        user,
        unit=unit,
        changes=audit.diff({}, _staff_snapshot(user) | {"unit": unit.pk}),
    )
    for role in roles:
        role, role_unit = role if isinstance(role, tuple) else (role, unit)
        assign_role(actor, user, role, unit=None if permissions.is_county_wide(role) else role_unit)
    return user


def _check_password(password: str, user: User | None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages), field="password") from exc


@transaction.atomic
def update_staff(actor: Actor, user: User, **fields: Any) -> User:
    """Change a staff member's details (not units or roles)."""
    unit = user.primary_unit
    _require(actor, "org.manage_staff", user, unit=unit)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = _staff_snapshot(user)
    if "real_name" in fields or "mobile" in fields:
        _u, fields["real_name"], fields["mobile"] = _clean_staff(
            user.username,
            fields.get("real_name", user.real_name),
            fields.get("mobile", user.mobile),
        )
    for key in fields:
        if key not in STAFF_FIELDS or key == "username":
            raise Invalid(_("This field cannot be changed here."), field=key)
    for key, value in fields.items():
        setattr(user, key, value)
    user.save()
    audit.record(
        actor,
        "org.staff.update",
        user,
        unit=unit,
        changes=audit.diff(before, _staff_snapshot(user)),
    )
    return user


@transaction.atomic
def move_staff(
    actor: Actor, user: User, new_unit: Unit, *, keep_old: bool = False, position: str | None = None
) -> User:
    """Move a person to another primary unit. Their history (work items closed,
    audit records) stays with them; open items assigned to them personally stay too."""
    _require(actor, "org.manage_staff", user, unit=new_unit)
    old = user.primary_unit
    if old is not None:
        _require(actor, "org.manage_staff", user, unit=old)
    Membership.objects.filter(user=user, is_primary=True).update(is_primary=False)
    if old and not keep_old and old.pk != new_unit.pk:
        Membership.objects.filter(user=user, unit=old).delete()
    membership, _c = Membership.objects.get_or_create(user=user, unit=new_unit)
    membership.is_primary = True
    if position is not None:
        membership.position = position
        user.position = position
        user.save(update_fields=["position"])
    membership.save()
    permissions.forget(user)
    audit.record(
        actor,
        "org.staff.move",
        user,
        unit=new_unit,
        changes={"primary_unit": [old.pk if old else None, new_unit.pk]},
    )
    return user


@transaction.atomic
def add_membership(actor: Actor, user: User, unit: Unit, *, position: str = "") -> Membership:
    """Give a person a further (non-primary) unit."""
    _require(actor, "org.manage_staff", user, unit=unit)
    membership, created = Membership.objects.get_or_create(
        user=user, unit=unit, defaults={"position": position}
    )
    if created:
        permissions.forget(user)
        audit.record(
            actor, "org.membership.add", user, unit=unit, changes={"unit": [None, unit.pk]}
        )
    return membership


def check_role_grant(user: User, role: str, unit: Unit | None) -> Unit | None:
    """The rules of a role grant that do not depend on who grants it; returns the unit
    the role is held in (None for county-wide roles). Also used by the admin's form."""
    if role not in Role.values:
        raise Invalid(_("Unknown role."), field="role")
    if role in THREE_ADMINS:
        others = RoleAssignment.objects.filter(user=user, role__in=THREE_ADMINS).exclude(role=role)
        if others.exists():
            raise Conflict(
                _("The system, security and audit administrators must be three different people."),
                field="role",
            )
    if permissions.is_county_wide(role):
        return None
    if unit is None:
        raise Invalid(_("This role is held in a unit; choose the unit."), field="unit")
    return unit


@transaction.atomic
def assign_role(actor: Actor, user: User, role: str, *, unit: Unit | None = None) -> RoleAssignment:
    """Give a role, in a unit or county-wide. The three administrators (系统/安全/审计
    管理员, 等保 三员, docs/conformance.md SEC-5) must be three different people, and only
    the security administrator hands out roles (the system administrator may grant
    the ordinary ones when no security administrator exists yet, for first set-up)."""
    if role not in Role.values:
        raise Invalid(_("Unknown role."), field="role")
    _require(actor, "org.assign_role", user, unit=unit)
    if (
        role in THREE_ADMINS
        and actor is not SYSTEM
        and not permissions.may(actor, "org.grant_admin_roles")
    ):
        # During first set-up the system administrator hands out ordinary roles only.
        raise NotPermitted()
    unit = check_role_grant(user, role, unit)
    assignment, created = RoleAssignment.objects.get_or_create(user=user, role=role, unit=unit)
    if created:
        permissions.forget(user)
        audit.record(
            actor,
            "org.role.grant",
            user,
            unit=unit,
            changes={"role": [None, role], "unit": [None, unit.pk if unit else None]},
        )
    return assignment


@transaction.atomic
def revoke_role(actor: Actor, user: User, role: str, *, unit: Unit | None = None) -> None:
    """Take a role away."""
    _require(actor, "org.assign_role", user, unit=unit)
    if (
        role in THREE_ADMINS
        and actor is not SYSTEM
        and not permissions.may(actor, "org.grant_admin_roles")
    ):
        raise NotPermitted()
    deleted, _d = RoleAssignment.objects.filter(user=user, role=role, unit=unit).delete()
    if not deleted:
        raise NotFound(_("This person does not hold that role there."))
    permissions.forget(user)
    audit.record(
        actor,
        "org.role.revoke",
        user,
        unit=unit,
        changes={"role": [role, None], "unit": [unit.pk if unit else None, None]},
    )


@transaction.atomic
def set_password(
    actor: Actor, user: User, new_password: str, *, must_change: bool | None = None
) -> User:
    """Set a password: by the person themself (after checking the old one in the view)
    or by an administrator resetting it (then it must be changed at next sign-in)."""
    own = actor is not SYSTEM and actor.pk == user.pk
    if actor is not SYSTEM and not own:
        _require(actor, "org.reset_password", user, unit=user.primary_unit)
    if must_change is None:
        must_change = not own
    _check_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = must_change
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit.record(
        actor,
        "org.password.change" if own else "org.password.reset",
        user,
        unit=user.primary_unit,
        changes={"must_change_password": [None, must_change]},
    )
    return user


@transaction.atomic
def delegate(
    actor: Actor,
    *,
    delegator: User,
    delegate_to: User,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    reason: str = "",
) -> Delegation:
    """Hand `delegator`'s work to `delegate_to` for a period (代理). The person
    themself, or a unit administrator of their unit, may set it up."""
    _require(actor, "org.delegate", delegator, unit=delegator.primary_unit)
    if delegator.pk == delegate_to.pk:
        raise Invalid(_("A person cannot delegate to themself."), field="delegate")
    if not delegate_to.is_active:
        raise Invalid(_("This person's account is not active."), field="delegate")
    if ends_at <= starts_at:
        raise Invalid(_("The end must be after the start."), field="ends_at")
    if ends_at <= timezone.now():
        raise Invalid(_("The period is already over."), field="ends_at")
    overlapping = Delegation.objects.filter(
        delegator=delegator, revoked_at__isnull=True, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if overlapping.exists():
        raise Conflict(_("There is already a delegation for part of this period."))
    if Delegation.objects.filter(
        delegator=delegate_to,
        delegate=delegator,
        revoked_at__isnull=True,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    ).exists():
        raise Conflict(_("That person has delegated to you; delegations cannot go in a circle."))
    item = Delegation.objects.create(
        delegator=delegator,
        delegate=delegate_to,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
    )
    audit.record(
        actor,
        "org.delegation.create",
        item,
        unit=delegator.primary_unit,
        changes={
            "delegate": [None, delegate_to.pk],
            "starts_at": [None, starts_at],
            "ends_at": [None, ends_at],
        },
    )
    return item


@transaction.atomic
def revoke_delegation(actor: Actor, delegation: Delegation) -> Delegation:
    """End a delegation now."""
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    _require(actor, "org.delegate", delegation.delegator, unit=delegation.delegator.primary_unit)
    if delegation.revoked_at or delegation.ends_at <= timezone.now():
        raise Conflict(_("This delegation has already ended."))
    delegation.revoked_at = timezone.now()
    delegation.save(update_fields=["revoked_at"])
    audit.record(
        actor,
        "org.delegation.revoke",
        delegation,
        unit=delegation.delegator.primary_unit,
        changes={"revoked_at": [None, delegation.revoked_at]},
    )
    return delegation


@transaction.atomic
def update_own_preferences(actor: User, *, notification_mode: str, email: str = "") -> User:
    """A person chooses immediate or daily-digest notifications and their e-mail."""
    before = User.objects.filter(pk=actor.pk).values("notification_mode", "email").get()
    actor.notification_mode = notification_mode
    actor.email = email
    actor.save(update_fields=["notification_mode", "email"])
    audit.record(
        actor,
        "org.preferences.update",
        actor,
        unit=actor.primary_unit,
        changes=audit.diff(before, _snapshot(actor, ["notification_mode", "email"])),
    )
    return actor


@transaction.atomic
def save_unit_group(
    actor: Actor, group: UnitGroup | None, *, name: str, units: Sequence[Unit]
) -> UnitGroup:
    """Create or change a saved group of units (e.g. 全体乡镇) used for distribution."""
    _require(actor, "org.manage_unit", group)
    name = (name or "").strip()
    if not name:
        raise Invalid(_("A group needs a name."), field="name")
    same_name = UnitGroup.objects.filter(name=name)
    if group is not None:
        same_name = same_name.exclude(pk=group.pk)
    if same_name.exists():
        raise Conflict(_("Another group has this name."), field="name")
    before = (
        {"name": group.name, "units": sorted(group.units.values_list("pk", flat=True))}
        if group
        else {}
    )
    if group is None:
        group = UnitGroup.objects.create(name=name)
    else:
        group.name = name
        group.save(update_fields=["name"])
    group.units.set(units)
    after = {"name": group.name, "units": sorted(u.pk for u in units)}
    audit.record(actor, "org.unitgroup.save", group, changes=audit.diff(before, after))
    return group


# --- bulk import --------------------------------------------------------------------

IMPORT_COLUMNS = ["username", "real_name", "unit", "position", "mobile", "email", "roles"]
_ROLE_BY_LABEL: dict[str, str] = {}


def _role_lookup(text: str) -> str | None:
    """A role by its code (clerk) or its Chinese or English label (文书, Clerk)."""
    from django.utils import translation

    if not _ROLE_BY_LABEL:
        for value, label in Role.choices:
            _ROLE_BY_LABEL[value] = value
            _ROLE_BY_LABEL[str(label).lower()] = value
            with translation.override("zh-hans"):
                _ROLE_BY_LABEL[str(label)] = value
    return _ROLE_BY_LABEL.get(text.strip()) or _ROLE_BY_LABEL.get(text.strip().lower())


def _unit_lookup(text: str, units: Iterable[Unit]) -> Unit | None:
    text = text.strip()
    for unit in units:
        if text in (unit.name, unit.short_name, unit.code) and text:
            return unit
    return None


# A staff list of ten thousand people is under 1 MB of CSV: more is refused unread.
STAFF_FILE_MAX_BYTES = 2 * 1024 * 1024


def _staff_file_reader(fileobj_or_text: Any) -> "csv.DictReader[str]":
    """A CSV reader over the file's text, whose first line names the required columns.

    The file is read only up to STAFF_FILE_MAX_BYTES; an Excel workbook (a ZIP or OLE2
    file) is refused from its first bytes, never expanded."""
    if hasattr(fileobj_or_text, "read"):
        raw = fileobj_or_text.read(STAFF_FILE_MAX_BYTES + 1)
    else:
        raw = fileobj_or_text
    if len(raw) > STAFF_FILE_MAX_BYTES:
        raise Invalid(
            _("The staff file is larger than %(mb)d MB; split it into smaller files.")
            % {"mb": STAFF_FILE_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    if isinstance(raw, bytes) and raw[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0"):
        raise Invalid(
            _("This is an Excel workbook, not a CSV file. In Excel choose “CSV UTF-8”."),
            code="not_csv",
        )
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise Invalid(_("The file is not UTF-8 text. In Excel choose “CSV UTF-8”.")) from exc
    reader = csv.DictReader(io.StringIO(raw.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in ("username", "real_name", "unit") if c not in header]
    if missing:
        raise Invalid(
            _("The first line must name the columns; missing: %(cols)s.")
            % {"cols": ", ".join(missing)}
        )
    return reader


def _staff_roles(text: str, where: str, problems: list[str]) -> list[str]:
    """The roles named in a "roles" cell (codes or labels separated by ; or 、)."""
    roles = []
    for name in filter(None, (t.strip() for t in text.replace("、", ";").split(";"))):
        role = _role_lookup(name)
        if role is None:
            problems.append(f"{where}: " + _("unknown role “%(role)s”.") % {"role": name})
        elif role in THREE_ADMINS:
            problems.append(f"{where}: " + _("administrator roles are not given by import."))
        else:
            roles.append(role)
    return roles


def _staff_mobile(mobile: str, where: str, problems: list[str]) -> str:
    """The mobile number, normalised when it is valid (empty stays empty)."""
    if not mobile:
        return mobile
    from zhengtong.core.validators import check_mobile

    try:
        return check_mobile(mobile)
    except ValidationError as exc:
        problems.append(f"{where}: {exc.messages[0]}")
        return mobile


def _staff_row(
    line: int, row: dict[str, str], units: list[Unit], taken: set[str], problems: list[str]
) -> dict[str, Any]:
    """Check one staff row (its problems go to `problems`); `taken` gains its user name."""
    where = _("Line %(line)d") % {"line": line}
    username = row.get("username", "")
    if not username:
        problems.append(f"{where}: " + _("the user name is empty."))
    elif username.lower() in taken:
        problems.append(f"{where}: " + _("the user name %(name)s is taken.") % {"name": username})
    taken.add(username.lower())
    if not row.get("real_name"):
        problems.append(f"{where}: " + _("the real name is empty."))
    unit = _unit_lookup(row.get("unit", ""), units)
    if unit is None:
        problems.append(
            f"{where}: " + _("no active unit is called “%(unit)s”.") % {"unit": row.get("unit", "")}
        )
    mobile = _staff_mobile(row.get("mobile", ""), where, problems)
    roles = _staff_roles(row.get("roles", ""), where, problems)
    return {
        "line": line,
        "username": username,
        "real_name": row.get("real_name", ""),
        "unit": unit,
        "position": row.get("position", ""),
        "mobile": mobile,
        "email": row.get("email", ""),
        "roles": roles,
    }


def parse_staff_file(fileobj_or_text: Any) -> list[dict[str, Any]]:
    """Read a staff spreadsheet saved as UTF-8 CSV (Excel's "CSV UTF-8" works; a BOM is
    accepted). Columns: username, real_name, unit (name, short name or credit code),
    position, mobile, email, roles (codes or labels separated by ; or 、). A header row
    naming the columns is required. Returns the rows, or raises Invalid listing every
    problem with its line number; nothing is created."""
    reader = _staff_file_reader(fileobj_or_text)
    units = list(Unit.objects.filter(is_active=True))
    # User names already in use, and (as rows are read) those of earlier rows.
    taken = {u.lower() for u in User.objects.values_list("username", flat=True)}
    problems: list[str] = []
    rows = []
    for line, raw_row in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw_row.items() if k}
        if any(row.values()):
            rows.append(_staff_row(line, row, units, taken, problems))
    if not rows and not problems:
        problems.append(_("The file has no staff rows."))
    if problems:
        raise Invalid("\n".join(problems))
    return rows


@transaction.atomic
def import_staff(actor: Actor, fileobj_or_text: Any) -> list[User]:
    """Add many staff at once from a spreadsheet (CSV). All rows or none: any bad row
    refuses the whole file. New accounts have no usable password until an
    administrator sets one, and must change it at first sign-in."""
    rows = parse_staff_file(fileobj_or_text)
    created = []
    for row in rows:
        created.append(
            create_staff(
                actor,
                unit=row["unit"],
                username=row["username"],
                real_name=row["real_name"],
                position=row["position"],
                mobile=row["mobile"],
                email=row["email"],
                roles=row["roles"],
            )
        )
    return created
