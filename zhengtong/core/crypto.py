"""Encryption of personal data at rest with the national algorithms SM4 and SM3
(docs/conformance.md SEC-11, SEC-12; 等保 数据保密性 / 数据完整性 — "cryptography for confidentiality and
integrity of important personal information in storage"; national algorithms are the
normal way to satisfy 密码技术 and the 密评, GB/T 39786-2021).

* `encrypt_text` / `decrypt_text`: SM4 in GCM mode (authenticated encryption), a random
  12-byte nonce per value. A value is stored as the text token
  ``"sm4gcm1:" + base64(nonce + ciphertext + 16-byte tag)``; the version prefix is also
  authenticated (GCM associated data) and lets a later scheme coexist with this one.
* `EncryptedTextField`: a TextField that stores such tokens and gives back plain text.
  Equal values encrypt differently, so the column cannot be searched, sorted or made
  unique: only ``__isnull`` look-ups are allowed. To find rows by value, store a
  `blind_index` in a separate indexed column (see `citizen_id_index`, `mobile_index`).
* `blind_index(value, purpose)`: HMAC-SM3 keyed with FIELD_HASH_KEY; one sub-key per
  purpose, so equal values in different columns do not give equal hashes.

Keys (settings, from the environment):

* ``FIELD_ENCRYPTION_KEY``: 32 hex characters = the 128-bit SM4 key.
* ``FIELD_HASH_KEY``: any non-empty secret string (use 32+ random characters), different
  from the encryption key.

A missing or malformed key raises ImproperlyConfigured the first time a value is
encrypted, decrypted or hashed. Only when ``DEBUG`` is on, an empty key is replaced by a
key derived from SECRET_KEY: SM3("zhengtong field encryption key" NUL SECRET_KEY), first
16 bytes, for SM4, and SM3("zhengtong field hash key" NUL SECRET_KEY) for the hash. Data
written that way cannot be read once a real key is configured (decryption fails with
FieldDecryptionError), so development databases must be rebuilt, never promoted.

Note: `dumpdata` serialises the decrypted values (Django's serializers use the model
value); database backups (pg_dump, the SQLite file) contain only tokens.
"""

import base64
import binascii
import hmac as std_hmac
import os
import re
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import check_citizen_id, check_mobile

__all__ = [
    "PURPOSE_CITIZEN_ID",
    "PURPOSE_MOBILE",
    "TOKEN_PREFIX",
    "EncryptedTextField",
    "FieldDecryptionError",
    "blind_index",
    "blind_index_matches",
    "citizen_id_index",
    "decrypt_text",
    "encrypt_text",
    "encryption_key",
    "hash_key",
    "mobile_index",
]

TOKEN_PREFIX = "sm4gcm1:"
NONCE_BYTES = 12
TAG_BYTES = 16
PURPOSE_CITIZEN_ID = "citizen_id"
PURPOSE_MOBILE = "mobile"

_HEX_KEY_RE = re.compile(r"^[0-9a-fA-F]{32}$")
_DEV_ENCRYPTION_LABEL = b"zhengtong field encryption key\x00"
_DEV_HASH_LABEL = b"zhengtong field hash key\x00"
_PURPOSE_LABEL = b"zhengtong blind index\x00"


class FieldDecryptionError(ValueError):
    """A stored value could not be decrypted: not a token, damaged, altered, or
    encrypted under another key. Never silently ignored: the data cannot be trusted."""


def _sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def _hmac_sm3(key: bytes, data: bytes) -> bytes:
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize()


def _secret_key_bytes() -> bytes:
    return str(settings.SECRET_KEY).encode("utf-8")


def encryption_key() -> bytes:
    """Return the 16-byte SM4 key from settings.FIELD_ENCRYPTION_KEY (docs/conformance.md SEC-11).

    The setting must be 32 hex characters. If it is empty and DEBUG is on, a key is
    derived from SECRET_KEY with SM3 (see the module docstring); otherwise
    ImproperlyConfigured is raised.
    """
    raw = (getattr(settings, "FIELD_ENCRYPTION_KEY", "") or "").strip()
    if not raw:
        if getattr(settings, "DEV_KEYS", settings.DEBUG):
            return _sm3(_DEV_ENCRYPTION_LABEL + _secret_key_bytes())[:16]
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY is not set: personal data cannot be encrypted. Set it to "
            "32 hex characters (a 128-bit SM4 key), for example the output of "
            "`python -c 'import secrets; print(secrets.token_hex(16))'`, and keep it with "
            "the backups. (Only with DEBUG=1 is a key derived from SECRET_KEY.)"
        )
    if not _HEX_KEY_RE.match(raw):
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY is malformed: it must be exactly 32 hexadecimal "
            f"characters (a 128-bit SM4 key); the configured value has {len(raw)} characters."
        )
    return bytes.fromhex(raw)


def hash_key() -> bytes:
    """Return the key of the blind index from settings.FIELD_HASH_KEY (any non-empty
    string, UTF-8). Empty: derived from SECRET_KEY when DEBUG is on, else
    ImproperlyConfigured (docs/conformance.md SEC-11)."""
    raw = getattr(settings, "FIELD_HASH_KEY", "") or ""
    if not raw:
        if getattr(settings, "DEV_KEYS", settings.DEBUG):
            return _sm3(_DEV_HASH_LABEL + _secret_key_bytes())
        raise ImproperlyConfigured(
            "FIELD_HASH_KEY is not set: the searchable hashes of personal data cannot be "
            "computed. Set it to a long random secret (e.g. 64 hex characters), different "
            "from FIELD_ENCRYPTION_KEY, and never change it without recomputing the hashes. "
            "(Only with DEBUG=1 is a key derived from SECRET_KEY.)"
        )
    return str(raw).encode("utf-8")


def encrypt_text(plaintext: str) -> str:
    """Encrypt text with SM4-GCM under FIELD_ENCRYPTION_KEY and return the token
    ``"sm4gcm1:" + base64(nonce + ciphertext + tag)`` (docs/conformance.md SEC-11)."""
    if not isinstance(plaintext, str):
        raise TypeError("encrypt_text() takes a str")
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(encryption_key()), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(TOKEN_PREFIX.encode("ascii"))
    ciphertext = encryptor.update(plaintext.encode("utf-8")) + encryptor.finalize()
    payload = base64.b64encode(nonce + ciphertext + encryptor.tag).decode("ascii")
    return TOKEN_PREFIX + payload


def decrypt_text(token: str) -> str:
    """Decrypt a token made by `encrypt_text` (docs/conformance.md SEC-11).

    Raises FieldDecryptionError if the value is not a token of this version, is not
    valid base64, is truncated, or fails GCM authentication (altered, or encrypted under
    another key).
    """
    if not isinstance(token, str) or not token.startswith(TOKEN_PREFIX):
        raise FieldDecryptionError(
            f"The stored value is not an encrypted-field token (expected prefix "
            f"{TOKEN_PREFIX!r}): the column holds unencrypted or foreign data."
        )
    try:
        raw = base64.b64decode(token[len(TOKEN_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise FieldDecryptionError(
            "The stored encrypted value is damaged: it is not valid base64."
        ) from None
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise FieldDecryptionError("The stored encrypted value is damaged: it is too short.")
    nonce, ciphertext, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(encryption_key()), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(TOKEN_PREFIX.encode("ascii"))
    try:
        plaintext = decryptor.update(ciphertext) + decryptor.finalize()
    except InvalidTag:
        raise FieldDecryptionError(
            "The stored encrypted value failed authentication: it was altered or damaged, "
            "or it was encrypted with a different FIELD_ENCRYPTION_KEY."
        ) from None
    return plaintext.decode("utf-8")


def blind_index(value: str, purpose: str) -> str:
    """Keyed searchable hash of `value`: HMAC-SM3, 64 hex characters (docs/conformance.md SEC-11).

    The HMAC key is HMAC-SM3(FIELD_HASH_KEY, "zhengtong blind index" NUL purpose), so
    the same value hashed for different purposes (columns) gives unrelated results.
    The value is hashed exactly as given: normalise it first (see `citizen_id_index`,
    `mobile_index`).
    """
    if not isinstance(value, str):
        raise TypeError("blind_index() takes the value as a str")
    if not purpose or not isinstance(purpose, str):
        raise ValueError("blind_index() needs a non-empty purpose, e.g. 'citizen_id'")
    purpose_key = _hmac_sm3(hash_key(), _PURPOSE_LABEL + purpose.encode("utf-8"))
    return _hmac_sm3(purpose_key, value.encode("utf-8")).hex()


def blind_index_matches(value: str, purpose: str, stored_hash: str) -> bool:
    """Compare `blind_index(value, purpose)` with a stored hash in constant time."""
    return std_hmac.compare_digest(blind_index(value, purpose), stored_hash or "")


def citizen_id_index(value: object) -> str:
    """Blind index of a citizen ID number after normalisation (full-width digits, spaces,
    lower-case x all give the same hash). Raises ValidationError for an invalid number
    (docs/conformance.md VAL-1, SEC-11)."""
    return blind_index(check_citizen_id(value), PURPOSE_CITIZEN_ID)


def mobile_index(value: object) -> str:
    """Blind index of a mobile number after normalisation to its 11 digits (+86 prefix,
    spaces and hyphens do not matter). Raises ValidationError for an invalid number
    (docs/conformance.md VAL-3, SEC-11)."""
    return blind_index(check_mobile(value), PURPOSE_MOBILE)


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]  # stubs' generic field: str in, str out
    """A text column stored SM4-GCM encrypted (STANDARDS.md §10.2 数据保密性).

    Python side: plain str. Database side: a token from `encrypt_text`. `get_prep_value`
    encrypts (a fresh nonce each save), `from_db_value` decrypts and raises
    FieldDecryptionError for a damaged or altered value. Keys as in the module docstring;
    a missing or malformed key raises ImproperlyConfigured on first use.

    The ciphertext is random, so only ``__isnull`` look-ups are offered; ``unique``,
    ``db_index`` and ``primary_key`` are refused by the system checks. Search through a
    separate blind-index column. To encrypt an existing plain column, add a new
    EncryptedTextField, copy the values over in a data migration, then drop the old one.
    """

    description = _("Text stored encrypted (SM4)")
    ALLOWED_LOOKUPS = frozenset({"isnull"})

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt_text(value)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None:
            return None
        return decrypt_text(value)

    def get_lookup(self, lookup_name: str) -> Any:
        # Equal plaintexts have different tokens: any comparison would silently match
        # nothing. Returning None makes Django raise FieldError ("Unsupported lookup").
        if lookup_name not in self.ALLOWED_LOOKUPS:
            return None
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name: str) -> None:
        return None

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        options = {
            "primary_key": self.primary_key,
            # Field's own attributes, which the stubs do not declare.
            "unique": getattr(self, "_unique", False),
            "db_index": getattr(self, "db_index", False),
        }
        for option, enabled in options.items():
            if enabled:
                errors.append(
                    checks.Error(
                        f"EncryptedTextField cannot use {option}=True: its stored values are "
                        "random. Index a blind_index() column instead.",
                        obj=self,
                        id="zhengtong.E101",
                    )
                )
        return errors

    def deconstruct(self) -> Any:
        # Nothing key-related goes into migrations: keys live only in the settings.
        # The path is the public import path, so migrations survive refactoring as
        # long as this name stays importable from zhengtong.core.crypto.
        name, path, args, kwargs = super().deconstruct()
        if type(self) is EncryptedTextField:
            path = "zhengtong.core.crypto.EncryptedTextField"
        return name, path, args, kwargs
