"""Ceilings on failed sign-ins that slow an attacker down without locking anyone out.

django-axes locks one (account, client address) pair after `LOGIN_FAILURE_LIMIT`
failures, so nobody can lock a colleague (or the administrators) out from elsewhere.
Two ceilings stop what that leaves open, counted from axes' own records of failures
(`AccessAttempt`, kept for the lockout period):

- one account, any address: after `LOGIN_ACCOUNT_SLOW_AFTER` failures the account
  takes one attempt per `LOGIN_SLOW_SECONDS` (a guesser spread over many addresses);
- one address, any account: after `LOGIN_ADDRESS_SLOW_AFTER` failures the address
  takes one attempt per `LOGIN_SLOW_SECONDS` (spraying passwords across accounts).

A refused attempt is not tried and not counted: the password is never checked, so an
attacker learns nothing from it, and the person who owns the account is only asked to
wait seconds, never locked out. The sign-in forms (the staff page, the admin) and the
API's token endpoint ask `check` before they authenticate.
"""

import datetime
import math

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, QuerySet, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import ngettext

from zhengtong.core.clientaddr import client_ip
from zhengtong.core.throttle import Throttled


def _window() -> datetime.timedelta:
    # axes forgets failures after the lockout period; the ceilings count the same span.
    hours = float(getattr(settings, "AXES_COOLOFF_TIME", None) or 0.5)
    return datetime.timedelta(hours=hours)


def _wait(attempts: QuerySet[AccessAttempt], ceiling: int, now: datetime.datetime) -> float:
    """Seconds still to wait when the attempts reach the ceiling, else 0."""
    totals = attempts.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    failures: int = totals["failures"] or 0
    last: datetime.datetime | None = totals["last"]
    if failures < ceiling or last is None:
        return 0.0
    pause = float(settings.LOGIN_SLOW_SECONDS)
    return max(0.0, pause - (now - last).total_seconds())


def retry_after(request: HttpRequest, username: str | None) -> float:
    """Seconds before this account or this address may try again (0: now)."""
    if not getattr(settings, "AXES_ENABLED", True):
        return 0.0
    now = timezone.now()
    recent = AccessAttempt.objects.filter(attempt_time__gt=now - _window())
    waits = [0.0]
    if username:
        waits.append(
            _wait(recent.filter(username=username), settings.LOGIN_ACCOUNT_SLOW_AFTER, now)
        )
    address = client_ip(request)
    if address:
        waits.append(
            _wait(recent.filter(ip_address=address), settings.LOGIN_ADDRESS_SLOW_AFTER, now)
        )
    return max(waits)


def check(request: HttpRequest, username: str | None) -> None:
    """Raise `Throttled` ("try again in N seconds") while a ceiling holds."""
    wait = retry_after(request, username)
    if wait > 0:
        seconds = max(1, math.ceil(wait))
        raise Throttled(
            ngettext(
                "Too many failed sign-ins. Please try again in %(seconds)d second.",
                "Too many failed sign-ins. Please try again in %(seconds)d seconds.",
                seconds,
            )
            % {"seconds": seconds},
            code="sign_in_slowed",
            retry_after=wait,
        )
