from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    """Disclosure on application (依申请公开)."""

    name = "zhengtong.disclosure"
    label = "disclosure"
    verbose_name = _("Disclosure requests")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import rules  # noqa: F401  (register permission rules)
        from .views_public import register_my_requests

        register_my_requests()
