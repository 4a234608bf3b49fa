"""Named locks across processes and machines.

With `REDIS_URL` set the lock lives in Redis (django-redis's lock, with an expiry so a
crashed holder cannot block forever). Without it the database is the lock: on
PostgreSQL a transaction-scoped advisory lock, on SQLite the write lock that every
transaction takes at its start (settings: `transaction_mode=IMMEDIATE`). The body runs
inside a transaction in the database case; keep it short either way.

Counters that must never skip or repeat (document numbers) lock their own row with
`select_for_update` instead: that serialises on both databases without a named lock.
"""

import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext_lazy as _

from .errors import Conflict


class LockTimeout(Conflict):
    code = "busy"
    default_message = _("Someone else is doing this right now; please try again in a moment.")


def _advisory_key(name: str) -> int:
    # A stable signed 64-bit key from the name (PostgreSQL advisory locks take bigint).
    crc = zlib.crc32(name.encode("utf-8"))
    return crc - (1 << 32) if crc >= (1 << 31) else crc


@contextmanager
def named_lock(name: str, *, timeout: int = 60, wait: float = 10) -> Iterator[None]:
    """Hold the lock called `name` while the body runs; wait at most `wait` seconds
    for it, else raise LockTimeout (HTTP 409)."""
    if getattr(settings, "REDIS_URL", ""):
        # django-redis's cache has lock(); BaseCache (the stubs' type) does not.
        lock = cache.lock(f"lock:{name}", timeout=timeout, blocking_timeout=wait)  # type: ignore[attr-defined]
        if not lock.acquire():
            raise LockTimeout()
        try:
            yield
        finally:
            try:
                lock.release()
            except Exception:  # expired meanwhile: nothing left to release
                pass
        return
    if connection.vendor == "sqlite":
        yield from _sqlite_lock(wait)
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = %s", [f"{int(wait * 1000)}ms"])
                try:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_advisory_key(name)])
                except OperationalError as exc:
                    raise LockTimeout() from exc
        yield


def _sqlite_lock(wait: float) -> Iterator[None]:
    """SQLite has one lock, the database's: a transaction started with BEGIN IMMEDIATE
    holds it. Inside a transaction it is already held."""
    if connection.in_atomic_block:
        yield
        return
    default_ms = int(settings.DATABASES["default"].get("OPTIONS", {}).get("timeout", 20) * 1000)
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
    atomic = transaction.atomic()
    try:
        atomic.__enter__()
    except OperationalError as exc:
        raise LockTimeout() from exc
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {default_ms}")
    try:
        yield
    except BaseException as exc:
        # Atomic.__exit__ never swallows the exception: re-raise it after the rollback.
        atomic.__exit__(type(exc), exc, exc.__traceback__)
        raise
    else:
        atomic.__exit__(None, None, None)
