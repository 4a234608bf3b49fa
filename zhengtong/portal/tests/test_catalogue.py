"""The disclosure catalogue (公开目录) and its 索引号 (docs/conformance.md DIS-1–DIS-3): numbers
given once and never changed, serials per publisher and year, hidden and shown with
publication; the public list at /xxgk/ml/ and the read-only API."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import include, path
from django.utils import timezone
from rest_framework.routers import DefaultRouter

from zhengtong.conftest import audit_records
from zhengtong.core.validators import credit_code_check_char
from zhengtong.portal import api_catalogue, catalogue
from zhengtong.portal import models as pm
from zhengtong.portal.sitetree import section
from zhengtong.portal.tests.conftest import add_article

# This module doubles as a URL conf for the API tests (until zhengtong/api/urls.py
# registers the catalogue): the API under /api/v1/, everything else as usual.
_router = DefaultRouter()
api_catalogue.register(_router)
urlpatterns = [path("api/v1/", include(_router.urls)), path("", include("zhengtong.urls"))]
with_api = pytest.mark.urls(__name__)


class OnlyCatalogueAPI:
    """A URL conf with nothing but the catalogue API, for its schema check."""

    urlpatterns = [path("api/v1/", include(_router.urls))]


YEAR = timezone.localdate().year


def credit_code(first17):
    return first17 + credit_code_check_char(first17)


@pytest.fixture
def coded(county):
    county.a.code = credit_code("11341100MB1234567")
    county.a.save()
    return county


def entry_of(page):
    return pm.CatalogueEntry.objects.get(page_id=page.pk)


def add_policy(title="关于印发青山县促进就业若干措施的通知", *, unit, issued_on=None, **fields):
    parent = section("zcfg")
    page = pm.PolicyPage(
        title=title, issuing_unit=unit, owner_unit=unit, issued_on=issued_on, **fields
    )
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


# --- 索引号 --------------------------------------------------------------------------


def test_the_index_number_is_the_publishers_credit_code_year_and_a_five_digit_serial(
    site, news, coded
):
    page = add_article(news, unit=coded.a)
    entry = entry_of(page)
    assert entry.index_number == f"{coded.a.code}/{YEAR}-00001"
    assert len(entry.index_number) == 29
    assert catalogue.is_index_number(entry.index_number)
    assert entry.publisher == coded.a
    assert entry.is_public


def test_a_unit_without_a_credit_code_gets_a_stable_stand_in_that_no_real_code_can_have(
    site, news, county
):
    page = add_article(news, unit=county.b)
    assert entry_of(page).index_number == f"Z{county.b.pk:017d}/{YEAR}-00001"
    assert catalogue.publisher_code(county.b) == catalogue.publisher_code(county.b)


def test_serials_count_per_publisher_and_per_year(site, news, coded):
    first = add_article(news, "第一条", unit=coded.a)
    second = add_article(news, "第二条", unit=coded.a)
    other_unit = add_article(news, "财政局消息", unit=coded.b)
    last_year = add_policy(unit=coded.a, issued_on=datetime.date(YEAR - 1, 12, 30))
    assert entry_of(first).index_number.endswith(f"/{YEAR}-00001")
    assert entry_of(second).index_number.endswith(f"/{YEAR}-00002")
    assert entry_of(other_unit).index_number.endswith(f"/{YEAR}-00001")
    assert entry_of(last_year).index_number == f"{coded.a.code}/{YEAR - 1}-00001"
    numbers = pm.CatalogueEntry.objects.values_list("index_number", flat=True)
    assert len(set(numbers)) == 4


def test_the_number_never_changes_when_the_page_is_published_again(site, news, coded):
    page = add_article(news, "原标题", unit=coded.a, summary="旧摘要")
    number = entry_of(page).index_number
    page.title, page.summary, page.topic = "修改后的标题", "新摘要", pm.Topic.EDUCATION
    page.category = pm.DisclosureCategory.LIVELIHOOD
    page.save_revision().publish()
    entry = entry_of(page)
    assert entry.index_number == number
    assert (entry.title, entry.summary, entry.topic, entry.category) == (
        "修改后的标题",
        "新摘要",
        pm.Topic.EDUCATION,
        pm.DisclosureCategory.LIVELIHOOD,
    )
    assert pm.IndexNumberCounter.objects.get(unit=coded.a, year=YEAR).last == 1


def test_the_policy_date_is_the_entry_date_and_its_document_number_and_validity_are_shown(
    site, county
):
    page = add_policy(
        unit=county.a, issued_on=datetime.date(YEAR, 3, 2), doc_number="青教发〔2026〕5号"
    )
    entry = entry_of(page)
    assert entry.generated_on == datetime.date(YEAR, 3, 2)
    assert entry.doc_number == "青教发〔2026〕5号"
    page.validity = pm.Validity.REPEALED
    page.save_revision().publish()
    assert entry_of(page).validity == pm.Validity.REPEALED


def test_unpublishing_hides_the_entry_and_publishing_again_restores_the_same_number(
    site, news, coded
):
    page = add_article(news, unit=coded.a)
    number = entry_of(page).index_number
    page.unpublish()
    assert not entry_of(page).is_public
    page.refresh_from_db()
    page.save_revision().publish()
    entry = entry_of(page)
    assert entry.is_public and entry.index_number == number


def test_deleting_the_page_hides_the_entry_and_its_number_is_never_given_again(site, news, coded):
    page = add_article(news, unit=coded.a)
    number = entry_of(page).index_number
    page.delete()
    entry = pm.CatalogueEntry.objects.get(index_number=number)
    assert entry.page_id is None and not entry.is_public
    again = add_article(news, "另一条", unit=coded.a)
    assert entry_of(again).index_number == f"{coded.a.code}/{YEAR}-00002"


def test_a_page_not_listed_in_the_catalogue_gets_no_number(site, news, county):
    page = add_article(news, unit=county.a, in_catalogue=False)
    assert not pm.CatalogueEntry.objects.filter(page_id=page.pk).exists()
    assert not pm.IndexNumberCounter.objects.exists()


def test_taking_a_page_out_of_the_catalogue_hides_its_entry(site, news, county):
    page = add_article(news, unit=county.a)
    page.in_catalogue = False
    page.save_revision().publish()
    assert not entry_of(page).is_public


def test_each_new_index_number_is_audited(site, news, coded):
    page = add_article(news, unit=coded.a)
    records = audit_records("portal.catalogue.number")
    assert len(records) == 1
    assert records[0].changes["index_number"] == [None, entry_of(page).index_number]


def test_an_article_without_its_own_unit_is_published_under_its_sections_unit(site, news, county):
    page = add_article(news, unit=None)
    assert entry_of(page).publisher == county.government


# --- the public catalogue --------------------------------------------------------------


@pytest.fixture
def listed(site, news, coded):
    a1 = add_article(
        news,
        "县教育局秋季开学通知",
        unit=coded.a,
        topic=pm.Topic.EDUCATION,
        category=pm.DisclosureCategory.LIVELIHOOD,
    )
    a2 = add_article(news, "县财政局预算公开", unit=coded.b, category=pm.DisclosureCategory.BUDGET)
    old = add_policy(
        "二〇二五年就业政策",
        unit=coded.a,
        issued_on=datetime.date(YEAR - 1, 5, 1),
        doc_number="青教发〔2025〕9号",
    )
    draft = add_article(news, "尚未发布的草稿", unit=coded.a, publish=False)
    return a1, a2, old, draft


def test_the_catalogue_lists_public_entries_with_their_fields(client, listed):
    a1, a2, old, draft = listed
    response = client.get("/xxgk/ml/")
    assert response.status_code == 200
    html = response.content.decode()
    for page in (a1, a2, old):
        entry = entry_of(page)
        assert entry.index_number in html and page.title in html
        assert f'href="{page.url}"' in html
    assert "尚未发布的草稿" not in html
    assert "青教发〔2025〕9号" in html
    assert "csrfmiddlewaretoken" not in html


def test_an_unpublished_page_leaves_the_catalogue(client, listed):
    a1 = listed[0]
    a1.unpublish()
    assert a1.title not in client.get("/xxgk/ml/").content.decode()


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"category": "a20_07"}, ["县财政局预算公开"], ["县教育局秋季开学通知"]),
        ({"topic": "education"}, ["县教育局秋季开学通知"], ["县财政局预算公开"]),
        ({"year": YEAR - 1}, ["二〇二五年就业政策"], ["县教育局秋季开学通知"]),
        ({"q": "预算"}, ["县财政局预算公开"], ["二〇二五年就业政策"]),
        ({"q": "〔2025〕9号"}, ["二〇二五年就业政策"], ["县财政局预算公开"]),
    ],
)
def test_the_catalogue_filters(client, listed, query, shown, hidden):
    html = client.get("/xxgk/ml/", query).content.decode()
    for title in shown:
        assert title in html
    for title in hidden:
        assert title not in html


def test_the_per_unit_index_shows_one_publishers_entries(client, listed, coded):
    response = client.get("/xxgk/ml/", {"unit": coded.b.pk})
    html = response.content.decode()
    assert coded.b.name in response.context["unit"].name
    assert "县财政局预算公开" in html and "县教育局秋季开学通知" not in html


def test_the_category_list_counts_each_statutory_category(client, listed):
    categories = client.get("/xxgk/ml/").context["categories"]
    counts = {value: count for value, _label, count, _url in categories}
    assert len(categories) == len(pm.DisclosureCategory.choices)
    assert counts["a20_07"] == 1 and counts["a20_11"] == 1 and counts["a20_15"] == 1


@pytest.mark.parametrize(
    "query", [{"unit": "abc"}, {"unit": 99999}, {"year": "今年"}, {"category": "bogus"}]
)
def test_a_bad_filter_gets_a_clear_message_not_an_error_page(client, listed, query):
    response = client.get("/xxgk/ml/", query)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert response.context["total"] == 3  # the whole catalogue instead


def test_the_catalogue_is_paginated(client, site, news, coded):
    for i in range(catalogue_page_size() + 1):
        add_article(news, f"消息{i}", unit=coded.a)
    first = client.get("/xxgk/ml/")
    assert len(first.context["rows"]) == catalogue_page_size()
    assert len(client.get("/xxgk/ml/", {"page": 2}).context["rows"]) == 1


def catalogue_page_size():
    from zhengtong.portal.views_catalogue import PAGE_SIZE

    return PAGE_SIZE


# --- API ---------------------------------------------------------------------------------


@with_api
def test_the_api_lists_the_public_catalogue_without_signing_in(api_client, listed):
    response = api_client.get("/api/v1/catalogue/")
    assert response.status_code == 200
    titles = {row["title"] for row in response.json()["results"]}
    assert titles == {"县教育局秋季开学通知", "县财政局预算公开", "二〇二五年就业政策"}


@with_api
def test_the_api_filters_like_the_page(api_client, listed, coded):
    response = api_client.get("/api/v1/catalogue/", {"unit": coded.b.pk})
    assert [r["title"] for r in response.json()["results"]] == ["县财政局预算公开"]
    response = api_client.get("/api/v1/catalogue/", {"year": YEAR - 1, "q": "就业"})
    assert [r["doc_number"] for r in response.json()["results"]] == ["青教发〔2025〕9号"]


@with_api
def test_the_api_gives_one_entry_by_its_index_number(api_client, listed):
    entry = entry_of(listed[0])
    response = api_client.get(f"/api/v1/catalogue/{entry.index_number}/")
    assert response.status_code == 200
    body = response.json()
    assert body["index_number"] == entry.index_number
    assert body["url"].endswith(listed[0].url)
    assert body["publisher"] == listed[0].source_unit.name


@with_api
def test_a_hidden_entry_is_not_found_in_the_api(api_client, listed):
    entry = entry_of(listed[0])
    listed[0].unpublish()
    assert api_client.get(f"/api/v1/catalogue/{entry.index_number}/").status_code == 404


@with_api
@pytest.mark.parametrize("query", [{"unit": "x"}, {"year": "2026a"}, {"topic": "nope"}])
def test_bad_api_filters_get_400_with_a_code(api_client, listed, query):
    response = api_client.get("/api/v1/catalogue/", query)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@with_api
def test_the_api_is_read_only(api_client, listed):
    assert api_client.post("/api/v1/catalogue/", {"title": "x"}).status_code == 405


def test_the_catalogue_api_schema_has_no_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(target),
        urlconf=OnlyCatalogueAPI,
    )
    text = target.read_text()
    assert "/api/v1/catalogue/" in text
    assert re.search(r"/api/v1/catalogue/\{index_number\}/", text)
