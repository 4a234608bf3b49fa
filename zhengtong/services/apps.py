from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    """Online services (网上办事): service items and their guides, applications, cases."""

    name = "zhengtong.services"
    label = "services"
    verbose_name = _("Online services")
    default_auto_field = "django.db.models.BigAutoField"
