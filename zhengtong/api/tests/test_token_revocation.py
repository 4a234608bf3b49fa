"""API tokens are revoked when the password is changed or reset, as sessions are."""

import pytest
from rest_framework.authtoken.models import Token

from zhengtong.conftest import PASSWORD
from zhengtong.org import services

pytestmark = pytest.mark.django_db

API = "/api/v1"
NEW_PASSWORD = "Qingshan-2026!"


def issue_token(api_client, username, password):
    response = api_client.post(
        f"{API}/auth/token/", {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200
    return response.json()["token"]


def test_a_token_issued_before_a_password_change_answers_401_after(api_client, clerk_a):
    key = issue_token(api_client, "clerk_a", PASSWORD)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get(f"{API}/units/").status_code == 200
    services.set_password(clerk_a, clerk_a, NEW_PASSWORD)
    response = api_client.get(f"{API}/units/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"


def test_a_token_issued_before_a_password_reset_answers_401_after(
    api_client, clerk_a, unit_admin_a
):
    key = issue_token(api_client, "clerk_a", PASSWORD)
    services.set_password(unit_admin_a, clerk_a, NEW_PASSWORD)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get(f"{API}/units/").status_code == 401


def test_after_a_password_change_the_token_endpoint_gives_a_new_working_token(api_client, clerk_a):
    old = issue_token(api_client, "clerk_a", PASSWORD)
    services.set_password(clerk_a, clerk_a, NEW_PASSWORD)
    new = issue_token(api_client, "clerk_a", NEW_PASSWORD)
    assert new != old
    assert not Token.objects.filter(key=old).exists()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {new}")
    assert api_client.get(f"{API}/units/").status_code == 200
