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
        from zhengtong.core import scheduler

        from . import rules  # noqa: F401  (permission rules)
        from .tasks import check_published_guides

        # Publishing refuses incomplete guides, so this finds only what slipped past
        # the operations (imports, direct database fixes): before the working day.
        scheduler.register(
            scheduler.Job("services_guide_check", datetime.time(6, 0), check_published_guides)
        )
