"""Deployment checks (`manage.py check --deploy`): the unsafe configurations production
refuses to start with (zhengtong/settings.py), reported under the same ids in any mode so
that an administrator sees them before switching HTTPS on (core/deploy_policy.py).

zhengtong.E001 SECRET_KEY; E002 FIELD_ENCRYPTION_KEY; E003 FIELD_HASH_KEY;
E004 development keys with HTTPS (or at all, under --deploy); E005 the logging SMS backend.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Error, Tags, register

from . import deploy_policy


def _errors(problems: list[tuple[str, str]], hint: str) -> list[Error]:
    return [Error(message, hint=hint, id=check_id) for check_id, message in problems]


_HINT = "See docs/admin-guide.md, 'Keys and production mode'."


@register(Tags.security, deploy=True)
def check_secret_key(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[Error]:
    return _errors(deploy_policy.secret_key_problems(str(settings.SECRET_KEY)), _HINT)


@register(Tags.security, deploy=True)
def check_field_keys(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[Error]:
    encryption = str(getattr(settings, "FIELD_ENCRYPTION_KEY", "") or "")
    hashing = str(getattr(settings, "FIELD_HASH_KEY", "") or "")
    return _errors(
        deploy_policy.encryption_key_problems(encryption)
        + deploy_policy.hash_key_problems(hashing, encryption),
        _HINT,
    )


@register(Tags.security, deploy=True)
def check_development_keys(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[Error]:
    insecure = bool(getattr(settings, "INSECURE_DEV_KEY", False))
    https = bool(getattr(settings, "HTTPS", False))
    problems = deploy_policy.dev_key_problems(insecure, https)
    if insecure and not problems:
        problems = [
            (
                "zhengtong.E004",
                "ZT_INSECURE_DEV_KEY is on: keys are derived from a published value. "
                "Production sets its own keys and unsets it.",
            )
        ]
    return _errors(problems, _HINT)


@register(Tags.security, deploy=True)
def check_sms_backend(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[Error]:
    return _errors(
        deploy_policy.sms_backend_problems(
            str(getattr(settings, "SMS_BACKEND", "")),
            bool(getattr(settings, "SMS_ALLOW_LOG_BACKEND", False)),
        ),
        _HINT,
    )
