"""Shared admin pieces."""

from django.http import HttpRequest


class ReadOnlyAdmin:
    """A mixin for admin pages that only show records: they change through the
    platform's operations (or, for the audit trail, never)."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
