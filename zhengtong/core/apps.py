from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zhengtong.core"
    label = "core"
    verbose_name = _("Kernel")

    def ready(self) -> None:
        # The calendar's cache invalidation and the kernel's signal handlers.
        # The deployment checks (`manage.py check --deploy`, core/checks.py).
        from . import calendar, checks, signals  # noqa: F401
