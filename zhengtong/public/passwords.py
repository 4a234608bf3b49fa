"""Query passwords (查询密码) of things the public sends without an account: a letter's
tracking password, a disclosure request's password (ADR 0003).

They are kept as a keyed SM3 hash (core.crypto's blind index, key FIELD_HASH_KEY outside
the database) bound to the tracking code or request number, not with Argon2: Argon2
costs about a second and 100 MB per public submission, which would let anyone tie up
the server with a burst of submissions. Online guessing is stopped by the lookup's rate
limit (`public.lookup`), offline guessing by the key. Account passwords stay on Argon2.

Rows stored before this module existed may hold a Django hash (disclosure requests were
hashed with Argon2; the IT centre may set one by hand): `query_password_matches` still
accepts those.
"""

import hmac

from django.contrib.auth.hashers import check_password

from zhengtong.core.crypto import blind_index

__all__ = ["PASSWORD_HASH_PREFIX", "hash_query_password", "query_password_matches"]

PASSWORD_HASH_PREFIX = "hmac-sm3$"
# The blind index's purpose. The name dates from when only letters used the hash; it is
# kept so that letters stored before the move still match. Codes and request numbers
# never look alike, and the hash is bound to them, so one purpose serves both apps.
_PURPOSE = "letters-query-password"


def hash_query_password(code: str, password: str) -> str:
    """The stored form of a query password: "hmac-sm3$" + HMAC-SM3 of code and password.

    `code` is what the public types to find the thing (a tracking code, a request
    number), so the same password on two rows hashes differently. The password is hashed
    exactly as given: callers normalise it first (case, spaces)."""
    return PASSWORD_HASH_PREFIX + blind_index(f"{code}:{password}", _PURPOSE)


def query_password_matches(code: str, stored: str | None, password: str | None) -> bool:
    """True if `password` is the query password whose stored form is `stored`.

    Keyed hashes are compared in constant time. A stored value in Django's format
    (`algorithm$...`, from before the keyed hash) is checked with Django's hasher. An
    empty password or an empty stored value never matches."""
    stored = stored or ""
    password = "" if password is None else str(password)
    if not password or not stored:
        return False
    if stored.startswith(PASSWORD_HASH_PREFIX):
        return hmac.compare_digest(stored.encode(), hash_query_password(code, password).encode())
    return check_password(password, stored)
