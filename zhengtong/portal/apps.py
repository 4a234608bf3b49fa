from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "zhengtong.portal"
    label = "portal"
    verbose_name = _("Government website")

    def ready(self):
        # Publication → catalogue, search index, cache, review work items.
        # rules_catalogue: who may act on the disclosure hand-off and on enquiries.
        import datetime

        from zhengtong.core import scheduler

        from . import receivers, rules_catalogue  # noqa: F401
        from .catalogue import connect_handoffs, file_disclosure_items

        # Documents' hand-offs (core/handoffs.py): issued for disclosure, withdrawn.
        connect_handoffs()

        # Catch-up of the office's "to disclose" work items for issued documents.
        scheduler.register(
            scheduler.Job("disclosure_items", datetime.time(8, 10), file_disclosure_items)
        )
