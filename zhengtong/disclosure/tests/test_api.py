"""The API of disclosure requests: the same rules as the pages."""

from zhengtong.conftest import audit_records
from zhengtong.core.tests.test_downloads import assert_safe_download
from zhengtong.disclosure.models import State
from zhengtong.disclosure.tests import conftest
from zhengtong.disclosure.tests.conftest import CITIZEN_ID

BASE = "/api/v1/disclosure-requests/"


def submit(unit):
    return conftest.submit(unit, today=None)


def test_a_clerk_lists_and_reads_the_requests_of_their_unit_only(api_client, county, clerk_a):
    mine, _ = submit(county.a)
    submit(county.b)
    api_client.force_authenticate(clerk_a)
    listed = api_client.get(BASE).json()
    numbers = [r["number"] for r in listed.get("results", listed)]
    assert numbers == [mine.number]
    detail = api_client.get(f"{BASE}{mine.pk}/").json()
    assert detail["reply"] is None and detail["id_number_masked"] != CITIZEN_ID


def test_another_units_request_is_404(api_client, county, clerk_b):
    req, _ = submit(county.a)
    api_client.force_authenticate(clerk_b)
    assert api_client.get(f"{BASE}{req.pk}/").status_code == 404
    response = api_client.post(f"{BASE}{req.pk}/correction/", {"items": "x"}, format="json")
    assert response.status_code == 404


def test_a_clerk_may_not_extend_403(api_client, county, clerk_a):
    req, _ = submit(county.a)
    api_client.force_authenticate(clerk_a)
    response = api_client.post(f"{BASE}{req.pk}/extend/", {"days": 5, "reason": "x"}, format="json")
    assert response.status_code == 403


def test_bad_input_is_400_with_the_field_and_a_second_extension_is_409(api_client, county, head_a):
    req, _ = submit(county.a)
    api_client.force_authenticate(head_a)
    response = api_client.post(
        f"{BASE}{req.pk}/extend/", {"days": 99, "reason": "x"}, format="json"
    )
    assert response.status_code == 400 and response.json()["field"] == "days"
    response = api_client.post(
        f"{BASE}{req.pk}/extend/", {"days": 10, "reason": "档案多"}, format="json"
    )
    assert response.status_code == 200 and response.json()["extension"]["days"] == 10
    response = api_client.post(
        f"{BASE}{req.pk}/extend/", {"days": 1, "reason": "再"}, format="json"
    )
    assert response.status_code == 409


def test_unknown_fields_are_refused(api_client, county, clerk_a):
    req, _ = submit(county.a)
    api_client.force_authenticate(clerk_a)
    response = api_client.post(
        f"{BASE}{req.pk}/correction/", {"items": "x", "state": "replied"}, format="json"
    )
    assert response.status_code == 400


def test_the_reply_goes_through_draft_approve_send_and_the_pdf(api_client, county, clerk_a, head_a):
    req, _ = submit(county.a)
    api_client.force_authenticate(clerk_a)
    response = api_client.post(
        f"{BASE}{req.pk}/reply/",
        {"kind": "already_public", "where_public": "县政府网站政策文件栏目"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["state"] == State.REVIEW
    assert api_client.post(f"{BASE}{req.pk}/approve/").status_code == 403
    api_client.force_authenticate(head_a)
    assert api_client.post(f"{BASE}{req.pk}/approve/").status_code == 200
    api_client.force_authenticate(clerk_a)
    response = api_client.post(f"{BASE}{req.pk}/send/", {}, format="json")
    assert response.json()["state"] == State.REPLIED
    pdf = api_client.get(f"{BASE}{req.pk}/reply-pdf/")
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    assert_safe_download(pdf)
    [record] = audit_records("attachment.download", actor=clerk_a)
    assert record.unit == req.unit


def test_a_clerk_registers_a_paper_request_and_gets_the_password(
    api_client, county, clerk_a, clerk_b
):
    data = {
        "unit": county.a.pk,
        "channel": "post",
        "applicant_kind": "citizen",
        "name": "李四",
        "id_number": CITIZEN_ID,
        "mobile": "13700002222",
        "description": "某文件",
        "delivery_form": "paper",
        "delivery_way": "post",
        "address": "禾溪县某路2号",
    }
    api_client.force_authenticate(clerk_b)
    assert api_client.post(BASE, data, format="json").status_code == 403
    api_client.force_authenticate(clerk_a)
    response = api_client.post(BASE, data, format="json")
    assert response.status_code == 201 and len(response.json()["query_password"]) == 8


def test_statistics_for_my_unit_and_not_for_another(api_client, county, clerk_a):
    submit(county.a)
    api_client.force_authenticate(clerk_a)
    response = api_client.get(f"{BASE}statistics/?unit={county.a.pk}")
    assert response.status_code == 200 and response.json()["rows"]["received"] == 1
    assert api_client.get(f"{BASE}statistics/?unit={county.b.pk}").status_code == 403
    assert api_client.get(f"{BASE}statistics/?year=abc").status_code == 400


def test_anonymous_callers_are_refused(api_client, county):
    assert api_client.get(BASE).status_code in (401, 403)
