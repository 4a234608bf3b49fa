import datetime

import pytest
from django.utils import timezone

from .. import services
from ..models import CommentState, Consultation, ConsultationState
from .factories import comment, make_draft, make_open

pytestmark = pytest.mark.django_db


def draft_body(unit, **overrides):
    body = {
        "unit": unit.pk,
        "title": "关于禾溪县城区绿化管理办法（征求意见稿）",
        "explanatory_note": "起草说明。",
        "closes_at": (timezone.now() + datetime.timedelta(days=30)).isoformat(),
        "moderation": "premoderated",
        "sections": [{"heading": "总则", "text": "第一条 为加强城区绿化管理，制定本办法。"}],
    }
    body.update(overrides)
    return body


def test_anyone_reads_published_consultations_and_masked_comments(county, clerk_a, api_client):
    consultation = make_open(clerk_a, county.a)
    make_draft(clerk_a, county.a, title="未发布")
    services.moderate_comment(clerk_a, comment(consultation, text="电话13900001111"), approve=True)
    rows = api_client.get("/api/v1/public/consultations/").json()["results"]
    assert [r["id"] for r in rows] == [consultation.pk]
    detail = api_client.get(f"/api/v1/public/consultations/{consultation.pk}/").json()
    assert len(detail["sections"]) == 2 and detail["comments_published"] == 1
    shown = api_client.get(f"/api/v1/public/consultations/{consultation.pk}/comments/").json()
    assert shown["results"][0]["name"] == "刘**"
    assert "13900001111" not in shown["results"][0]["text"]


def test_staff_draft_open_moderate_close_and_summarise_through_the_api(county, clerk_a, api_client):
    api_client.force_authenticate(clerk_a)
    response = api_client.post("/api/v1/consultations/", draft_body(county.a), format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert api_client.post(f"/api/v1/consultations/{pk}/open/").status_code == 200
    consultation = Consultation.objects.get(pk=pk)
    waiting = comment(consultation)
    rows = api_client.get(f"/api/v1/consultations/{pk}/comments/").json()["results"]
    assert rows[0]["mobile"] == "139****1111"
    response = api_client.post(
        f"/api/v1/consultations/{pk}/moderate/",
        {"comment": waiting.pk, "approve": True},
        format="json",
    )
    assert response.status_code == 200 and response.json()["state"] == CommentState.APPROVED
    response = api_client.post(f"/api/v1/consultations/{pk}/close/", {"reason": "提前结束"})
    assert response.json()["state"] == ConsultationState.CLOSED
    response = api_client.post(
        f"/api/v1/consultations/{pk}/summary/",
        {"overview": "收到1条。", "points": [{"point": "x", "decision": "adopted"}]},
        format="json",
    )
    assert response.status_code == 200 and response.json()["summary"]["points"]


def test_bad_api_input_gets_400_with_the_field(county, clerk_a, api_client):
    api_client.force_authenticate(clerk_a)
    response = api_client.post(
        "/api/v1/consultations/", draft_body(county.a, sections=[{"text": ""}]), format="json"
    )
    assert response.status_code == 400
    past = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    response = api_client.post(
        "/api/v1/consultations/",
        draft_body(
            county.a,
            opens_at=past,
            closes_at=(timezone.now() - datetime.timedelta(days=2)).isoformat(),
        ),
        format="json",
    )
    assert response.status_code == 400 and response.json()["field"] == "closes_at"
    assert not Consultation.objects.exists()


def test_staff_of_another_unit_get_403_or_404(county, clerk_a, clerk_b, api_client):
    consultation = make_draft(clerk_a, county.a)
    api_client.force_authenticate(clerk_b)
    assert (
        api_client.post("/api/v1/consultations/", draft_body(county.a), format="json").status_code
        == 403
    )
    assert api_client.get(f"/api/v1/consultations/{consultation.pk}/").status_code == 404
    assert api_client.post(f"/api/v1/consultations/{consultation.pk}/open/").status_code == 404
    assert api_client.get("/api/v1/consultations/").json()["results"] == []


def test_a_unit_head_reads_but_may_not_open(county, clerk_a, head_a, api_client):
    consultation = make_draft(clerk_a, county.a)
    api_client.force_authenticate(head_a)
    assert api_client.get(f"/api/v1/consultations/{consultation.pk}/").status_code == 200
    response = api_client.post(f"/api/v1/consultations/{consultation.pk}/open/")
    assert response.status_code == 403 and response.json()["code"] == "not_permitted"


def test_the_staff_api_needs_a_signed_in_person(county, clerk_a, api_client):
    assert api_client.get("/api/v1/consultations/").status_code in (401, 403)
