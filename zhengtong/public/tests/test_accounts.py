"""Accounts at /grzx/: register, sign in and out, passwords, profile, the centre."""

import datetime

import pytest

from zhengtong.conftest import audit_records
from zhengtong.public import registry, services
from zhengtong.public.models import PublicUser
from zhengtong.public.session import current_public_user
from zhengtong.public.testing import last_sms_code, public_post_data

from .conftest import PASSWORD, citizen_id, credit_code

pytestmark = pytest.mark.django_db

MOBILE = "13800000003"


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are asserted in English (the msgids)."""


def _register(client, *, mobile=MOBILE, **fields):
    """Fill in the registration form the way a person does: send the code, type it."""
    data = public_post_data(client, "/grzx/zc/", mobile=mobile, send_sms_code="1")
    response = client.post("/grzx/zc/", data)
    assert response.status_code == 200, response.content.decode()
    fields = {
        "kind": "citizen",
        "mobile": mobile,
        "sms_code": last_sms_code(mobile),
        "password1": PASSWORD,
        "password2": PASSWORD,
        **fields,
    }
    return client.post("/grzx/zc/", public_post_data(response, **fields))


# --- register --------------------------------------------------------------------


def test_a_citizen_registers_and_is_signed_in(client):
    response = _register(client, real_name="王小溪", id_number=citizen_id())
    assert response.status_code == 302 and response["Location"] == "/grzx/"
    user = PublicUser.objects.get()
    assert user.kind == "citizen" and user.mobile == MOBILE and user.real_name == "王小溪"
    assert user.check_password(PASSWORD)
    centre = client.get("/grzx/")
    assert centre.status_code == 200
    html = centre.content.decode()
    assert "138****0003" in html and MOBILE not in html
    assert len(audit_records("public.user.register")) == 1


def test_a_business_registers_with_its_credit_code(client):
    response = _register(
        client, kind="business", company_name="禾溪县青禾农业有限公司", credit_code=credit_code()
    )
    assert response.status_code == 302
    user = PublicUser.objects.get()
    assert user.kind == "business" and user.credit_code == credit_code()


def test_a_business_needs_a_valid_credit_code(client):
    bad = credit_code()[:-1] + ("0" if credit_code()[-1] != "0" else "1")
    response = _register(client, kind="business", company_name="某公司", credit_code=bad)
    assert response.status_code == 400
    assert "unified social credit code" in response.content.decode()
    assert not PublicUser.objects.exists()


def test_a_business_without_a_credit_code_is_refused(client):
    response = _register(client, kind="business", company_name="某公司")
    assert response.status_code == 400
    assert not PublicUser.objects.exists()


def test_a_bad_citizen_id_is_refused(client):
    bad = citizen_id()[:-1] + ("0" if citizen_id()[-1] != "0" else "1")
    response = _register(client, id_number=bad)
    assert response.status_code == 400
    assert not PublicUser.objects.exists()


def test_a_weak_password_is_refused_and_the_code_not_spent(client):
    data = public_post_data(client, "/grzx/zc/", mobile=MOBILE, send_sms_code="1")
    response = client.post("/grzx/zc/", data)
    code = last_sms_code(MOBILE)
    data = public_post_data(
        response, kind="citizen", mobile=MOBILE, sms_code=code, password1="abc", password2="abc"
    )
    response = client.post("/grzx/zc/", data)
    assert response.status_code == 400
    assert "10" in response.content.decode()  # the minimum length is named
    assert not PublicUser.objects.exists()
    # The same code still works once the password is right.
    data = public_post_data(
        response,
        kind="citizen",
        mobile=MOBILE,
        sms_code=code,
        password1=PASSWORD,
        password2=PASSWORD,
    )
    assert client.post("/grzx/zc/", data).status_code == 302


def test_asking_a_code_does_not_reveal_that_a_mobile_has_an_account(client, citizen):
    # (Issue 15: this used to answer "already has an account" before any captcha or code.)
    data = public_post_data(client, "/grzx/zc/", mobile=citizen.mobile, send_sms_code="1")
    registered = client.post("/grzx/zc/", data)
    data = public_post_data(client, "/grzx/zc/", mobile=MOBILE, send_sms_code="1")
    unregistered = client.post("/grzx/zc/", data)
    assert registered.status_code == unregistered.status_code
    assert "already has an account" not in registered.content.decode()
    assert last_sms_code(citizen.mobile)  # a code is sent as to any number


def test_a_wrong_sms_code_does_not_reveal_that_a_mobile_has_an_account(client, citizen):
    data = public_post_data(client, "/grzx/zc/", mobile=citizen.mobile, send_sms_code="1")
    response = client.post("/grzx/zc/", data)
    right = last_sms_code(citizen.mobile)
    wrong = "000000" if right != "000000" else "111111"
    data = public_post_data(
        response,
        kind="citizen",
        mobile=citizen.mobile,
        sms_code=wrong,
        password1=PASSWORD,
        password2=PASSWORD,
    )
    response = client.post("/grzx/zc/", data)
    assert response.status_code == 400
    assert "already has an account" not in response.content.decode()


def test_a_registered_mobile_is_told_once_the_captcha_and_sms_code_pass(client, citizen):
    data = public_post_data(client, "/grzx/zc/", mobile=citizen.mobile, send_sms_code="1")
    response = client.post("/grzx/zc/", data)
    data = public_post_data(
        response,
        kind="citizen",
        mobile=citizen.mobile,
        sms_code=last_sms_code(citizen.mobile),
        password1=PASSWORD,
        password2=PASSWORD,
    )
    response = client.post("/grzx/zc/", data)
    assert response.status_code == 400
    assert "already has an account" in response.content.decode()
    assert PublicUser.objects.count() == 1


def test_the_service_refuses_a_second_account_for_a_number(citizen):
    from zhengtong.core.errors import Conflict

    with pytest.raises(Conflict):
        services.register_public_user(mobile=citizen.mobile, password=PASSWORD)
    assert PublicUser.objects.count() == 1


def test_registration_without_the_sms_code_is_refused(client):
    data = public_post_data(
        client,
        "/grzx/zc/",
        kind="citizen",
        mobile=MOBILE,
        sms_code="123456",
        password1=PASSWORD,
        password2=PASSWORD,
    )
    response = client.post("/grzx/zc/", data)
    assert response.status_code == 400
    assert not PublicUser.objects.exists()


def test_the_register_page_is_never_cached(client):
    response = client.get("/grzx/zc/")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


# --- sign in ---------------------------------------------------------------------


def _sign_in(client, mobile, password, **extra):
    data = public_post_data(client, "/grzx/dl/", mobile=mobile, password=password, **extra)
    return client.post("/grzx/dl/", data)


def test_sign_in_rotates_the_session_key(client, citizen):
    client.get("/grzx/dl/")
    before = client.session.session_key
    response = _sign_in(client, citizen.mobile, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/grzx/"
    assert client.session.session_key != before
    assert client.get("/grzx/").status_code == 200


def test_sign_in_follows_a_safe_next(client, citizen):
    response = _sign_in(client, citizen.mobile, PASSWORD, next="/grzx/zl/")
    assert response["Location"] == "/grzx/zl/"
    response = _sign_in(client, citizen.mobile, PASSWORD, next="https://evil.example/")
    assert response["Location"] == "/grzx/"


def test_a_wrong_password_and_an_unknown_number_get_the_same_message(client, citizen):
    wrong = _sign_in(client, citizen.mobile, "Wrong-password-1").content.decode()
    unknown = _sign_in(client, "13900009999", PASSWORD).content.decode()
    message = "The mobile number or the password is wrong."
    assert message in wrong and message in unknown


def test_a_deactivated_account_cannot_sign_in(client, citizen):
    PublicUser.objects.filter(pk=citizen.pk).update(is_active=False)
    assert "is wrong" in _sign_in(client, citizen.mobile, PASSWORD).content.decode()


def test_a_wrong_captcha_stops_sign_in(client, citizen):
    response = _sign_in(client, citizen.mobile, PASSWORD, captcha_answer="ZZZZZ")
    assert response.status_code == 400
    assert current_public_user_of(client) is None


def test_ten_failures_lock_the_number_with_a_429_page(client, citizen):
    for n in range(10):
        _sign_in(client, citizen.mobile, "Wrong-password-1", REMOTE_ADDR=f"203.0.113.{n}")
    response = _sign_in(client, citizen.mobile, PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "portal" in " ".join(t.name for t in response.templates)


def test_ten_failures_from_one_address_lock_it(client, citizen):
    for n in range(10):
        _sign_in(client, f"139000010{n:02d}", "Wrong-password-1")
    assert _sign_in(client, citizen.mobile, PASSWORD).status_code == 429


def current_public_user_of(client):
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.session = SessionStore(client.session.session_key)
    return current_public_user(request)


def test_sign_out_is_a_post_and_keeps_a_staff_sign_in(
    client, citizen, clerk_a, login, public_login
):
    login(clerk_a)
    public_login(citizen)
    assert client.get("/grzx/tc/").status_code == 200  # the button, not a sign-out
    assert client.get("/grzx/").status_code == 200
    response = client.post("/grzx/tc/")
    assert response.status_code == 302
    assert client.get("/grzx/")["Location"].startswith("/grzx/dl/")
    assert client.get("/oa/").status_code == 200  # still signed in as staff


def test_a_staff_user_is_not_a_public_user(client, clerk_a, login):
    login(clerk_a)
    response = client.get("/grzx/")
    assert response.status_code == 302 and response["Location"] == "/grzx/dl/?next=%2Fgrzx%2F"


# --- passwords and profile -------------------------------------------------------


def test_change_password_needs_the_old_one(client, citizen, public_login):
    public_login(citizen)
    response = client.post(
        "/grzx/mm/",
        {
            "old_password": "nope",
            "new_password1": "New-Hexi-2026!",
            "new_password2": "New-Hexi-2026!",
        },
    )
    assert response.status_code == 400
    response = client.post(
        "/grzx/mm/",
        {
            "old_password": PASSWORD,
            "new_password1": "New-Hexi-2026!",
            "new_password2": "New-Hexi-2026!",
        },
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password("New-Hexi-2026!")
    assert client.get("/grzx/").status_code == 200  # still signed in here


def test_a_password_change_ends_other_sign_ins(client, citizen, public_login):
    public_login(citizen)
    services.change_public_password(citizen, PASSWORD, "New-Hexi-2026!")
    assert client.get("/grzx/").status_code == 302


def test_reset_password_with_an_sms_code(client, citizen):
    data = public_post_data(client, "/grzx/zhmm/", mobile=citizen.mobile, send_sms_code="1")
    response = client.post("/grzx/zhmm/", data)
    data = public_post_data(
        response,
        mobile=citizen.mobile,
        sms_code=last_sms_code(citizen.mobile),
        new_password1="Reset-Hexi-2026",
        new_password2="Reset-Hexi-2026",
    )
    assert client.post("/grzx/zhmm/", data).status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password("Reset-Hexi-2026")
    assert len(audit_records("public.user.reset_password")) == 1


def test_profile_edit_validates_the_id_number(client, citizen, public_login):
    public_login(citizen)
    assert client.post("/grzx/zl/", {"real_name": "李小禾", "id_number": "123"}).status_code == 400
    response = client.post("/grzx/zl/", {"real_name": "李禾", "id_number": citizen_id()})
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.real_name == "李禾" and citizen.id_number == citizen_id()
    html = client.get("/grzx/").content.decode()
    assert citizen_id() not in html and "李*" in html


def test_pages_of_a_signed_in_user_need_a_sign_in(client):
    for path in ("/grzx/", "/grzx/mm/", "/grzx/zl/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/grzx/dl/")


def test_no_password_or_code_reaches_the_audit_trail(client):
    _register(client)
    for record in audit_records("public.user.register"):
        assert PASSWORD not in str(record.changes) and MOBILE not in record.object_repr


# --- the centre ------------------------------------------------------------------


def test_the_centre_lists_the_items_apps_registered(client, citizen, public_login):
    def my_letters(user):
        assert user == citizen
        return [
            registry.MyItem(
                "关于村道维修的建议", "/hdjl/xx/1/", "已回复", datetime.date(2026, 3, 1)
            ),
            registry.MyItem("咨询社保缴费", "/hdjl/xx/2/", "办理中", datetime.date(2026, 5, 2)),
        ]

    def broken(user):
        raise RuntimeError("down")

    registry.register_my_items("test_letters", "我的信件", my_letters)
    registry.register_my_items("test_broken", "坏的", broken)
    try:
        public_login(citizen)
        html = client.get("/grzx/").content.decode()
    finally:
        registry._SOURCES.pop("test_letters")
        registry._SOURCES.pop("test_broken")
    assert "我的信件" in html and "关于村道维修的建议" in html and "2026-05-02" in html
    assert html.index("咨询社保缴费") < html.index("关于村道维修的建议")  # newest first
    assert "cannot be shown" in html


def test_a_second_code_within_a_minute_gets_a_429_and_keeps_the_form(client):
    data = public_post_data(
        client, "/grzx/zc/", mobile=MOBILE, real_name="王小溪", send_sms_code="1"
    )
    client.post("/grzx/zc/", data)
    data = public_post_data(
        client, "/grzx/zc/", mobile=MOBILE, real_name="王小溪", send_sms_code="1"
    )
    response = client.post("/grzx/zc/", data)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many attempts" in html and 'value="王小溪"' in html


def test_new_picture_keeps_what_was_typed(client):
    data = public_post_data(client, "/grzx/dl/", mobile=MOBILE, new_captcha="1")
    response = client.post("/grzx/dl/", data)
    html = response.content.decode()
    assert response.status_code == 200 and f'value="{MOBILE}"' in html
    assert data["captcha_token"] not in html and "do not match" not in html


def test_every_account_form_page_is_private_and_never_cached(client, citizen, public_login):
    for path in ("/grzx/zc/", "/grzx/dl/", "/grzx/zhmm/"):
        assert "no-store" in client.get(path)["Cache-Control"]
    public_login(citizen)
    for path in ("/grzx/", "/grzx/mm/", "/grzx/zl/"):
        cache_control = client.get(path)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control
