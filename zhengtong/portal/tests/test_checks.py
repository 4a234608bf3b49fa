"""Pre-publication checks (portal/checks.py): what keeps a page from going live."""

import json

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from zhengtong.portal import models as pm
from zhengtong.portal.checks import check_page
from zhengtong.portal.tests.conftest import add_article
from zhengtong.portal.workflow import PublicationRefused

VALID_ID = "11010519491231002X"  # GB 11643's own example (docs/conformance.md VAL-1)
MOBILE = "13812345678"


def codes(page):
    return [p.code for p in check_page(page)]


def article(**fields):
    fields.setdefault("title", "县教育局召开秋季开学工作会议")
    return pm.ArticlePage(**fields)


def body(*blocks):
    return json.dumps([{"type": kind, "value": value} for kind, value in blocks])


def image(description=""):
    return Image.objects.create(
        title="开学典礼", file=get_test_image_file(), description=description
    )


# --- personal data --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"title": f"关于{VALID_ID}的公示"},
        {"summary": f"申请人身份证号：{VALID_ID}"},
        {"body": body(("paragraph", f"<p>身份证号 <b>{VALID_ID}</b></p>"))},
        {"body": body(("table", {"data": [["姓名", "证件号"], ["张三", VALID_ID]]}))},
        # full-width digits typed with a Chinese input method
        {"summary": "身份证：１１０１０５１９４９１２３１００２Ｘ"},
    ],
)
def test_an_unmasked_citizen_id_anywhere_in_the_page_is_a_problem(site, fields):
    problems = check_page(article(**fields))
    assert "personal_citizen_id" in [p.code for p in problems]
    # The message shows the number masked, never whole.
    assert all(VALID_ID not in str(p.message) for p in problems)
    assert any("1101**********002X" in str(p.message) for p in problems)


@pytest.mark.parametrize(
    "text",
    [f"联系人手机 {MOBILE}", "联系电话：138-1234-5678", "请拨 +86 138 1234 5678"],
)
def test_an_unmasked_mobile_number_is_a_problem(site, text):
    assert "personal_mobile" in codes(article(summary=text))


@pytest.mark.parametrize(
    "text",
    [
        "身份证号：1101**********002X",
        "手机：138****5678",
        "咨询电话：0571-88123456",  # an office landline is public
        "身份证号：110105194912310021",  # wrong check character: not an ID number
        "文号：青政发〔2026〕12号，共13页",
    ],
)
def test_masked_numbers_and_landlines_are_not_problems(site, text):
    assert codes(article(summary=text)) == []


def test_a_figure_caption_and_an_attached_file_name_are_checked(site):
    document = Document.objects.create(title=f"名单{MOBILE}", file=ContentFile(b"x", "list.pdf"))
    page = article(body=body(("attachments", {"files": [document.pk]})))
    assert "personal_mobile" in codes(page)
    img = image("学生排队入校")
    captioned = article(
        body=body(
            (
                "figure",
                {
                    "image": {"image": img.pk, "alt_text": "学生入校", "decorative": False},
                    "caption": f"家长 {MOBILE}",
                },
            )
        )
    )
    assert "personal_mobile" in codes(captioned)


def test_an_investment_projects_contact_telephone_is_public_by_design(site):
    project = pm.ProjectPage(
        title="物流园招商项目",
        sector="logistics",
        location="河西镇",
        investment=1000,
        contact_name="王经理",
        contact_phone=MOBILE,
    )
    assert "personal_mobile" not in codes(project)


# --- links ---------------------------------------------------------------------------------------


def test_links_to_unpublished_or_missing_pages_and_missing_documents_are_problems(site, news):
    draft = add_article(news, "尚未发布的稿件", publish=False)
    live = add_article(news, "已发布的稿件")
    page = article(
        body=body(
            (
                "paragraph",
                f'<p><a linktype="page" id="{draft.pk}">草稿</a>'
                f'<a linktype="page" id="999999">已删除</a>'
                f'<a linktype="document" id="999999">附件</a>'
                f'<a linktype="page" id="{live.pk}">正常</a></p>',
            )
        )
    )
    found = codes(page)
    assert found.count("broken_page_link") == 1  # the same finding once per place
    assert "broken_document_link" in found
    problems = check_page(page)
    assert len([p for p in problems if p.code == "broken_page_link"]) == 1


def test_a_path_of_this_site_that_leads_nowhere_is_a_problem(site, news):
    add_article(news, "秋季开学", slug="qiuji")
    fine = article(body=body(("paragraph", '<p><a href="/zwdt/qiuji/">开学</a></p>')))
    assert codes(fine) == []
    broken = article(body=body(("paragraph", '<p><a href="/zwdt/no-such-page/">旧链接</a></p>')))
    assert codes(broken) == ["broken_path_link"]
    outside = article(body=body(("paragraph", '<p><a href="https://www.gov.cn/">国务院</a></p>')))
    assert codes(outside) == []


# --- images --------------------------------------------------------------------------------------


def test_an_image_block_needs_alt_text_unless_decorative(site):
    img = image()

    def figure(alt, decorative):
        return article(
            body=body(
                (
                    "figure",
                    {
                        "image": {"image": img.pk, "alt_text": alt, "decorative": decorative},
                        "caption": "",
                    },
                )
            )
        )

    assert codes(figure("", False)) == ["image_without_alt"]
    assert codes(figure("新生在操场集合", False)) == []
    assert codes(figure("", True)) == []


def test_a_headline_picture_needs_a_description(site):
    assert codes(article(cover=image())) == ["image_without_alt"]
    assert codes(article(cover=image("县委书记调研秋收"))) == []


# --- sensitive words ---------------------------------------------------------------------------


def test_words_of_the_sensitive_words_list_are_problems(site):
    settings = pm.SiteSettings.for_site(site.get_site())
    settings.sensitive_words = "内部资料\n\n 绝密 \n"
    settings.save()
    assert codes(article(summary="本文为内部资料")) == ["sensitive_word"]
    assert codes(article(body=body(("paragraph", "<p>绝密</p>")))) == ["sensitive_word"]
    assert codes(article(summary="公开资料")) == []


def test_a_clean_page_has_no_problems(site, news):
    assert check_page(add_article(news)) == []


# --- the publication guard ---------------------------------------------------------------------


def draft(parent, title, **fields):
    page = pm.ArticlePage(title=title, live=False, **fields)
    parent.add_child(instance=page)
    page.save_revision()
    return page


def test_no_way_of_publishing_puts_a_page_with_an_id_number_online(site, news):
    page = draft(news, "低保名单", summary=f"户主 {VALID_ID}")
    with pytest.raises(PublicationRefused) as refused:
        page.get_latest_revision().publish()
    assert "1101**********002X" in str(refused.value.message)
    page.refresh_from_db()
    assert not page.live


def test_a_page_created_live_by_code_is_checked_too(site, news):
    with pytest.raises(PublicationRefused):
        news.add_child(instance=pm.ArticlePage(title="名单", summary=f"户主 {VALID_ID}"))
    assert not pm.ArticlePage.objects.filter(title="名单").exists()


def test_a_clean_draft_publishes(site, news):
    page = draft(news, "县城区道路改造通告")
    page.get_latest_revision().publish()
    page.refresh_from_db()
    assert page.live and page.first_published_at is not None


def test_a_problem_messages_names_the_field_and_the_fix(site):
    [problem] = check_page(article(summary=f"手机 {MOBILE}"))
    assert "138****5678" in str(problem.message)
    assert "summary" in str(problem.message)
