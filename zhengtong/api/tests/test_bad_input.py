"""Malformed input answers 400 with the API's error shape, never a server error
(found by an API fuzzer; issue 15): a JSON body that is not an object, and a whole
number too large for the database in a filter."""

import pytest
from rest_framework.authtoken.models import Token

from zhengtong.conftest import make_user
from zhengtong.org.models import Role

pytestmark = pytest.mark.django_db

API = "/api/v1"
HUGE = str(2**64 + 1)


@pytest.fixture
def staff_api(api_client, county):
    clerk = make_user("bad_input_clerk", county.a, roles=[Role.CLERK])
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=clerk).key}")
    api_client.raise_request_exception = False
    return api_client


def assert_bad_request(response):
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.json()
    assert body["code"] in {"invalid", "parse_error"}
    assert "detail" in body


@pytest.mark.parametrize("body", ["[]", '"x"', "42", "null", "[1, 2]"])
def test_creating_a_service_item_with_a_json_body_that_is_not_an_object_is_a_400(staff_api, body):
    response = staff_api.post(f"{API}/service-items/", data=body, content_type="application/json")
    assert_bad_request(response)


@pytest.mark.parametrize("body", ["[]", '"x"'])
def test_another_write_with_a_json_body_that_is_not_an_object_is_a_400(staff_api, body):
    response = staff_api.post(f"{API}/documents/", data=body, content_type="application/json")
    assert_bad_request(response)


def test_a_json_object_body_is_still_accepted(staff_api):
    response = staff_api.post(f"{API}/service-items/", data="{}", content_type="application/json")
    assert response.status_code == 400  # a domain error: no unit
    assert response.json()["field"] == "unit"


def test_a_staff_filter_by_a_unit_number_beyond_64_bits_is_a_400(staff_api):
    assert_bad_request(staff_api.get(f"{API}/staff/", {"unit": HUGE}))
    assert_bad_request(staff_api.get(f"{API}/staff/", {"unit": "-" + HUGE}))
    assert_bad_request(staff_api.get(f"{API}/staff/", {"unit": "1e30"}))


def test_a_model_choice_filter_beyond_64_bits_is_a_400(staff_api):
    assert_bad_request(staff_api.get(f"{API}/units/", {"parent": HUGE}))


def test_a_year_filter_beyond_64_bits_is_a_400(staff_api):
    assert_bad_request(staff_api.get(f"{API}/documents/", {"year": HUGE}))


def test_filters_in_range_still_work(staff_api, county):
    response = staff_api.get(f"{API}/staff/", {"unit": county.a.pk})
    assert response.status_code == 200
    assert response.json()["count"] >= 1
