from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "zhengtong.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from . import rules  # noqa: F401  (register permission rules)
