"""Permission rules of the organisation app.

The IT centre (system administrator) manages the unit tree and staff county-wide; a
unit administrator manages the staff and sections of their own unit. Roles are handed
out by the security administrator (等保 三员: the one who runs the system does not also
decide who may do what), or by the system administrator for ordinary roles during
first set-up when no security administrator exists yet.
"""

from typing import Any

from zhengtong.core.access import Person

from .models import THREE_ADMINS, Role, RoleAssignment, UnitKind, User
from .permissions import UnitRef, has_role, has_role_anywhere, is_member, rule


def _unit_of(obj: Any, unit: UnitRef) -> Any:
    if unit is not None:
        return unit
    primary = getattr(obj, "primary_unit", None)
    return primary if primary is not None else obj


@rule("org.manage_unit", delegable=False)
def manage_unit(person: Person, unit_obj: Any, unit: UnitRef) -> bool:
    if has_role(person, Role.SYSTEM_ADMIN):
        return True
    # A unit administrator manages their own unit's details and its internal sections.
    return unit is not None and has_role(person, Role.UNIT_ADMIN, unit)


@rule("org.manage_staff", delegable=False)
def manage_staff(person: Person, obj: Any, unit: UnitRef) -> bool:
    if has_role(person, Role.SYSTEM_ADMIN):
        return True
    # Unit administrators never manage an administrator's account (as for passwords).
    if (
        isinstance(obj, User)
        and RoleAssignment.objects.filter(user=obj, role__in=THREE_ADMINS).exists()
    ):
        return False
    target = _unit_of(obj, unit)
    return target is not None and _administers(person, target)


def _administers(person: Person, unit: Any) -> bool:
    """A unit administrator administers their unit and its internal sections."""
    if has_role(person, Role.UNIT_ADMIN, unit):
        return True
    return (
        getattr(unit, "kind", None) == UnitKind.SECTION
        and unit.parent_id is not None
        and has_role(person, Role.UNIT_ADMIN, unit.parent_id)
    )


@rule("org.reset_password", delegable=False)
def reset_password(person: Person, user: Any, unit: UnitRef) -> bool:
    if has_role(person, Role.SYSTEM_ADMIN):
        return True
    # Unit administrators reset their own members' passwords, never an administrator's.
    if RoleAssignment.objects.filter(user=user, role__in=THREE_ADMINS).exists():
        return False
    return unit is not None and has_role(person, Role.UNIT_ADMIN, unit)


@rule("org.assign_role", delegable=False)
def assign_role(person: Person, user: Any, unit: UnitRef) -> bool:
    if has_role(person, Role.SECURITY_ADMIN):
        return True
    if has_role(person, Role.SYSTEM_ADMIN):
        return not RoleAssignment.objects.filter(role=Role.SECURITY_ADMIN).exists()
    return False


@rule("org.delegate", delegable=False)
def delegate(person: Person, delegator: Any, unit: UnitRef) -> bool:
    if person.pk == delegator.pk:
        return True
    return unit is not None and has_role(person, Role.UNIT_ADMIN, unit)


@rule("org.view_staff")
def view_staff(person: Person, user: Any, unit: UnitRef) -> bool:
    # Every staff member may see colleagues' names, units, positions and office phones.
    return bool(person.is_authenticated)


@rule("org.view_staff_contact")
def view_staff_contact(person: Person, user: Any, unit: UnitRef) -> bool:
    """Whole mobile numbers: colleagues in a shared unit and the IT centre; others see
    them masked."""
    if person.pk == getattr(user, "pk", None) or has_role(person, Role.SYSTEM_ADMIN):
        return True
    return any(is_member(person, u) for u in user.units.all())


@rule("org.restructure_units", delegable=False)
def restructure_units(person: Person, obj: Any, unit: UnitRef) -> bool:
    """The unit tree itself (adding units other than sections, moving, recoding,
    deactivating) is the IT centre's."""
    return has_role(person, Role.SYSTEM_ADMIN)


@rule("org.grant_admin_roles", delegable=False)
def grant_admin_roles(person: Person, obj: Any, unit: UnitRef) -> bool:
    """Only the security administrator grants or removes the three administrator roles."""
    return has_role(person, Role.SECURITY_ADMIN)


@rule("org.open_staff_pages", delegable=False)
def open_staff_pages(person: Person, obj: Any, unit: UnitRef) -> bool:
    """The staff-management pages: the IT centre, and unit administrators (who then
    manage their own units only, rule org.manage_staff)."""
    return has_role(person, Role.SYSTEM_ADMIN) or has_role_anywhere(person, Role.UNIT_ADMIN)


@rule("org.open_admin", delegable=False)
def open_admin(person: Person, obj: Any, unit: UnitRef) -> bool:
    """/admin/ opens for the three administrators (等保 三员)."""
    return any(has_role(person, role) for role in THREE_ADMINS)
