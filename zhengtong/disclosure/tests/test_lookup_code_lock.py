"""A disclosure request's number locks after five wrong query passwords, from whatever
addresses they come (public.lookup)."""

import pytest

from zhengtong.disclosure.tests import conftest

pytestmark = pytest.mark.django_db

LOOKUP = "/xxgk/ysq/cx/"


def test_a_request_number_locks_after_five_wrong_passwords_from_any_addresses(client, county):
    req, password = conftest.submit(county.a, today=None)
    for n in range(5):
        wrong = client.post(
            LOOKUP, {"number": req.number, "password": "WRONG234"}, REMOTE_ADDR=f"203.0.113.{n}"
        )
        assert wrong.status_code == 404
    response = client.post(
        LOOKUP, {"number": req.number, "password": password}, REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 429


def test_four_wrong_passwords_do_not_lock_a_request_number(client, county):
    req, password = conftest.submit(county.a, today=None)
    for n in range(4):
        client.post(
            LOOKUP, {"number": req.number, "password": "WRONG234"}, REMOTE_ADDR=f"203.0.113.{n}"
        )
    response = client.post(
        LOOKUP, {"number": req.number, "password": password}, REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 302
