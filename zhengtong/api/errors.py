"""API errors: domain errors become 400/403/404/409 with a stable code and a
translated message; nothing reaches the client as a stack trace."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from zhengtong.core.errors import DomainError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    # Django's own 404 and 403 get the stable codes of their REST framework twins.
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "detail": str(exc.message)}
        if exc.field:
            body["field"] = exc.field
        return Response(body, status=exc.status)
    response = drf_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "code" not in response.data:
        code = getattr(exc, "default_code", None) or "invalid"
        if isinstance(exc, exceptions.ParseError):
            # A body that cannot be read (malformed JSON, not an object): one message.
            response.data = {"code": "parse_error", "detail": str(exc.detail)}
        elif response.status_code == status.HTTP_400_BAD_REQUEST:
            response.data = {"code": "invalid", "detail": response.data}
        else:
            response.data = {"code": code, **response.data}
    return response
