from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """The staff pages that combine kernel parts: the workspace (待办) and inbox, the IT
    centre's dashboard, the calendar's pages and administration, the audit viewer,
    attachment downloads and the kernel's permission rules. Above `org`, beside `search`,
    `api` and `public`; no models of its own."""

    name = "zhengtong.workspace"
    label = "workspace"
    verbose_name = _("Workspace")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (register the kernel's permission rules)
