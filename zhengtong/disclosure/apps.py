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
        from .public_views import register_my_requests

        register_my_requests()

        from zhengtong.core.handoffs import ANNUAL_REQUEST_TABLE

        # The website's annual report page shows this table (core/handoffs.py).
        ANNUAL_REQUEST_TABLE.register(annual_request_table)


def annual_request_table(year: int, unit_id: int | None) -> list[tuple[str, int]]:
    """(heading, count) rows of the §3.4 request table of `year` for one organ (or all)."""
    from .selectors import annual_counts
    from .views import report_columns

    rows = annual_counts(year, unit=unit_id).report_rows()
    return [(str(label), rows[key]) for key, label in report_columns()]
