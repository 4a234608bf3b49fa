"""Sign-in, forced password change, two-factor sign-in, account, directory pages."""

import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhengtong.conftest import PASSWORD, audit_records, confirmed_device, make_user
from zhengtong.org.models import Delegation, User

pytestmark = pytest.mark.django_db

LOGIN = "/oa/login/"
WORKSPACE = "/oa/"
STRONG_PASSWORD = "Qingshan-2026!"


def current_token(device, offset=0):
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset)
    return f"{value:0{device.digits}d}"


def wrong_token(device):
    right = {current_token(device, o) for o in (-1, 0, 1)}
    return next(t for t in (f"{n:06d}" for n in range(1000000)) if t not in right)


def post_login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


# --- sign-in ----------------------------------------------------------------------------


def test_the_login_page_is_in_simplified_chinese_by_default(client, county):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert 'lang="zh-Hans"' in response.content.decode()


def test_the_login_page_is_english_once_english_is_chosen(client, county, english):
    response = client.get(LOGIN)
    assert '<html lang="en">' in response.content.decode()
    assert "Staff sign-in" in response.content.decode()


def test_the_login_page_names_the_county_from_the_unit_tree(client, county):
    assert "Qingshan County" in client.get(LOGIN).content.decode()


def test_a_wrong_password_shows_the_error_and_is_audited_as_a_failed_login(
    client, clerk_a, english
):
    response = post_login(client, "clerk_a", "not-the-password")
    assert response.status_code == 200
    assert "The user name or password is wrong" in response.content.decode()
    assert "_auth_user_id" not in client.session
    (record,) = audit_records("auth.login_failed")
    assert record.object_id == str(clerk_a.pk)
    assert record.changes == {"username": "clerk_a"}
    assert "not-the-password" not in str(record.changes) + record.object_repr


def test_the_right_password_signs_in_and_is_audited(client, clerk_a):
    response = post_login(client, "clerk_a", PASSWORD)
    assert response.status_code == 302
    assert response.url == WORKSPACE
    assert client.session["_auth_user_id"] == str(clerk_a.pk)
    assert len(audit_records("auth.login", actor=clerk_a)) == 1


def test_repeated_failures_lock_the_account_even_against_the_right_password(
    client, clerk_a, english
):
    for _attempt in range(5):
        post_login(client, "clerk_a", "wrong-password")
    response = post_login(client, "clerk_a", PASSWORD)
    assert response.status_code in (403, 429)
    assert "Account locked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_fewer_failures_than_the_limit_do_not_lock_the_account(client, clerk_a):
    for _attempt in range(4):
        post_login(client, "clerk_a", "wrong-password")
    response = post_login(client, "clerk_a", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(clerk_a.pk)


def test_a_signed_out_visitor_is_sent_to_sign_in(client, county):
    response = client.get(WORKSPACE)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


# --- forced password change ---------------------------------------------------------------


def test_the_first_sign_in_forces_a_password_change(client, county):
    make_user("fresh", county.a, must_change_password=True)
    post_login(client, "fresh", PASSWORD)
    response = client.get("/oa/messages/?page=2")
    assert response.status_code == 302
    target = urlparse(response.url)
    assert target.path == reverse("org:password_change")
    assert parse_qs(target.query)["next"] == ["/oa/messages/?page=2"]


def test_a_weak_new_password_is_refused_with_a_message(client, county, english):
    user = make_user("fresh", county.a, must_change_password=True)
    client.force_login(user)
    response = client.post(
        "/oa/password/",
        {"old_password": PASSWORD, "new_password": "password", "new_password2": "password"},
    )
    assert response.status_code == 200
    # the policy's message is shown by the new-password field
    assert "This password is too short" in " ".join(response.context["form"].errors["new_password"])
    assert 'id="id_new_password_error"' in response.content.decode()
    user.refresh_from_db()
    assert user.must_change_password and user.check_password(PASSWORD)


def test_help_texts_are_tied_to_their_fields_for_screen_readers(client, county):
    user = make_user("fresh", county.a, must_change_password=True)
    client.force_login(user)
    page = client.get("/oa/password/").content.decode()
    assert 'aria-describedby="id_new_password_helptext"' in page
    assert 'id="id_new_password_helptext"' in page


def test_the_wrong_current_password_is_refused(client, county):
    user = make_user("fresh", county.a, must_change_password=True)
    client.force_login(user)
    response = client.post(
        "/oa/password/",
        {
            "old_password": "guess",
            "new_password": STRONG_PASSWORD,
            "new_password2": STRONG_PASSWORD,
        },
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_forced_change_works_and_then_the_workspace_opens(client, county):
    user = make_user("fresh", county.a, must_change_password=True)
    client.force_login(user)
    response = client.post(
        "/oa/password/?next=/oa/messages/",
        {
            "old_password": PASSWORD,
            "new_password": STRONG_PASSWORD,
            "new_password2": STRONG_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.url == "/oa/messages/"
    user.refresh_from_db()
    assert user.check_password(STRONG_PASSWORD)
    assert user.must_change_password is False
    # still signed in (the session hash was updated) and no longer redirected
    assert client.get(WORKSPACE).status_code == 200
    assert len(audit_records("org.password.change")) == 1


def test_after_a_password_change_the_next_target_must_be_on_this_site(client, county):
    user = make_user("fresh", county.a, must_change_password=True)
    client.force_login(user)
    response = client.post(
        "/oa/password/?next=https://evil.example/",
        {
            "old_password": PASSWORD,
            "new_password": STRONG_PASSWORD,
            "new_password2": STRONG_PASSWORD,
        },
    )
    assert response.url == WORKSPACE


# --- two-factor sign-in ---------------------------------------------------------------------


def test_an_administrator_without_a_device_is_sent_to_set_one_up(client, system_admin):
    client.force_login(system_admin)
    response = client.get(WORKSPACE)
    assert response.status_code == 302
    assert urlparse(response.url).path == reverse("org:otp_setup")


def test_a_clerk_without_a_device_is_not_asked_for_a_second_factor(client, clerk_a):
    client.force_login(clerk_a)
    assert client.get(WORKSPACE).status_code == 200


def test_setting_up_the_authenticator_confirms_the_device_and_verifies_the_session(
    client, unit_admin_a
):
    client.force_login(unit_admin_a)
    page = client.get("/oa/2fa/setup/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=unit_admin_a, confirmed=False)
    response = client.post("/oa/2fa/setup/", {"token": current_token(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(WORKSPACE).status_code == 200
    assert len(audit_records("auth.otp.enrol")) == 1


def test_a_wrong_code_does_not_confirm_the_device(client, unit_admin_a):
    client.force_login(unit_admin_a)
    client.get("/oa/2fa/setup/")
    device = TOTPDevice.objects.get(user=unit_admin_a)
    response = client.post("/oa/2fa/setup/", {"token": wrong_token(device)})
    assert response.status_code == 200
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(WORKSPACE).status_code == 302


def test_an_administrator_with_a_device_is_sent_to_verify(client, system_admin):
    confirmed_device(system_admin)
    client.force_login(system_admin)
    response = client.get(WORKSPACE)
    assert urlparse(response.url).path == reverse("org:otp_verify")
    # setting up another device does not get round the verification
    response = client.get("/oa/2fa/setup/")
    assert urlparse(response.url).path == reverse("org:otp_verify")


def test_verifying_with_the_right_code_opens_the_workspace(client, system_admin):
    device = confirmed_device(system_admin)
    client.force_login(system_admin)
    response = client.post("/oa/2fa/verify/?next=/oa/messages/", {"token": current_token(device)})
    assert response.status_code == 302
    assert response.url == "/oa/messages/"
    assert client.get(WORKSPACE).status_code == 200


def test_a_wrong_code_is_refused_and_audited(client, system_admin, english):
    device = confirmed_device(system_admin)
    client.force_login(system_admin)
    response = client.post("/oa/2fa/verify/", {"token": wrong_token(device)})
    assert response.status_code == 200
    assert "This code is not right." in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get(WORKSPACE).status_code == 302
    assert len(audit_records("auth.otp.failed")) == 1


def test_a_code_that_is_not_six_digits_is_refused(client, system_admin):
    confirmed_device(system_admin)
    client.force_login(system_admin)
    response = client.post("/oa/2fa/verify/", {"token": "12a456"})
    assert response.status_code == 200
    assert response.context["form"].errors


# --- account page -------------------------------------------------------------------------


def test_a_delegation_ending_before_it_starts_shows_an_error_and_saves_nothing(
    login, clerk_a, head_a, english
):
    client = login(clerk_a)
    response = client.post(
        "/oa/me/",
        {
            "form": "delegate",
            "delegate": head_a.pk,
            "starts_at": "2031-05-10T09:00",
            "ends_at": "2031-05-01T09:00",
            "reason": "leave",
        },
    )
    assert response.status_code == 200
    assert "The end must be after the start." in response.content.decode()
    assert not Delegation.objects.exists()


def test_a_delegation_to_someone_outside_ones_units_is_not_offered(login, clerk_a, clerk_b):
    client = login(clerk_a)
    response = client.post(
        "/oa/me/",
        {
            "form": "delegate",
            "delegate": clerk_b.pk,
            "starts_at": "2031-05-01T09:00",
            "ends_at": "2031-05-10T09:00",
        },
    )
    assert response.status_code == 200
    assert response.context["delegation_form"].errors["delegate"]
    assert not Delegation.objects.exists()


def test_a_good_delegation_is_saved_in_local_time(login, clerk_a, head_a):
    client = login(clerk_a)
    response = client.post(
        "/oa/me/",
        {
            "form": "delegate",
            "delegate": head_a.pk,
            "starts_at": "2031-05-01T09:00",
            "ends_at": "2031-05-10T18:00",
            "reason": "leave",
        },
    )
    assert response.status_code == 302
    delegation = Delegation.objects.get()
    assert delegation.delegator == clerk_a and delegation.delegate == head_a
    # 09:00 in Asia/Shanghai is 01:00 UTC
    assert delegation.starts_at == datetime.datetime(2031, 5, 1, 1, 0, tzinfo=datetime.UTC)


def test_the_delegator_ends_a_delegation_from_the_account_page(login, clerk_a, head_a):
    from zhengtong.conftest import make_delegation

    delegation = make_delegation(clerk_a, head_a)
    client = login(clerk_a)
    response = client.post(f"/oa/me/delegations/{delegation.pk}/revoke/")
    assert response.status_code == 302
    delegation.refresh_from_db()
    assert delegation.revoked_at is not None


def test_someone_else_cannot_end_a_delegation(login, clerk_a, head_a, clerk_b):
    from zhengtong.conftest import make_delegation

    delegation = make_delegation(clerk_a, head_a)
    client = login(clerk_b)
    client.post(f"/oa/me/delegations/{delegation.pk}/revoke/")
    delegation.refresh_from_db()
    assert delegation.revoked_at is None


def test_notification_preferences_are_saved_and_audited(login, clerk_a):
    client = login(clerk_a)
    response = client.post(
        "/oa/me/",
        {
            "form": "prefs",
            "notification_mode": "daily",
            "email": "zhang@example.cn",
        },
    )
    assert response.status_code == 302
    clerk_a.refresh_from_db()
    assert clerk_a.notification_mode == "daily"
    (record,) = audit_records("org.preferences.update")
    assert record.changes["notification_mode"] == ["immediate", "daily"]


# --- directory and unit pages ----------------------------------------------------------------


def test_the_directory_lists_the_units_and_finds_people(login, clerk_a, clerk_b):
    client = login(clerk_a)
    page = client.get("/oa/directory/").content.decode()
    assert "Education Bureau" in page and "Finance Bureau" in page
    found = client.get("/oa/directory/", {"q": "Wang"}).content.decode()
    assert "Wang Fang" in found
    assert "13712345678" not in found


def test_a_unit_page_masks_the_mobile_for_a_user_of_another_unit(login, clerk_a, clerk_b, county):
    page = login(clerk_b).get(f"/oa/units/{county.a.pk}/").content.decode()
    assert "Zhang Wei" in page
    assert "138****5678" in page
    assert "13812345678" not in page


def test_a_unit_page_shows_whole_mobiles_of_colleagues_from_a_shared_unit(
    login, clerk_a, clerk_b, head_a, county
):
    from zhengtong.org.models import Membership

    Membership.objects.create(user=clerk_a, unit=county.b)  # Zhang also works in B
    page = login(clerk_b).get(f"/oa/units/{county.a.pk}/").content.decode()
    assert "13812345678" in page  # Zhang, a colleague from B
    assert "139****5678" in page and "13912345678" not in page  # Li, in A only


def test_a_unit_page_shows_the_whole_mobile_to_a_member(login, clerk_a, head_a, county):
    page = login(head_a).get(f"/oa/units/{county.a.pk}/").content.decode()
    assert "13812345678" in page


def test_a_unit_page_shows_its_former_names(login, system_admin, clerk_a, county, english):
    from zhengtong.org import services

    services.update_unit(
        system_admin,
        county.a,
        name="Education and Sports Bureau",
        effective=datetime.date(2026, 3, 1),
    )
    page = login(clerk_a).get(f"/oa/units/{county.a.pk}/")
    page = page.content.decode()
    assert "<h1>Education and Sports Bureau</h1>" in page
    assert "Education Bureau (until 2026-02-28)" in page


def test_an_unknown_unit_is_not_found(login, clerk_a):
    assert login(clerk_a).get("/oa/units/999999/").status_code == 404


def test_the_account_page_lists_units_and_roles(login, clerk_a, english):
    page = login(clerk_a).get("/oa/me/").content.decode()
    assert "Education Bureau" in page
    assert "Clerk" in page
    assert User.objects.get(pk=clerk_a.pk).must_change_password is False
