"""The contract other apps build on: PublicForm, human_check.html, send_code_if_asked
and the testing helpers."""

import re

import pytest

from zhengtong.public.models import CaptchaChallenge, PublicUser
from zhengtong.public.session import current_public_user
from zhengtong.public.testing import captcha_answer, last_sms_code, public_post_data

from . import urls as test_urls

pytestmark = [pytest.mark.django_db, pytest.mark.urls("zhengtong.public.tests.urls")]

MOBILE = "13800138000"


@pytest.fixture(autouse=True)
def _clear():
    test_urls.STORED.clear()


def test_the_form_carries_a_captcha_a_honeypot_and_a_submission_key(client):
    html = client.get("/plain/").content.decode()
    assert 'name="captcha_answer"' in html
    assert 'name="website"' in html
    assert re.search(r'name="submission_key" value="[\w-]{16,}"', html)
    token = re.search(r'name="captcha_token" value="([^"]+)"', html).group(1)
    assert f"/grzx/yzm/{token}.png" in html


def test_a_right_captcha_lets_the_form_through_with_its_submission_key(client):
    page = client.get("/plain/")
    data = public_post_data(page, text="hello")
    response = client.post("/plain/", data)
    assert response.content == b"stored"
    stored = test_urls.STORED[0]
    assert stored["submission_key"] == data["submission_key"]
    assert stored["public_user"] is None


def test_a_wrong_captcha_is_refused_and_the_typed_text_kept(english):
    client = english
    data = public_post_data(client.get("/plain/"), text="hello", captcha_answer="ZZZZZ")
    response = client.post("/plain/", data)
    html = response.content.decode()
    assert not test_urls.STORED
    assert "do not match the picture" in html
    assert 'value="hello"' in html
    # A new picture, the same submission key (a retry stays one submission).
    assert data["captcha_token"] not in html
    assert data["submission_key"] in html


def test_a_captcha_cannot_be_used_twice(client):
    data = public_post_data(client.get("/plain/"), text="hello")
    client.post("/plain/", data)
    client.post("/plain/", data)
    assert len(test_urls.STORED) == 1


def test_the_honeypot_pretends_success_and_stores_nothing(client):
    data = public_post_data(client.get("/plain/"), text="hello", website="http://spam")
    assert client.post("/plain/", data).content == b"thanks"
    assert not test_urls.STORED


def test_new_picture_rerenders_without_checking_anything(client):
    data = public_post_data(client.get("/plain/"), text="kept", new_captcha="1")
    html = client.post("/plain/", data).content.decode()
    assert 'value="kept"' in html and "do not match" not in html
    assert data["captcha_token"] not in html


def test_the_sms_code_is_sent_and_then_confirms_the_mobile(client):
    data = public_post_data(client.get("/note/"), text="hi", name="张三", mobile=MOBILE)
    response = client.post("/note/", {**data, "send_sms_code": "1"})
    html = response.content.decode()
    assert "138****8000" in html
    assert not test_urls.STORED
    # The picture was solved for this form: no second picture before the code.
    assert 'name="captcha_answer"' not in html
    data = public_post_data(response, text="hi", name="张三", mobile=MOBILE)
    data["sms_code"] = last_sms_code(MOBILE)
    assert client.post("/note/", data).content == b"stored"
    assert test_urls.STORED[0]["mobile"] == MOBILE


def test_sending_a_code_needs_the_captcha(english):
    client = english
    data = public_post_data(
        client.get("/note/"), mobile=MOBILE, captcha_answer="ZZZZZ", send_sms_code="1"
    )
    html = client.post("/note/", data).content.decode()
    assert "do not match the picture" in html
    with pytest.raises(LookupError):
        last_sms_code("13800138999")


def test_a_wrong_sms_code_is_refused(english):
    client = english
    data = public_post_data(client.get("/note/"), mobile=MOBILE, send_sms_code="1")
    response = client.post("/note/", data)
    data = public_post_data(response, text="hi", name="张三", mobile=MOBILE)
    code = last_sms_code(MOBILE)
    data["sms_code"] = "000000" if code != "000000" else "111111"
    html = client.post("/note/", data).content.decode()
    assert "The code is wrong" in html
    assert not test_urls.STORED


def test_a_signed_in_public_user_needs_no_sms_code(client):
    user = PublicUser(mobile=MOBILE, real_name="张三")
    user.set_password("x")
    user.save()
    session = client.session
    from zhengtong.public import session as public_session

    session[public_session.SESSION_KEY] = user.pk
    session[public_session.HASH_KEY] = public_session._password_hash(user)
    session.save()
    html = client.get("/note/").content.decode()
    assert 'name="mobile"' not in html and 'name="sms_code"' not in html
    data = public_post_data(html, text="hi")
    assert client.post("/note/", data).content == b"stored"
    assert test_urls.STORED[0]["public_user"] == user
    assert test_urls.STORED[0]["mobile"] == MOBILE


def test_the_captcha_picture_is_a_small_uncached_png(client):
    html = client.get("/plain/").content.decode()
    token = re.search(r'name="captcha_token" value="([^"]+)"', html).group(1)
    response = client.get(f"/grzx/yzm/{token}.png")
    assert response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"\x89PNG") and len(response.content) < 10_000
    assert client.get("/grzx/yzm/unknown.png").status_code == 404


def test_the_same_characters_can_be_heard_instead(client):
    html = client.get("/plain/").content.decode()
    token = re.search(r'name="captcha_token" value="([^"]+)"', html).group(1)
    assert f'<audio controls preload="none" src="/grzx/yzm/{token}.wav"' in html
    response = client.get(f"/grzx/yzm/{token}.wav")
    assert response["Content-Type"] == "audio/wav"
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"RIFF") and b"WAVE" in response.content[:12]
    assert client.get("/grzx/yzm/unknown.wav").status_code == 404


def test_a_staff_user_is_not_a_public_user(rf, clerk_a):
    from django.contrib.sessions.backends.db import SessionStore

    request = rf.get("/")
    request.user = clerk_a
    request.session = SessionStore()
    assert current_public_user(request) is None


def test_captcha_answer_reads_the_challenge(db):
    from zhengtong.public import captcha

    token = captcha.new_challenge()
    assert captcha_answer(token) == CaptchaChallenge.objects.get(token=token).answer
