"""Small helpers shared by the staff pages."""

from collections.abc import Callable

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from .errors import DomainError, NotFound, NotPermitted
from .throttle import Throttled, throttled_response


def form_error(form: forms.BaseForm, exc: DomainError) -> None:
    """Show a domain error on the form: on its field when the form has one."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))


def safe_next(request: HttpRequest, default: str) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return default


class DomainErrorMiddleware:
    """Turn a domain error escaping a view into a clear page, never a stack trace."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, Throttled):  # a public visitor: the website's 429 page
            return throttled_response(request, exc)
        if isinstance(exc, NotPermitted):
            raise PermissionDenied(str(exc.message))
        if isinstance(exc, NotFound):
            raise Http404(str(exc.message))
        if isinstance(exc, DomainError):
            return render(request, "core/error.html", {"message": exc.message}, status=exc.status)
        return None
