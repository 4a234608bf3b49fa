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

        from zhengtong.core.handoffs import ANNUAL_REQUEST_TABLE

        # The website's annual report page shows this table (core/handoffs.py).
        ANNUAL_REQUEST_TABLE.register(annual_request_table)


def _api_routes(router):
    """/api/v1/disclosure-requests/..."""
    from . import api

    api.register(router)


def annual_request_table(year: int, unit_id: int | None) -> list[tuple[str, int]]:
    """(heading, count) rows of the annual report's request table (docs/conformance.md
    DIS) of `year` for one organ (or all)."""
    from .selectors import annual_counts, report_columns

    rows = annual_counts(year, unit=unit_id).report_rows()
    return [(str(label), rows[key]) for key, label in report_columns()]
