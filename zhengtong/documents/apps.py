from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "zhengtong.documents"
    label = "documents"
    verbose_name = _("Official documents")

    def ready(self):
        from . import handoffs, rules, search  # noqa: F401  (permission rules, search visibility)

        handoffs.register()  # the website's source of issued documents to disclose
