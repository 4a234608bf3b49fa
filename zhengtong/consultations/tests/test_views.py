import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zhengtong.core.tests.test_downloads import assert_safe_download
from zhengtong.public.testing import last_sms_code, public_post_data

from .. import services
from ..models import Comment, CommentState, Consultation, ConsultationState
from .factories import MOBILE, comment, make_draft, make_open

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def draft_post(unit, **overrides):
    data = {
        "unit": unit.pk,
        "title": "关于禾溪县农村人居环境整治办法（征求意见稿）",
        "explanatory_note": "起草说明。",
        "opens_at": "",
        "closes_at": (timezone.localtime() + datetime.timedelta(days=30)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "moderation": "premoderated",
        "sections-TOTAL_FORMS": "2",
        "sections-INITIAL_FORMS": "0",
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
        "sections-0-heading": "总则",
        "sections-0-text": "第一条 为改善农村人居环境，制定本办法。",
        "sections-1-heading": "",
        "sections-1-text": "",
    }
    data.update(overrides)
    return data


# --- staff pages ----------------------------------------------------------------------


def test_a_clerk_creates_a_draft_from_the_form(county, clerk_a, login):
    client = login(clerk_a)
    assert client.get("/oa/consultations/new/").status_code == 200
    response = client.post("/oa/consultations/new/", draft_post(county.a))
    consultation = Consultation.objects.get()
    assert response.status_code == 302 and response["Location"] == consultation.get_staff_url()
    assert consultation.sections.count() == 1
    assert client.get("/oa/consultations/").content.decode().count(consultation.title) == 1


def test_bad_draft_input_keeps_what_was_typed(county, clerk_a, login):
    client = login(clerk_a)
    response = client.post(
        "/oa/consultations/new/", draft_post(county.a, title="", closes_at="not a date")
    )
    assert response.status_code == 400
    assert "第一条 为改善农村人居环境" in response.content.decode()
    assert not Consultation.objects.exists()


def test_more_rows_adds_empty_sections_without_saving(county, clerk_a, login):
    client = login(clerk_a)
    response = client.post("/oa/consultations/new/", draft_post(county.a, more_rows="1"))
    assert response.status_code == 200
    assert 'name="sections-6-text"' in response.content.decode()
    assert not Consultation.objects.exists()


def test_staff_without_the_role_may_not_open_the_create_form(county, head_a, login):
    assert login(head_a).get("/oa/consultations/new/").status_code == 403


def test_another_units_consultation_is_not_found(county, clerk_a, clerk_b, login):
    consultation = make_draft(clerk_a, county.a)
    client = login(clerk_b)
    assert client.get(f"/oa/consultations/{consultation.pk}/").status_code == 404
    assert client.post(f"/oa/consultations/{consultation.pk}/open/").status_code == 404
    assert consultation.title not in client.get("/oa/consultations/").content.decode()
    consultation.refresh_from_db()
    assert consultation.state == ConsultationState.DRAFT


def test_a_unit_head_sees_but_may_not_open(county, clerk_a, head_a, login):
    consultation = make_draft(clerk_a, county.a)
    client = login(head_a)
    assert client.get(f"/oa/consultations/{consultation.pk}/").status_code == 200
    assert client.post(f"/oa/consultations/{consultation.pk}/open/").status_code == 403


def test_open_attach_and_close_early_from_the_page(county, clerk_a, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    consultation = make_draft(clerk_a, county.a)
    client = login(clerk_a)
    upload = SimpleUploadedFile("说明.pdf", PDF, content_type="application/pdf")
    response = client.post(f"/oa/consultations/{consultation.pk}/attach/", {"file": upload})
    assert response.status_code == 302
    assert services.attachments_of(consultation).count() == 1
    assert client.post(f"/oa/consultations/{consultation.pk}/open/").status_code == 302
    response = client.post(f"/oa/consultations/{consultation.pk}/close/", {"reason": ""})
    assert response.status_code == 400
    response = client.post(f"/oa/consultations/{consultation.pk}/close/", {"reason": "提前结束"})
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.state == ConsultationState.CLOSED


def test_a_bad_attachment_is_refused_with_a_message(county, clerk_a, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    consultation = make_draft(clerk_a, county.a)
    upload = SimpleUploadedFile("x.exe", b"MZ\x90\x00" + b"\x00" * 100)
    response = login(clerk_a).post(f"/oa/consultations/{consultation.pk}/attach/", {"file": upload})
    assert response.status_code == 400
    assert not services.attachments_of(consultation).exists()


def test_the_moderation_queue_approves_and_rejects(county, clerk_a, login):
    consultation = make_open(clerk_a, county.a)
    one = comment(consultation)
    two = comment(consultation, mobile="13900002222")
    client = login(clerk_a)
    url = f"/oa/consultations/{consultation.pk}/moderate/"
    assert "建议增加夜间免费时段" in client.get(url).content.decode()
    assert client.post(url, {"comment": one.pk, "approve": "1"}).status_code == 302
    response = client.post(url, {"comment": two.pk, "reject": "1", "reason": ""})
    assert response.status_code == 400
    assert client.post(url, {"comment": two.pk, "reject": "1", "reason": "广告"}).status_code == 302
    assert [c.state for c in Comment.objects.order_by("pk")] == [
        CommentState.APPROVED,
        CommentState.REJECTED,
    ]


def test_another_unit_may_not_reach_the_moderation_queue(county, clerk_a, clerk_b, login):
    consultation = make_open(clerk_a, county.a)
    waiting = comment(consultation)
    client = login(clerk_b)
    url = f"/oa/consultations/{consultation.pk}/moderate/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"comment": waiting.pk, "approve": "1"}).status_code == 404
    waiting.refresh_from_db()
    assert waiting.state == CommentState.PENDING


def test_the_summary_form_publishes_after_closing(county, clerk_a, login):
    consultation = make_open(clerk_a, county.a)
    client = login(clerk_a)
    url = f"/oa/consultations/{consultation.pk}/summary/"
    data = {
        "overview": "共收到意见0条。",
        "points-TOTAL_FORMS": "1",
        "points-INITIAL_FORMS": "0",
        "points-0-point": "取消收费",
        "points-0-decision": "not_adopted",
        "points-0-reason": "",
    }
    assert client.post(url, data).status_code == 409  # still open
    services.close_consultation(clerk_a, consultation, reason="提前结束")
    assert client.post(url, data).status_code == 400  # a reason is missing
    data["points-0-reason"] = "公共停车资源有限，需以价格调节。"
    assert client.post(url, data).status_code == 302
    consultation.refresh_from_db()
    assert consultation.state == ConsultationState.SUMMARISED


# --- public pages ---------------------------------------------------------------------


def test_the_public_list_and_page_are_cacheable_and_show_counts(county, clerk_a, client):
    consultation = make_open(clerk_a, county.a)
    services.moderate_comment(clerk_a, comment(consultation), approve=True)
    draft = make_draft(clerk_a, county.a, title="尚未发布的草案")
    response = client.get("/hdjl/zj/")
    body = response.content.decode()
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    assert consultation.title in body and draft.title not in body
    response = client.get(f"/hdjl/zj/{consultation.pk}/")
    body = response.content.decode()
    assert "public" in response["Cache-Control"] and "csrfmiddlewaretoken" not in body
    assert "刘**" in body and "刘小明" not in body
    assert "第二条 公共停车场实行分时段收费。" in body
    assert f"/hdjl/zj/{consultation.pk}/yj/?section=" in body
    assert client.get(f"/hdjl/zj/{draft.pk}/").status_code == 404


def test_the_cacheable_public_pages_vary_on_the_cookie(county, clerk_a, client):
    """The language cookie changes the page: a shared cache must keep one copy per
    cookie, never serve the Chinese page to an English reader or back."""
    consultation = make_open(clerk_a, county.a)
    for url in ("/hdjl/zj/", f"/hdjl/zj/{consultation.pk}/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "max-age" in response["Cache-Control"] and "public" in response["Cache-Control"]
        vary = [v.strip().lower() for v in response["Vary"].split(",")]
        assert "cookie" in vary, (url, response["Vary"])


def test_private_comments_never_show_on_the_public_page(county, clerk_a, client):
    consultation = make_open(clerk_a, county.a, moderation="private")
    comment(consultation, text="这是一条不公开的意见。")
    body = client.get(f"/hdjl/zj/{consultation.pk}/").content.decode()
    assert "这是一条不公开的意见" not in body
    assert (
        client.get(f"/api/v1/public/consultations/{consultation.pk}/comments/").json()["results"]
        == []
    )


def test_a_citizen_comments_on_a_section_with_an_sms_code(county, clerk_a, client):
    consultation = make_open(clerk_a, county.a)
    section = consultation.sections.get(number=2)
    url = f"/hdjl/zj/{consultation.pk}/yj/"
    response = client.get(f"{url}?section={section.pk}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    data = public_post_data(response, name="王芳", mobile=MOBILE, send_sms_code="1")
    response = client.post(url, data)
    assert response.status_code == 200
    code = last_sms_code(MOBILE)
    data = public_post_data(
        response,
        name="王芳",
        mobile=MOBILE,
        sms_code=code,
        section=str(section.pk),
        text="第二条应明确收费时段。",
        organisation="",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    stored = Comment.objects.get()
    assert stored.section == section and stored.state == CommentState.PENDING
    # The same form sent again (a double click) stores nothing more.
    client.post(url, data)
    assert Comment.objects.count() == 1


def test_a_wrong_sms_code_keeps_the_comment_text(county, clerk_a, client):
    consultation = make_open(clerk_a, county.a)
    url = f"/hdjl/zj/{consultation.pk}/yj/"
    data = public_post_data(
        client, url, name="王芳", mobile=MOBILE, sms_code="000000", text="我的意见不能丢。"
    )
    response = client.post(url, data)
    assert response.status_code == 400
    assert "我的意见不能丢。" in response.content.decode()
    assert not Comment.objects.exists()


def test_the_comment_form_of_a_closed_consultation_says_so(county, clerk_a, client):
    consultation = make_open(clerk_a, county.a)
    services.close_consultation(clerk_a, consultation, reason="提前结束")
    url = f"/hdjl/zj/{consultation.pk}/yj/"
    response = client.get(url)
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert client.post(url, {"text": "x"}).status_code == 409
    assert not Comment.objects.exists()


def test_the_summary_stays_public_after_closing(county, clerk_a, client):
    consultation = make_open(clerk_a, county.a)
    services.close_consultation(clerk_a, consultation, reason="提前结束")
    services.publish_summary(
        clerk_a,
        consultation,
        overview="本次共收到意见0条。",
        points=[{"point": "延长征求期", "decision": "partly", "reason": "将另行专题听取意见。"}],
    )
    body = client.get(f"/hdjl/zj/{consultation.pk}/").content.decode()
    assert "本次共收到意见0条。" in body and "将另行专题听取意见。" in body
    assert "提前结束" in body


def test_public_attachment_download_only_for_published_drafts(
    county, clerk_a, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    consultation = make_draft(clerk_a, county.a)
    upload = SimpleUploadedFile("附件.pdf", PDF)
    attachment = services.add_attachment(clerk_a, consultation, upload)
    url = f"/hdjl/zj/{consultation.pk}/fj/{attachment.pk}/"
    assert client.get(url).status_code == 404
    services.open_consultation(clerk_a, consultation)
    response = client.get(url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert_safe_download(response, cache="public")


def test_too_many_comments_from_one_address_get_429(county, clerk_a, client, rf):
    from zhengtong.public import throttle

    consultation = make_open(clerk_a, county.a)
    request = rf.get("/", REMOTE_ADDR="127.0.0.1")
    limit, window = throttle.SUBMIT_PER_IP_HOUR
    for _ in range(limit):
        throttle.hit(
            "consultations.comment:ip", throttle.ip_key(request), limit=limit, window_seconds=window
        )
    consultation.refresh_from_db()
    url = f"/hdjl/zj/{consultation.pk}/yj/"
    response = client.post(
        url, public_post_data(client, url, name="王芳", mobile=MOBILE, send_sms_code="1")
    )
    code = last_sms_code(MOBILE)
    data = public_post_data(
        response, name="王芳", mobile=MOBILE, sms_code=code, text="夜间免费停车的意见"
    )
    response = client.post(url, data)
    assert response.status_code == 429 and "夜间免费停车的意见" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_clerk_edits_a_draft_and_another_unit_may_not(county, clerk_a, clerk_b, login):
    consultation = make_draft(clerk_a, county.a)
    url = f"/oa/consultations/{consultation.pk}/edit/"
    response = login(clerk_b).get(url)
    assert response.status_code == 404
    client = login(clerk_a)
    assert client.get(url).status_code == 200
    data = draft_post(county.a, title="修改后的标题")
    assert client.post(url, data).status_code == 302
    consultation.refresh_from_db()
    assert consultation.title == "修改后的标题" and consultation.sections.count() == 1


def test_markup_in_a_published_comment_is_shown_as_text(county, clerk_a, client):
    consultation = make_open(clerk_a, county.a)
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    services.moderate_comment(clerk_a, comment(consultation, text=payload), approve=True)
    body = client.get(f"/hdjl/zj/{consultation.pk}/").content.decode()
    assert payload not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
