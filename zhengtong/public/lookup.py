"""The pages where the public finds what they sent without an account: the lookup by
code and query password, and the receipt shown once after submitting (letters,
disclosure requests).

The lookup is the same everywhere (ADR 0003): the address is refused once it has made
too many wrong guesses, the form is validated, the code is refused once it has had too
many wrong passwords (from whatever addresses), the thing is found by code and
password, a wrong guess is counted against the address and the code and answered with
one generic message — the same whether the code exists or not — and a right one opens
the thing for this session. The apps say
only how to find the thing and where to go when it is found.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.functional import Promise

from zhengtong.core.crypto import blind_index

from . import throttle
from .views import throttled_response

LOOKUP_FAILURES = (10, 15 * 60)  # wrong code/password per address, per 15 minutes
# Wrong passwords per tracking code, from any address: the code locks for the rest of
# the hour, so rotating addresses does not let anyone guess a code's password.
CODE_FAILURES = (5, 3600)


def check_address(
    request: HttpRequest, scope: str, limits: tuple[int, int] = LOOKUP_FAILURES
) -> None:
    """Raise `throttle.Throttled` if this address made too many wrong guesses."""
    limit, window = limits
    throttle.check(scope, throttle.ip_key(request), limit=limit, window_seconds=window)


def count_wrong_guess(
    request: HttpRequest, scope: str, limits: tuple[int, int] = LOOKUP_FAILURES
) -> None:
    """Count a wrong code or password against the address (the next attempt over the
    limit is refused by `check_address`)."""
    limit, window = limits
    try:
        throttle.hit(scope, throttle.ip_key(request), limit=limit, window_seconds=window)
    except throttle.Throttled:
        pass  # counted; the next attempt is refused


def _code_key(scope: str, code: str) -> tuple[str, str]:
    # The code is stored as a keyed digest, like the addresses.
    return f"{scope}:code", blind_index(code, "throttle-code")


def check_code(scope: str, code: str, limits: tuple[int, int] = CODE_FAILURES) -> None:
    """Raise `throttle.Throttled` if this code had too many wrong passwords (from any
    address). `code` is the code as the app normalises it before looking it up."""
    if not code:
        return
    limit, window = limits
    counter_scope, key = _code_key(scope, code)
    throttle.check(counter_scope, key, limit=limit, window_seconds=window)


def count_wrong_code(scope: str, code: str, limits: tuple[int, int] = CODE_FAILURES) -> None:
    """Count a wrong password against the code (the code is refused by `check_code`
    once over the limit, whatever address the next attempt comes from)."""
    if not code:
        return
    counter_scope, key = _code_key(scope, code)
    throttle.add(counter_scope, key, window_seconds=limits[1])


def lookup_page(
    request: HttpRequest,
    *,
    form_class: type[forms.Form],
    scope: str,
    find: Callable[[dict[str, Any]], Any],
    found: Callable[[Any, dict[str, Any]], HttpResponseBase],
    not_found_message: str | Promise,
    template: str,
    limits: tuple[int, int] = LOOKUP_FAILURES,
    code_of: Callable[[dict[str, Any]], str] | None = None,
    code_limits: tuple[int, int] = CODE_FAILURES,
) -> HttpResponseBase:
    """Answer a lookup page (GET shows the form, POST looks up).

    `find(cleaned_data)` returns the thing or None when the code or password is wrong;
    `found(thing, cleaned_data)` grants the session access and returns the response
    (a redirect to the thing's page). `scope` names the throttle counter of wrong
    guesses per address (`limits`: how many in how many seconds); `code_of(cleaned_data)`
    gives the code as `find` normalises it, whose wrong passwords are counted from any
    address (`code_limits`). Status: 400 for a form with errors, 404 for no match, 429
    once the address or the code is throttled."""
    status = 200
    form = form_class(request.POST or None)
    if request.method == "POST":
        status = 400
        try:
            check_address(request, scope, limits)
        except throttle.Throttled as exc:
            return throttled_response(request, exc)
        if form.is_valid():
            code = code_of(form.cleaned_data) if code_of is not None else ""
            try:
                check_code(scope, code, code_limits)
            except throttle.Throttled as exc:
                count_wrong_guess(request, scope, limits)  # hammering a locked code counts too
                return throttled_response(request, exc)
            thing = find(form.cleaned_data)
            if thing is not None:
                return found(thing, form.cleaned_data)
            count_wrong_guess(request, scope, limits)
            count_wrong_code(scope, code, code_limits)
            form.add_error(None, str(not_found_message))
            status = 404
    return render(request, template, {"form": form}, status=status)


def remember_receipt(request: HttpRequest, session_key: str, thing: Model, password: str) -> None:
    """Keep the number and the plain query password for the one receipt page that
    follows the submission (the server-side session only, never a cookie)."""
    request.session[session_key] = {"pk": thing.pk, "password": password}


def receipt_page(
    request: HttpRequest,
    *,
    session_key: str,
    queryset: QuerySet[Any],
    template: str,
    name: str,
) -> HttpResponse:
    """The receipt: the thing and its query password, shown once (the session forgets
    them as they are shown). A reload or a stranger sees the page without them."""
    shown = request.session.pop(session_key, None)
    thing = queryset.filter(pk=shown["pk"]).first() if shown else None
    return render(
        request,
        template,
        {name: thing, "password": shown["password"] if shown else ""},
    )
