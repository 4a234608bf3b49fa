"""The service catalogue's writes answer 400, not 500, to a JSON body that is not an
object (the API kernel's parser; issue 15)."""

import pytest
from rest_framework.authtoken.models import Token

from zhengtong.conftest import make_user
from zhengtong.org.models import Role

from .conftest import make_item

pytestmark = pytest.mark.django_db

API = "/api/v1/service-items/"


@pytest.mark.parametrize("body", ["[]", '"x"', "7"])
def test_changing_or_withdrawing_a_guide_with_a_json_body_that_is_not_an_object_is_a_400(
    api_client, county, body
):
    clerk = make_user("guide_clerk", county.a, roles=[Role.CLERK])
    item = make_item(clerk, county.a)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=clerk).key}")
    api_client.raise_request_exception = False
    for method, url in (
        (api_client.patch, f"{API}{item.implementation_code}/"),
        (api_client.post, f"{API}{item.implementation_code}/withdraw/"),
    ):
        response = method(url, data=body, content_type="application/json")
        assert response.status_code == 400, (url, response.status_code, response.content[:200])
        assert response.json()["code"] == "parse_error"
