"""Production settings pass Django's deployment checks, and refuse to start without
their keys."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "PATH": os.environ.get("PATH", ""),
    "DJANGO_SETTINGS_MODULE": "zhengtong.settings",
    "SECRET_KEY": "k" * 20 + "production-secret-key-for-the-check-only-0123456789",
    "FIELD_ENCRYPTION_KEY": "00112233445566778899aabbccddeeff",
    "FIELD_HASH_KEY": "a-hash-key-of-at-least-32-characters-0123456789",
    # No SMS gateway in the test: the logging backend, accepted explicitly.
    "SMS_ALLOW_LOG_BACKEND": "1",
    "SQLITE_PATH": "/tmp/zt-deploy-check.sqlite3",
}


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
