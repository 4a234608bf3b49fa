"""The demo county's public website as a citizen uses it, in Chinese: the home page,
every section from the main navigation and at least one item of each list, the
disclosure catalogue with a filter, a search typed into the search box (whole site and
within one section), elderly mode switched on, remembered and switched off, and the
phone width; with an accessibility check (axe, no serious or critical violation) on
every kind of page visited, in normal and in elderly mode.

The website is the demo's own: `generator.build_county` with the documents demo left
out (as zhengtong/portal/tests/test_demo_website.py does), loaded ONCE (about half a
minute) for the one walk below, done in named steps.

With ZT_SCREENSHOTS=1 the walk also writes docs/images/home-desktop.png (1280 px
wide) and docs/images/home-phone.png (375 px wide); other runs leave them alone.

Only CONTENT (the fictional county's titles, Chinese) and structure (landmarks, class
names, URLs) are looked for: the interface words change when translations are filled.
"""

import os
import re
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from zhengtong.demo import generator

from .conftest import axe_serious

DOCS_IMAGES = Path(settings.BASE_DIR) / "docs" / "images"
SCREENSHOTS = os.environ.get("ZT_SCREENSHOTS") == "1"

# Sections of the main navigation, in menu order: (path, title in the demo).
SECTIONS = [
    ("/zwdt/", "政务动态"),
    ("/tzgg/", "通知公告"),
    ("/xxgk/", "政府信息公开"),
    ("/zcfg/", "政策文件"),
    ("/bsfw/", "办事服务"),
    ("/hdjl/", "互动交流"),
    ("/zsyz/", "招商引资"),
    ("/ztzl/", "专题专栏"),
    ("/zjxq/", "走进县情"),
    ("/jgsz/", "机构设置"),
    ("/ldxx/", "领导信息"),
]


@pytest.fixture
def website(transactional_db):
    """The demo county with its website, committed so the live server sees it."""
    with (
        mock.patch("zhengtong.demo.loaders.documents.load", return_value=0),
        mock.patch("zhengtong.demo.loaders.documents.load_more", return_value=0),
    ):
        generator.build_county(generator.plan_county(seed=generator.DEFAULT_SEED))
    yield
    # The files are outside the database (which is flushed): remove what was stored.
    for item in [*get_image_model().objects.all(), *get_document_model().objects.all()]:
        item.file.delete(save=False)


class Walk:
    """One visitor's browser tab on the live site, keeping the accessibility findings
    of every page checked (all are reported together at the end)."""

    def __init__(self, page, base_url):
        self.page = page
        self.base = base_url
        self.axe_findings = {}
        self.checked = []
        self.csp_errors = []
        page.on(
            "console",
            lambda msg: (
                self.csp_errors.append(msg.text)
                if msg.type == "error" and "Content Security Policy" in msg.text
                else None
            ),
        )

    def path(self):
        return self.page.url.removeprefix(self.base)

    def goto(self, path):
        response = self.page.goto(self.base + path)
        assert response.status == 200, f"{path}: HTTP {response.status}"
        return response

    def axe(self, label):
        """Run axe on the page as it is now; remember what it finds under `label`."""
        # Lazy pictures are part of the page a reader sees: load them before checking.
        self.page.wait_for_load_state("load")
        found = axe_serious(self.page)
        self.checked.append(label)
        if found:
            self.axe_findings[label] = [
                (v["id"], [n["target"] for n in v.get("nodes", [])][:3]) for v in found
            ]

    def status_of(self, url):
        """HTTP status of `url` (a path or an absolute address) fetched in this tab's
        session (cookies included)."""
        if url.startswith("/"):
            url = self.base + url
        return self.page.request.get(url)

    def main(self):
        return self.page.locator("main#main")

    def h1(self):
        return self.main().locator("h1").first.inner_text().strip()

    def open_link(self, name, within=None):
        """Click the link called `name` (inside `within`, default the main content)
        and wait for the new page."""
        scope = within if within is not None else self.main()
        link = scope.get_by_role("link", name=name, exact=True).first
        href = link.get_attribute("href")
        link.click()
        self.page.wait_for_url(re.compile(re.escape(href.split("?")[0]) + r"(\?.*)?$"))
        return href

    def nav(self):
        return self.page.locator("nav.main-nav")

    def html_classes(self):
        return self.page.locator("html").get_attribute("class") or ""

    def root_font_px(self):
        return float(
            self.page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        )


# --- steps ----------------------------------------------------------------------------


def the_home_page(walk):
    walk.goto("/")
    page = walk.page
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert "禾溪县" in page.title()
    assert "虚构" in walk.main().inner_text()  # the demo says it is fictional
    # Headline news: a lead story with its picture (loaded, described) and a date.
    headlines = page.locator("section.headlines")
    lead = headlines.locator("article.headline-lead")
    picture = lead.locator("img")
    picture.scroll_into_view_if_needed()
    assert picture.get_attribute("alt")
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", picture.element_handle())
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", lead.locator("time").first.inner_text().strip())
    assert lead.locator(".headline-title").inner_text().strip()
    assert headlines.locator("ul.headline-list li").count() >= 3
    for thumb in headlines.locator("ul.headline-list img").all():
        assert thumb.get_attribute("alt"), "every headline picture is described"
    # News, notices and policies (with their interpretations), each dated.
    for box_id, title in (
        ("#home-news", "政务动态"),
        ("#home-notices", "通知公告"),
        ("#home-policies", "政策文件"),
    ):
        box = page.locator(f"section:has(> h2{box_id})")
        assert box.locator("h2").inner_text().strip() == title
        items = box.locator("ul.page-list").first.locator("li")
        assert items.count() >= 5, title
        assert items.first.locator("time").count() == 1, title
    assert page.locator("#home-policies ~ ul.page-list li a", has_text="《").count() >= 3
    for badge in page.locator("section:has(> h2#home-policies) .validity").all():
        box = badge.bounding_box()
        assert box["height"] < 40, f"a validity badge is drawn {box['height']}px high"
    assert page.locator("section:has(> h2#home-policies) a[href^='/zcfg/jd-']").count() >= 1
    # The entries to services, interaction and investment.
    for slug, title in (("bsfw", "办事服务"), ("hdjl", "互动交流"), ("zsyz", "招商引资")):
        entry = page.locator(f"section.entry-{slug}")
        assert entry.locator("h2 a").inner_text().strip() == title
        assert entry.locator(f"a.button[href='/{slug}/']").count() == 1
    assert page.locator("section.entry-zsyz a[href^='/zsyz/']").count() >= 3
    walk.axe("home")


def each_section_from_the_main_navigation(walk):
    walk.goto("/")
    nav = walk.nav()
    titles = [a.inner_text().strip() for a in nav.locator("a").all()]
    assert titles[1:] == [title for _path, title in SECTIONS]
    for path, title in SECTIONS:
        walk.open_link(title, within=nav)
        assert walk.path() == path
        assert walk.h1() == title, path
        current = nav.locator("a[aria-current='page']")
        assert current.inner_text().strip() == title, path
        walk.axe(f"section {path}")


def the_news_and_an_article(walk):
    walk.goto("/zwdt/")
    main = walk.main()
    assert main.locator("a", has_text="禾溪县举办第三届稻香文化节").count() >= 1
    walk.open_link("禾溪县举办第三届稻香文化节")
    assert walk.h1() == "禾溪县举办第三届稻香文化节"
    assert walk.main().locator("time").count() >= 1
    # The breadcrumbs lead back to the section.
    assert walk.page.locator("nav.breadcrumbs a[href='/zwdt/']").count() == 1
    walk.axe("article")
    # A department's column below the news.
    walk.goto("/zwdt/jydt/")
    assert walk.h1() == "教育动态"
    assert walk.main().locator("a[href^='/zwdt/jydt/t']").count() >= 3
    walk.axe("news column")


def a_notice_with_attachments(walk):
    walk.goto("/tzgg/")
    title = "禾溪县2026年公开招聘事业单位工作人员公告"
    walk.open_link(title)
    assert walk.h1() == title
    files = walk.main().locator("section.attachments a")
    assert files.count() == 2
    names = [a.inner_text() for a in files.all()]
    assert "禾溪县2026年公开招聘事业单位工作人员岗位表" in names
    for link in files.all():
        href = link.get_attribute("href")
        response = walk.status_of(href)
        assert response.status == 200, href
        assert response.body()[:2] == b"PK", f"{href} is a Word or Excel file"
    # The disclosure details of the notice: its 索引号.
    assert re.search(r"\d{10,}\w*/\d{4}-\d{5}", walk.main().locator(".meta-box").inner_text())
    walk.axe("notice with attachments")


def a_policy_and_its_interpretation(walk):
    walk.goto("/zcfg/")
    policy = "禾溪县人民政府关于印发《禾溪县优化营商环境若干措施》的通知"
    walk.open_link(policy)
    assert walk.h1() == policy
    assert "禾政发〔2026〕" in walk.main().locator("dl.doc-facts").inner_text()
    assert walk.main().locator(".validity").count() >= 1
    walk.axe("policy")
    walk.open_link("《优化营商环境若干措施》政策解读")
    assert walk.h1() == "《优化营商环境若干措施》政策解读"
    # The interpretation links back to the policy it explains.
    assert walk.main().locator("a[href='/zcfg/yshj/']").count() >= 1
    walk.axe("interpretation")
    # A repealed or amended policy points to what replaced it.
    walk.goto("/zcfg/tcgl-zx/")
    assert walk.main().locator("a[href='/zcfg/tcgl/']").count() >= 1
    walk.axe("policy no longer in force")


def the_disclosure_pages_and_the_catalogue(walk):
    walk.goto("/xxgk/")
    walk.open_link("政府信息公开指南")
    assert "索引号" in walk.main().inner_text()
    walk.axe("disclosure guide")
    walk.goto("/xxgk/")
    year_link = (
        walk.main()
        .get_by_role("link", name=re.compile(r"禾溪县人民政府\d{4}年政府信息公开工作年度报告"))
        .first
    )
    report_title = year_link.inner_text().strip()
    walk.open_link(report_title)
    main_text = walk.main().inner_text()
    assert "一、总体情况" in main_text and "三、收到和处理政府信息公开申请情况" in main_text
    assert walk.main().locator("table").count() >= 4
    walk.axe("annual report")
    # The catalogue, filtered by the statutory category "budgets and final accounts".
    walk.goto("/xxgk/ml/")
    form = walk.page.locator("form.catalogue-filter")
    form.locator("select[name='category']").select_option("a20_07")
    form.locator("[type='submit']").click()
    walk.page.wait_for_url(re.compile(r"/xxgk/ml/\?.*category=a20_07"))
    listed = walk.main().locator(".catalogue-list").inner_text()
    assert "禾溪县2026年财政预算公开" in listed
    assert "禾溪县2026年公开招聘事业单位工作人员公告" not in listed
    walk.axe("catalogue filtered")
    # A keyword in the catalogue's own filter.
    form = walk.page.locator("form.catalogue-filter")
    form.locator("select[name='category']").select_option("")
    form.locator("input[name='q']").fill("停车")
    form.locator("[type='submit']").click()
    walk.page.wait_for_url(re.compile(r"/xxgk/ml/\?.*q="))
    listed = walk.main().locator(".catalogue-list").inner_text()
    assert "停车管理办法" in listed
    assert "财政预算公开" not in listed


def services_and_interaction(walk):
    for path, title in (("/bsfw/", "办事服务"), ("/hdjl/", "互动交流")):
        walk.goto(path)
        assert walk.h1() == title
        assert len(walk.main().inner_text().strip()) > 50, f"{path} has content"


def investment_a_project_and_the_video(walk):
    walk.goto("/zsyz/")
    walk.open_link("稻米精深加工项目")
    assert walk.h1() == "稻米精深加工项目"
    cover = walk.main().locator("figure img").first
    assert cover.get_attribute("alt")
    assert walk.main().locator("a[href^='tel:']").count() == 1
    # The way to ask about the project.
    assert walk.main().locator("a[href^='/zsyz/zxly/?project=']").count() == 1
    walk.axe("project")
    walk.goto("/zsyz/")
    walk.open_link("投资环境")
    gallery = walk.main().locator("section.gallery").first
    assert gallery.locator("img").count() >= 3
    for img in gallery.locator("img").all():
        assert img.get_attribute("alt")
    video = walk.main().locator("video")
    assert video.count() == 1
    poster = video.get_attribute("poster")
    assert poster, "the video has a poster picture"
    assert walk.status_of(poster).status == 200
    source = video.locator("source[type='video/mp4']")
    assert source.count() == 1
    response = walk.status_of(source.get_attribute("src"))
    assert response.status == 200
    assert response.body()[4:8] == b"ftyp", "the video is an mp4 file"
    # The video's text description (for those who cannot watch it).
    assert walk.main().locator("figure.video details").count() == 1
    walk.axe("page with gallery and video")


def topics_overview_units_and_leaders(walk):
    walk.goto("/ztzl/")
    walk.open_link("乡村振兴")
    assert walk.h1() == "乡村振兴"
    assert walk.main().locator("a[href^='/ztzl/xczx/']").count() >= 3
    walk.axe("topic")
    walk.goto("/zjxq/")
    assert walk.main().locator("video source[type='video/mp4']").count() == 1
    walk.goto("/jgsz/")
    assert "禾溪县教育局" in walk.main().inner_text()
    walk.goto("/ldxx/")
    leader = walk.main().locator("a[href^='/ldxx/leader-1/']").first
    name = leader.inner_text().strip().split()[0]
    leader.click()
    walk.page.wait_for_url(re.compile(r"/ldxx/leader-1/$"))
    assert name in walk.h1()
    assert "县长" in walk.main().inner_text()
    portrait = walk.main().locator("img").first
    assert "不是真人照片" in (portrait.get_attribute("alt") or "")
    walk.axe("leader")


def searching_in_chinese(walk):
    walk.goto("/")
    box = walk.page.locator("header .header-search input[name='q']")
    box.fill("稻香文化节")
    box.press("Enter")
    walk.page.wait_for_url(re.compile(r"/search/\?"))
    results = walk.main().locator("ol.search-results li")
    assert results.count() >= 1
    first = results.first.locator("h2 a")
    assert first.inner_text().strip() == "禾溪县举办第三届稻香文化节"
    assert walk.main().locator("ol.search-results mark").count() >= 1
    walk.axe("search results")
    first.click()
    walk.page.wait_for_url(re.compile(r"/zwdt/t\d{8}-\d{3}/$"))
    assert walk.h1() == "禾溪县举办第三届稻香文化节"

    # Within one section: 营商环境 is in the news and in the policies; narrowed to the
    # policies (政策文件), only pages under /zcfg/ remain.
    box = walk.page.locator("header .header-search input[name='q']")
    box.fill("营商环境")
    box.press("Enter")
    walk.page.wait_for_url(re.compile(r"/search/\?"))
    hrefs = [a.get_attribute("href") for a in walk.main().locator(".search-results h2 a").all()]
    assert any(h.startswith("/zcfg/") for h in hrefs), hrefs
    assert any(not h.startswith("/zcfg/") for h in hrefs), hrefs
    form = walk.page.locator("form.search-form")
    form.locator("select[name='section']").select_option("zcfg")
    form.locator("button[type='submit']").click()
    walk.page.wait_for_url(re.compile(r"/search/\?.*section=zcfg"))
    hrefs = [a.get_attribute("href") for a in walk.main().locator(".search-results h2 a").all()]
    assert hrefs and all(h.startswith("/zcfg/") for h in hrefs), hrefs
    assert "/zcfg/yshj/" in hrefs
    assert "政策文件" in walk.main().locator(".search-count").inner_text()
    walk.axe("search within a section")


def elderly_mode(walk):
    walk.goto("/")
    assert "elderly" not in walk.html_classes()
    normal = walk.root_font_px()
    assert walk.page.locator("a.elderly-leave").is_hidden()
    walk.page.locator("a.elderly-enter").click()
    walk.page.wait_for_function("document.documentElement.classList.contains('elderly')")
    assert walk.path() == "/"
    assert walk.root_font_px() >= normal * 1.25
    assert walk.page.locator("a.elderly-enter").is_hidden()
    walk.axe("home (elderly)")
    # Remembered on the next page (the reader follows a link, not the switch again).
    walk.open_link("通知公告", within=walk.nav())
    assert "elderly" in walk.html_classes()
    assert walk.root_font_px() >= normal * 1.25
    walk.axe("section /tzgg/ (elderly)")
    walk.open_link("禾溪县2026年公开招聘事业单位工作人员公告")
    assert "elderly" in walk.html_classes()
    walk.axe("notice with attachments (elderly)")
    # And switched off again, staying on the same page.
    walk.page.locator("a.elderly-leave").click()
    walk.page.wait_for_function("!document.documentElement.classList.contains('elderly')")
    assert walk.path().startswith("/tzgg/t")
    assert walk.root_font_px() == normal
    walk.goto("/")
    assert "elderly" not in walk.html_classes()


def the_home_page_on_a_phone(browser, base_url):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
    )
    try:
        phone = context.new_page()
        phone.set_default_timeout(15000)
        response = phone.goto(base_url + "/")
        assert response.status == 200
        phone.wait_for_load_state("load")
        width = phone.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 375, f"the home page is {width}px wide on a 375px phone"
        found = axe_serious(phone)
        assert found == [], [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in found]
        if SCREENSHOTS:
            _load_lazy_pictures(phone)
            height = min(1624, phone.evaluate("document.scrollingElement.scrollHeight"))
            phone.screenshot(
                path=str(DOCS_IMAGES / "home-phone.png"),
                full_page=True,
                clip={"x": 0, "y": 0, "width": 375, "height": height},
            )
    finally:
        context.close()


def _load_lazy_pictures(page):
    page.evaluate(
        "document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')"
    )
    page.wait_for_function("[...document.images].every(i => i.complete)")


def desktop_screenshot(walk):
    walk.goto("/")
    _load_lazy_pictures(walk.page)
    height = min(1600, walk.page.evaluate("document.scrollingElement.scrollHeight"))
    walk.page.screenshot(
        path=str(DOCS_IMAGES / "home-desktop.png"),
        full_page=True,
        clip={"x": 0, "y": 0, "width": 1280, "height": height},
    )


# --- the walk -----------------------------------------------------------------------------


def test_a_citizen_walks_the_demo_website_in_chinese(page, browser, live_server, website):
    walk = Walk(page, live_server.url)

    the_home_page(walk)
    each_section_from_the_main_navigation(walk)
    the_news_and_an_article(walk)
    a_notice_with_attachments(walk)
    a_policy_and_its_interpretation(walk)
    the_disclosure_pages_and_the_catalogue(walk)
    services_and_interaction(walk)
    investment_a_project_and_the_video(walk)
    topics_overview_units_and_leaders(walk)
    searching_in_chinese(walk)
    elderly_mode(walk)
    the_home_page_on_a_phone(browser, live_server.url)
    if SCREENSHOTS:
        desktop_screenshot(walk)

    assert walk.csp_errors == [], walk.csp_errors
    assert walk.axe_findings == {}, walk.axe_findings
    assert len(walk.checked) >= 20


def test_the_elderly_switch_refuses_a_value_it_does_not_know(page, live_server, transactional_db):
    # Bad input gets a clear page, not an error: and the mode stays off.
    response = page.goto(f"{live_server.url}/elderly/?on=yes&next=/")
    assert response.status == 400
    assert page.locator("main").inner_text().strip()
    assert "elderly" not in (page.locator("html").get_attribute("class") or "")
    assert axe_serious(page) == []
