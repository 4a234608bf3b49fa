from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from rest_framework.routers import DefaultRouter


class PublicConfig(AppConfig):
    """Public users (公众用户): citizens and businesses who write to the county, ask
    for information, comment on drafts and apply for services."""

    name = "zhengtong.public"
    label = "public"
    verbose_name = _("Public users")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhengtong.api.registry import register_routes

        register_routes("public", _api_routes)  # the REST API's routes (api/registry.py)
        import datetime

        from zhengtong.core import scheduler

        from . import rules  # noqa: F401  (registers the staff rule)
        from .tasks import delete_old_public_records

        scheduler.register(
            scheduler.Job("public_cleanup", datetime.time(3, 15), delete_old_public_records)
        )


def _api_routes(router: "DefaultRouter") -> None:
    """/api/v1/public-users/..."""
    from . import api

    api.register(router)
