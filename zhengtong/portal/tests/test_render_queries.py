"""Public pages render uncached with few queries, whatever the number of sections, lists
and pictures (bench/portal.py measures the demo site; target ≤ 10 queries). These tests
guard the query count on a small site; they fail when a list goes back to one query
per section, per page or per picture. They also guard what makes the render cheap:
the process memory of `cache.remember` must forget what changes, and the Python-built
fragments must give the templates' exact text."""

import io

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction

from zhengtong.portal import cache
from zhengtong.portal import models as pm
from zhengtong.portal.sitetree import section
from zhengtong.portal.tests.conftest import add_article

# Without the page cache (nothing kept in memory): the site, the home page (specific),
# "is there any view restriction", the home page's children and the site settings;
# then the home page's lists (one query) and their pictures (one).
HOME_QUERIES = 7
# The same five, then the article by its address, and the article with its units,
# pictures and catalogue entry (portal/routing.py), whatever its depth.
ARTICLE_QUERIES = 7
# With the page cache on, an uncached render of a page in a running process: the
# five are kept in memory (cache.remember), only the page's own lists are read.
KEPT_HOME_QUERIES = 2
KEPT_ARTICLE_QUERIES = 2


@pytest.fixture(autouse=True)
def uncached(settings, tmp_path):
    settings.PORTAL_CACHE = False
    settings.PORTAL_STATIC_DIR = ""
    settings.MEDIA_ROOT = tmp_path / "media"


def make_image(title):
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), (30, 90, 200)).save(buffer, "PNG")
    return get_image_model().objects.create(
        title=title, description=title, file=ImageFile(buffer, name="photo.png")
    )


@pytest.fixture
def busy_site(site, news, county):
    """News with pictures, notices, policies with interpretations, a topic with a
    banner, and pages in the services, interaction and investment sections."""
    for i in range(6):
        add_article(
            news, f"县政府召开第{i + 1}次常务会议", unit=county.a, cover=make_image(f"图{i}")
        )
        add_article(news, f"乡镇动态第{i + 1}期", unit=county.b)
        add_article(section("tzgg"), f"关于做好第{i + 1}项工作的通知", unit=county.government)
    policies = section("zcfg")
    for i in range(3):
        policy = pm.PolicyPage(
            title=f"县政府关于第{i + 1}项工作的意见", doc_number=f"青府发〔2025〕{i + 1}号"
        )
        policies.add_child(instance=policy)
        policy.save_revision().publish()
        reading = pm.InterpretationPage(title=f"《第{i + 1}项工作的意见》解读", policy=policy)
        policies.add_child(instance=reading)
        reading.save_revision().publish()
    topic = pm.TopicPage(title="优化营商环境专题", banner=make_image("专题"))
    section("ztzl").add_child(instance=topic)
    topic.save_revision().publish()
    for slug in ("bsfw", "hdjl", "zsyz"):
        for i in range(3):
            page = pm.StandardPage(title=f"{slug}第{i + 1}页")
            section(slug).add_child(instance=page)
            page.save_revision().publish()
    return site


def test_the_home_page_renders_with_a_fixed_number_of_queries(
    client, busy_site, django_assert_max_num_queries
):
    client.get("/")  # renditions made, templates compiled
    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "县政府召开第6次常务会议" in html  # headline with picture
    assert "关于做好第6项工作的通知" in html  # notices
    assert "《第3项工作的意见》解读" in html  # interpretations
    assert "优化营商环境专题" in html  # topics
    assert "bsfw第3页" in html and "zsyz第3页" in html  # the ways in


def test_an_article_renders_with_a_fixed_number_of_queries(
    client, busy_site, news, county, django_assert_max_num_queries
):
    article = add_article(
        news, "县教育局召开秋季开学工作会议", unit=county.a, cover=make_image("开学")
    )
    url = article.get_url()
    client.get(url)
    with django_assert_max_num_queries(ARTICLE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert county.a.name in html  # the source unit
    assert 'aria-label="Breadcrumb"' in html or "breadcrumbs" in html


def test_a_section_list_does_not_cost_a_query_per_item(
    client, busy_site, news, django_assert_max_num_queries
):
    url = news.get_url()
    client.get(url)
    # The page as an article (7), then the list: its count, ids and types, the articles,
    # one query for all pictures, one for all source units: the same for 12 items as for 1.
    with django_assert_max_num_queries(ARTICLE_QUERIES + 5):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('<li class="article-item') == 12


def test_restricted_pages_stay_out_of_the_home_page_and_the_navigation(client, busy_site, news):
    hidden = add_article(news, "内部通知不对外公开")
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
    restricted_section = section("ztzl")
    PageViewRestriction.objects.create(
        page=restricted_section, restriction_type=PageViewRestriction.LOGIN
    )
    html = client.get("/").content.decode()
    assert "内部通知不对外公开" not in html
    assert "优化营商环境专题" not in html  # the topic lies in the restricted section
    nav = html.split('class="main-nav"')[1].split("</nav>")[0]
    assert restricted_section.title not in nav
    assert section("zwdt").title in nav


# --- With the page cache on: what is kept in memory ------------------------------------------


@pytest.fixture
def kept(settings, tmp_path):
    """The page cache on (so `cache.remember` keeps values), its journal in tmp_path."""
    settings.PORTAL_CACHE = True
    settings.PORTAL_CACHE_JOURNAL = str(tmp_path / "journal")
    cache.reset()
    yield cache.store()
    cache.reset()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what happens after the transaction commits (the invalidations)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def render_uncached(client, path):
    """Render `path` as after an invalidation: the page not kept, the memory warm."""
    cache.store().clear_pages()
    response = client.get(path)
    assert response.status_code == 200 and response.get("X-Page-Cache") != "hit"
    return response.content.decode()


def test_a_running_process_renders_the_home_page_from_two_queries(
    client, busy_site, kept, django_assert_max_num_queries
):
    expected = render_uncached(client, "/")
    with django_assert_max_num_queries(KEPT_HOME_QUERIES):
        html = render_uncached(client, "/")
    assert html == expected


def test_a_running_process_renders_an_article_from_two_queries(
    client, busy_site, news, county, kept, django_assert_max_num_queries
):
    article = add_article(
        news, "县教育局召开秋季开学工作会议", unit=county.a, cover=make_image("开学")
    )
    expected = render_uncached(client, article.url)
    with django_assert_max_num_queries(KEPT_ARTICLE_QUERIES):
        html = render_uncached(client, article.url)
    assert html == expected
    assert county.a.name in html


def test_memory_and_no_memory_give_the_same_pages(
    client, busy_site, news, county, settings, tmp_path
):
    article = add_article(
        news, "县教育局召开秋季开学工作会议", unit=county.a, cover=make_image("开学")
    )
    paths = ["/", article.url, news.url, section("zcfg").url]
    plain = [client.get(path).content for path in paths]
    settings.PORTAL_CACHE = True
    settings.PORTAL_CACHE_JOURNAL = str(tmp_path / "journal")
    cache.reset()
    try:
        for path, expected in zip(paths, plain, strict=True):
            render_uncached(client, path)  # fills the memory
            assert render_uncached(client, path).encode() == expected, path
    finally:
        cache.reset()


def both_renders(client, path):
    """The page as the cache serves it next, and as an uncached render gives it."""
    served = client.get(path).content.decode()
    return served, render_uncached(client, path)


def test_publishing_changing_and_unpublishing_reach_the_home_page(
    client, busy_site, news, kept, commit
):
    both_renders(client, "/")
    with commit():
        article = add_article(news, "县长调研春耕备耕工作", cover=make_image("春耕"))
    for html in both_renders(client, "/"):
        assert "县长调研春耕备耕工作" in html
    with commit():
        article.title = "县长调研春耕生产工作"
        article.save_revision().publish()
    for html in both_renders(client, "/"):
        assert "县长调研春耕生产工作" in html and "县长调研春耕备耕工作" not in html
    with commit():
        article.unpublish()
    for html in both_renders(client, "/"):
        assert "县长调研春耕生产工作" not in html


def test_the_navigation_follows_new_renamed_and_hidden_sections(
    client, busy_site, site, kept, commit
):
    both_renders(client, "/")
    with commit():
        extra = pm.SectionPage(title="乡村振兴", slug="xczx")
        site.add_child(instance=extra)
        extra.save_revision().publish()
    for html in both_renders(client, "/"):
        assert "乡村振兴" in html.split('class="main-nav"')[1].split("</nav>")[0]
    with commit():
        extra.title = "乡村全面振兴"
        extra.save_revision().publish()
    for html in both_renders(client, "/zwdt/"):
        assert "乡村全面振兴" in html.split('class="main-nav"')[1].split("</nav>")[0]
    with commit():
        extra.unpublish()
    for html in both_renders(client, "/"):
        assert "乡村全面振兴" not in html


def test_a_new_view_restriction_hides_pages_at_once(client, busy_site, news, kept, commit):
    article = add_article(news, "内部工作安排")
    both_renders(client, "/")
    client.get(article.url)
    with commit():
        PageViewRestriction.objects.create(page=news, restriction_type=PageViewRestriction.LOGIN)
    for html in both_renders(client, "/"):
        assert "内部工作安排" not in html
        assert news.title not in html.split('class="main-nav"')[1].split("</nav>")[0]
    cache.store().clear_pages()
    assert client.get(article.url).status_code == 302  # to the sign-in page


def test_changed_site_settings_reach_the_footer(client, busy_site, kept, commit):
    both_renders(client, "/")
    settings_row = pm.SiteSettings.for_site(busy_site.get_site())
    with commit():
        settings_row.contact_phone = "0577-12345678"
        settings_row.save()
    for html in both_renders(client, "/"):
        assert "0577-12345678" in html


def test_a_changed_picture_reaches_the_pages_that_show_it(client, busy_site, news, kept, commit):
    picture = make_image("旧图说明")
    add_article(news, "图片新闻", cover=picture)
    assert all('alt="旧图说明"' in html for html in both_renders(client, "/"))
    with commit():
        picture.title = "新图说明"
        picture.description = "新图说明"
        picture.save()
    for html in both_renders(client, "/"):
        assert 'alt="新图说明"' in html and "旧图说明" not in html


# --- The fragments built in Python give the templates' text ----------------------------------


def test_the_page_list_tag_gives_the_include_s_text(rf, busy_site, news):
    from django.template import engines

    request = rf.get("/", HTTP_HOST="testserver")
    engine = engines["django"]
    items = list(news.get_children().live().specific())
    for value in (items, []):
        include = engine.from_string(
            '{% include "portal/includes/page_list.html" with items=items %}'
        ).render({"items": value}, request)
        tag = engine.from_string("{% load portal_tags %}{% page_list items %}").render(
            {"items": value}, request
        )
        assert tag == include


def test_page_href_gives_what_pageurl_gives(rf, busy_site):
    from django.template import engines
    from wagtail.models import Page

    request = rf.get("/", HTTP_HOST="testserver")
    engine = engines["django"]
    ours = engine.from_string("{% load portal_tags %}{% page_href p %}")
    wagtails = engine.from_string("{% load wagtailcore_tags %}{% pageurl p %}")
    pages = list(Page.objects.filter(depth__gt=1))
    assert len(pages) > 20
    for page in pages:
        assert ours.render({"p": page}, request) == wagtails.render({"p": page}, request)


def test_portal_image_gives_what_the_image_tag_gives(rf, busy_site, kept):
    from django.template import engines

    request = rf.get("/", HTTP_HOST="testserver")
    engine = engines["django"]
    picture = make_image("县城夜景")
    ours = engine.from_string(
        '{% load portal_tags %}{% portal_image p "fill-160x90" loading="lazy" class="thumb" %}'
    )
    wagtails = engine.from_string(
        '{% load wagtailimages_tags %}{% image p fill-160x90 loading="lazy" class="thumb" %}'
    )
    expected = wagtails.render({"p": picture}, request)
    assert ours.render({"p": picture}, request) == expected
    assert ours.render({"p": picture}, request) == expected  # kept
    assert ours.render({"p": None}, request) == ""
