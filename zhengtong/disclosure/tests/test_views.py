"""The staff and public pages of disclosure requests."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhengtong.conftest import audit_records
from zhengtong.core.tests.test_downloads import assert_safe_download
from zhengtong.disclosure import services
from zhengtong.disclosure.models import DisclosureRequest, State
from zhengtong.disclosure.tests import conftest
from zhengtong.disclosure.tests.conftest import CITIZEN_ID, MOBILE
from zhengtong.public.testing import last_sms_code, public_post_data

APPLY = "/xxgk/ysq/sq/"
LOOKUP = "/xxgk/ysq/cx/"


def submit(unit, **kwargs):
    """A request received today (the pages act on today's date)."""
    return conftest.submit(unit, today=None, **kwargs)


def _application(county, **overrides):
    fields = {
        "unit": str(county.a.pk),
        "applicant_kind": "citizen",
        "id_number": CITIZEN_ID,
        "name": "陈小明",
        "mobile": MOBILE,
        "description": "2025年学校新建项目批复",
        "delivery_form": "electronic",
        "delivery_way": "online",
    }
    fields.update(overrides)
    return fields


def _apply(client, county, **overrides):
    """Fill the online form, ask for the SMS code, then submit."""
    page = client.get(APPLY)
    data = public_post_data(page, **_application(county, **overrides))
    response = client.post(APPLY, {**data, "send_sms_code": "1"})
    assert response.status_code == 200
    data = public_post_data(response, **_application(county, **overrides))
    data["sms_code"] = last_sms_code(MOBILE)
    return client.post(APPLY, data)


# --- public -----------------------------------------------------------------------------


def test_the_guide_is_cacheable_and_names_the_time_limits(client, county):
    response = client.get("/xxgk/ysq/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert county.a.name in response.content.decode()


def test_the_application_form_is_never_cached(client, county):
    response = client.get(APPLY)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_a_citizen_applies_online_and_gets_a_number_and_password(client, county):
    response = _apply(client, county)
    assert response.status_code == 302 and response["Location"].endswith("/xxgk/ysq/hz/")
    req = DisclosureRequest.objects.get()
    receipt = client.get("/xxgk/ysq/hz/").content.decode()
    assert req.number in receipt
    # The password on the receipt opens the request.
    import re

    password = re.search(r'class="password">([A-Z0-9]+)<', receipt).group(1)
    assert services.password_matches(req, password)


def test_bad_input_on_the_application_is_shown_on_the_form_and_nothing_is_saved(client, county):
    response = _apply(client, county, id_number="123")
    assert response.status_code == 400
    assert not DisclosureRequest.objects.exists()
    assert "field-errors" in response.content.decode()


def test_a_filled_honeypot_pretends_success_and_stores_nothing(client, county):
    data = public_post_data(client.get(APPLY), **_application(county), website="http://spam")
    response = client.post(APPLY, data)
    assert response.status_code == 302
    assert not DisclosureRequest.objects.exists()


def test_lookup_with_number_and_password_shows_the_progress(client, county):
    req, password = submit(county.a)
    response = client.post(LOOKUP, {"number": req.number, "password": password})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert req.number in page.content.decode()


def test_a_request_stored_with_the_old_argon2_hash_opens_on_the_lookup_page(client, county):
    from django.contrib.auth.hashers import make_password

    req, password = submit(county.a)
    DisclosureRequest.objects.filter(pk=req.pk).update(query_password=make_password(password))
    assert client.post(LOOKUP, {"number": req.number, "password": "WRONG234"}).status_code == 404
    response = client.post(LOOKUP, {"number": req.number, "password": password})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_a_wrong_password_gets_the_generic_error_and_is_rate_limited(client, county):
    req, _password = submit(county.a)
    for n in range(10):
        # (the request's own number locks after five wrong passwords: see below)
        number = req.number if n < 5 else f"{req.number}-{n}"
        response = client.post(LOOKUP, {"number": number, "password": "WRONG234"})
        assert response.status_code == 404
    response = client.post(LOOKUP, {"number": req.number, "password": "WRONG234"})
    assert response.status_code == 429


def test_someone_else_cannot_open_a_request_page_by_its_id(client, county):
    req, _ = submit(county.a)
    assert client.get(f"/xxgk/ysq/cx/{req.pk}/").status_code == 404
    assert client.get(f"/xxgk/ysq/cx/{req.pk}/dfs.pdf").status_code == 404


def test_the_applicant_answers_the_correction_and_withdraws_from_the_status_page(
    client, county, clerk_a
):
    req, password = submit(county.a)
    services.issue_correction_notice(clerk_a, req, items="写明年份")
    client.post(LOOKUP, {"number": req.number, "password": password})
    url = f"/xxgk/ysq/cx/{req.pk}/"
    assert "写明年份" in client.get(url).content.decode()
    response = client.post(url, {"correct": "1", "correct-text": ""})
    assert response.status_code == 400
    response = client.post(url, {"correct": "1", "correct-text": "2025年"})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.state == State.PROCESSING
    client.post(url, {"withdraw": "1", "withdraw-reason": "不需要了"})
    req.refresh_from_db()
    assert req.state == State.WITHDRAWN


# --- staff --------------------------------------------------------------------------------


def test_the_list_shows_my_units_requests_only(login, county, clerk_a, clerk_b):
    mine, _ = submit(county.a)
    theirs, _ = submit(county.b)
    page = login(clerk_a).get("/oa/disclosure-requests/").content.decode()
    assert mine.number in page and theirs.number not in page
    assert MOBILE not in page  # masked in the list


def test_a_clerk_of_another_unit_gets_404_for_the_request(login, county, clerk_b):
    req, _ = submit(county.a)
    client = login(clerk_b)
    assert client.get(f"/oa/disclosure-requests/{req.pk}/").status_code == 404
    response = client.post(
        f"/oa/disclosure-requests/{req.pk}/correction/",
        {"correction-items": "x", "correction-period_days": "10"},
    )
    assert response.status_code == 404


def test_a_clerk_cannot_use_the_heads_extension(login, county, clerk_a, head_a):
    req, _ = submit(county.a)
    client = login(clerk_a)
    assert "/extend/" not in client.get(f"/oa/disclosure-requests/{req.pk}/").content.decode()
    response = client.post(
        f"/oa/disclosure-requests/{req.pk}/extend/", {"extend-days": "10", "extend-reason": "x"}
    )
    assert response.status_code == 403


def test_bad_input_in_an_action_is_shown_on_its_form(login, county, head_a):
    req, _ = submit(county.a)
    response = login(head_a).post(
        f"/oa/disclosure-requests/{req.pk}/extend/", {"extend-days": "30", "extend-reason": "x"}
    )
    assert response.status_code == 400
    req.refresh_from_db()
    assert req.extension_days == 0


def test_staff_handle_a_request_through_to_the_reply_pdf(login, county, clerk_a, head_a, client):
    req, _ = submit(county.a)
    clerk = login(clerk_a)
    url = f"/oa/disclosure-requests/{req.pk}/"
    upload = SimpleUploadedFile("批复.pdf", b"%PDF-1.4\n%x\n", content_type="application/pdf")
    response = clerk.post(
        url + "reply/",
        {"reply-kind": "provided", "reply-information": "见附件", "reply-upload": upload},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    head = login(head_a)
    assert head.post(url + "approve/", {}).status_code == 302
    clerk = login(clerk_a)
    assert clerk.post(url + "send/", {"send-delivery_note": ""}).status_code == 302
    pdf = clerk.get(url + "reply.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert_safe_download(pdf)
    req.refresh_from_db()
    assert req.state == State.REPLIED
    # The reply names the applicant: a member of staff downloading it is audited.
    [record] = audit_records("attachment.download", actor=clerk_a)
    assert record.object_id == str(req.reply.pdf_id)


def test_the_applicant_downloads_the_reply_with_the_safe_headers(client, county, clerk_a, head_a):
    req, password = submit(county.a)
    req = services.draft_reply(clerk_a, req, kind="already_public", where_public="县政府网站")
    req = services.approve_reply(head_a, req)
    services.send_reply(clerk_a, req)
    response = client.post(LOOKUP, {"number": req.number, "password": password})
    assert response.status_code == 302
    pdf = client.get(f"/xxgk/ysq/cx/{req.pk}/dfs.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert_safe_download(pdf)
    # The data subject's own download is not audited.
    assert audit_records("attachment.download") == []


def test_a_clerk_registers_a_paper_request(login, county, clerk_a):
    client = login(clerk_a)
    data = {
        "unit": county.a.pk,
        "channel": "in_person",
        "received_on": "2026-03-02",
        "applicant_kind": "citizen",
        "name": "李四",
        "mobile": "13700002222",
        "id_number": CITIZEN_ID,
        "description": "公开某文件",
        "delivery_form": "paper",
        "delivery_way": "collect",
    }
    response = client.post("/oa/disclosure-requests/new/", {**data, "mobile": "1"})
    assert response.status_code == 400
    response = client.post("/oa/disclosure-requests/new/", data)
    # 2026-03-02 may be more than 60 days ago when the tests run: then the form says so.
    if response.status_code == 302:
        assert DisclosureRequest.objects.get().channel == "in_person"
    else:
        assert response.status_code == 400 and not DisclosureRequest.objects.exists()


def test_someone_without_a_clerk_role_cannot_register(login, county, clerk_b):
    from zhengtong.conftest import make_user

    plain = make_user("plain_a", county.a)
    assert login(plain).get("/oa/disclosure-requests/new/").status_code == 403


@pytest.mark.parametrize("year", ["2026", "abc", "1900"])
def test_the_statistics_page_shows_my_units_table(login, county, clerk_a, year):
    submit(county.a)
    response = login(clerk_a).get(f"/oa/disclosure-requests/statistics/?year={year}")
    assert response.status_code == 200
    body = response.content.decode()
    assert county.a.name in body and county.b.name not in body


# --- the personal centre ---------------------------------------------------------------


def _account(client):
    from zhengtong.public import session as public_session
    from zhengtong.public.models import PublicUser

    user = PublicUser(mobile="13500003333")
    user.set_password("Zt-Public-Passw0rd!")
    user.save()
    s = client.session
    s[public_session.SESSION_KEY] = user.pk
    s[public_session.HASH_KEY] = public_session._password_hash(user)
    s.save()
    return user


def test_a_signed_in_applicant_finds_the_request_in_the_personal_centre(client, county):
    from zhengtong.public.registry import sections_for

    user = _account(client)
    req, _ = submit(county.a, public_user=user)
    (section,) = [s for s in sections_for(user) if s.key == "disclosure"]
    assert [i.url for i in section.items] == [f"/xxgk/ysq/cx/{req.pk}/"]
    # Their own request opens without the password; someone else's does not.
    assert client.get(f"/xxgk/ysq/cx/{req.pk}/").status_code == 200
    other, _ = submit(county.a)
    assert client.get(f"/xxgk/ysq/cx/{other.pk}/").status_code == 404
