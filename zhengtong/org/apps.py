from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    default = True
    name = "zhengtong.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from zhengtong.core import access

        from . import permissions, rules  # noqa: F401  (register permission rules)

        # The kernel asks its permission and role questions through this port.
        access.register(permissions)


class CountyAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the county's site: access by role, not `is_staff`."""

    default = False
    default_site = "zhengtong.org.adminsite.CountyAdminSite"
