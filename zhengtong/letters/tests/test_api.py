"""The letters' REST API: the same rules as the pages, for the 12345 hotline and others."""

import pytest
from django.contrib.auth.hashers import make_password
from rest_framework.authtoken.models import Token

from zhengtong.core.models import WorkItem
from zhengtong.letters import services
from zhengtong.letters.models import Letter, LetterState
from zhengtong.letters.tests.conftest import WRITER_MOBILE, replied, routed, submit

BASE = "/api/v1/letters/"


@pytest.fixture
def as_user(api_client):
    def sign_in(user):
        key = Token.objects.get_or_create(user=user)[0].key
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
        return api_client

    return sign_in


def _letter(box, **overrides):
    data = {
        "mailbox": box.mailbox.pk,
        "category": "consultation",
        "title": "Hotline call about school places",
        "content": "Caller asks when enrolment opens.",
        "name": "Chen Xiaoming",
        "mobile": WRITER_MOBILE,
        "source": "12345",
        "submission_key": "hotline-ticket-000123",
    }
    data.update(overrides)
    return data


def test_the_hotline_creates_a_letter_once_per_key(as_user, box):
    api = as_user(box.office_clerk)
    first = api.post(BASE, _letter(box), format="json")
    assert first.status_code == 201, first.content
    again = api.post(BASE, _letter(box), format="json")
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["query_password"] == first.json()["query_password"]
    assert Letter.objects.get().source == "12345"


def test_creating_needs_the_mailbox_office(as_user, box):
    response = as_user(box.clerk_b).post(BASE, _letter(box), format="json")
    assert response.status_code == 403
    assert not Letter.objects.exists()


def test_creating_needs_a_signed_in_account(api_client, box):
    assert api_client.post(BASE, _letter(box), format="json").status_code in (401, 403)


def test_bad_input_is_a_400_with_the_field(as_user, box):
    response = as_user(box.office_clerk).post(BASE, _letter(box, mobile="123"), format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "mobile"


def test_status_by_code_shows_no_internal_comment(as_user, box):
    letter = routed(box)
    letter.steps.update(internal_comment="internal only")
    body = as_user(box.office_clerk).get(f"{BASE}by-code/{letter.tracking_code}/").json()
    assert body["state"] == "routed"
    assert "internal only" not in str(body)


def test_another_units_letter_is_not_found(as_user, box):
    letter = routed(box)
    api = as_user(box.clerk_b)
    assert api.get(f"{BASE}{letter.pk}/").status_code == 404
    assert api.get(f"{BASE}by-code/{letter.tracking_code}/").status_code == 404
    assert api.post(f"{BASE}{letter.pk}/accept/", {}, format="json").status_code == 404
    assert letter.display_code not in str(api.get(BASE).json())


def test_the_unit_sees_the_letter_routed_to_it_with_the_writers_contact(as_user, box):
    letter = routed(box)
    body = as_user(box.clerk_a).get(f"{BASE}{letter.pk}/").json()
    assert body["writer_mobile"] == WRITER_MOBILE


def test_a_leader_sees_the_mobile_masked(as_user, box):
    letter = routed(box)
    body = as_user(box.leader).get(f"{BASE}{letter.pk}/").json()
    assert body["writer_mobile"] == "139****1111"


def test_the_whole_path_through_the_api(as_user, box):
    letter = submit(box.mailbox).letter
    office = as_user(box.office_clerk)
    r = office.post(f"{BASE}{letter.pk}/route/", {"lead_unit": box.county.a.pk}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "routed"
    unit = as_user(box.clerk_a)
    r = unit.post(f"{BASE}{letter.pk}/draft-reply/", {"text": "Done."}, format="json")
    assert r.json()["state"] == "reply_drafted"
    assert (
        as_user(box.office_head).post(f"{BASE}{letter.pk}/approve-reply/", {}, format="json")
    ).status_code == 200
    r = as_user(box.office_clerk).post(f"{BASE}{letter.pk}/send-reply/", format="json")
    assert r.json()["state"] == "replied"


def test_a_step_the_state_does_not_allow_is_a_409(as_user, box):
    letter = routed(box)
    response = as_user(box.office_clerk).post(f"{BASE}{letter.pk}/send-reply/", format="json")
    assert response.status_code == 409


def test_a_unit_may_not_route(as_user, box):
    letter = routed(box)
    response = as_user(box.clerk_a).post(
        f"{BASE}{letter.pk}/route/", {"lead_unit": box.county.b.pk}, format="json"
    )
    assert response.status_code == 403


def test_the_writer_tracks_and_rates_with_code_and_password(api_client, box):
    letter = replied(box)
    Letter.objects.filter(pk=letter.pk).update(query_password=make_password("24682468"))
    wrong = api_client.post(
        f"{BASE}track/", {"code": letter.tracking_code, "password": "1"}, format="json"
    )
    assert wrong.status_code == 404
    ok = api_client.post(
        f"{BASE}track/", {"code": letter.tracking_code, "password": "24682468"}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["reply"]["text"]
    rated = api_client.post(
        f"{BASE}rate/",
        {"code": letter.tracking_code, "password": "24682468", "level": 1},
        format="json",
    )
    assert rated.json()["state"] == LetterState.RATED
    assert WorkItem.objects.filter(kind=services.KIND_FOLLOW_UP, state="open").exists()
