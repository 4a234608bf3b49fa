"""Request context for the audit trail: who is acting and from which address."""

import contextvars
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import check_for_language, get_supported_language_variant

# The client's address has one answer, in clientaddr (kept importable from here).
from .clientaddr import client_ip as client_ip

_current: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "zt_request", default=None
)


def current_request() -> HttpRequest | None:
    return _current.get()


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = _current.set(request)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


class CountyLocaleMiddleware(LocaleMiddleware):
    """Pages are in Simplified Chinese unless the person chose another language with
    the switch (kept in the language cookie); a browser's own language preference does
    not override the county's default. API clients still choose by Accept-Language."""

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen and check_for_language(chosen) else settings.LANGUAGE_CODE
        language = get_supported_language_variant(language)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
