"""Django model permissions (used by /admin/) derived from the county's roles, so the
admin follows the same roles as everything else and nobody needs Django groups.

- system administrator: the kernel's and organisation's tables, the task queue;
  never the audit trail's content beyond viewing it is refused too (三员 separation)
- security administrator: roles, accounts (view), lockouts, two-factor devices
- audit administrator: views the audit trail
"""

from typing import Any

from django.http import HttpRequest

from .models import Role

SYSTEM_APPS = {"core", "org", "django_tasks_db", "authtoken", "otp_totp", "axes"}
AUDIT_ONLY = {"core.view_auditrecord"}
SECURITY_PERMS = {
    "org.view_user",
    "org.view_roleassignment",
    "org.add_roleassignment",
    "org.delete_roleassignment",
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
    "otp_totp.view_totpdevice",
    "otp_totp.delete_totpdevice",
}
SYSTEM_EXCLUDED = {
    "core.add_auditrecord",
    "core.change_auditrecord",
    "core.delete_auditrecord",
    "core.view_auditrecord",
    "org.add_roleassignment",
    "org.delete_roleassignment",
    "org.change_roleassignment",
}


def _roles(user: Any) -> set[str]:
    from .permissions import _roles as cached_roles

    return {role for role, unit in cached_roles(user) if unit is None}


class RolePermissionBackend:
    def authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        return None

    def get_user(self, user_id: int) -> None:
        return None

    def has_perm(self, user: Any, perm: str, obj: object = None) -> bool:
        if not user.is_active or not user.is_authenticated:
            return False
        roles = _roles(user)
        if (
            Role.SYSTEM_ADMIN in roles
            and perm.split(".")[0] in SYSTEM_APPS
            and perm not in SYSTEM_EXCLUDED
        ):
            return True
        if Role.SECURITY_ADMIN in roles and perm in SECURITY_PERMS:
            return True
        return Role.AUDIT_ADMIN in roles and perm in AUDIT_ONLY

    def has_module_perms(self, user: Any, app_label: str) -> bool:
        if not user.is_active or not user.is_authenticated:
            return False
        roles = _roles(user)
        if Role.SYSTEM_ADMIN in roles and app_label in SYSTEM_APPS:
            return True
        if Role.SECURITY_ADMIN in roles and app_label in {p.split(".")[0] for p in SECURITY_PERMS}:
            return True
        return Role.AUDIT_ADMIN in roles and app_label == "core"
