from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """Public users (公众用户): citizens and businesses who write to the county, ask
    for information, comment on drafts and apply for services."""

    name = "zhengtong.public"
    label = "public"
    verbose_name = _("Public users")
    default_auto_field = "django.db.models.BigAutoField"
