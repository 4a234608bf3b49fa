"""Who may act on public users' accounts (staff side)."""

from typing import Any

from zhengtong.core.access import Person
from zhengtong.org.models import Role
from zhengtong.org.permissions import UnitRef, has_role, rule


@rule("public.manage_users", delegable=False)
def manage_users(person: Person, obj: Any, unit: UnitRef) -> bool:
    """Only the system administrator looks up and deactivates public accounts."""
    return has_role(person, Role.SYSTEM_ADMIN)
