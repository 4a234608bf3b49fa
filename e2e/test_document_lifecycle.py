"""One 通知's whole life, clicked through in Chinese (the default language: no language
cookie is set), each person in their own browser.

The education bureau's clerk drafts a 通知 to three towns on the new-draft page and
submits it: the bureau head reviews (核稿), the heads of the finance bureau and of the
housing bureau countersign (会签), the bureau head signs it off (签发, 主动公开). The clerk
issues it as 教发〔YYYY〕1号 and downloads its PDF. The three town clerks sign for it
(签收): one on the document page, one from the 待签收 list, one from their to-do list.
In 东湖镇 the signed-for document goes through the incoming flow: the clerk proposes
(拟办) to the town head, who instructs (批办) a handler and a reader; the reader reads
(传阅), the handler reports done (承办); the clerk closes it (办结) with a reply to the
sender and archives a copy (定期10年). Last the bureau clerk archives the original (永久),
and the document page's trail lists every step in order."""

import re

import pytest
from django.utils import timezone

from zhengtong.documents import services as documents
from zhengtong.org.models import Role

from .conftest import TOWNS, axe_serious, sign_in

TITLE = "关于做好秋季森林防火工作的通知"
BODY = "各镇（乡）人民政府：\n请认真做好今年秋季森林防火工作，加强巡查，落实值守。"


@pytest.fixture
def people(county):
    """The bureau's clerk and head, the finance and housing heads, the three towns'
    clerks, and 东湖镇's head, a handler and a reader."""
    dh, xs, nh = county.towns
    staff = county.staff
    staff("edu_clerk", county.education, "王小梅", Role.CLERK)
    staff("edu_head", county.education, "李局长", Role.UNIT_HEAD)
    staff("fin_head", county.finance, "陈局长", Role.UNIT_HEAD)
    staff("zj_head", county.housing, "张局长", Role.UNIT_HEAD)
    staff("dh_clerk", dh, "赵文书", Role.CLERK)
    staff("xs_clerk", xs, "钱文书", Role.CLERK)
    staff("nh_clerk", nh, "吴文书", Role.CLERK)
    staff("dh_head", dh, "刘镇长", Role.UNIT_HEAD)
    staff("dh_handler", dh, "孙干事")
    staff("dh_reader", dh, "周副镇长")


@pytest.fixture
def person(browser, live_server):
    """person(username): a page signed in as that person, in their own browser, in the
    default language (Chinese; no language cookie)."""
    contexts = []

    def open_as(username):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        sign_in(page, live_server, username)
        page.wait_for_url(f"{live_server.url}/oa/")
        page.get_by_role("heading", name="待办", level=1).wait_for()
        assert page.locator("html").get_attribute("lang") == "zh-Hans"
        return page

    yield open_as
    for context in contexts:
        context.close()


def said(page, text):
    """Wait for the one-off message the page shows after an action."""
    page.get_by_role("status").filter(has_text=text).wait_for()


def from_todo(page, item):
    """Open an item of the person's to-do list (工作台 → 待办) by its title."""
    page.get_by_role("link", name="待办", exact=True).click()
    page.get_by_role("heading", name="待办", level=1).wait_for()
    page.locator("table.list tbody tr").get_by_role("link", name=item, exact=True).click()


def test_a_notice_from_draft_to_archive_in_chinese(person, live_server, county, people):
    year = timezone.localdate().year
    number = f"教发〔{year}〕1号"

    # 1. The bureau clerk drafts the 通知 on the new-draft page ...
    clerk = person("edu_clerk")
    clerk.get_by_role("navigation", name="主导航").get_by_role("link", name="公文").click()
    clerk.get_by_role("heading", name="公文", level=1).wait_for()
    clerk.get_by_role("link", name="新建草稿").click()
    clerk.get_by_role("heading", name="新建草稿", level=1).wait_for()
    clerk.get_by_label(re.compile(r"^文种")).select_option(label="通知")
    clerk.get_by_label(re.compile(r"^行文方向")).select_option(label="下行文")
    clerk.get_by_label(re.compile(r"^标题")).fill(TITLE)
    clerk.get_by_label(re.compile(r"^正文")).fill(BODY)
    recipients = clerk.get_by_role("group", name="主送机关")
    for town in TOWNS:
        recipients.get_by_label(town, exact=True).check()
    clerk.get_by_role("button", name="保存草稿").click()
    clerk.wait_for_url(re.compile(r"/oa/documents/\d+/$"))
    said(clerk, "草稿已保存。")
    detail = clerk.url
    assert clerk.get_by_role("heading", name=TITLE, level=1).is_visible()
    assert "草稿" in clerk.get_by_role("heading", level=1).inner_text()

    # ... and submits it: the head reviews, both other bureaus' heads countersign, the
    # head signs it off.
    clerk.get_by_label(re.compile(r"^核稿人")).select_option(label="李局长 (县教育局)")
    countersigners = clerk.get_by_role("group", name="会签人")
    countersigners.get_by_label("测试县财政局 — 陈局长").check()
    countersigners.get_by_label("测试县住建局 — 张局长").check()
    clerk.get_by_label(re.compile(r"^签发人")).select_option(label="李局长 (县教育局)")
    clerk.get_by_role("button", name="提交", exact=True).click()
    said(clerk, "已提交，下一步由李局长核稿。")

    # 2. The head finds it in the to-do list and reviews it (同意).
    head = person("edu_head")
    from_todo(head, f"核稿：{TITLE}")
    head.wait_for_url(detail)
    head.get_by_role("link", name="待您办理：核稿").wait_for()
    head.get_by_label("意见", exact=True).fill("同意，请财政局、住建局会签。")
    head.get_by_role("button", name="同意", exact=True).click()
    said(head, "核稿已通过。")

    # The two department heads countersign at the same time, each from their own list.
    countersigns = [("fin_head", "会签同意，经费按预算安排。"), ("zj_head", "会签同意。")]
    for username, opinion in countersigns:
        other = person(username)
        from_todo(other, f"会签：{TITLE}")
        other.wait_for_url(detail)
        other.get_by_label("意见", exact=True).fill(opinion)
        other.get_by_role("button", name="同意", exact=True).click()
        said(other, "会签已通过。")

    # The head signs it off and decides it is disclosed proactively.
    from_todo(head, f"签发：{TITLE}")
    head.wait_for_url(detail)
    head.get_by_role("link", name="待您办理：签发").wait_for()
    head.get_by_label("意见", exact=True).fill("同意印发。")
    head.get_by_role("group", name="信息公开").get_by_label("主动公开").check()
    head.get_by_role("button", name="签发", exact=True).click()
    said(head, "已签发。发文单位文书现在可以发文。")

    # 3. The clerk issues it: the number is taken and shown.
    from_todo(clerk, f"待发文：{TITLE}")
    clerk.wait_for_url(detail)
    clerk.get_by_role("link", name="已签发：可以发文").wait_for()
    clerk.get_by_role("button", name="确认发文").click()
    said(clerk, f"已发文，发文字号为{number}。")
    assert clerk.locator(".doc-number").inner_text() == number
    assert number in clerk.locator("dl.facts").inner_text()
    with clerk.expect_download() as download:
        clerk.get_by_role("link", name="下载PDF（国家标准版式）").click()
    assert download.value.suggested_filename == f"{number}.pdf"
    assert download.value.path().read_bytes().startswith(b"%PDF")

    # 4. The three towns sign for it. 东湖镇 on the document page ...
    dh_clerk = person("dh_clerk")
    dh_clerk.get_by_role("navigation", name="主导航").get_by_role("link", name="公文").click()
    assert dh_clerk.get_by_role("link", name="待签收").get_attribute("aria-current") == "page"
    dh_clerk.get_by_role("link", name=TITLE).click()
    dh_clerk.wait_for_url(detail)
    dh_clerk.get_by_role("link", name="已发至您的单位：请签收").wait_for()
    dh_clerk.get_by_role("button", name="以东湖镇名义签收").click()
    said(dh_clerk, "已以东湖镇名义签收。")

    # ... 西山镇 from the 待签收 list, ticking it and signing for the selection ...
    xs_clerk = person("xs_clerk")
    xs_clerk.get_by_role("navigation", name="主导航").get_by_role("link", name="公文").click()
    xs_clerk.get_by_role("heading", name="公文", level=1).wait_for()
    xs_clerk.get_by_role("link", name="待签收").click()
    xs_clerk.get_by_label(f"选择“{TITLE}”").check()
    xs_clerk.get_by_role("button", name="签收所选公文").click()
    said(xs_clerk, "已签收1件公文。")
    assert xs_clerk.get_by_text("暂无公文。").is_visible()

    # ... and 南河乡 from its to-do list, on the document page.
    nh_clerk = person("nh_clerk")
    from_todo(nh_clerk, f"签收：{number} {TITLE}")
    nh_clerk.wait_for_url(detail)
    nh_clerk.get_by_role("button", name="以南河乡名义签收").click()
    said(nh_clerk, "已以南河乡名义签收。")

    # 5. In 东湖镇, signing for registered it in the incoming book: the clerk opens the
    # record from the document page and proposes the handling to the town head.
    dh_clerk.get_by_role("link", name=f"东湖镇收文登记：收〔{year}〕1号").click()
    dh_clerk.wait_for_url(re.compile(r"/oa/documents/incoming/\d+/$"))
    record = dh_clerk.url
    dh_clerk.get_by_role("heading", name=TITLE, level=1).wait_for()
    assert "登记" in dh_clerk.get_by_role("heading", level=1).inner_text()
    assert number in dh_clerk.locator("dl.facts").first.inner_text()
    dh_clerk.get_by_label(re.compile(r"^拟办意见")).fill("请孙干事承办，周副镇长阅。")
    dh_clerk.get_by_label(re.compile(r"^批办负责人")).select_option(label="刘镇长")
    dh_clerk.get_by_role("button", name="提交拟办意见").click()
    said(dh_clerk, "已拟办，下一步由刘镇长批办。")

    # The town head instructs one handler and one reader.
    dh_head = person("dh_head")
    from_todo(dh_head, f"批办：{TITLE}")
    dh_head.wait_for_url(record)
    dh_head.get_by_label(re.compile(r"^批办意见")).fill("同意，请于五个工作日内办结。")
    dh_head.get_by_role("group", name="承办人").get_by_label("孙干事").check()
    dh_head.get_by_role("group", name="传阅人").get_by_label("周副镇长").check()
    dh_head.get_by_label(re.compile(r"^办理期限（工作日）")).fill("5")
    dh_head.get_by_role("button", name="提交批办意见").click()
    said(dh_head, "已批办，已通知承办人和传阅人。")

    # The reader reads it; the handler reports it done.
    reader = person("dh_reader")
    from_todo(reader, f"传阅：{TITLE}")
    reader.wait_for_url(record)
    reader.get_by_label("意见", exact=True).fill("已阅。")
    reader.get_by_role("button", name="标记为已阅").click()
    said(reader, "已标记为已阅。")

    handler = person("dh_handler")
    from_todo(handler, f"承办：{TITLE}")
    handler.wait_for_url(record)
    # "办理情况" is also the name of the page's handling section: ask for the text box.
    handler.get_by_label("办理说明").fill("已完成辖区山林排查，巡查值守已落实。")
    handler.get_by_role("button", name="承办完毕").click()
    said(handler, "已报告承办完毕。")

    # The clerk closes it with a reply to the bureau, and archives the copy (定期10年).
    from_todo(dh_clerk, f"办结：{TITLE}")
    dh_clerk.wait_for_url(record)
    dh_clerk.get_by_role("link", name="已承办：请办结").wait_for()
    dh_clerk.get_by_label(re.compile(r"^办理结果")).fill("已按要求完成秋季森林防火各项工作。")
    dh_clerk.get_by_label("将办理结果答复来文单位").check()
    dh_clerk.get_by_role("button", name="办结", exact=True).click()
    said(dh_clerk, "已办结，办理结果已答复来文单位。")
    dh_clerk.get_by_role("group", name="保管期限").get_by_label("定期10年").check()
    dh_clerk.get_by_role("button", name="归档", exact=True).click()
    town_archive = f"{documents.fonds_of(county.towns[0])}-{year}-D10-0001"
    said(dh_clerk, f"已归档，档号为{town_archive}。")
    assert dh_clerk.locator(".archive-number").inner_text() == town_archive
    assert "办结" in dh_clerk.get_by_role("heading", level=1).inner_text()
    comments = dh_clerk.locator("table.incoming-tasks tbody").inner_text()
    assert "已阅。" in comments and "已完成辖区山林排查" in comments

    # 6. The bureau clerk finds the town's reply in the messages, opens the document from
    # it and archives the original (永久) from the document page.
    main_nav = clerk.get_by_role("navigation", name="主导航")
    main_nav.get_by_role("link", name=re.compile("^消息")).click()
    clerk.get_by_role("heading", name="消息", level=1).wait_for()
    reply = clerk.locator("ul.inbox li", has_text=f"东湖镇答复：{TITLE}")
    assert "已按要求完成秋季森林防火各项工作。" in reply.inner_text()
    reply.get_by_role("button", name=f"东湖镇答复：{TITLE}").click()
    clerk.wait_for_url(detail)
    clerk.get_by_role("link", name="归档原件").click()
    clerk.get_by_role("heading", name="公文归档", level=1).wait_for()
    clerk.get_by_role("group", name="保管期限").get_by_label("永久").check()
    clerk.get_by_role("button", name="归档", exact=True).click()
    clerk.wait_for_url(detail)
    original = f"{documents.fonds_of(county.education)}-{year}-Y-0001"
    said(clerk, f"已归档，档号为{original}。")
    assert original in clerk.locator("section", has_text="办理与归档").inner_text()

    # 7. The trail lists every step, oldest first, with who took it.
    trail = clerk.locator("table.doc-trail tbody tr")
    assert trail.locator("th").all_inner_texts() == [
        "拟稿",
        "提交",
        "核稿",
        "会签",
        "会签",
        "签发",
        "发文",
        "签收",
        "签收",
        "签收",
        "归档",
    ]
    assert trail.locator("td:nth-child(3)").all_inner_texts() == [
        "王小梅",
        "王小梅",
        "李局长",
        "陈局长",
        "张局长",
        "李局长",
        "王小梅",
        "赵文书",
        "钱文书",
        "吴文书",
        "王小梅",
    ]
    assert trail.locator("td:nth-child(4)").all_inner_texts()[7:10] == list(TOWNS)

    # 8. The document page and the incoming record page pass the accessibility check.
    assert clerk.locator("html").get_attribute("lang") == "zh-Hans"
    assert axe_serious(clerk) == []
    dh_clerk.reload()
    assert dh_clerk.locator("html").get_attribute("lang") == "zh-Hans"
    assert axe_serious(dh_clerk) == []
