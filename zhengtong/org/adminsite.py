"""The county's admin site: entry by role (the three administrators), not `is_staff`.
Kept apart from org/admin.py so the site exists before any app registers with it."""

from django.contrib.admin import AdminSite
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .forms import AdminLoginForm
from .permissions import may


class CountyAdminSite(AdminSite):
    site_header = _("Zhengtong administration")
    site_title = _("Zhengtong administration")
    # The same ceilings on failed sign-ins as the staff page (org.signin).
    login_form = AdminLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not (user.is_active and user.is_authenticated):
            return False
        return bool(user.is_superuser) or bool(may(user, "org.open_admin"))
