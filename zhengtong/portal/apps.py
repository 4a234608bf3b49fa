from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "zhengtong.portal"
    label = "portal"
    verbose_name = _("Government website")

    def ready(self):
        from zhengtong.api.registry import register_routes

        register_routes("portal", _api_routes)  # the REST API's routes (api/registry.py)
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


def _api_routes(router):
    """/api/v1/public/... (the website, read-only, for everyone) and /api/v1/catalogue/."""
    from . import api, api_catalogue

    api.register(router)
    api_catalogue.register(router)
