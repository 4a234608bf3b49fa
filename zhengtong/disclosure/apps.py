from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    """Disclosure on application (依申请公开)."""

    name = "zhengtong.disclosure"
    label = "disclosure"
    verbose_name = _("Disclosure requests")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from zhengtong.api.registry import register_routes

        register_routes("disclosure", _api_routes)  # the REST API's routes (api/registry.py)
        from . import rules  # noqa: F401  (register permission rules)
        from .views_public import register_my_requests

        register_my_requests()


def _api_routes(router):
    """/api/v1/disclosure-requests/..."""
    from . import api

    api.register(router)
