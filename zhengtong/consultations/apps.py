import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    """Consultations on draft policies (意见征集)."""

    name = "zhengtong.consultations"
    label = "consultations"
    verbose_name = _("Consultations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from zhengtong.api.registry import register_routes

        register_routes("consultations", _api_routes)  # the REST API's routes (api/registry.py)
        from zhengtong.core import scheduler

        from . import rules  # noqa: F401
        from .tasks import close_due_consultations

        # Consultations close at their deadline: checked every five minutes (the
        # deadline itself is enforced on every comment, so a late run lets nothing in).
        scheduler.register(
            scheduler.Job(
                "consultations_close",
                datetime.time(0, 0),
                close_due_consultations,
                every=datetime.timedelta(minutes=5),
            )
        )
        from zhengtong.public.registry import register_my_items

        from .registry import my_comments

        register_my_items("consultations", _("My comments on drafts"), my_comments)


def _api_routes(router):
    """/api/v1/consultations/..."""
    from . import api

    api.register(router)
