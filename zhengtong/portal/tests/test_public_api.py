"""The website's public API (/api/v1/public/...): read-only, open to everyone, and
showing exactly what the public site shows."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from zhengtong.portal import models as pm
from zhengtong.portal.sitetree import section

from .conftest import add_article as _add_article


def add_article(parent, title, *, publish=True, **fields):
    if not publish:
        fields.setdefault("live", False)
    return _add_article(parent, title, publish=publish, **fields)


def add_page(parent_slug, page, *, publish=True):
    if not publish:
        page.live = False
    section(parent_slug).add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
        page.refresh_from_db()
    return page


def titles(response):
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["results"]]


@pytest.fixture
def pages(news, county):
    notices = section("tzgg")
    body = [("paragraph", RichText("<p>全县<b>森林防火</b>工作会议召开。</p>"))]
    return {
        "news": add_article(news, "森林防火工作会议", unit=county.a, summary="会议摘要", body=body),
        "news_b": add_article(news, "财政预算执行情况", unit=county.b),
        "draft": add_article(news, "草稿新闻", unit=county.a, publish=False),
        "notice": add_article(notices, "停水公告", unit=county.a),
    }


def test_news_lists_only_live_news(api_client, pages):
    assert titles(api_client.get("/api/v1/public/news/")) == [
        "财政预算执行情况",
        "森林防火工作会议",
    ]
    assert titles(api_client.get("/api/v1/public/notices/")) == ["停水公告"]


def test_a_news_item_reads_as_plain_data_with_its_body_as_html(api_client, pages, county):
    page = pages["news"]
    data = api_client.get(f"/api/v1/public/news/{page.pk}/").json()
    assert data["title"] == "森林防火工作会议"
    assert data["summary"] == "会议摘要"
    assert data["unit"] == {"id": county.a.pk, "name": county.a.name}
    assert data["url"] == "http://testserver" + page.url
    assert "<b>森林防火</b>" in data["body"]
    assert data["first_published_at"]
    assert data["attachments"] == []


def test_a_draft_only_page_is_404_even_for_its_own_editor(api_client, pages, editor_a):
    url = f"/api/v1/public/news/{pages['draft'].pk}/"
    response = api_client.get(url)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    token = Token.objects.create(user=editor_a)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api_client.get(url).status_code == 404


def test_a_scheduled_or_restricted_or_unpublished_page_is_not_there(api_client, pages, news):
    scheduled = add_article(news, "定时新闻", publish=False)
    scheduled.go_live_at = timezone.now() + datetime.timedelta(days=1)
    scheduled.save_revision().publish()
    restricted = add_article(news, "内部新闻")
    PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.PASSWORD, password="x1"
    )
    pages["news_b"].unpublish()
    assert titles(api_client.get("/api/v1/public/news/")) == ["森林防火工作会议"]
    for page in (scheduled, restricted, pages["news_b"]):
        assert api_client.get(f"/api/v1/public/news/{page.pk}/").status_code == 404


def test_a_page_of_another_section_is_not_found_under_this_one(api_client, pages):
    assert api_client.get(f"/api/v1/public/news/{pages['notice'].pk}/").status_code == 404


def test_lists_filter_by_unit_year_and_section(api_client, pages, news, county):
    town = pm.SectionPage(title="乡镇动态", slug="xzdt")
    news.add_child(instance=town)
    town.save_revision().publish()
    in_town = add_article(town, "河西镇召开村两委会议", unit=county.town)
    pm.ArticlePage.objects.filter(pk=pages["news_b"].pk).update(
        first_published_at=datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC)
    )
    get = api_client.get
    assert titles(get("/api/v1/public/news/", {"unit": county.b.pk})) == ["财政预算执行情况"]
    assert titles(get("/api/v1/public/news/", {"year": 2024})) == ["财政预算执行情况"]
    assert titles(get("/api/v1/public/news/", {"section": "xzdt"})) == [in_town.title]
    assert len(titles(get("/api/v1/public/news/", {"section": "zwdt"}))) == 3


@pytest.mark.parametrize(
    "params, field",
    [
        ({"year": "abc"}, "year"),
        ({"year": "1066"}, "year"),
        ({"unit": "x"}, "unit"),
        ({"section": "nosuch"}, "section"),
    ],
)
def test_bad_filters_get_a_400_with_a_message(api_client, pages, params, field):
    response = api_client.get("/api/v1/public/news/", params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["detail"] and body["detail"][field][0]


def test_lists_are_paginated(api_client, news, county):
    for n in range(25):
        add_article(news, f"新闻{n}", unit=county.a)
    data = api_client.get("/api/v1/public/news/").json()
    assert data["count"] == 25 and len(data["results"]) == 20 and data["next"]
    assert len(api_client.get("/api/v1/public/news/", {"page": 2}).json()["results"]) == 5


def test_the_api_is_read_only(api_client, pages, editor_a):
    token = Token.objects.create(user=editor_a)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api_client.post("/api/v1/public/news/", {"title": "x"}).status_code == 405
    url = f"/api/v1/public/news/{pages['news'].pk}/"
    assert api_client.delete(url).status_code == 405
    assert api_client.patch(url, {"title": "x"}).status_code == 405


def test_a_policy_shows_its_validity_replacement_and_interpretations(api_client, site, county):
    new = add_page("zcfg", pm.PolicyPage(title="新办法", issuing_unit=county.a))
    old = add_page(
        "zcfg",
        pm.PolicyPage(
            title="旧办法",
            doc_number="青政发〔2020〕1号",
            issuing_unit=county.a,
            validity=pm.Validity.REPEALED,
            replaced_by=new,
        ),
    )
    add_page("zcfg", pm.InterpretationPage(title="旧办法解读", policy=old))
    add_page("zcfg", pm.InterpretationPage(title="解读草稿", policy=old), publish=False)

    data = api_client.get(f"/api/v1/public/policies/{old.pk}/").json()
    assert data["validity"] == "repealed"
    assert data["doc_number"] == "青政发〔2020〕1号"
    assert data["issuing_unit"]["id"] == county.a.pk
    assert data["replaced_by"]["id"] == new.pk
    assert [i["title"] for i in data["interpretations"]] == ["旧办法解读"]
    assert titles(api_client.get("/api/v1/public/policies/")) == ["旧办法", "新办法"]
    interp = api_client.get("/api/v1/public/interpretations/").json()["results"]
    assert [i["title"] for i in interp] == ["旧办法解读"]
    assert interp[0]["policy"]["id"] == old.pk


def test_a_replacement_that_is_not_live_is_not_shown(api_client, site, county):
    new = add_page("zcfg", pm.PolicyPage(title="新办法"))
    old = add_page(
        "zcfg", pm.PolicyPage(title="旧办法", validity=pm.Validity.AMENDED, replaced_by=new)
    )
    new.unpublish()
    assert api_client.get(f"/api/v1/public/policies/{old.pk}/").json()["replaced_by"] is None


def test_projects_are_listed_with_their_figures(api_client, site, county):
    project = add_page(
        "zsyz",
        pm.ProjectPage(
            title="青山农产品冷链物流园",
            sector=pm.Sector.LOGISTICS,
            location="青山县工业园区",
            investment=Decimal("50000.00"),
            contact_name="王主任",
            contact_phone="0731-12345678",
        ),
    )
    data = api_client.get(f"/api/v1/public/projects/{project.pk}/").json()
    assert data["sector"] == "logistics"
    assert data["investment"] == "50000.00"
    assert data["project_status"] == "seeking"
    assert titles(api_client.get("/api/v1/public/projects/")) == ["青山农产品冷链物流园"]
