"""Permission rules of the kernel: work items, attachments, audit trail, calendar,
the IT centre's dashboard."""

from typing import Any

from zhengtong.core.access import Person
from zhengtong.org.models import Role
from zhengtong.org.permissions import UnitRef, has_role, is_member, rule, rule_holds

# --- work items ---------------------------------------------------------------------


@rule("core.close_workitem")
def close_workitem(person: Person, item: Any, unit: UnitRef) -> bool:
    """The assignee, or any member of the assigned unit, closes an item."""
    if item.assignee_user_id is not None and item.assignee_user_id == person.pk:
        return True
    return item.assignee_unit_id is not None and is_member(person, item.assignee_unit_id)


@rule("core.view_workitem")
def view_workitem(person: Person, item: Any, unit: UnitRef) -> bool:
    return close_workitem(person, item, unit)


# --- attachments and audit trail ----------------------------------------------------


@rule("core.view_attachment")
def view_attachment(person: Person, attachment: Any, unit: UnitRef) -> bool:
    """The uploader, a member of the attachment's unit, or whoever may view the object
    it belongs to (when that object's app registered an "<app>.<model>.view" rule)."""
    if attachment is None:
        return False
    if attachment.uploaded_by_id is not None and attachment.uploaded_by_id == person.pk:
        return True
    if attachment.unit_id is not None and is_member(person, attachment.unit_id):
        return True
    if attachment.owner_type_id and attachment.owner_id:
        owner_action = f"{attachment.owner_type.app_label}.{attachment.owner_type.model}.view"
        owner = attachment.owner
        # The owner's rule itself, not `may()`: delegation is applied once, by the
        # `may()` that asked about the attachment.
        return owner is not None and rule_holds(owner_action, person, owner, unit)
    return False


@rule("core.view_audit", delegable=False)
def view_audit(person: Person, obj: Any, unit: UnitRef) -> bool:
    """The audit administrator (审计管理员) alone reads and exports the audit trail."""
    return has_role(person, Role.AUDIT_ADMIN)


# --- calendar and the IT centre -------------------------------------------------------


@rule("core.manage_calendar", delegable=False)
def manage_calendar(person: Person, obj: Any, unit: UnitRef) -> bool:
    """The IT centre (system administrator) loads and corrects the holiday schedule.
    Not delegable: an administrator's powers are not handed on with their work."""
    return has_role(person, Role.SYSTEM_ADMIN)


@rule("core.view_dashboard", delegable=False)
def view_dashboard(person: Person, obj: Any, unit: UnitRef) -> bool:
    return has_role(person, Role.SYSTEM_ADMIN)
