"""A tracking code locks after five wrong query passwords, from whatever addresses they
come (public.lookup); the tracking page and the API count together."""

import pytest

from zhengtong.letters.tests.conftest import submit

pytestmark = pytest.mark.django_db

TRACK = "/hdjl/xx/cx/"
API_TRACK = "/api/v1/letters/track/"


def test_a_tracking_code_locks_after_five_wrong_passwords_from_any_addresses(client, box):
    result = submit(box.mailbox)
    code = result.letter.display_code
    for n in range(5):
        wrong = client.post(TRACK, {"code": code, "password": "1"}, REMOTE_ADDR=f"203.0.113.{n}")
        assert wrong.status_code == 404
    # Even the right password, from a fresh address, is refused for now.
    response = client.post(
        TRACK, {"code": code, "password": result.password}, REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 429


def test_another_code_is_not_locked_by_guesses_at_one_code(client, box):
    locked = submit(box.mailbox)
    other = submit(box.mailbox)
    for n in range(5):
        client.post(
            TRACK,
            {"code": locked.letter.display_code, "password": "1"},
            REMOTE_ADDR=f"203.0.113.{n}",
        )
    response = client.post(
        TRACK,
        {"code": other.letter.display_code, "password": other.password},
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 302


def test_the_api_and_the_tracking_page_share_the_count_of_a_code(client, api_client, box):
    result = submit(box.mailbox)
    code = result.letter.tracking_code
    for n in range(3):
        client.post(TRACK, {"code": code, "password": "1"}, REMOTE_ADDR=f"203.0.113.{n}")
    for n in range(2):
        wrong = api_client.post(
            API_TRACK, {"code": code, "password": "1"}, format="json", REMOTE_ADDR=f"192.0.2.{n}"
        )
        assert wrong.status_code == 404
    response = api_client.post(
        API_TRACK,
        {"code": code, "password": result.password},
        format="json",
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 429
    assert (
        client.post(
            TRACK, {"code": code, "password": result.password}, REMOTE_ADDR="198.51.100.8"
        ).status_code
        == 429
    )
