"""Production mode (HTTPS on, DEBUG off) refuses to start with an unsafe configuration,
and `manage.py check --deploy` reports each finding (core/deploy_policy.py,
core/checks.py; issue 15)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import override_settings

from zhengtong.core import checks, deploy_policy

STRONG_SECRET = "Zq8-" + "production-secret-key-for-the-check-only-abcdefghijklmnop"
STRONG_FIELD_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
STRONG_HASH_KEY = "hash-key-" + "9f8e7d6c5b4a39281706f5e4d3c2b1a0" * 2

PRODUCTION_ENV = {
    "PATH": os.environ.get("PATH", ""),
    "DJANGO_SETTINGS_MODULE": "zhengtong.settings",
    "SECRET_KEY": STRONG_SECRET,
    "FIELD_ENCRYPTION_KEY": STRONG_FIELD_KEY,
    "FIELD_HASH_KEY": STRONG_HASH_KEY,
    "SMS_ALLOW_LOG_BACKEND": "1",
    "SQLITE_PATH": "/tmp/zt-unsafe-config-check.sqlite3",
}


def load_settings(**changes: str | None) -> subprocess.CompletedProcess[str]:
    """Load zhengtong.settings in a fresh interpreter with PRODUCTION_ENV changed."""
    env = dict(PRODUCTION_ENV)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.PRODUCTION)"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_starts_with_strong_keys():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


@pytest.mark.parametrize(
    ("changes", "check_id"),
    [
        ({"SECRET_KEY": deploy_policy.DEV_SECRET_KEY}, "zhengtong.E001"),
        ({"SECRET_KEY": "short-secret-key"}, "zhengtong.E001"),
        ({"SECRET_KEY": "ab" * 40}, "zhengtong.E001"),
        ({"SECRET_KEY": "change-me"}, "zhengtong.E001"),
        ({"FIELD_ENCRYPTION_KEY": None}, "zhengtong.E002"),
        ({"FIELD_ENCRYPTION_KEY": "change-me-32-hex-characters"}, "zhengtong.E002"),
        ({"FIELD_HASH_KEY": None}, "zhengtong.E003"),
        ({"FIELD_HASH_KEY": "change-me"}, "zhengtong.E003"),
        ({"ZT_INSECURE_DEV_KEY": "1"}, "zhengtong.E004"),
        ({"SMS_ALLOW_LOG_BACKEND": None}, "zhengtong.E005"),
    ],
)
def test_production_refuses_to_start_with_an_unsafe_configuration(changes, check_id):
    result = load_settings(**changes)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert check_id in result.stderr


def test_development_key_with_https_is_refused_even_in_debug():
    result = load_settings(ZT_INSECURE_DEV_KEY="1", DEBUG="1", HTTPS="1")
    assert result.returncode != 0
    assert "zhengtong.E004" in result.stderr


def test_development_mode_still_starts_with_the_development_key():
    result = load_settings(
        ZT_INSECURE_DEV_KEY="1",
        HTTPS="0",
        SECRET_KEY=None,
        FIELD_ENCRYPTION_KEY=None,
        FIELD_HASH_KEY=None,
        SMS_ALLOW_LOG_BACKEND=None,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def ids(errors):
    return [error.id for error in errors]


@override_settings(SECRET_KEY=deploy_policy.DEV_SECRET_KEY)
def test_check_deploy_reports_the_development_secret_key():
    assert ids(checks.check_secret_key()) == ["zhengtong.E001"]


@override_settings(SECRET_KEY=STRONG_SECRET)
def test_check_deploy_accepts_a_strong_secret_key():
    assert checks.check_secret_key() == []


@override_settings(FIELD_ENCRYPTION_KEY="", FIELD_HASH_KEY="")
def test_check_deploy_reports_missing_field_keys():
    assert ids(checks.check_field_keys()) == ["zhengtong.E002", "zhengtong.E003"]


@override_settings(FIELD_ENCRYPTION_KEY=STRONG_FIELD_KEY, FIELD_HASH_KEY=STRONG_FIELD_KEY)
def test_check_deploy_reports_a_hash_key_equal_to_the_encryption_key():
    assert ids(checks.check_field_keys()) == ["zhengtong.E003"]


@override_settings(FIELD_ENCRYPTION_KEY="0" * 32, FIELD_HASH_KEY="short")
def test_check_deploy_reports_low_entropy_field_keys():
    assert ids(checks.check_field_keys()) == ["zhengtong.E002", "zhengtong.E003"]


@override_settings(INSECURE_DEV_KEY=True, HTTPS=False)
def test_check_deploy_reports_the_development_key_flag():
    assert ids(checks.check_development_keys()) == ["zhengtong.E004"]


@override_settings(INSECURE_DEV_KEY=False)
def test_check_deploy_accepts_no_development_key_flag():
    assert checks.check_development_keys() == []


@override_settings(
    SMS_BACKEND="zhengtong.core.notifications.LoggingSmsBackend", SMS_ALLOW_LOG_BACKEND=False
)
def test_check_deploy_reports_the_logging_sms_backend():
    assert ids(checks.check_sms_backend()) == ["zhengtong.E005"]


@override_settings(
    SMS_BACKEND="zhengtong.core.notifications.LoggingSmsBackend", SMS_ALLOW_LOG_BACKEND=True
)
def test_check_deploy_accepts_the_logging_sms_backend_when_allowed_explicitly():
    assert checks.check_sms_backend() == []


def test_the_checks_run_under_check_deploy():
    from django.core.checks import registry

    deploy_checks = registry.registry.get_checks(include_deployment_checks=True)
    for check in (
        checks.check_secret_key,
        checks.check_field_keys,
        checks.check_development_keys,
        checks.check_sms_backend,
    ):
        assert check in deploy_checks
        assert check not in registry.registry.get_checks(include_deployment_checks=False)


def test_sms_log_never_holds_a_verification_code_or_query_password():
    from unittest import mock

    from zhengtong.core import notifications

    with mock.patch.object(notifications, "log") as log:
        notifications.LoggingSmsBackend().send(
            "13812345678",
            "Your verification code is 482913. Tracking code XJ20260042, query password 735102.",
        )
    message, *args = log.info.call_args.args
    logged = message % tuple(args)
    assert "482913" not in logged
    assert "735102" not in logged
    assert "Your verification code is ******." in logged
    assert "13812345678" not in logged
