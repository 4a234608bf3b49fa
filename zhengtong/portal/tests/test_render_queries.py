"""Public pages render uncached with few queries, whatever the number of sections, lists
and pictures (bench/portal.py measures the demo site; target ≤ 10 queries). These tests
guard the query count on a small site; they fail when a list goes back to one query
per section, per page or per picture."""

import io

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction

from zhengtong.portal import models as pm
from zhengtong.portal.sitetree import section
from zhengtong.portal.tests.conftest import add_article

# What a page costs beyond its own lists: the site, the home page (specific), Wagtail's
# view-restriction check (2), the site settings and the home page's children.
HOME_QUERIES = 10
# Routing to /<section>/<article>/ is Wagtail's: 2 queries per level below the home.
ARTICLE_QUERIES = 11


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
    # One list (ids and types, then articles), one query for all pictures, one for all
    # source units: the same for 12 items as for 1.
    with django_assert_max_num_queries(ARTICLE_QUERIES + 2):
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
