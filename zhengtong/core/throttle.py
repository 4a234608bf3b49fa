"""Throttling as the kernel knows it: the error a rate limit raises and the 429 page
that answers it. The limits themselves are counted in the database by
`zhengtong.public.throttle` (its `RateCounter` table); every part of the platform that
meets a `Throttled` answers with `throttled_response` (the DomainErrorMiddleware does so
for errors that escape a view)."""

import math

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .errors import DomainError, Message

# The page is the website's (it extends the website's layout); rendered by name.
THROTTLED_TEMPLATE = "public/throttled.html"


class Throttled(DomainError):
    """Too many hits of one limit; `retry_after` is the number of seconds until the
    window ends."""

    status = 429
    code = "throttled"
    default_message = _("Too many attempts. Please wait a while and try again.")

    def __init__(
        self,
        message: Message | None = None,
        *,
        code: str | None = None,
        field: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.retry_after = retry_after
        if message is None and retry_after:
            minutes = max(1, math.ceil(retry_after / 60))
            message = ngettext(
                "Too many attempts. Please try again in %(minutes)d minute.",
                "Too many attempts. Please try again in %(minutes)d minutes.",
                minutes,
            ) % {"minutes": minutes}
        super().__init__(message, code=code, field=field)


def throttled_response(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """The 429 page, in the website's layout."""
    response = render(request, THROTTLED_TEMPLATE, {"message": exc.message}, status=429)
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:
        response["Retry-After"] = str(int(retry_after) + 1)
    return response
