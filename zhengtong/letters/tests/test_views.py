"""The public and staff pages of the mailboxes."""

import re

import pytest
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile

from zhengtong.core.models import Attachment, WorkItem
from zhengtong.letters import services
from zhengtong.letters.models import DeclineReason, Letter, LetterState
from zhengtong.letters.tests.conftest import WRITER_MOBILE, replied, routed, submit
from zhengtong.public.testing import last_sms_code, public_post_data

WRITE = "/hdjl/xx/xx/"
TRACK = "/hdjl/xx/cx/"
XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">'

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35"
    b"\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _fields(box, **overrides):
    fields = {
        "mailbox": str(box.mailbox.pk),
        "category": "suggestion",
        "title": "Bus stop shelter",
        "content": "Please build a shelter at the Hexi bus stop.",
        "name": "Chen Xiaoming",
        "mobile": WRITER_MOBILE,
        "may_publish": "on",
    }
    fields.update(overrides)
    return fields


def _write(client, box, files=None, **overrides):
    """Fill the form, ask for the SMS code, then send the letter."""
    page = client.get(WRITE)
    data = public_post_data(page, **_fields(box, **overrides))
    response = client.post(WRITE, {**data, "send_sms_code": "1"})
    assert response.status_code == 200, response.content.decode()[:2000]
    data = public_post_data(response, **_fields(box, **overrides))
    data["sms_code"] = last_sms_code(WRITER_MOBILE)
    if files:
        data["attachments"] = files
    return client.post(WRITE, data)


def _errors(response):
    match = re.search(r'<div class="errors" role="alert">(.*?)</div>', response.content.decode())
    return match.group(1) if match else ""


def _receipt(client):
    html = client.get("/hdjl/xx/hz/").content.decode()
    code = re.search(r'id="tracking-code">([A-Z0-9-]+)<', html).group(1)
    password = re.search(r'id="query-password">(\d+)<', html).group(1)
    return code, password


# --- writing --------------------------------------------------------------------------


def test_the_write_form_is_never_cached_and_has_a_csrf_token(client, box):
    response = client.get(WRITE)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_a_citizen_writes_and_gets_code_and_password_on_screen(client, box):
    response = _write(client, box)
    assert response.status_code == 302 and response["Location"].endswith("/hdjl/xx/hz/")
    letter = Letter.objects.get()
    code, password = _receipt(client)
    assert code == letter.display_code
    assert services.find_for_tracking(code, password) == letter
    # Shown once: the receipt does not show the password again.
    assert password not in client.get("/hdjl/xx/hz/").content.decode()


def test_attachments_are_stored_through_the_kernel(client, box):
    upload = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    response = _write(client, box, files=[upload])
    assert response.status_code == 302
    letter = Letter.objects.get()
    attachment = Attachment.objects.get()
    assert attachment.owner == letter and attachment.contains_personal_data


def test_a_refused_attachment_is_explained_and_nothing_is_stored(client, box):
    upload = SimpleUploadedFile("evil.png", b"MZ\x90\x00not a picture", content_type="image/png")
    response = _write(client, box, files=[upload])
    assert response.status_code == 400
    assert not Letter.objects.exists()
    assert "Bus stop shelter" in response.content.decode()  # nothing typed is lost


def test_bad_input_is_shown_on_the_form_and_nothing_is_saved(client, box):
    response = _write(client, box, title="")
    assert response.status_code == 400
    assert not Letter.objects.exists()


def test_a_bot_filling_the_honeypot_stores_nothing(client, box):
    page = client.get(WRITE)
    data = public_post_data(page, **_fields(box), website="http://spam")
    response = client.post(WRITE, data)
    assert response.status_code == 302
    assert not Letter.objects.exists()


# --- tracking -------------------------------------------------------------------------


def test_a_wrong_password_gets_a_generic_error(client, box):
    result = submit(box.mailbox)
    response = client.post(TRACK, {"code": result.letter.display_code, "password": "1"})
    assert response.status_code == 404
    assert result.letter.title not in response.content.decode()
    unknown = client.post(TRACK, {"code": "ZZZZ-ZZZZ-ZZZZ", "password": "1"})
    # The same answer for a wrong password as for a code that does not exist.
    assert unknown.status_code == 404
    assert _errors(unknown) == _errors(response) != ""


def test_wrong_passwords_are_rate_limited(client, box):
    result = submit(box.mailbox)
    for _i in range(10):
        client.post(TRACK, {"code": result.letter.display_code, "password": "1"})
    response = client.post(TRACK, {"code": result.letter.display_code, "password": result.password})
    assert response.status_code == 429


def test_someone_elses_code_shows_nothing(client, box):
    letter = submit(box.mailbox).letter
    response = client.get(f"{TRACK}{letter.tracking_code}/")
    assert response.status_code == 302 and response["Location"].endswith(TRACK)


def test_the_writer_sees_public_steps_and_the_reply_but_no_internal_comment(client, box):
    letter = replied(box)
    services.add_instruction(box.leader, letter, text="Secret leader remark")
    letter.steps.filter(kind="routed").update(internal_comment="Internal note XYZ")
    password = "12345678"
    Letter.objects.filter(pk=letter.pk).update(query_password=make_password(password))
    response = client.post(TRACK, {"code": letter.tracking_code, "password": password})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "The lights were repaired on Monday." in html
    assert "Internal note XYZ" not in html and "Secret leader remark" not in html
    for person in (box.office_clerk, box.office_head, box.clerk_a):
        assert person.real_name not in html


def _open_tracking(client, letter):
    session = client.session
    session["letters_tracked"] = [letter.pk]
    session.save()
    return f"{TRACK}{letter.tracking_code}/"


def test_an_unsatisfied_rating_on_the_tracking_page_opens_a_follow_up(client, box):
    letter = replied(box)
    url = _open_tracking(client, letter)
    response = client.post(url, {"action": "rate", "rate-level": "2", "rate-comment": XSS})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == LetterState.RATED
    assert WorkItem.objects.filter(kind=services.KIND_FOLLOW_UP, state="open").exists()
    html = client.get(url).content.decode()
    assert 'name="reopen-reason"' in html
    response = client.post(url, {"action": "reopen", "reopen-reason": "Still dark"})
    letter.refresh_from_db()
    assert letter.state == LetterState.REOPENED


def test_a_bad_rating_is_refused_on_the_page(client, box):
    letter = replied(box)
    url = _open_tracking(client, letter)
    response = client.post(url, {"action": "rate", "rate-level": "7"})
    assert response.status_code == 400
    assert not letter.ratings.exists()


def test_the_writer_supplies_information_on_the_tracking_page(client, box):
    letter = routed(box)
    services.request_more_information(box.office_clerk, letter, question="Which street?")
    url = _open_tracking(client, letter)
    html = client.get(url).content.decode()
    assert "Which street?" in html
    client.post(url, {"action": "supply", "supply-text": "Hexi Road"})
    letter.refresh_from_db()
    assert letter.state == LetterState.ROUTED


def _waiting(client, box):
    letter = routed(box)
    services.request_more_information(box.office_clerk, letter, question="Photos, please.")
    return letter, _open_tracking(client, letter)


def test_the_writer_supplies_files_through_the_kernel_attachment_path(client, box):
    letter, url = _waiting(client, box)
    upload = SimpleUploadedFile("lamp.png", PNG, content_type="image/png")
    response = client.post(url, {"action": "supply", "supply-attachments": [upload]})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == LetterState.ROUTED
    attachment = Attachment.objects.get()
    assert attachment.owner == letter and attachment.contains_personal_data
    assert attachment.original_name == "lamp.png"


def test_an_oversized_supplied_file_is_refused_and_nothing_changes(client, box, settings):
    settings.ATTACHMENT_MAX_BYTES = 50
    letter, url = _waiting(client, box)
    upload = SimpleUploadedFile("lamp.png", PNG, content_type="image/png")
    response = client.post(
        url, {"action": "supply", "supply-text": "Hexi Road", "supply-attachments": [upload]}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_supply-attachments_error"' in html and "lamp.png：" in html
    assert "Hexi Road" in html  # nothing typed is lost
    letter.refresh_from_db()
    assert letter.state == LetterState.WAITING and not Attachment.objects.exists()


def test_a_disguised_supplied_file_is_refused_and_nothing_changes(client, box):
    letter, url = _waiting(client, box)
    upload = SimpleUploadedFile("lamp.png", b"MZ\x90\x00not a picture", content_type="image/png")
    response = client.post(url, {"action": "supply", "supply-attachments": [upload]})
    assert response.status_code == 400
    assert "lamp.png：" in response.content.decode()
    letter.refresh_from_db()
    assert letter.state == LetterState.WAITING and not Attachment.objects.exists()


def test_supplying_nothing_or_too_many_files_is_refused(client, box):
    letter, url = _waiting(client, box)
    response = client.post(url, {"action": "supply", "supply-text": ""})
    assert response.status_code == 400
    files = [SimpleUploadedFile(f"p{i}.png", PNG, content_type="image/png") for i in range(6)]
    response = client.post(url, {"action": "supply", "supply-attachments": files})
    assert response.status_code == 400
    letter.refresh_from_db()
    assert letter.state == LetterState.WAITING and not Attachment.objects.exists()


# --- published letters and statistics -------------------------------------------------


def test_the_cacheable_public_pages_vary_on_the_cookie(client, box):
    letter = replied(box)
    preview = services.publication_preview(letter)
    services.publish_letter(
        box.office_clerk,
        letter,
        title=preview.title,
        content=preview.content,
        reply=preview.reply,
    )
    for url in ("/hdjl/xx/", "/hdjl/xx/gk/", f"/hdjl/xx/gk/{letter.pk}/", "/hdjl/xx/tj/"):
        response = client.get(url)
        assert response.status_code == 200 and "max-age" in response["Cache-Control"]
        assert "cookie" in response["Vary"].lower(), url


def test_the_published_list_shows_masked_text_and_escapes_markup(client, box):
    letter = replied(box, title=XSS, content=f"{XSS} call me on 13900001111")
    preview = services.publication_preview(letter)
    services.publish_letter(
        box.office_clerk,
        letter,
        title=preview.title,
        content=preview.content,
        reply=preview.reply,
    )
    listing = client.get("/hdjl/xx/gk/")
    assert listing.status_code == 200 and "no-store" not in listing.get("Cache-Control", "")
    html = listing.content.decode() + client.get(f"/hdjl/xx/gk/{letter.pk}/").content.decode()
    assert "<script>window.__xss" not in html and "&lt;script&gt;" in html
    assert "13900001111" not in html and "139****1111" in html


def test_an_unpublished_letter_is_not_on_the_website(client, box):
    letter = replied(box)
    assert client.get(f"/hdjl/xx/gk/{letter.pk}/").status_code == 404


def test_the_statistics_page_counts_letters(client, box):
    replied(box)
    submit(box.mailbox)
    html = client.get("/hdjl/xx/tj/").content.decode()
    assert 'id="total-received">2<' in html


# --- staff ----------------------------------------------------------------------------


def test_the_office_sees_the_new_letter_awaiting_its_unit(login, box):
    letter = submit(box.mailbox, title=XSS).letter
    html = login(box.office_clerk).get("/oa/letters/").content.decode()
    assert letter.display_code in html
    assert "<script>window.__xss" not in html


def test_another_unit_cannot_open_a_letter_not_routed_to_it(login, box):
    letter = routed(box)
    assert login(box.clerk_b).get(f"/oa/letters/{letter.pk}/").status_code == 404
    assert login(box.clerk_a).get(f"/oa/letters/{letter.pk}/").status_code == 200


def test_the_office_accepts_and_routes_on_the_letter_page(login, box):
    letter = submit(box.mailbox).letter
    client = login(box.office_clerk)
    url = f"/oa/letters/{letter.pk}/"
    response = client.post(url, {"action": "route", "route-lead_unit": box.county.a.pk})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == LetterState.ROUTED and letter.lead_unit == box.county.a


def test_an_action_not_allowed_to_me_is_refused(login, box):
    letter = routed(box)
    response = login(box.clerk_a).post(
        f"/oa/letters/{letter.pk}/", {"action": "route", "route-lead_unit": box.county.b.pk}
    )
    assert response.status_code == 403


def test_bad_input_on_an_action_is_shown_and_changes_nothing(login, box):
    letter = submit(box.mailbox).letter
    response = login(box.office_clerk).post(
        f"/oa/letters/{letter.pk}/", {"action": "decline", "decline-reason": "999"}
    )
    assert response.status_code == 400
    letter.refresh_from_db()
    assert letter.state == LetterState.RECEIVED


def test_the_unit_drafts_from_a_standard_reply_and_the_office_previews(login, box):
    letter = routed(box)
    client = login(box.clerk_a)
    from zhengtong.letters.models import StandardReply

    standard = StandardReply.objects.filter(category="complaint").first()
    html = client.get(f"/oa/letters/{letter.pk}/?standard={standard.pk}").content.decode()
    assert standard.text.splitlines()[0] in html
    client.post(f"/oa/letters/{letter.pk}/", {"action": "draft", "draft-text": "We fixed it."})
    letter.refresh_from_db()
    assert letter.state == LetterState.REPLY_DRAFTED
    html = login(box.office_head).get(f"/oa/letters/{letter.pk}/preview/").content.decode()
    assert "We fixed it." in html


def test_the_writers_mobile_is_masked_for_a_county_leader(login, box):
    letter = routed(box)
    html = login(box.leader).get(f"/oa/letters/{letter.pk}/").content.decode()
    assert WRITER_MOBILE not in html and "139****1111" in html


def test_publishing_page_offers_the_masked_text(login, box):
    letter = replied(box, content="Call 13900001111")
    client = login(box.office_clerk)
    html = client.get(f"/oa/letters/{letter.pk}/publish/").content.decode()
    assert "139****1111" in html
    response = client.post(
        f"/oa/letters/{letter.pk}/publish/",
        {"title": "t", "content": "Call 13900001111", "reply": "r"},
    )
    assert response.status_code == 400
    assert login(box.clerk_b).get(f"/oa/letters/{letter.pk}/publish/").status_code == 404


@pytest.mark.parametrize("url", ["/oa/letters/", "/oa/letters/all/", "/oa/letters/stats/"])
def test_staff_lists_need_sign_in(client, box, url):
    assert client.get(url).status_code == 302


def test_decline_reasons_are_seeded(db):
    assert DeclineReason.objects.count() >= 5
