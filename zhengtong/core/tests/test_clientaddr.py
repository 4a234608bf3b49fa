"""The client's address: a forwarding header is believed only from a trusted proxy."""

import pytest
from django.test import RequestFactory, override_settings

from zhengtong.core.clientaddr import client_ip
from zhengtong.core.models import AuditRecord
from zhengtong.org.models import User

FORGED = "198.51.100.66"


def request(remote="203.0.113.5", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_REAL_IP"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_socket_address_is_the_clients():
    assert client_ip(request(forwarded=FORGED)) == "203.0.113.5"


def test_a_forwarding_header_from_an_untrusted_client_is_ignored():
    with override_settings(TRUSTED_PROXIES=["127.0.0.1"]):
        assert client_ip(request(remote="203.0.113.5", forwarded=FORGED)) == "203.0.113.5"


def test_a_forwarding_header_from_a_trusted_proxy_is_used():
    with override_settings(TRUSTED_PROXIES=["127.0.0.1"]):
        assert client_ip(request(remote="127.0.0.1", forwarded=FORGED)) == FORGED


def test_trusted_proxies_may_be_networks():
    with override_settings(TRUSTED_PROXIES=["10.1.0.0/16", "::1"]):
        assert client_ip(request(remote="10.1.2.3", forwarded=FORGED)) == FORGED
        assert client_ip(request(remote="::1", forwarded=FORGED)) == FORGED
        assert client_ip(request(remote="10.2.0.1", forwarded=FORGED)) == "10.2.0.1"


def test_a_trusted_proxys_header_that_is_not_an_address_is_not_believed():
    with override_settings(TRUSTED_PROXIES=["127.0.0.1"]):
        assert client_ip(request(remote="127.0.0.1", forwarded="<script>")) == "127.0.0.1"
        assert client_ip(request(remote="127.0.0.1")) == "127.0.0.1"


def test_a_bad_trusted_proxies_entry_is_ignored_not_fatal():
    with override_settings(TRUSTED_PROXIES=["not-an-address", "127.0.0.1"]):
        assert client_ip(request(remote="127.0.0.1", forwarded=FORGED)) == FORGED


# --- the audit trail --------------------------------------------------------------------


def _failed_login(client, **extra):
    User.objects.create_user(username="zhangsan", password="Correct-Horse-42")
    client.post("/oa/login/", {"username": "zhangsan", "password": "wrong"}, **extra)
    return AuditRecord.objects.get(action="auth.login_failed")


@pytest.mark.django_db
def test_a_forged_forwarding_header_does_not_reach_the_audit_trail(client):
    with override_settings(TRUSTED_PROXIES=["127.0.0.1"]):
        record = _failed_login(client, REMOTE_ADDR="203.0.113.5", HTTP_X_REAL_IP=FORGED)
    assert record.ip == "203.0.113.5"


@pytest.mark.django_db
def test_the_audit_trail_records_the_address_a_trusted_proxy_forwards(client):
    with override_settings(TRUSTED_PROXIES=["127.0.0.1"]):
        record = _failed_login(client, REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP=FORGED)
    assert record.ip == FORGED
