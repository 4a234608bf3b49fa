from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zhengtong.core"
    label = "core"
    verbose_name = _("Kernel")

    def ready(self):
        from . import rules, signals  # noqa: F401  (register permission rules and signal handlers)
