"""The applicant's pages, the staff case pages and the form builder: the path of an
application through the pages, bad input, and who may see what."""

from django.core.files.uploadedfile import SimpleUploadedFile

from zhengtong.conftest import audit_records
from zhengtong.core.tests.test_downloads import assert_safe_download
from zhengtong.services import cases
from zhengtong.services.models import Application, ApplicationState, ServiceForm

from .conftest import GOOD_ANSWERS, citizen_id, pdf, reviewed, submitted

S = ApplicationState


def answers_post(**overrides):
    data = {
        "applicant_name": "李小红",
        "applicant_id_number": citizen_id(),
        "applicant_mobile": "13900001111",
        "a_school": GOOD_ANSWERS["school"],
        "a_birth_date": GOOD_ANSWERS["birth_date"],
        "a_phone": GOOD_ANSWERS["phone"],
        "a_hardship": "low income",
        "a_household-0-0": "李明",
        "a_household-0-1": "父亲",
    }
    data.update(overrides)
    return data


def test_the_guide_offers_to_apply_online_and_sends_visitors_to_sign_in(client, online_item):
    html = client.get(online_item.get_absolute_url()).content.decode()
    url = f"/bsfw/sx/{online_item.implementation_code}/sq/"
    assert url in html
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/grzx/dl/")


def test_public_cached_pages_vary_on_the_cookie(client, online_item):
    for url in (
        "/bsfw/sx/",
        online_item.get_absolute_url(),
        "/bsfw/gs/",
        "/bsfw/pj/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "max-age" in response["Cache-Control"], url
        assert "Cookie" in response["Vary"], url


def test_apply_save_resume_upload_summary_submit(
    client, english, public_login, online_item, citizen
):
    public_login(citizen)
    url = f"/bsfw/sx/{online_item.implementation_code}/sq/"
    assert client.get(url).status_code == 200
    response = client.post(url, answers_post(a_school=""))
    app = Application.objects.get(applicant=citizen)
    assert response.status_code == 302 and response["Location"] == f"/bsfw/sq/{app.pk}/"
    # Resume later: the page shows what was saved.
    page = client.get(f"/bsfw/sq/{app.pk}/").content.decode()
    assert "李明" in page
    client.post(f"/bsfw/sq/{app.pk}/", answers_post())
    for material in online_item.materials.all():
        response = client.post(
            f"/bsfw/sq/{app.pk}/materials/{material.pk}/", {"file": pdf("scan.pdf")}
        )
        assert response.status_code == 302
    summary = client.get(f"/bsfw/sq/{app.pk}/summary/")
    assert summary.status_code == 200 and "Submit the application" in summary.content.decode()
    response = client.post(f"/bsfw/sq/{app.pk}/summary/", {"key": "abc"})
    app.refresh_from_db()
    assert response.status_code == 302 and app.state == S.SUBMITTED and app.number
    copy = client.get(f"/bsfw/sq/{app.pk}/copy/").content.decode()
    assert app.number in copy and GOOD_ANSWERS["school"] in copy


def test_bad_answers_get_field_messages_and_the_rest_is_kept(
    client, english, public_login, online_item, citizen
):
    public_login(citizen)
    url = f"/bsfw/sx/{online_item.implementation_code}/sq/"
    client.post(url, answers_post())
    app = Application.objects.get(applicant=citizen)
    response = client.post(
        f"/bsfw/sq/{app.pk}/",
        answers_post(
            a_birth_date="2010-13-40",
            a_phone="123",
            applicant_id_number="341125199003070011",
        ),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter a real date as YYYY-MM-DD." in html
    assert "Enter a mobile number (11 digits)" in html
    assert "341125199003070011" in html  # the wrong ID number is shown back to be corrected
    assert GOOD_ANSWERS["school"] in html
    app.refresh_from_db()
    assert app.answers["school"] == GOOD_ANSWERS["school"]


def test_a_disguised_upload_gets_a_message_at_its_slot(
    client, english, public_login, online_item, citizen
):
    public_login(citizen)
    client.post(f"/bsfw/sx/{online_item.implementation_code}/sq/", answers_post())
    app = Application.objects.get(applicant=citizen)
    material = online_item.materials.first()
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4\n" + b"x" * 100)
    response = client.post(f"/bsfw/sq/{app.pk}/materials/{material.pk}/", {"file": fake})
    assert response.status_code == 400
    assert "really a PDF document" in response.content.decode()


def test_another_applicant_gets_404_on_every_page(
    client, public_login, online_item, citizen, other_citizen
):
    app = submitted(citizen, online_item)
    public_login(other_citizen)
    for url in ("", "summary/", "copy/", "receipt.pdf", "result.pdf"):
        assert client.get(f"/bsfw/sq/{app.pk}/{url}").status_code == 404, url
    assert client.post(f"/bsfw/sq/{app.pk}/withdraw/").status_code == 404


def test_progress_lookup_is_generic_and_rate_limited(client, english, online_item, citizen):
    app = submitted(citizen, online_item)
    wrong = client.post("/bsfw/cx/", {"number": app.number, "identifier": "13900009999"})
    assert wrong.status_code == 404
    assert "No application matches" in wrong.content.decode()
    right = client.post("/bsfw/cx/", {"number": app.number, "identifier": "13900001111"})
    assert right.status_code == 302
    page = client.get(right["Location"]).content.decode()
    assert app.number in page and "李小红" not in page
    for _i in range(12):
        client.post("/bsfw/cx/", {"number": "1", "identifier": "13900009999"})
    assert (
        client.post("/bsfw/cx/", {"number": app.number, "identifier": "13900001111"}).status_code
        == 429
    )


def test_completed_cases_are_public_with_names_masked(
    client, online_item, citizen, clerk_a, reviewer_a, head_a
):
    app = reviewed(citizen, online_item, clerk_a, reviewer_a)
    cases.decide(head_a, app, outcome="approve")
    cases.deliver(clerk_a, app, way="online")
    html = client.get("/bsfw/gs/").content.decode()
    assert app.number in html and "李小红" not in html and "李*" in html


def test_the_applicant_rates_and_sees_the_rectification(
    client, english, public_login, online_item, citizen, clerk_a, reviewer_a, head_a
):
    app = reviewed(citizen, online_item, clerk_a, reviewer_a)
    cases.decide(head_a, app, outcome="approve")
    cases.deliver(clerk_a, app, way="online")
    public_login(citizen)
    assert client.get(f"/bsfw/sq/{app.pk}/result.pdf").content.startswith(b"%PDF")
    bad = client.post(f"/bsfw/sq/{app.pk}/rate/", {"rate-overall": "7"})
    assert bad.status_code == 400
    client.post(
        f"/bsfw/sq/{app.pk}/rate/",
        {
            "rate-overall": "2",
            "rate-efficiency": "2",
            "rate-guide_accuracy": "3",
            "rate-convenience": "3",
        },
    )
    cases.record_rectification(clerk_a, app, call_back="Called.", result="We open earlier now.")
    assert "We open earlier now." in client.get(f"/bsfw/sq/{app.pk}/").content.decode()


# --- staff -----------------------------------------------------------------------------


def test_the_unit_lists_and_filters_its_cases_only(
    client, login, online_item, citizen, clerk_a, clerk_b
):
    app = submitted(citizen, online_item)
    login(clerk_a)
    html = client.get("/oa/services/cases/").content.decode()
    assert app.number in html
    assert app.number in client.get("/oa/services/cases/?state=submitted").content.decode()
    assert app.number not in client.get("/oa/services/cases/?state=accepted").content.decode()
    assert client.get("/oa/services/cases/?state=nonsense").status_code == 400
    login(clerk_b)
    assert app.number not in client.get("/oa/services/cases/").content.decode()
    assert client.get(f"/oa/services/cases/{app.pk}/").status_code == 404
    assert client.post(f"/oa/services/cases/{app.pk}/accept/").status_code == 404


def test_staff_take_a_case_through_the_pages(
    client, login, english, online_item, citizen, clerk_a, reviewer_a, head_a
):
    app = submitted(citizen, online_item)
    login(clerk_a)
    assert client.get(f"/oa/services/cases/{app.pk}/").status_code == 200
    first = online_item.materials.first()
    # A notice line without what to do is refused with the message at the field.
    response = client.post(
        f"/oa/services/cases/{app.pk}/notice/", {f"notice-verdict_{first.pk}": "missing"}
    )
    assert (
        response.status_code == 400
        and "Say what the applicant must do." in response.content.decode()
    )
    response = client.post(f"/oa/services/cases/{app.pk}/accept/", {"accept-note": ""})
    assert response.status_code == 302
    assert client.get(f"/oa/services/cases/{app.pk}/receipt.pdf").content.startswith(b"%PDF")
    client.post(
        f"/oa/services/cases/{app.pk}/review/",
        {"review-recommendation": "approve", "review-opinion": "OK"},
    )
    login(reviewer_a)
    client.post(
        f"/oa/services/cases/{app.pk}/review/",
        {"review-recommendation": "approve", "review-opinion": "Agreed"},
    )
    login(head_a)
    response = client.post(
        f"/oa/services/cases/{app.pk}/decide/",
        {"decide-outcome": "approve", "decide-expected_state": "in_review"},
    )
    assert response.status_code == 302
    # The second decider's page was stale: told, not a stack trace.
    response = client.post(
        f"/oa/services/cases/{app.pk}/decide/",
        {"decide-outcome": "refuse", "decide-reasons": "x", "decide-expected_state": "in_review"},
    )
    assert response.status_code == 409 and "Someone else" in response.content.decode()
    app.refresh_from_db()
    assert app.state == S.APPROVED


def test_the_cases_files_are_safe_downloads_and_staff_downloads_are_audited(
    client, login, public_login, online_item, citizen, clerk_a
):
    app = cases.accept(clerk_a, submitted(citizen, online_item))
    row = app.materials.exclude(attachment=None).first()
    login(clerk_a)
    response = client.get(f"/oa/services/cases/{app.pk}/files/{row.pk}/")
    assert response.status_code == 200
    assert_safe_download(response)
    assert [r.object_id for r in audit_records("attachment.download", actor=clerk_a)] == [
        str(row.attachment_id)
    ]
    receipt = client.get(f"/oa/services/cases/{app.pk}/receipt.pdf")
    assert receipt.content.startswith(b"%PDF")
    assert_safe_download(receipt)
    [record] = audit_records("services.document.download", actor=clerk_a)
    assert record.object_id == str(app.pk) and record.unit == app.unit
    # The applicant fetching their own receipt: the same headers, nothing to audit.
    client.logout()
    public_login(citizen)
    own = client.get(f"/bsfw/sq/{app.pk}/receipt.pdf")
    assert own.status_code == 200 and own.content.startswith(b"%PDF")
    assert_safe_download(own)
    assert len(audit_records("services.document.download")) == 1


def test_a_clerk_cannot_extend(client, login, online_item, citizen, clerk_a):
    app = cases.accept(clerk_a, submitted(citizen, online_item))
    login(clerk_a)
    response = client.post(f"/oa/services/cases/{app.pk}/extend/", {"extend-reason": "x"})
    assert response.status_code == 403


def test_the_form_builder_adds_reorders_and_removes_fields(
    client, login, english, online_item, clerk_a, clerk_b
):
    login(clerk_a)
    page = client.get(f"/oa/services/{online_item.pk}/form/")
    assert page.status_code == 200
    data = {
        "fields-TOTAL_FORMS": "3",
        "fields-INITIAL_FORMS": "0",
        "fields-0-key": "name",
        "fields-0-label": "Name",
        "fields-0-type": "text",
        "fields-0-required": "on",
        "fields-0-ORDER": "2",
        "fields-1-key": "kind",
        "fields-1-label": "Kind",
        "fields-1-type": "choice",
        "fields-1-choices": "a\nb",
        "fields-1-ORDER": "1",
        "fields-2-key": "gone",
        "fields-2-label": "Gone",
        "fields-2-type": "text",
        "fields-2-DELETE": "on",
    }
    assert client.post(f"/oa/services/{online_item.pk}/form/", data).status_code == 302
    form = ServiceForm.objects.get(item=online_item)
    assert [f["key"] for f in form.fields] == ["kind", "name"] and form.version == 2
    data["fields-1-type"] = "table"  # a table without columns
    response = client.post(f"/oa/services/{online_item.pk}/form/", data)
    assert response.status_code == 400 and "needs its columns" in response.content.decode()
    login(clerk_b)
    assert client.get(f"/oa/services/{online_item.pk}/form/").status_code == 403


def test_the_case_list_costs_the_same_few_queries_however_many_cases(
    client, login, online_item, citizen, clerk_a, django_assert_max_num_queries
):
    for _i in range(3):
        submitted(citizen, online_item)
    login(clerk_a)
    client.get("/oa/services/cases/")  # warm the caches of the page's frame
    with django_assert_max_num_queries(25) as first:
        client.get("/oa/services/cases/")
    for _i in range(4):
        submitted(citizen, online_item)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get("/oa/services/cases/?overdue=on").status_code == 200
