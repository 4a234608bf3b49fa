"""The demo county's website (zhengtong/demo/loaders/portal.py), loaded by the demo loader itself.

The county and its website are built once for the module (inside a transaction rolled
back at the end), through `generator.build_county`, as `manage.py demo` does. The
sample official documents of the documents subsystem are left out here: the website
does not depend on them, and they would only make the module slower.
"""

import datetime
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from zhengtong.demo import generator
from zhengtong.demo.loaders import portal as demo
from zhengtong.org.models import Role, RoleAssignment, Unit, UnitKind
from zhengtong.portal import models as pm
from zhengtong.portal.sitetree import SECTIONS, section

SEED = generator.DEFAULT_SEED


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        mock.patch("zhengtong.demo.loaders.documents.load", return_value=0),
        mock.patch("zhengtong.demo.loaders.documents.load_more", return_value=0),
    ):
        generator.build_county(generator.plan_county(seed=SEED))
        yield
        # The files are outside the database: remove what this module stored.
        for item in [*get_image_model().objects.all(), *get_document_model().objects.all()]:
            item.file.delete(save=False)
        transaction.set_rollback(True)


def live(model):
    return model.objects.live().public()


def blocks_of(page, block_type):
    """Every value of `block_type` in the page's body, also inside galleries."""
    body = getattr(page, "body", None) or []
    found = []
    for child in body:
        if child.block_type == block_type:
            found.append(child.value)
        if block_type == "figure" and child.block_type == "gallery":
            found.extend(child.value["images"])
    return found


# --- every section has content ----------------------------------------------------------


@pytest.mark.django_db
def test_every_section_of_the_site_is_live_and_has_content(loaded):
    for spec in SECTIONS:
        page = section(spec.slug)
        assert page is not None and page.live, spec.slug
        if isinstance(page, pm.StandardPage):
            assert len(page.body) >= 1 and page.summary, spec.slug
        elif isinstance(page, pm.UnitDirectoryPage):
            assert page.intro, spec.slug
        else:
            assert page.get_children().live().exists(), spec.slug
    home = section("zwdt").get_parent().specific
    assert "虚构" in home.intro


@pytest.mark.django_db
def test_news_spread_over_the_past_year_with_pictures_and_department_columns(loaded):
    news = section("zwdt")
    items = list(live(pm.ArticlePage).child_of(news))
    assert len(items) >= 30
    assert sum(1 for a in items if a.cover_id) >= 20
    dates = [timezone.localtime(a.first_published_at).date() for a in items]
    today = timezone.localdate()
    assert max(dates) <= today and min(dates) >= today - datetime.timedelta(days=366)
    assert (max(dates) - min(dates)).days >= 300
    assert len({d.month for d in dates}) >= 10
    # last_published_at follows (the public pages show it).
    assert all(a.last_published_at == a.first_published_at for a in items)
    columns = live(pm.SectionPage).child_of(news)
    owners = {c.owner_unit.kind for c in columns}
    assert columns.count() >= 3 and owners == {UnitKind.DEPARTMENT}
    for column in columns:
        articles = live(pm.ArticlePage).child_of(column)
        assert articles.count() >= 3, column.title
        assert all(a.unit() == column.owner_unit for a in articles)


@pytest.mark.django_db
def test_notices_some_with_generated_attachments(loaded):
    notices = list(live(pm.ArticlePage).child_of(section("tzgg")))
    assert len(notices) >= 15
    files = [f for n in notices for a in blocks_of(n, "attachments") for f in a["files"]]
    assert len(files) >= 3
    kinds = {f.file.name.rsplit(".", 1)[-1] for f in files}
    assert {"pdf", "docx", "xlsx"} <= kinds
    for document in files:
        with document.open_file() as handle:
            head = handle.read(8)
        assert head.startswith(b"%PDF-" if document.file.name.endswith(".pdf") else b"PK")


@pytest.mark.django_db
def test_policies_with_numbers_interpretations_and_marked_validity(loaded):
    policies = list(live(pm.PolicyPage))
    assert len(policies) >= 10
    assert all(p.doc_number and p.issuing_unit_id and p.issued_on for p in policies)
    assert any(p.doc_number.startswith("禾政发〔") for p in policies)
    interpretations = list(live(pm.InterpretationPage))
    assert len(interpretations) >= 5
    assert all(i.policy_id and i.policy.live for i in interpretations)


@pytest.mark.django_db
def test_the_repealed_and_the_amended_policy_link_to_what_replaced_them(loaded):
    for validity in (pm.Validity.REPEALED, pm.Validity.AMENDED):
        old = live(pm.PolicyPage).get(validity=validity)
        assert old.replaced_by is not None, validity
        new = old.replaced_by.specific
        assert isinstance(new, pm.PolicyPage) and new.live
        assert new.validity == pm.Validity.VALID
        assert new.issued_on > old.issued_on
        assert new.first_published_at > old.first_published_at


@pytest.mark.django_db
def test_disclosure_guide_annual_reports_and_a_full_catalogue(loaded):
    disclosure = section("xxgk")
    guide = live(pm.StandardPage).child_of(disclosure).get(slug="gkzn")
    text = str(guide.body)
    office = Unit.objects.get(kind=UnitKind.OFFICE, name__endswith="人民政府办公室")
    for needed in (office.name, office.address, office.phone, "办公时间", "索引号", "依申请公开"):
        assert needed in text, needed
    year = timezone.localdate().year
    reports = live(pm.AnnualReportPage).child_of(disclosure)
    assert {r.year for r in reports} == {year - 3, year - 2, year - 1}
    for report in reports:
        body = str(report.body)
        for heading in (
            "一、总体情况",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
        ):
            assert heading in body
        assert "四、政府信息公开行政复议、行政诉讼情况" in body
        assert "五、存在的主要问题及改进情况" in body and "六、其他需要报告的事项" in body
        assert len(blocks_of(report, "table")) >= 4
        # Published in the first quarter after the year reported (Art. 49: by 31 March).
        assert report.first_published_at.year == report.year + 1
    assert live(pm.DisclosedDocumentPage).filter(pdf__isnull=False).exists()
    listed = [
        p.specific
        for p in Page.objects.live().public()
        if isinstance(p.specific, pm.DisclosureFields) and p.specific.in_catalogue
    ]
    categories = {p.category for p in listed}
    assert len(categories) >= 12, categories
    assert len({p.topic for p in listed}) >= 10
    entries = pm.CatalogueEntry.objects.filter(is_public=True)
    if entries.exists():  # the catalogue numbers pages on publication (portal/catalogue.py)
        assert entries.count() == len(listed)
        assert {e.category for e in entries} == categories
        for entry in entries.select_related("page"):
            assert entry.published_at == entry.page.first_published_at


@pytest.mark.django_db
def test_investment_projects_and_pages_with_galleries_and_a_video(loaded):
    projects = list(live(pm.ProjectPage))
    assert 5 <= len(projects) <= 6
    assert len({p.sector for p in projects}) >= 5
    assert len({p.status for p in projects}) == 3
    for project in projects:
        assert project.investment > 0 and project.contact_name and project.cover_id
        assert project.contact_phone.startswith("0999-0")
    investment = section("zsyz")
    pages = {p.slug: p for p in live(pm.StandardPage).child_of(investment)}
    assert {"tzzc", "zyby", "tzhj"} <= set(pages)
    for slug in ("tzzc", "zyby", "tzhj"):
        galleries = blocks_of(pages[slug], "gallery")
        assert galleries and len(galleries[0]["images"]) >= 3, slug
    assert blocks_of(pages["tzhj"], "video")


@pytest.mark.django_db
def test_a_video_block_has_its_mp4_file_and_a_poster(loaded):
    videos = [v for page in Page.objects.live().specific() for v in blocks_of(page, "video")]
    assert videos
    for value in videos:
        document = value["video"]
        assert document.file.name.endswith(".mp4")
        with document.open_file() as handle:
            content = handle.read()
        assert b"ftyp" in content[:16] and len(content) < 300 * 1024
        assert value["poster"].description and value["title"] and value["transcript"]
        assert value["poster"].width == 960 and value["poster"].height == 540


@pytest.mark.django_db
def test_topics_have_banners_and_articles(loaded):
    topics = list(live(pm.TopicPage))
    assert len(topics) == 2
    for topic in topics:
        assert topic.banner_id and topic.banner.width > topic.banner.height * 3
        assert live(pm.ArticlePage).child_of(topic).count() >= 3


@pytest.mark.django_db
def test_leaders_with_placeholder_portraits_positions_and_portfolios(loaded):
    leaders = list(live(pm.LeaderPage).order_by("sort_order"))
    assert 5 <= len(leaders) <= 6
    assert leaders[0].position.endswith("县长") and "主持" in leaders[0].portfolio
    for leader in leaders:
        assert leader.photo_id and leader.portfolio and leader.biography
        assert "不是真人照片" in leader.photo.description
    # The leaders are the demo's own (fictional) county leaders.
    names = {leader.title for leader in leaders}
    holders = RoleAssignment.objects.filter(role=Role.COUNTY_LEADER, unit=None)
    assert len(names & {a.user.real_name for a in holders}) >= 5


# --- quality of what was loaded -------------------------------------------------------------


@pytest.mark.django_db
def test_every_image_has_a_description_and_every_image_block_alt_text(loaded):
    images = get_image_model().objects.all()
    assert images.count() >= 50
    assert not images.filter(description="").exists()
    for image in images:
        assert image.file_size < 200 * 1024 and image.width <= 1200
    figures = [f for page in Page.objects.specific() for f in blocks_of(page, "figure")]
    assert len(figures) >= 20
    for value in figures:
        assert value["image"].contextual_alt_text or value["image"].decorative


@pytest.mark.django_db
def test_every_live_page_passes_the_pre_publication_checks(loaded):
    # No personal data, no sensitive word, no broken link, no image without alt text.
    from zhengtong.portal.checks import check_page

    for page in Page.objects.live().specific().exclude(depth=1):
        assert check_page(page) == [], page.url_path


@pytest.mark.django_db
def test_site_settings_identify_the_fictional_site(loaded):
    from wagtail.models import Site

    settings = pm.SiteSettings.for_site(Site.objects.get(is_default_site=True))
    office = Unit.objects.get(kind=UnitKind.OFFICE, name__endswith="人民政府办公室")
    assert settings.sponsor == "禾溪县人民政府" and settings.organiser == office.name
    assert settings.contact_phone == office.phone
    assert settings.site_code.startswith("990101") and len(settings.site_code) == 10
    assert "虚构" in settings.icp_number and "虚构" in settings.police_number
    assert settings.investment_unit.name == "禾溪县投资促进局"
    assert len(settings.sensitive_word_list()) >= 3


@pytest.mark.django_db
def test_demo_editors_and_reviewers_can_show_the_review_steps(loaded):
    office = Unit.objects.get(kind=UnitKind.OFFICE, name__endswith="人民政府办公室")
    bureau = Unit.objects.get(name="禾溪县教育局")
    for unit in (office, bureau):
        roles = set(RoleAssignment.objects.filter(unit=unit).values_list("role", flat=True))
        assert {Role.EDITOR, Role.REVIEWER} <= roles, unit.name
    draft = pm.ArticlePage.objects.get(live=False)
    assert draft.owner_unit == bureau
    assert RoleAssignment.objects.filter(user=draft.owner, role=Role.EDITOR, unit=bureau).exists()


@pytest.mark.django_db
def test_loading_again_changes_nothing(loaded):
    county = Unit.objects.get(kind=UnitKind.COUNTY)
    office = Unit.objects.get(kind=UnitKind.OFFICE, name__endswith="人民政府办公室")
    pages, images = Page.objects.count(), get_image_model().objects.count()
    with pytest.raises(demo.AlreadyFilled):
        demo.load_website(county, office, seed=SEED)
    assert (Page.objects.count(), get_image_model().objects.count()) == (pages, images)


# --- the generators (no database) -------------------------------------------------------------


def test_pictures_are_deterministic_per_seed_small_jpegs():
    import random

    one = demo.draw_picture(random.Random(1), "landscape", "禾溪县 · 测试")
    assert one == demo.draw_picture(random.Random(1), "landscape", "禾溪县 · 测试")
    assert one != demo.draw_picture(random.Random(2), "landscape", "禾溪县 · 测试")
    assert one[:3] == b"\xff\xd8\xff" and len(one) < 120 * 1024
    for scene in demo.SCENES:
        assert demo.draw_picture(random.Random(3), scene, "说明")[:3] == b"\xff\xd8\xff"


def test_the_generated_pdf_is_readable_and_holds_its_chinese_text():
    import io

    from pdfminer.high_level import extract_text

    pdf = demo.simple_pdf("关于公开征求意见的公告", ["第一条 本办法自2026年1月1日起施行。" * 20])
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    text = extract_text(io.BytesIO(pdf)).replace("\n", "")
    assert "关于公开征求意见的公告" in text and "第一条" in text and "2026" in text


def test_the_committed_video_is_a_small_mp4():
    content = demo.VIDEO_FILE.read_bytes()
    assert content[4:8] == b"ftyp" and len(content) < 300 * 1024
