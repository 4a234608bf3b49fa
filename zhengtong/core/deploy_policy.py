"""What a production configuration must not be (issue 15: configuration that refuses to
be unsafe).

Plain functions without Django imports, so that zhengtong/settings.py can refuse to start
with them while the settings load (production mode: HTTPS on, DEBUG off), and the
deployment checks (core/checks.py, `manage.py check --deploy`) report the same findings
under the same ids in any mode.

Each function returns a list of (check id, message); an empty list means acceptable.
"""

from __future__ import annotations

import re

# The key development, the demo and the tests use when SECRET_KEY is empty: it is in the
# public source, so anyone can forge sessions and signatures with it.
DEV_SECRET_KEY = "zhengtong-development-key-not-for-production-" + "x" * 20

# Values shipped in examples (deploy/zhengtong.env) and other obvious placeholders.
PLACEHOLDERS = frozenset(
    {
        "change-me",
        "changeme",
        "change-me-32-hex-characters",
        "secret",
        "secret-key",
        "password",
        "...",
        "xxx",
        "todo",
    }
)

# Django's own criteria for a strong SECRET_KEY (security.W009), made a hard rule here.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
# The blind index's key: any string, but at least this long (e.g. 64 hex characters).
HASH_KEY_MIN_LENGTH = 32
KEY_MIN_UNIQUE_CHARACTERS = 5

_HEX_32 = re.compile(r"^[0-9a-fA-F]{32}$")


def _is_placeholder(value: str) -> bool:
    return value.strip().lower() in PLACEHOLDERS or "change-me" in value.lower()


def secret_key_problems(secret_key: str) -> list[tuple[str, str]]:
    """E001: SECRET_KEY is the published development key, a placeholder, short or of
    low entropy."""
    key = secret_key or ""
    if not key:
        return [("zhengtong.E001", "SECRET_KEY is not set.")]
    if key == DEV_SECRET_KEY or key.startswith("zhengtong-development-key"):
        return [("zhengtong.E001", "SECRET_KEY is the published development key.")]
    if key.startswith("django-insecure-") or _is_placeholder(key):
        return [("zhengtong.E001", "SECRET_KEY is a placeholder or a published example.")]
    if len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return [
            (
                "zhengtong.E001",
                f"SECRET_KEY is too weak: it needs at least {SECRET_KEY_MIN_LENGTH} "
                f"characters and {SECRET_KEY_MIN_UNIQUE_CHARACTERS} different ones "
                f"(it has {len(key)} and {len(set(key))}).",
            )
        ]
    return []


def encryption_key_problems(field_encryption_key: str) -> list[tuple[str, str]]:
    """E002: FIELD_ENCRYPTION_KEY is missing, malformed, a placeholder or of low entropy."""
    key = (field_encryption_key or "").strip()
    if not key:
        return [("zhengtong.E002", "FIELD_ENCRYPTION_KEY is not set.")]
    if not _HEX_32.match(key):
        return [
            (
                "zhengtong.E002",
                "FIELD_ENCRYPTION_KEY must be exactly 32 hexadecimal characters "
                f"(a 128-bit SM4 key); it has {len(key)} characters.",
            )
        ]
    if len(set(key.lower())) < KEY_MIN_UNIQUE_CHARACTERS:
        return [("zhengtong.E002", "FIELD_ENCRYPTION_KEY has too little entropy.")]
    return []


def hash_key_problems(field_hash_key: str, field_encryption_key: str = "") -> list[tuple[str, str]]:
    """E003: FIELD_HASH_KEY is missing, a placeholder, short, of low entropy, or the same
    as the encryption key."""
    key = field_hash_key or ""
    if not key:
        return [("zhengtong.E003", "FIELD_HASH_KEY is not set.")]
    if _is_placeholder(key):
        return [("zhengtong.E003", "FIELD_HASH_KEY is a placeholder or a published example.")]
    if len(key) < HASH_KEY_MIN_LENGTH or len(set(key)) < KEY_MIN_UNIQUE_CHARACTERS:
        return [
            (
                "zhengtong.E003",
                f"FIELD_HASH_KEY is too weak: it needs at least {HASH_KEY_MIN_LENGTH} "
                f"characters and {KEY_MIN_UNIQUE_CHARACTERS} different ones.",
            )
        ]
    if key.strip().lower() == (field_encryption_key or "").strip().lower():
        return [("zhengtong.E003", "FIELD_HASH_KEY must differ from FIELD_ENCRYPTION_KEY.")]
    return []


def dev_key_problems(insecure_dev_key: bool, https: bool) -> list[tuple[str, str]]:
    """E004: ZT_INSECURE_DEV_KEY (keys derived from a published value) with HTTPS on."""
    if insecure_dev_key and https:
        return [
            (
                "zhengtong.E004",
                "ZT_INSECURE_DEV_KEY is on while HTTPS is on: development keys are for "
                "plain-HTTP development and tests only (set HTTPS=0, or unset it).",
            )
        ]
    return []


def sms_backend_problems(sms_backend: str, allow_log_backend: bool) -> list[tuple[str, str]]:
    """E005: the logging SMS backend (nothing is sent; messages go to the log) without
    SMS_ALLOW_LOG_BACKEND=1."""
    if sms_backend.endswith("LoggingSmsBackend") and not allow_log_backend:
        return [
            (
                "zhengtong.E005",
                "SMS_BACKEND is the logging backend: no SMS leaves the machine, so citizens "
                "never receive their codes. Configure the county's SMS gateway adapter, or "
                "set SMS_ALLOW_LOG_BACKEND=1 to run without SMS on purpose.",
            )
        ]
    return []


def production_problems(
    *,
    secret_key: str,
    field_encryption_key: str,
    field_hash_key: str,
    insecure_dev_key: bool,
    https: bool,
    sms_backend: str,
    allow_log_backend: bool,
) -> list[tuple[str, str]]:
    """Every finding that makes a production configuration unsafe, in check-id order."""
    return [
        *secret_key_problems(secret_key),
        *encryption_key_problems(field_encryption_key),
        *hash_key_problems(field_hash_key, field_encryption_key),
        *dev_key_problems(insecure_dev_key, https),
        *sms_backend_problems(sms_backend, allow_log_backend),
    ]
