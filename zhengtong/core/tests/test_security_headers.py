"""The security baseline as a browser sees it: CSP, framing, sniffing, cookies, idle
timeout, Argon2."""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hasher, identify_hasher, make_password


def test_pages_carry_a_strict_content_security_policy(client, db):
    response = client.get("/oa/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_cookies_are_http_only_and_sessions_expire_when_idle():
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_SAVE_EVERY_REQUEST  # the age counts from the last request
    assert 0 < settings.SESSION_COOKIE_AGE <= 30 * 60


@pytest.mark.django_db
def test_under_https_cookies_are_secure_and_hsts_is_sent(client, settings):
    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/oa/login/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from zhengtong import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    encoded = make_password("Zt-Test-Passw0rd!", hasher="argon2")
    assert identify_hasher(encoded).algorithm == "argon2"
    assert get_hasher("argon2").verify("Zt-Test-Passw0rd!", encoded)
