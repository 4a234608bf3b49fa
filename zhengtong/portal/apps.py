from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "zhengtong.portal"
    label = "portal"
    verbose_name = _("Government website")

    def ready(self):
        # Publication → catalogue, search index, cache, review work items.
        from . import receivers  # noqa: F401
