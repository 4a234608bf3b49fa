"""Failed sign-ins: axes locks one (account, address) pair, never the account for
everyone; ceilings per account and per address slow guessing and spraying down
without locking anyone out (org.signin)."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import override_settings

from zhengtong.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/oa/login/"
API_TOKEN = "/api/v1/auth/token/"
A = "203.0.113.1"
B = "203.0.113.2"


def post_login(client, username, password, address, **extra):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def signed_in(client):
    return "_auth_user_id" in client.session


def age_failures(seconds):
    """Move every recorded failure `seconds` into the past (instead of waiting)."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= datetime.timedelta(seconds=seconds)
        attempt.save(update_fields=["attempt_time"])


def test_five_failures_lock_the_account_from_that_address_only(client, clerk_a, english):
    for _n in range(5):
        post_login(client, "clerk_a", "wrong-password", A)
    response = post_login(client, "clerk_a", PASSWORD, A)
    assert response.status_code in (403, 429)
    assert "Account locked" in response.content.decode()
    assert not signed_in(client)
    response = post_login(client, "clerk_a", PASSWORD, B)
    assert response.status_code == 302
    assert signed_in(client)


def test_a_forged_x_real_ip_does_not_escape_the_lockout(client, clerk_a):
    for n in range(5):
        post_login(client, "clerk_a", "wrong-password", A, HTTP_X_REAL_IP=f"198.51.100.{n}")
    response = post_login(client, "clerk_a", PASSWORD, A, HTTP_X_REAL_IP="198.51.100.99")
    assert response.status_code in (403, 429)
    assert not signed_in(client)


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_the_proxy_one_clients_failures_do_not_lock_the_account_for_others(client, clerk_a):
    for _n in range(5):
        post_login(client, "clerk_a", "wrong-password", "127.0.0.1", HTTP_X_REAL_IP=A)
    assert post_login(client, "clerk_a", PASSWORD, "127.0.0.1", HTTP_X_REAL_IP=A).status_code in (
        403,
        429,
    )
    response = post_login(client, "clerk_a", PASSWORD, "127.0.0.1", HTTP_X_REAL_IP=B)
    assert response.status_code == 302
    assert signed_in(client)


@override_settings(LOGIN_ACCOUNT_SLOW_AFTER=10, LOGIN_SLOW_SECONDS=60)
def test_failures_on_one_account_from_many_addresses_slow_it_down_without_locking_it(
    client, clerk_a, english
):
    for n in range(10):
        post_login(client, "clerk_a", "wrong-password", f"198.51.100.{n}")
    # Even the right password is not tried while the account is slowed down ...
    response = post_login(client, "clerk_a", PASSWORD, B)
    assert response.status_code == 200
    assert "Please try again in" in response.content.decode()
    assert "seconds" in response.content.decode()
    assert not signed_in(client)
    # ... and the refused attempt was not counted as a failure.
    assert sum(a.failures_since_start for a in AccessAttempt.objects.all()) == 10
    # Once the pause has passed, the owner signs in: slowed, not locked.
    age_failures(61)
    assert post_login(client, "clerk_a", PASSWORD, B).status_code == 302
    assert signed_in(client)


@override_settings(LOGIN_ADDRESS_SLOW_AFTER=20)
def test_wrong_passwords_across_many_accounts_from_one_address_are_limited(
    client, clerk_a, english
):
    for n in range(20):
        post_login(client, f"someone{n}", "Spring-2026!", A)
    response = post_login(client, "clerk_a", PASSWORD, A)
    assert "Please try again in" in response.content.decode()
    assert not signed_in(client)
    # Other addresses are not affected.
    assert post_login(client, "clerk_a", PASSWORD, B).status_code == 302


@override_settings(LOGIN_ACCOUNT_SLOW_AFTER=10)
def test_the_token_endpoint_is_slowed_by_the_same_account_ceiling(client, clerk_a):
    for n in range(10):
        post_login(client, "clerk_a", "wrong-password", f"198.51.100.{n}")
    response = client.post(
        API_TOKEN,
        {"username": "clerk_a", "password": PASSWORD},
        content_type="application/json",
        REMOTE_ADDR=B,
    )
    assert response.status_code == 429
    assert response.json()["code"] == "sign_in_slowed"


@override_settings(LOGIN_ACCOUNT_SLOW_AFTER=10)
def test_the_admin_sign_in_is_slowed_by_the_same_account_ceiling(client, clerk_a, english):
    for n in range(10):
        post_login(client, "clerk_a", "wrong-password", f"198.51.100.{n}")
    response = client.post(
        "/admin/login/", {"username": "clerk_a", "password": PASSWORD}, REMOTE_ADDR=B
    )
    assert "Please try again in" in response.content.decode()
    assert not signed_in(client)
