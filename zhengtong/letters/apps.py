from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    """Letters to the county (县长信箱 and department mailboxes)."""

    name = "zhengtong.letters"
    label = "letters"
    verbose_name = _("Letters")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from zhengtong.api.registry import register_routes

        register_routes("letters", _api_routes)  # the REST API's routes (api/registry.py)
        from . import rules  # noqa: F401  (permission rules)
        from .tasks import register_jobs

        register_jobs()
        from zhengtong.public.reception import register_reception_offices

        from .selectors import active_office_ids

        # The offices of the active mailboxes answer for the public (public.reception).
        register_reception_offices("letters", active_office_ids)
        try:
            from zhengtong.public.registry import register_my_items
        except ImportError:  # the public app's registry is not there yet
            return
        from .selectors import my_letters

        register_my_items("letters", _("My letters"), my_letters)


def _api_routes(router):
    """/api/v1/letters/..."""
    from . import api

    api.register(router)
