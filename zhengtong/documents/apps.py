from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "zhengtong.documents"
    label = "documents"
    verbose_name = _("Official documents")

    def ready(self):
        from zhengtong.api.registry import register_routes

        register_routes("documents", _api_routes)  # the REST API's routes (api/registry.py)
        from . import handoffs, rules, search  # noqa: F401  (permission rules, search visibility)

        handoffs.register()  # the website's source of issued documents to disclose


def _api_routes(router):
    """/api/v1/documents/ and /api/v1/incoming/."""
    from .api import DocumentViewSet
    from .api_incoming import IncomingRecordViewSet

    router.register("documents", DocumentViewSet, basename="document")
    router.register("incoming", IncomingRecordViewSet, basename="incoming")
