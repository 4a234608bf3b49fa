"""Rate limits of the public forms, counted in the database (RateCounter) so they hold
across several server processes.

Each limit is a fixed window: the hits of one (scope, key) in the window that contains
now. Windows of a day or longer start at local midnight (Asia/Shanghai), shorter ones
at multiples of their length. The increment is one UPDATE … SET hits = hits + 1, so
two processes never lose a hit on SQLite or PostgreSQL.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from zhengtong.core.clientaddr import client_ip
from zhengtong.core.crypto import blind_index
from zhengtong.core.throttle import Throttled as Throttled  # raised here, caught by the kernel

from .models import RateCounter

# Limits used by this app and offered to the other public apps (count, seconds).
SMS_PER_NUMBER_MINUTE = (1, 60)
SMS_PER_NUMBER_DAY = (10, 86400)
SMS_PER_IP_HOUR = (30, 3600)
SIGN_IN_FAILURES = (10, 15 * 60)  # per number and per IP
REGISTER_PER_IP_HOUR = (10, 3600)
SUBMIT_PER_IP_HOUR = (20, 3600)
SUBMIT_PER_NUMBER_DAY = (10, 86400)


def _window(
    window_seconds: int, now: datetime.datetime | None = None
) -> tuple[datetime.datetime, datetime.datetime]:
    """(start, end) of the fixed window containing `now`."""
    now = now or timezone.now()
    utc_offset = timezone.localtime(now).utcoffset()  # aware: never None
    offset = int(utc_offset.total_seconds()) if utc_offset and window_seconds >= 86400 else 0
    stamp = int(now.timestamp())
    start = stamp - ((stamp + offset) % window_seconds)
    start_dt = datetime.datetime.fromtimestamp(start, tz=datetime.UTC)
    return start_dt, start_dt + datetime.timedelta(seconds=window_seconds)


def _key(key: object) -> str:
    key = str(key or "")
    # Long keys (or anything that might be personal data) are stored as a digest.
    return key if len(key) <= 64 else blind_index(key, "throttle")


def count(scope: str, key: str, *, window_seconds: int) -> int:
    """Hits so far in the current window (nothing is counted)."""
    start, _end = _window(window_seconds)
    row = RateCounter.objects.filter(scope=scope[:40], key=_key(key), window_start=start).first()
    return row.hits if row else 0


def check(scope: str, key: str, *, limit: int, window_seconds: int) -> None:
    """Raise Throttled when the window already holds `limit` hits (nothing is counted):
    for limits on failures, checked before the attempt and hit only when it fails."""
    if count(scope, key, window_seconds=window_seconds) >= limit:
        start, end = _window(window_seconds)
        raise Throttled(retry_after=(end - timezone.now()).total_seconds())


def hit(scope: str, key: str, *, limit: int, window_seconds: int) -> None:
    """Count one hit of (scope, key); raise Throttled when it is over `limit` in the
    current window. The hit stays counted even when Throttled is raised (and even when
    the caller's transaction later rolls back, if the caller is not inside one)."""
    if add(scope, key, window_seconds=window_seconds) > limit:
        _start, end = _window(window_seconds)
        raise Throttled(retry_after=(end - timezone.now()).total_seconds())


def add(scope: str, key: str, *, window_seconds: int) -> int:
    """Count one hit and return the window's hits so far (raises nothing)."""
    start, _end = _window(window_seconds)
    key = _key(key)
    scope = scope[:40]
    with transaction.atomic():
        updated = RateCounter.objects.filter(scope=scope, key=key, window_start=start).update(
            hits=F("hits") + 1
        )
        if not updated:
            try:
                with transaction.atomic():
                    RateCounter.objects.create(scope=scope, key=key, window_start=start, hits=1)
            except IntegrityError:  # another process created it in between
                RateCounter.objects.filter(scope=scope, key=key, window_start=start).update(
                    hits=F("hits") + 1
                )
        # Read inside the transaction: the row is locked by our update until commit.
        return RateCounter.objects.get(scope=scope, key=key, window_start=start).hits


def ip_key(request: HttpRequest) -> str:
    """The key of the client's address (a keyed digest: addresses are personal data)."""
    return blind_index(client_ip(request) or "unknown", "throttle-ip")


def hit_submission(request: HttpRequest, scope: str, *, mobile: str | None = None) -> None:
    """The generic limit of a public submission (a letter, a request, a comment):
    per address 20 an hour and, when given, per mobile number 10 a day."""
    limit, window = SUBMIT_PER_IP_HOUR
    hit(f"{scope}:ip", ip_key(request), limit=limit, window_seconds=window)
    if mobile:
        from zhengtong.core.crypto import mobile_index

        limit, window = SUBMIT_PER_NUMBER_DAY
        hit(f"{scope}:mobile", mobile_index(mobile), limit=limit, window_seconds=window)


def delete_old_counters(before: datetime.datetime | None = None) -> int:
    """Forget counters of windows that started more than two days ago."""
    before = before or timezone.now() - datetime.timedelta(days=2)
    return RateCounter.objects.filter(window_start__lt=before).delete()[0]
