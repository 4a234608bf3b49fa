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


# --- comments entered for callers (12345 hotline) ------------------------------------------

PUBLIC_COMMENTS = "/api/v1/consultations/public-comments/"


@pytest.fixture
def hotline(county):
    """The 12345 hotline's system account: a clerk of the county head's mailbox office
    (the government office), signed in with an API token as the letters API is."""
    from rest_framework.authtoken.models import Token

    from zhengtong.conftest import make_user
    from zhengtong.letters.models import Mailbox, MailboxKind
    from zhengtong.org.models import Role

    Mailbox.objects.create(
        kind=MailboxKind.COUNTY_HEAD,
        name="县长信箱",
        owner_unit=county.government,
        office_unit=county.government,
    )
    user = make_user("hotline12345", county.government, roles=[Role.CLERK])
    return Token.objects.create(user=user).key


def _as(api_client, token):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="en")
    return api_client


def _call(consultation, **overrides):
    body = {
        "consultation": consultation.pk,
        "text": "来电建议：夜间停车免费时段延长到早上七点。",
        "name": "赵红梅",
        "mobile": "13700001234",
        "submission_key": "hotline-ticket-0000001",
    }
    body.update(overrides)
    return body


def test_the_hotline_enters_a_comment_once_per_ticket_and_it_waits_for_moderation(
    county, clerk_a, api_client, hotline
):
    consultation = make_open(clerk_a, county.a)
    api = _as(api_client, hotline)
    response = api.post(PUBLIC_COMMENTS, _call(consultation), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == CommentState.PENDING and body["section"] is None
    again = api.post(PUBLIC_COMMENTS, _call(consultation), format="json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    stored = consultation.comments.get()
    assert (stored.name, stored.mobile) == ("赵红梅", "13700001234")
    consultation.refresh_from_db()
    assert consultation.comments_received == 1 and consultation.comments_published == 0
    # Not public before the unit has checked it.
    public = api_client.get(f"/api/v1/public/consultations/{consultation.pk}/comments/")
    assert public.json()["results"] == []
    from zhengtong.conftest import audit_records

    (record,) = audit_records("consultations.comment")
    assert record.actor_id is not None


def test_a_comment_on_one_section_and_a_private_consultation(county, clerk_a, api_client, hotline):
    consultation = make_open(clerk_a, county.a, moderation="private")
    section = consultation.sections.order_by("number")[1]
    response = _as(api_client, hotline).post(
        PUBLIC_COMMENTS, _call(consultation, section=section.pk), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["section"] == section.pk
    assert response.json()["state"] == CommentState.PRIVATE


def test_bad_input_is_a_400_and_nothing_is_stored(county, clerk_a, api_client, hotline):
    consultation = make_open(clerk_a, county.a)
    other = make_open(clerk_a, county.a, title="另一稿")
    api = _as(api_client, hotline)
    cases = [
        ({"mobile": "123"}, "mobile"),
        ({"name": ""}, "name"),
        ({"text": "   "}, "text"),
        ({"text": "长" * (services.COMMENT_MAX + 1)}, "text"),
        ({"section": other.sections.first().pk}, "section"),
        ({"submission_key": "short"}, "submission_key"),
    ]
    for overrides, field in cases:
        overrides.setdefault("submission_key", None)
        response = api.post(PUBLIC_COMMENTS, _call(consultation, **overrides), format="json")
        assert response.status_code == 400, (overrides, response.content)
        assert field in str(response.json()), (overrides, response.json())
    assert not consultation.comments.exists()


def test_a_staff_member_without_the_rule_may_not_enter_comments(
    county, clerk_a, clerk_b, api_client
):
    consultation = make_open(clerk_a, county.a)
    api_client.force_authenticate(clerk_b)  # another unit, no mailbox office
    response = api_client.post(PUBLIC_COMMENTS, _call(consultation), format="json")
    assert response.status_code == 403
    api_client.force_authenticate(None)
    response = api_client.post(PUBLIC_COMMENTS, _call(consultation), format="json")
    assert response.status_code in (401, 403)
    assert not consultation.comments.exists()
    # The consultation's own unit may enter a comment received by post.
    api_client.force_authenticate(clerk_a)
    response = api_client.post(PUBLIC_COMMENTS, _call(consultation), format="json")
    assert response.status_code == 201


def test_a_closed_or_unpublished_consultation_takes_no_comment(
    county, clerk_a, api_client, hotline
):
    consultation = make_open(clerk_a, county.a)
    services.close_consultation(clerk_a, consultation, reason="提前结束")
    api = _as(api_client, hotline)
    response = api.post(PUBLIC_COMMENTS, _call(consultation), format="json")
    assert response.status_code == 409
    draft = make_draft(clerk_a, county.a, title="未发布")
    response = api.post(PUBLIC_COMMENTS, _call(draft, submission_key=None), format="json")
    assert response.status_code == 404
    assert not Consultation.objects.filter(comments__isnull=False).exists()
