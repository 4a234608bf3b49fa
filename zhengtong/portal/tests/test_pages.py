"""The public pages: every page type renders its key content with publication dates;
unpublished pages are not public; the layout carries the site's name, navigation,
search, elderly switch and footer from the site settings; the HTML is the same for
every visitor (it is cached whole)."""

import datetime
import io
import re

import pytest
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.html import escape
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction, Site

from zhengtong.conftest import make_unit
from zhengtong.org.models import UnitKind
from zhengtong.portal import models as pm
from zhengtong.portal.sitetree import section
from zhengtong.portal.tests.conftest import add_article

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_image(title="县城新貌", size=(64, 48), color=(200, 30, 30)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, "PNG")
    return get_image_model().objects.create(
        title=title, description=title, file=ImageFile(buffer, name="photo.png")
    )


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def set_published(page, when):
    """Give a page a known first publication time (as if published then)."""
    type(page).objects.filter(pk=page.pk).update(first_published_at=when, last_published_at=when)
    page.refresh_from_db()
    return page


def block(kind, value):
    """A body block in StreamField's stored (raw) form."""
    return {"type": kind, "value": value}


def html(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def shanghai(y, m, d, hour=10):
    return timezone.make_aware(datetime.datetime(y, m, d, hour), timezone.get_fixed_timezone(480))


# --- Layout --------------------------------------------------------------------------------


def test_every_page_has_the_layout_the_site_name_navigation_search_and_elderly_switch(client, site):
    page = html(client, "/")
    assert '<html lang="zh-Hans">' in page
    assert 'href="#main"' in page and 'id="main"' in page
    assert "<header" in page and "<footer" in page and "<nav" in page
    assert site.title in page  # the county's name comes from the site, not the template
    for slug in (
        "zwdt",
        "tzgg",
        "xxgk",
        "zcfg",
        "bsfw",
        "hdjl",
        "zsyz",
        "ztzl",
        "zjxq",
        "jgsz",
        "ldxx",
    ):
        assert f'href="/{slug}/"' in page, slug
    assert 'action="/search/"' in page and 'name="q"' in page
    assert "/elderly/?on=1&amp;next=/" in page
    assert "/elderly/?on=0&amp;next=/" in page
    assert "portal/elderly.js" in page and "portal/portal.css" in page
    assert "<script>" not in page and "style=" not in page  # strict CSP: no inline code


def test_the_header_name_follows_the_site_record(client, site):
    Site.objects.filter(is_default_site=True).update(site_name="青山县人民政府门户网站")
    assert "青山县人民政府门户网站" in html(client, "/")


def test_the_footer_shows_the_site_settings_sponsor_contacts_and_filing_numbers(client, site):
    settings_row = pm.SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings_row.sponsor = "青山县人民政府办公室"
    settings_row.organiser = "青山县大数据中心"
    settings_row.contact_phone = "0791-88888888"
    settings_row.site_code = "3601220001"
    settings_row.icp_number = "赣ICP备12345678号"
    settings_row.police_number = "赣公网安备 36012202000001号"
    settings_row.police_code = "36012202000001"
    settings_row.save()
    page = html(client, "/zwdt/")
    for text in ("青山县人民政府办公室", "青山县大数据中心", "0791-88888888", "3601220001"):
        assert text in page
    assert 'href="https://beian.miit.gov.cn/"' in page and "赣ICP备12345678号" in page
    assert "36012202000001" in page
    assert 'href="/sitemap/"' in page and 'href="/wza/"' in page
    assert '<meta name="SiteIDCode" content="3601220001">' in page


def test_the_html_is_the_same_for_a_visitor_and_a_signed_in_member_of_any_unit(
    client, site, news, clerk_b, login
):
    add_article(news, "全县秋粮收购工作有序推进")
    anonymous = html(client, "/zwdt/")
    login(clerk_b)
    signed_in = html(client, "/zwdt/")
    assert anonymous == signed_in
    assert "csrfmiddlewaretoken" not in signed_in
    assert clerk_b.username not in signed_in and clerk_b.real_name not in signed_in


def test_breadcrumbs_lead_from_the_home_page_to_the_current_page(client, site, news):
    article = add_article(news, "县政府召开常务会议")
    page = html(client, article.url)
    crumbs = page[
        page.index('class="breadcrumbs') : page.index("</nav>", page.index('class="breadcrumbs'))
    ]
    assert 'href="/"' in crumbs and 'href="/zwdt/"' in crumbs
    assert '<span aria-current="page">县政府召开常务会议</span>' in crumbs


# --- Home page ---------------------------------------------------------------------------------


def test_the_home_page_shows_the_latest_news_with_a_picture_and_dates(client, site, news, county):
    old = add_article(news, "旧闻：春耕备耕工作部署", cover=make_image("春耕"))
    new = add_article(
        news, "青山县新建三所乡镇卫生院投入使用", cover=make_image("卫生院"), unit=county.a
    )
    plain = add_article(news, "县人大常委会召开第十二次会议")
    set_published(old, shanghai(2026, 3, 1))
    set_published(new, shanghai(2026, 5, 2))
    set_published(plain, shanghai(2026, 5, 1))
    notice = add_article(section("tzgg"), "关于2026年端午节放假安排的通知")
    set_published(notice, shanghai(2026, 5, 20))

    page = html(client, "/")
    lead = page[page.index('class="headline-lead"') :]
    lead = lead[: lead.index("</article>")]
    assert "青山县新建三所乡镇卫生院投入使用" in lead  # the newest picture leads
    assert re.search(r'<img [^>]*alt="卫生院"', lead)
    assert re.search(r'<img [^>]*width="\d+"[^>]*height="\d+"', lead) or re.search(
        r'<img [^>]*height="\d+"[^>]*width="\d+"', lead
    )
    assert "/media/images/" in lead
    assert "2026-05-02" in lead
    assert page.index("青山县新建三所乡镇卫生院投入使用") < page.index("旧闻：春耕备耕工作部署")
    assert "县人大常委会召开第十二次会议" in page and "2026-05-01" in page
    assert "关于2026年端午节放假安排的通知" in page and "2026-05-20" in page


def test_dates_are_shown_in_the_county_time_zone(client, site, news):
    article = add_article(news, "深夜发布的消息")
    # 2026-06-30 17:30 UTC is already 1 July in Shanghai.
    set_published(article, datetime.datetime(2026, 6, 30, 17, 30, tzinfo=datetime.UTC))
    assert "2026-07-01" in html(client, "/zwdt/")
    assert "2026-07-01" in html(client, article.url)


def test_the_home_page_shows_policies_and_the_ways_in_to_services_interaction_and_investment(
    client, site
):
    policies = section("zcfg")
    publish(
        policies,
        pm.PolicyPage(title="青山县促进民营经济发展若干措施", doc_number="青政发〔2026〕3号"),
    )
    publish(section("bsfw"), pm.StandardPage(title="不动产登记办事指南"))
    page = html(client, "/")
    assert "青山县促进民营经济发展若干措施" in page
    assert "不动产登记办事指南" in page
    for slug in ("bsfw", "hdjl", "zsyz"):
        assert f'id="home-entry-{slug}"' in page
    assert len(DATE.findall(page)) >= 2


# --- Sections and articles ------------------------------------------------------------------------


def test_a_section_lists_its_pages_newest_first_with_dates_and_pages_through_them(
    client, site, news
):
    for day in range(1, 24):
        item = add_article(news, f"第{day}条动态")
        set_published(item, shanghai(2026, 4, day))
    first = html(client, "/zwdt/")
    assert first.index("第23条动态") < first.index("第22条动态")
    assert "2026-04-23" in first
    assert "第1条动态" not in first  # twenty to a page
    assert 'href="?page=2"' in first
    second = html(client, "/zwdt/?page=2")
    assert "第1条动态" in second and "第23条动态" not in second


def test_a_bad_page_number_shows_a_page_of_the_list_not_an_error(client, site, news):
    add_article(news, "唯一的动态")
    assert "唯一的动态" in html(client, "/zwdt/?page=abc")
    assert "唯一的动态" in html(client, "/zwdt/?page=999")


def test_an_article_shows_its_date_source_body_and_attachments(client, site, news, county):
    document = get_document_model().objects.create(
        title="报名表", file=SimpleUploadedFile("baoming.pdf", b"%PDF-1.4 test")
    )
    article = add_article(
        news,
        "县教育局召开秋季开学工作会议",
        unit=county.a,
        summary="会议部署了秋季开学各项工作。",
        body=[
            block("paragraph", "<p>9月1日，县教育局召开会议。</p>"),
            block("attachments", {"files": [document.pk]}),
        ],
    )
    page = html(client, article.url)
    assert "<h1>县教育局召开秋季开学工作会议</h1>" in page
    assert county.a.name in page
    assert (
        article.first_published_at.astimezone(timezone.get_fixed_timezone(480)).strftime("%Y-%m-%d")
        in page
    )
    assert "9月1日，县教育局召开会议。" in page
    assert "会议部署了秋季开学各项工作。" in page
    assert "报名表" in page and "PDF" in page and document.url in page


def test_the_catalogue_box_appears_only_when_the_page_has_a_public_entry(
    client, site, news, county
):
    article = add_article(news, "关于公开征求意见的公告", unit=county.a)
    pm.CatalogueEntry.objects.filter(page=article).delete()
    assert 'class="meta-box"' not in html(client, article.url)
    pm.CatalogueEntry.objects.create(
        index_number="113601220000000001/2026-00007",
        page=article,
        title=article.title,
        publisher=county.a,
        generated_on=datetime.date(2026, 5, 6),
        topic=pm.Topic.EDUCATION,
        category=pm.DisclosureCategory.OTHER,
        year=2026,
        published_at=article.first_published_at,
    )
    page = html(client, article.url)
    assert "113601220000000001/2026-00007" in page and "2026-05-06" in page
    pm.CatalogueEntry.objects.filter(page=article).update(is_public=False)
    assert "113601220000000001/2026-00007" not in html(client, article.url)


def test_unpublished_pages_are_not_found_for_the_public_or_staff_of_another_unit(
    client, site, news, county, clerk_b, login
):
    draft = add_article(news, "尚未发布的稿件", unit=county.a, publish=False, live=False)
    assert client.get("/zwdt/" + draft.slug + "/").status_code == 404
    withdrawn = add_article(news, "已撤下的稿件", unit=county.a)
    url = withdrawn.url
    withdrawn.unpublish()
    assert client.get(url).status_code == 404
    assert "已撤下的稿件" not in html(client, "/zwdt/")
    assert "尚未发布的稿件" not in html(client, "/")
    login(clerk_b)
    assert client.get(url).status_code == 404


def test_restricted_pages_are_left_out_of_public_lists(client, site, news):
    hidden = add_article(news, "仅限内部的页面")
    PageViewRestriction.objects.create(page=hidden, restriction_type="login")
    assert "仅限内部的页面" not in html(client, "/zwdt/")
    assert "仅限内部的页面" not in html(client, "/")


def test_body_blocks_render_figure_video_with_transcript_and_table_with_headers(client, site, news):
    picture = make_image("县城夜景")
    poster = make_image("宣传片封面")
    video = get_document_model().objects.create(
        title="青山宣传片", file=SimpleUploadedFile("qingshan.mp4", b"\x00\x00\x00\x18ftypmp42")
    )
    article = add_article(
        news,
        "青山县城市宣传片发布",
        body=[
            block(
                "figure",
                {
                    "image": {
                        "image": picture.pk,
                        "decorative": False,
                        "alt_text": "夜晚灯光下的县城街道",
                    },
                    "caption": "县城一角",
                },
            ),
            block(
                "video",
                {
                    "video": video.pk,
                    "poster": poster.pk,
                    "title": "青山宣传片",
                    "transcript": "片中展示了青山的山水与人文。",
                },
            ),
            block(
                "table",
                {
                    "data": [["乡镇", "人口"], ["河西镇", "3.2万"]],
                    "first_row_is_table_header": True,
                    "first_col_is_header": True,
                    "table_caption": "各乡镇人口",
                },
            ),
        ],
    )
    page = html(client, article.url)
    assert re.search(r'<img [^>]*alt="夜晚灯光下的县城街道"', page)
    assert 'loading="lazy"' in page and "县城一角" in page
    assert re.search(r'<video controls preload="none" poster="/media/images/[^"]+"', page)
    assert f'<source src="{video.url}" type="video/mp4">' in page
    assert "片中展示了青山的山水与人文。" in page
    assert "<caption>各乡镇人口</caption>" in page
    assert '<th scope="col"' in page and '<th scope="row"' in page


# --- Policies and interpretations -----------------------------------------------------------------


def test_a_repealed_policy_shows_its_status_and_links_to_its_replacement(client, site):
    policies = section("zcfg")
    new = publish(
        policies,
        pm.PolicyPage(title="青山县城乡低保实施办法（2026年修订）", doc_number="青政规〔2026〕1号"),
    )
    old = publish(
        policies,
        pm.PolicyPage(
            title="青山县城乡低保实施办法",
            doc_number="青政规〔2019〕2号",
            validity=pm.Validity.REPEALED,
            replaced_by=new,
            issued_on=datetime.date(2019, 3, 4),
        ),
    )
    page = html(client, old.url)
    notice = page[page.index('class="validity-notice"') :]
    notice = notice[: notice.index("</div>")]
    assert "repealed" in notice.lower() or "废止" in notice
    assert f'href="{new.url}"' in notice
    assert "validity-repealed" in page and "青政规〔2019〕2号" in page and "2019-03-04" in page
    in_force = html(client, new.url)
    assert 'class="validity-notice"' not in in_force and "validity-valid" in in_force


def test_a_replacement_taken_off_the_site_is_no_longer_linked(client, site):
    policies = section("zcfg")
    replacement = publish(policies, pm.PolicyPage(title="修订稿（已撤下）"))
    old = publish(
        policies,
        pm.PolicyPage(title="旧办法", validity=pm.Validity.EXPIRED, replaced_by=replacement),
    )
    assert "修订稿（已撤下）" in html(client, old.url)
    replacement.unpublish()
    page = html(client, old.url)
    assert 'class="validity-notice"' in page and "修订稿（已撤下）" not in page


def test_a_policy_and_its_interpretations_link_both_ways(client, site, county):
    policies = section("zcfg")
    policy = publish(policies, pm.PolicyPage(title="青山县农业产业化扶持办法"))
    reading = publish(
        policies,
        pm.InterpretationPage(
            title="《青山县农业产业化扶持办法》政策解读", policy=policy, source_unit=county.a
        ),
    )
    draft = pm.InterpretationPage(title="未发布的解读", policy=policy, live=False)
    policies.add_child(instance=draft)
    policy_html = html(client, policy.url)
    assert f'href="{reading.url}"' in policy_html and "未发布的解读" not in policy_html
    reading_html = html(client, reading.url)
    assert f'href="{policy.url}"' in reading_html and county.a.name in reading_html
    index = html(client, "/zcfg/")
    assert "青山县农业产业化扶持办法" in index and "政策解读" in index


# --- Disclosure -------------------------------------------------------------------------------------


def test_an_annual_report_shows_the_request_table_counted_from_the_requests(client, site, county):
    from zhengtong.disclosure.tests.conftest import submit

    for unit, day in ((county.a, 2), (county.a, 9), (county.b, 16)):
        submit(unit, today=datetime.date(2025, 3, day))
    submit(county.a, today=datetime.date(2024, 6, 3))  # still open: carried over into 2025
    xxgk = section("xxgk")
    county_wide = publish(
        xxgk, pm.AnnualReportPage(title="青山县2025年政府信息公开工作年度报告", year=2025)
    )
    one_organ = publish(
        xxgk,
        pm.AnnualReportPage(
            title="某局2025年政府信息公开工作年度报告",
            slug="ndbg2025-a",
            year=2025,
            request_organ=county.a,
        ),
    )

    def counts(page):
        return [
            int(n)
            for n in re.findall(r'<th scope="row">[^<]*</th><td>(\d+)</td>', html(client, page.url))
        ]

    # Rows in the national template's order: received, carried over, … carried forward.
    assert counts(county_wide)[:2] == [3, 1] and counts(county_wide)[-1] == 4
    assert counts(one_organ)[:2] == [2, 1] and counts(one_organ)[-1] == 3
    # A later request changes this year's report at once (it is never kept whole).
    this_year = publish(
        xxgk,
        pm.AnnualReportPage(title="本年度报告", slug="ndbg-now", year=datetime.date.today().year),
    )
    before = counts(this_year)[0]
    submit(county.b, today=datetime.date.today())
    assert counts(this_year)[0] == before + 1


def test_disclosure_pages_render_with_their_metadata(client, site, county):
    xxgk = section("xxgk")
    guide = publish(
        xxgk,
        pm.StandardPage(title="青山县人民政府信息公开指南", summary="本指南说明如何获取政府信息。"),
    )
    report = publish(
        xxgk, pm.AnnualReportPage(title="青山县2025年政府信息公开工作年度报告", year=2025)
    )
    document = publish(
        xxgk,
        pm.DisclosedDocumentPage(
            title="关于印发青山县防汛应急预案的通知",
            doc_number="青政办发〔2026〕5号",
            issuing_unit=county.government,
            issued_on=datetime.date(2026, 4, 10),
            body_html="<p>各乡镇人民政府：</p>",
        ),
    )
    index = html(client, "/xxgk/")
    assert f'href="{guide.url}"' in index and f'href="{report.url}"' in index
    assert 'href="/xxgk/ml/"' in index
    assert "本指南说明如何获取政府信息。" in html(client, guide.url)
    assert "2025" in html(client, report.url)
    doc_html = html(client, document.url)
    assert "青政办发〔2026〕5号" in doc_html and "2026-04-10" in doc_html
    assert escape(county.government.name) in doc_html and "各乡镇人民政府" in doc_html


# --- About the county -----------------------------------------------------------------------------


def test_the_unit_directory_lists_the_countys_units_from_org_with_phone_and_address(
    client, site, county
):
    county.a.phone = "0791-86100001"
    county.a.address = "青山县人民路1号"
    county.a.duties = "负责全县教育工作。"
    county.a.save()
    county.town.phone = "0791-86200002"
    county.town.save()
    make_unit("Teaching Section", UnitKind.SECTION, county.a)
    make_unit("Closed Bureau", UnitKind.DEPARTMENT, county.government, is_active=False)
    other = make_unit("Other County", UnitKind.COUNTY)
    make_unit("Other Bureau", UnitKind.DEPARTMENT, other)
    page = html(client, "/jgsz/")
    for text in (
        county.a.name,
        county.b.name,
        county.town.name,
        "0791-86100001",
        "青山县人民路1号",
        "负责全县教育工作。",
        "0791-86200002",
    ):
        assert text in page, text
    assert 'href="tel:079186100001"' in page
    for absent in ("Teaching Section", "Closed Bureau", "Other Bureau"):
        assert absent not in page
    assert page.index(county.a.name) < page.index(county.town.name)  # departments, then towns


def test_leaders_are_listed_in_their_order_with_photo_and_portfolio(client, site):
    leaders = section("ldxx")
    publish(leaders, pm.LeaderPage(title="李副县长", position="副县长", sort_order=2))
    head = publish(
        leaders,
        pm.LeaderPage(
            title="王县长",
            position="县长",
            sort_order=1,
            photo=make_image("王县长照片"),
            portfolio="主持县政府全面工作。",
            biography="1970年生。",
        ),
    )
    index = html(client, "/ldxx/")
    assert index.index("王县长") < index.index("李副县长")
    assert re.search(r'<img [^>]*alt="王县长照片"', index)
    detail = html(client, head.url)
    assert "主持县政府全面工作。" in detail and "1970年生。" in detail and "县长" in detail


# --- Investment and topics ---------------------------------------------------------------------------


def make_project(parent, title, **fields):
    fields.setdefault("sector", pm.Sector.MANUFACTURING)
    fields.setdefault("location", "青山工业园")
    fields.setdefault("investment", "5000.00")
    fields.setdefault("contact_name", "陈主任")
    fields.setdefault("contact_phone", "0791-86300003")
    return publish(parent, pm.ProjectPage(title=title, **fields))


def test_projects_are_filtered_by_sector_and_status(client, site):
    zsyz = section("zsyz")
    make_project(zsyz, "年产万吨茶油精深加工项目", sector=pm.Sector.AGRICULTURE)
    make_project(zsyz, "光伏发电项目", sector=pm.Sector.ENERGY, status=pm.ProjectStatus.SIGNED)
    all_projects = html(client, "/zsyz/")
    assert "年产万吨茶油精深加工项目" in all_projects and "光伏发电项目" in all_projects
    agriculture = html(client, "/zsyz/?sector=agriculture")
    assert "年产万吨茶油精深加工项目" in agriculture and "光伏发电项目" not in agriculture
    signed = html(client, "/zsyz/?status=signed")
    assert "光伏发电项目" in signed and "年产万吨茶油精深加工项目" not in signed


def test_an_unknown_project_filter_says_so_and_shows_every_project(client, site):
    make_project(section("zsyz"), "物流园区项目")
    page = html(client, "/zsyz/?sector=%3Cscript%3E&status=nonsense")
    assert "物流园区项目" in page
    assert 'class="alert"' in page and "<script>" not in page


def test_a_project_page_shows_its_facts_and_the_way_to_enquire(client, site):
    project = make_project(
        section("zsyz"), "文旅小镇项目", land_area="120.50", cover=make_image("小镇效果图")
    )
    page = html(client, project.url)
    for text in ("文旅小镇项目", "青山工业园", "5000.00", "120.50", "陈主任", "0791-86300003"):
        assert text in page
    assert f'href="/zsyz/zxly/?project={project.pk}"' in page
    assert re.search(r'<img [^>]*alt="小镇效果图"', page)
    assert DATE.search(page)


def test_a_topic_shows_its_banner_and_its_articles(client, site):
    topics = section("ztzl")
    topic = publish(
        topics, pm.TopicPage(title="学习贯彻党的二十届四中全会精神", banner=make_image("专题横幅"))
    )
    add_article(topic, "县委理论学习中心组专题学习")
    page = html(client, topic.url)
    assert "县委理论学习中心组专题学习" in page and re.search(r'<img [^>]*alt="专题横幅"', page)
    assert "学习贯彻党的二十届四中全会精神" in html(client, "/ztzl/")


def test_a_standard_page_lists_its_children(client, site):
    about = section("zjxq")
    publish(about, pm.StandardPage(title="历史沿革", summary="青山县历史悠久。"))
    page = html(client, "/zjxq/")
    assert "历史沿革" in page and DATE.search(page)


def test_a_single_page_section_shows_its_summary_on_the_home_page(client, site):
    from zhengtong.portal.sitetree import section

    services = section("bsfw")
    services.summary = "政务服务中心和网上办事的介绍。"
    services.save_revision().publish()
    response = client.get("/")
    assert "政务服务中心和网上办事的介绍。" in response.content.decode()
