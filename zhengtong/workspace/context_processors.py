"""Template context shared by every page: the county's name and the staff menu."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _


def county_name() -> str:
    from zhengtong.org.models import Unit, UnitKind

    root = Unit.objects.filter(kind=UnitKind.COUNTY, parent__isnull=True).only("name").first()
    return root.name if root else ""


def site(request: HttpRequest) -> dict[str, Any]:
    from zhengtong.org.permissions import may

    # Read when a template shows it (the public pages show the site's own name).
    name = SimpleLazyObject(lambda: settings.SITE_NAME or county_name() or _("Zhengtong"))
    context: dict[str, Any] = {"site_name": name}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["nav_it_centre"] = bool(may(user, "core.view_dashboard"))
        context["nav_audit"] = bool(may(user, "core.view_audit"))
        # Editors and reviewers work on the website at /cms/ (Wagtail's own permission).
        context["nav_website"] = user.has_perm("wagtailadmin.access_admin")
        context["unread_count"] = user.notifications.filter(read_at__isnull=True).count()
    return context
