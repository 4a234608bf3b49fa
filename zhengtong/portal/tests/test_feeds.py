"""RSS feeds, sitemap.xml, robots.txt and the human site map: live public pages only,
at the host the reader came to."""

import datetime
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from zhengtong.portal import models as pm
from zhengtong.portal.sitetree import section

from .conftest import add_article as _add_article


def add_article(parent, title, *, publish=True, **fields):
    if not publish:
        fields.setdefault("live", False)
    return _add_article(parent, title, publish=publish, **fields)


def rss_items(client, slug):
    response = client.get(f"/rss/{slug}.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    return channel, channel.findall("item")


def add_policy(title, *, publish=True, **fields):
    parent = section("zcfg")
    page = pm.PolicyPage(title=title, **fields)
    if not publish:
        page.live = False
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
        page.refresh_from_db()
    return page


def schedule(page, days=2):
    page.go_live_at = timezone.now() + datetime.timedelta(days=days)
    page.save_revision().publish()
    page.refresh_from_db()
    assert not page.live
    return page


# --- RSS ----------------------------------------------------------------------------------


def test_the_news_feed_lists_live_news_newest_first_dated_by_first_publication(
    client, news, county
):
    first = add_article(news, "县政府召开常务会议", unit=county.a, summary="研究部署近期工作。")
    second = add_article(news, "全县森林防火工作会议召开", unit=county.a)
    channel, items = rss_items(client, "zwdt")
    assert channel.findtext("title").startswith("政务动态")
    assert [i.findtext("title") for i in items] == [second.title, first.title]
    assert items[1].findtext("description") == "研究部署近期工作。"
    assert items[0].findtext("link") == "http://testserver" + second.url
    pubdate = parsedate_to_datetime(items[1].findtext("pubDate"))
    assert abs(pubdate - first.first_published_at) < datetime.timedelta(seconds=1)


def test_feeds_never_list_drafts_scheduled_or_restricted_pages(client, news, county):
    add_article(news, "草稿新闻", unit=county.a, publish=False)
    schedule(add_article(news, "定时新闻", unit=county.a, publish=False))
    hidden = add_article(news, "内部新闻", unit=county.a, publish=False)
    PageViewRestriction.objects.create(
        page=hidden, restriction_type=PageViewRestriction.PASSWORD, password="x1"
    )
    hidden.save_revision().publish()
    gone = add_article(news, "撤下的新闻", unit=county.a)
    gone.unpublish()
    shown = add_article(news, "公开新闻", unit=county.a)
    _channel, items = rss_items(client, "zwdt")
    assert [i.findtext("title") for i in items] == [shown.title]


def test_each_feed_lists_its_own_section(client, news, county):
    notices = section("tzgg")
    add_article(news, "一条新闻", unit=county.a)
    notice = add_article(notices, "一则公告", unit=county.a)
    policy = add_policy("关于推进一网通办的实施意见", doc_number="青政发〔2026〕3号")
    assert [i.findtext("title") for i in rss_items(client, "tzgg")[1]] == [notice.title]
    assert [i.findtext("title") for i in rss_items(client, "zcfg")[1]] == [policy.title]


def test_a_feed_has_at_most_twenty_items(client, news, county):
    for n in range(22):
        add_article(news, f"新闻{n}", unit=county.a)
    assert len(rss_items(client, "zwdt")[1]) == 20


@pytest.mark.parametrize("slug", ["xxgk", "nosuch", "oa"])
def test_only_the_three_sections_have_feeds(client, site, slug):
    assert client.get(f"/rss/{slug}.xml").status_code == 404


# --- sitemap.xml ----------------------------------------------------------------------------

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_locations(client, host="testserver"):
    response = client.get("/sitemap.xml", HTTP_HOST=host)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [loc.text for loc in root.findall("s:url/s:loc", NS)]


def test_the_sitemap_lists_live_public_pages_only(client, news, county, settings):
    settings.ALLOWED_HOSTS = ["www.qingshan.gov.cn", "testserver"]
    live = add_article(news, "公开新闻", unit=county.a)
    draft = add_article(news, "草稿新闻", unit=county.a, publish=False)
    scheduled = schedule(add_article(news, "定时新闻", unit=county.a, publish=False))
    locations = sitemap_locations(client, host="www.qingshan.gov.cn")
    assert "http://www.qingshan.gov.cn/" in locations
    assert "http://www.qingshan.gov.cn/zwdt/" in locations
    assert "http://www.qingshan.gov.cn" + live.url in locations
    assert not [loc for loc in locations if draft.slug in loc or scheduled.slug in loc]
    assert not [loc for loc in locations if "localhost" in loc]


# --- robots.txt ----------------------------------------------------------------------------


def test_robots_allows_the_public_site_and_keeps_staff_paths_out(client, site):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Allow: /" in lines
    for path in ("/oa/", "/cms/", "/admin/", "/api/", "/files/", "/search/"):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /" not in lines


# --- the human site map ----------------------------------------------------------------------


def test_the_site_map_page_lists_sections_and_their_subsections(client, news, county):
    sub = pm.SectionPage(title="乡镇动态", slug="xzdt")
    news.add_child(instance=sub)
    sub.save_revision().publish()
    hidden = pm.SectionPage(title="未发布栏目", slug="wfb", live=False)
    news.add_child(instance=hidden)
    add_article(news, "一条新闻", unit=county.a)
    response = client.get("/sitemap/")
    assert response.status_code == 200
    html = response.content.decode()
    for title in ("政务动态", "通知公告", "政府信息公开", "政策文件", "乡镇动态"):
        assert title in html
    assert 'href="/zwdt/xzdt/"' in html
    assert "未发布栏目" not in html
    assert "一条新闻" not in html  # sections, not every article
