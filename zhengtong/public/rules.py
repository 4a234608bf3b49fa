"""Who may act on public users' accounts (staff side)."""

from zhengtong.org.models import Role
from zhengtong.org.permissions import has_role, rule


@rule("public.manage_users", delegable=False)
def manage_users(person, obj, unit):
    """Only the system administrator looks up and deactivates public accounts."""
    return has_role(person, Role.SYSTEM_ADMIN)
