"""/api/v1/service-applications/: staff only, a unit's own cases, the case steps
through the operations, bad input with the field named."""

from zhengtong.services.models import ApplicationState

from .conftest import submitted

API = "/api/v1/service-applications/"
S = ApplicationState


def test_the_api_needs_staff_sign_in(api_client, online_item, citizen):
    app = submitted(citizen, online_item)
    assert api_client.get(API).status_code in (401, 403)
    assert api_client.post(f"{API}{app.number}/accept/").status_code in (401, 403)


def test_a_unit_sees_only_its_cases(api_client, online_item, citizen, clerk_a, clerk_b):
    app = submitted(citizen, online_item)
    api_client.force_authenticate(clerk_a)
    rows = api_client.get(API).json()["results"]
    assert [r["number"] for r in rows] == [app.number]
    detail = api_client.get(f"{API}{app.number}/").json()
    assert detail["state"] == "submitted" and len(detail["materials"]) == 2
    assert api_client.get(API, {"state": "nonsense"}).status_code == 400
    api_client.force_authenticate(clerk_b)
    assert api_client.get(API).json()["results"] == []
    assert api_client.get(f"{API}{app.number}/").status_code == 404
    assert api_client.post(f"{API}{app.number}/accept/", {}, format="json").status_code == 404


def test_a_case_goes_through_its_steps_by_api(
    api_client, online_item, citizen, clerk_a, reviewer_a, head_a
):
    app = submitted(citizen, online_item)
    api_client.force_authenticate(clerk_a)
    response = api_client.post(f"{API}{app.number}/refuse/", {}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "reasons"
    response = api_client.post(f"{API}{app.number}/accept/", {"bogus": 1}, format="json")
    assert response.status_code == 400
    response = api_client.post(f"{API}{app.number}/accept/", {}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "accepted"
    review = {"opinion": "OK", "recommendation": "approve"}
    assert api_client.post(f"{API}{app.number}/review/", review, format="json").status_code == 200
    again = api_client.post(f"{API}{app.number}/review/", review, format="json")
    assert again.status_code == 409
    api_client.force_authenticate(reviewer_a)
    api_client.post(f"{API}{app.number}/review/", review, format="json")
    # Extending is the head's: a reviewer is refused.
    assert (
        api_client.post(f"{API}{app.number}/extend/", {"reason": "x"}, format="json").status_code
        == 403
    )
    api_client.force_authenticate(head_a)
    response = api_client.post(f"{API}{app.number}/decide/", {"outcome": "approve"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "approved"
    response = api_client.post(f"{API}{app.number}/deliver/", {"way": "fax"}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "way"
    response = api_client.post(f"{API}{app.number}/deliver/", {"way": "online"}, format="json")
    assert response.json()["state"] == "delivered"
