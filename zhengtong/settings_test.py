"""Settings for the test suite: the real settings, with a fixed development key,
plain HTTP and a fast password hasher (Argon2 itself is tested explicitly)."""

import os

os.environ.setdefault("ZT_INSECURE_DEV_KEY", "1")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")

from .settings import *  # noqa: E402,F403
from .settings import PASSWORD_HASHERS  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
FIELD_ENCRYPTION_KEY = "00112233445566778899aabbccddeeff"
FIELD_HASH_KEY = "test-hash-key"
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405

# SQLite tests use a file, not shared-cache memory: WAL, the busy timeout and the write
# lock then behave as in production (memory databases fail at once with "table is
# locked" instead of waiting).
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # One file per test run, so two runs on one machine never share it.
    DATABASES["default"]["TEST"]["NAME"] = str(VAR_DIR / f"test-zhengtong-{os.getpid()}.sqlite3")  # noqa: F405

# `make test` runs the unit tests in parallel (pytest-xdist): each worker has its own
# test database (pytest-django names them per worker) and, with Redis, its own Redis
# database, so one worker's cache.clear() never drops another's sessions or locks.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # gw0, gw1, …
if _worker and REDIS_URL:  # noqa: F405
    from urllib.parse import urlsplit

    _url = urlsplit(REDIS_URL)  # noqa: F405
    _db = (int(_url.path.strip("/") or 0) + int(_worker[2:])) % 16
    CACHES["default"]["LOCATION"] = _url._replace(path=f"/{_db}").geturl()  # noqa: F405

# The whole-page cache keeps pages in process memory, which would outlive each test's
# database; its own tests switch it on (portal/tests/test_cache.py).
PORTAL_CACHE = False
