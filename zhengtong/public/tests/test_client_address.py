"""The public rate limits count the client's real address: a forwarding header is
believed only from a trusted proxy (core.clientaddr), so rotating X-Real-IP does not
escape a limit."""

import pytest
from django.test import override_settings

from zhengtong.public import throttle

pytestmark = pytest.mark.django_db


def test_rotating_a_forged_x_real_ip_does_not_escape_a_rate_limit(rf):
    limit, _window = throttle.SUBMIT_PER_IP_HOUR
    with override_settings(TRUSTED_PROXIES=["127.0.0.1"]):
        for n in range(limit):
            request = rf.post("/", REMOTE_ADDR="203.0.113.20", HTTP_X_REAL_IP=f"198.51.100.{n}")
            throttle.hit_submission(request, "letters")
        request = rf.post("/", REMOTE_ADDR="203.0.113.20", HTTP_X_REAL_IP="198.51.100.250")
        with pytest.raises(throttle.Throttled):
            throttle.hit_submission(request, "letters")


def test_behind_a_trusted_proxy_each_forwarded_address_has_its_own_limit(rf):
    limit, _window = throttle.SUBMIT_PER_IP_HOUR
    with override_settings(TRUSTED_PROXIES=["127.0.0.1"]):
        for _n in range(limit):
            request = rf.post("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.1")
            throttle.hit_submission(request, "letters")
        with pytest.raises(throttle.Throttled):
            throttle.hit_submission(
                rf.post("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.1"), "letters"
            )
        # another visitor behind the same proxy is not refused
        throttle.hit_submission(
            rf.post("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.2"), "letters"
        )
