"""Investor enquiries (投资咨询): the public form at /zsyz/zxly/, the work item for the
investment bureau and the bureau's own pages."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from wagtail.models import Site

from zhengtong.conftest import make_user
from zhengtong.core import calendar
from zhengtong.core.errors import Conflict, Invalid, NotPermitted
from zhengtong.core.models import WorkItem
from zhengtong.org.models import Role
from zhengtong.portal import enquiries
from zhengtong.portal import models as pm
from zhengtong.portal.sitetree import section
from zhengtong.public.testing import public_post_data

FORM = "/zsyz/zxly/"
GOOD = {
    "name": "陈先生",
    "company": "示例食品有限公司",
    "phone": "13812345678",
    "email": "chen@example.cn",
    "message": "想了解农产品加工园区的用地条件和优惠政策。",
}


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def bureau(site, county):
    """Department A answers investors (set in the website settings)."""
    settings = pm.SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.investment_unit = county.a
    settings.save()
    return county.a


@pytest.fixture
def project(site, county):
    page = pm.ProjectPage(
        title="青山县农产品加工园区项目",
        sector=pm.Sector.AGRICULTURE,
        location="青山县河西镇",
        investment="5000.00",
        contact_name="刘科长",
        contact_phone="0551-12345678",
    )
    section("zsyz").add_child(instance=page)
    page.save_revision().publish()
    return page


def send(client, fields, **extra):
    """POST the enquiry form as a person does: the picture's characters answered."""
    return client.post(FORM, public_post_data(client, FORM, **fields), **extra)


def items(**filters):
    return WorkItem.objects.filter(kind=enquiries.ENQUIRY_ITEM_KIND, **filters)


# --- the public form -------------------------------------------------------------------------


def test_the_form_is_never_cached_and_carries_a_csrf_token(client, bureau):
    response = client.get("/zsyz/zxly/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "csrfmiddlewaretoken" in response.content.decode()


def test_the_form_names_the_project_asked_about(client, bureau, project):
    response = client.get("/zsyz/zxly/", {"project": project.pk})
    assert project.title in response.content.decode()
    assert client.get("/zsyz/zxly/", {"project": "x"}).status_code == 200


def test_a_post_without_the_csrf_token_is_refused(bureau):
    response = Client(enforce_csrf_checks=True).post("/zsyz/zxly/", GOOD)
    assert response.status_code == 403
    assert not pm.InvestorEnquiry.objects.exists()


def test_an_enquiry_goes_to_the_bureau_as_a_work_item_due_in_three_working_days(
    client, bureau, project
):
    response = send(client, GOOD | {"project": project.pk})
    assert response.status_code == 302 and response["Location"] == "/zsyz/zxly/thanks/"
    enquiry = pm.InvestorEnquiry.objects.get()
    assert (enquiry.unit, enquiry.project_id, enquiry.phone) == (bureau, project.pk, "13812345678")
    item = items().get()
    assert item.assignee_unit == bureau and item.state == "open"
    assert item.due_date == calendar.add_working_days(timezone.localdate(), 3).date
    assert item.url == f"/oa/website/enquiries/{enquiry.pk}/"


def test_the_thank_you_page_tells_the_investor_when_to_expect_a_reply(client, bureau):
    response = client.get("/zsyz/zxly/thanks/")
    due = calendar.add_working_days(timezone.localdate(), 3).date
    assert due.isoformat() in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_without_an_investment_unit_the_government_office_gets_the_enquiry(client, site, county):
    send(client, GOOD)
    assert pm.InvestorEnquiry.objects.get().unit == county.government
    assert items().get().assignee_unit == county.government


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"phone": "12345"}, "phone"),
        ({"phone": ""}, "phone"),
        ({"message": ""}, "message"),
        ({"message": "   "}, "message"),
        ({"message": "字" * 2001}, "message"),
        ({"name": ""}, "name"),
        ({"email": "not-an-address"}, "email"),
        ({"project": "999999"}, "project"),
    ],
)
def test_bad_input_gets_a_clear_message_and_nothing_is_stored(client, bureau, change, field):
    response = send(client, GOOD | change)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert 'role="alert"' in response.content.decode()
    assert not pm.InvestorEnquiry.objects.exists() and not items().exists()


def test_a_landline_with_its_area_code_is_accepted(client, bureau):
    send(client, GOOD | {"phone": "0551-12345678"})
    assert pm.InvestorEnquiry.objects.get().phone == "0551-12345678"


def test_a_filled_honeypot_stores_nothing(client, bureau):
    response = send(client, GOOD | {"website": "http://spam.example"})
    assert response.status_code == 302  # the bot learns nothing
    assert not pm.InvestorEnquiry.objects.exists() and not items().exists()


def test_more_than_five_enquiries_an_hour_from_one_address_are_refused(client, bureau):
    for _ in range(5):
        assert send(client, GOOD).status_code == 302
    response = send(client, GOOD)
    assert response.status_code == 429
    assert response.context["form"].non_field_errors()
    assert pm.InvestorEnquiry.objects.count() == 5
    # Another address is not affected.
    assert send(client, GOOD, REMOTE_ADDR="10.9.8.7").status_code == 302


def test_the_operation_checks_its_input_too(bureau):
    with pytest.raises(Invalid) as refused:
        enquiries.submit_enquiry(name="陈", phone="abc", message="你好")
    assert refused.value.field == "phone"
    with pytest.raises(Invalid):
        enquiries.submit_enquiry(name="陈", phone="13812345678", message="")


# --- the bureau's pages ------------------------------------------------------------------------


@pytest.fixture
def enquiry(bureau):
    return enquiries.submit_enquiry(**GOOD)


@pytest.fixture
def bureau_staff(county):
    return make_user("investment_officer", county.a, roles=[Role.CLERK])


def test_the_bureau_lists_enquiries_with_the_phone_masked(login, enquiry, bureau_staff):
    response = login(bureau_staff).get("/oa/website/enquiries/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "138****5678" in html and "13812345678" not in html
    assert enquiry.company in html


def test_the_bureau_sees_the_whole_enquiry_and_marks_it_answered(login, enquiry, bureau_staff):
    client = login(bureau_staff)
    detail = client.get(f"/oa/website/enquiries/{enquiry.pk}/")
    assert "13812345678" in detail.content.decode()
    response = client.post(
        f"/oa/website/enquiries/{enquiry.pk}/", {"note": "已电话答复，约定实地考察。"}
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.answered_at is not None
    assert items(state="done").count() == 1 and not items(state="open").exists()


def test_answering_needs_a_note(login, enquiry, bureau_staff):
    response = login(bureau_staff).post(f"/oa/website/enquiries/{enquiry.pk}/", {"note": ""})
    assert response.status_code == 400
    enquiry.refresh_from_db()
    assert enquiry.answered_at is None


def test_an_enquiry_is_answered_once(enquiry, bureau_staff):
    enquiries.answer_enquiry(bureau_staff, enquiry, "已答复")
    enquiry.refresh_from_db()
    # How and by whom it was answered stay with the enquiry, for the next colleague.
    assert enquiry.answer_note == "已答复" and enquiry.answered_by == bureau_staff
    with pytest.raises(Conflict):
        enquiries.answer_enquiry(bureau_staff, enquiry, "再次答复")


def test_another_units_staff_may_not_see_or_answer_an_enquiry(login, enquiry, clerk_b):
    client = login(clerk_b)
    assert client.get("/oa/website/enquiries/").status_code == 403
    assert client.get(f"/oa/website/enquiries/{enquiry.pk}/").status_code == 403
    response = client.post(f"/oa/website/enquiries/{enquiry.pk}/", {"note": "越权答复"})
    assert response.status_code == 403
    with pytest.raises(NotPermitted):
        enquiries.answer_enquiry(clerk_b, enquiry, "越权答复")
    enquiry.refresh_from_db()
    assert enquiry.answered_at is None


def test_the_staff_pages_need_signing_in(client, enquiry):
    response = client.get("/oa/website/enquiries/")
    assert response.status_code == 302 and "/oa/login/" in response["Location"]


# --- the picture captcha (issue 15) ---------------------------------------------------------


def test_an_enquiry_without_the_pictures_characters_is_refused(client, bureau):
    response = client.post(FORM, GOOD)
    assert response.status_code == 400
    assert response.context["form"].errors["captcha_answer"]
    assert not pm.InvestorEnquiry.objects.exists() and not items().exists()


def test_an_enquiry_with_the_wrong_characters_is_refused(client, bureau):
    data = public_post_data(client, FORM, **GOOD)
    data["captcha_answer"] = "ZZZZZ" if data["captcha_answer"] != "ZZZZZ" else "YYYYY"
    response = client.post(FORM, data)
    assert response.status_code == 400
    assert not pm.InvestorEnquiry.objects.exists()


def test_the_enquiry_form_shows_the_picture_captcha(client, bureau):
    page = client.get(FORM).content.decode()
    assert 'name="captcha_answer"' in page and ".png" in page
