import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    """Online services (网上办事): service items and their guides, applications, cases."""

    name = "zhengtong.services"
    label = "services"
    verbose_name = _("Online services")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from zhengtong.api.registry import register_routes

        register_routes("services", _api_routes)  # the REST API's routes (api/registry.py)
        from zhengtong.core import scheduler

        from . import rules  # noqa: F401  (permission rules)
        from .tasks import (
            check_published_guides,
            deem_accepted_applications,
            escalate_overdue_cases,
        )

        # Publishing refuses incomplete guides, so this finds only what slipped past
        # the operations (imports, direct database fixes): before the working day.
        scheduler.register(
            scheduler.Job("services_guide_check", datetime.time(6, 0), check_published_guides)
        )
        # Deemed acceptance first (it opens the review items), then the escalation of
        # whatever is overdue, before the working day.
        scheduler.register(
            scheduler.Job(
                "services_deemed_acceptance", datetime.time(6, 10), deem_accepted_applications
            )
        )
        scheduler.register(
            scheduler.Job("services_escalation", datetime.time(8, 15), escalate_overdue_cases)
        )
        try:
            from zhengtong.public.registry import register_my_items
        except ImportError:  # pragma: no cover - the public app is always there
            return
        from .selectors import my_applications

        register_my_items("services", _("My applications"), my_applications)


def _api_routes(router):
    """/api/v1/service-items/, applications and cases."""
    from . import api

    api.register(router)
