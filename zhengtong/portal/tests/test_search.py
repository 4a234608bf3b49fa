"""Site search (/search/): every live public page is found by its Chinese words, and
nothing else ever is."""

import datetime
import os

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from zhengtong.portal import models as pm
from zhengtong.portal import search_index
from zhengtong.portal.sitetree import section
from zhengtong.search import engine
from zhengtong.search.models import SearchEntry

from .conftest import add_article as _add_article


def add_article(parent, title, *, publish=True, **fields):
    """An article; unpublished ones are drafts the way the editor leaves them (not live)."""
    if not publish:
        fields.setdefault("live", False)
    return _add_article(parent, title, publish=publish, **fields)


def found(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200, response.content.decode()[:500]
    return [r["url"] for r in response.context["page"]] if response.context["page"] else []


def entry(page):
    return SearchEntry.objects.filter(
        object_type=search_index.OBJECT_TYPE, object_id=str(page.pk)
    ).first()


@pytest.fixture
def notices(site):
    return section("tzgg")


def test_a_two_character_word_inside_a_longer_run_is_found(client, news, county):
    page = add_article(news, "县政务服务指南发布", unit=county.a)
    results = found(client, q="政务")
    assert page.url in results
    assert set(results) == {page.url, news.url}  # the section 政务动态 itself, too


def test_words_only_in_a_table_cell_or_caption_are_found(client, news, county):
    body = [
        ("paragraph", RichText("<p>本年度工作安排如下。</p>")),
        (
            "table",
            {
                "data": [["项目", "资金"], ["高标准农田建设", "三百万元"]],
                "table_caption": "森林防火物资清单",
                "first_row_is_table_header": True,
                "first_col_is_header": False,
            },
        ),
    ]
    page = add_article(news, "工作安排", unit=county.a, body=body)
    assert found(client, q="高标准农田") == [page.url]
    assert found(client, q="森林防火") == [page.url]


def test_a_disclosed_documents_text_is_found(client, site, county):
    xxgk = section("xxgk")
    page = pm.DisclosedDocumentPage(
        title="关于印发实施方案的通知",
        body_html="<p>推进乡村振兴示范村建设。</p>",
        issuing_unit=county.b,
    )
    xxgk.add_child(instance=page)
    page.save_revision().publish()
    assert found(client, q="乡村振兴") == [page.url]
    assert entry(page).unit == county.b


def test_a_draft_is_never_found(client, news, county):
    add_article(news, "县政务服务指南草稿", unit=county.a, publish=False)
    assert found(client, q="服务指南") == []
    assert (
        SearchEntry.objects.filter(object_type="portal.page", title__contains="草稿").count() == 0
    )


def test_a_scheduled_page_is_found_only_once_it_goes_live(client, news, county):
    later = timezone.now() + datetime.timedelta(days=2)
    page = add_article(news, "定时发布的防汛抗旱通知", unit=county.a, publish=False)
    page.go_live_at = later
    revision = page.save_revision()
    revision.publish()
    page.refresh_from_db()
    assert not page.live
    assert found(client, q="防汛抗旱") == []

    # Time passes: the scheduled moment is now behind us.
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.refresh_from_db()
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save(update_fields=["approved_go_live_at", "content"])
    pm.ArticlePage.objects.filter(pk=page.pk).update(go_live_at=past)
    call_command("publish_scheduled", stdout=open(os.devnull, "w"))
    page.refresh_from_db()
    assert page.live
    assert found(client, q="防汛抗旱") == [page.url]


def test_unpublishing_or_deleting_a_page_takes_it_out(client, news, county):
    gone = add_article(news, "营商环境优化通报", unit=county.a)
    deleted = add_article(news, "营商环境座谈会", unit=county.a)
    assert len(found(client, q="营商环境")) == 2
    gone.unpublish()
    deleted.delete()
    assert found(client, q="营商环境") == []


def test_a_moved_page_is_found_at_its_new_address_and_section(client, news, notices, county):
    page = add_article(news, "安全生产检查通知", unit=county.a)
    page.move(notices, pos="last-child")
    page.refresh_from_db()
    assert page.url.startswith("/tzgg/")
    assert found(client, q="安全生产", section="tzgg") == [page.url]
    assert found(client, q="安全生产", section="zwdt") == []


def test_a_page_behind_a_password_is_not_found(client, news, county):
    page = add_article(news, "内部安全生产会议", unit=county.a, publish=False)
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="x1"
    )
    page.save_revision().publish()
    assert found(client, q="安全生产") == []


def test_filters_narrow_by_section_unit_and_year(client, news, notices, county):
    a = add_article(news, "森林防火动员会", unit=county.a)
    b = add_article(notices, "森林防火通告", unit=county.b)
    old = add_article(news, "去年森林防火总结", unit=county.a)
    pm.ArticlePage.objects.filter(pk=old.pk).update(
        first_published_at=datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC)
    )
    search_index.index_page(pm.ArticlePage.objects.get(pk=old.pk))
    this_year = timezone.localdate().year

    assert set(found(client, q="森林防火")) == {a.url, b.url, old.url}
    assert set(found(client, q="森林防火", section="zwdt")) == {a.url, old.url}
    assert found(client, q="森林防火", section="tzgg") == [b.url]
    assert found(client, q="森林防火", unit=county.b.pk) == [b.url]
    assert found(client, q="森林防火", year=2024) == [old.url]
    assert found(client, q="森林防火", section="zwdt", year=this_year) == [a.url]


def test_results_are_paginated_with_their_count(client, news, county):
    for n in range(12):
        add_article(news, f"乡村振兴简报第{n + 1}期", unit=county.a)
    response = client.get("/search/", {"q": "乡村振兴"})
    assert response.context["count"] == 12
    assert len(response.context["page"]) == 10
    assert "page=2" in response.content.decode()
    second = client.get("/search/", {"q": "乡村振兴", "page": 2})
    assert len(second.context["page"]) == 2


def test_snippets_mark_the_words_and_escape_everything_else(client, news, county):
    add_article(
        news,
        "<script>alert(1)</script>一网通办",
        unit=county.a,
        summary="<b>推进</b>一网通办改革 & 便民",
    )
    html = client.get("/search/", {"q": "一网通办"}).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>一网通办</mark>" in html
    assert "<b>推进</b>" not in html


def test_an_empty_query_asks_for_words(client, site):
    response = client.get("/search/")
    assert response.status_code == 200
    assert response.context["message"]
    response = client.get("/search/", {"q": "   "})
    assert response.context["message"]
    assert response.context["page"] is None


@pytest.mark.parametrize(
    "params, field",
    [
        ({"q": "政务" * 30}, "q"),
        ({"q": "！？。，"}, "q"),
        ({"q": "政务", "section": "nosuch"}, "section"),
        ({"q": "政务", "unit": "abc"}, "unit"),
        ({"q": "政务", "unit": "999999"}, "unit"),
        ({"q": "政务", "year": "二〇二六"}, "year"),
        ({"q": "政务", "year": "1066"}, "year"),
    ],
)
def test_bad_input_gets_a_clear_message_not_an_error(client, english, news, params, field):
    response = english.get("/search/", params)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors
    html = response.content.decode()
    assert str(errors[field][0]).replace("“", "").split()[0] in html
    assert response.context["page"] is None


def test_a_too_long_query_says_so(client, english, site):
    response = english.get("/search/", {"q": "森" * 51})
    assert "too long" in response.content.decode()


def test_the_page_is_never_cached_and_needs_no_csrf(client, site):
    response = client.get("/search/", {"q": "政务"})
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert client.post("/search/", {"q": "政务"}).status_code == 405


def test_signed_in_staff_find_only_public_pages_on_the_public_search(
    client, login, news, county, clerk_a, editor_a
):
    # Entries of unit A that are not public (an official document, say) stay hidden
    # from the website's search even for unit A's own staff.
    engine.index("documents.document", 1, title="森林防火内部通知", url="/oa/x/", unit=county.a)
    add_article(news, "森林防火草稿", unit=county.a, publish=False)
    public = add_article(news, "森林防火公告", unit=county.a)
    for person in (clerk_a, editor_a):
        login(person)
        assert found(client, q="森林防火") == [public.url]


def test_a_section_search_box_searches_within_its_section(client, news, county):
    from django.template.loader import render_to_string

    html = render_to_string("portal/search_box.html", {"section": "zwdt"})
    assert 'name="section" value="zwdt"' in html
    assert 'action="/search/"' in html


def test_reindex_website_rebuilds_the_index(client, news, county):
    page = add_article(news, "高标准农田验收", unit=county.a)
    draft = add_article(news, "高标准农田草稿", unit=county.a, publish=False)
    SearchEntry.objects.filter(object_type="portal.page").delete()
    assert found(client, q="高标准农田") == []
    call_command("reindex_website", stdout=open(os.devnull, "w"))
    assert found(client, q="高标准农田") == [page.url]
    assert entry(draft) is None
    # every live section page is in the index too, with its unit and date
    assert entry(news).unit == county.government
    assert entry(page).date == page.first_published_at.date()
