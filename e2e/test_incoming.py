"""An incoming document's whole way through the browser (收文), each person in their own
browser: the education bureau has issued a 通知 to 东湖镇; the town clerk signs for it on
the document page, which registers it in the town's incoming book, and proposes the
handling to the town head; the head instructs one handler and one reader; the reader
reads it, the handler reports it done; the clerk closes it with a reply to the sender
and archives it (定期10年). The pages run in English."""

import re

import pytest
from django.utils import timezone

from zhengtong.documents import services as documents
from zhengtong.documents.models import Disclosure, DocType
from zhengtong.org.models import Role

from .conftest import axe_serious, sign_in

TITLE = "关于做好秋季森林防火工作的通知"
TOWN = "东湖镇"  # the county fixture's first town


@pytest.fixture
def issued(county):
    """The notice the education bureau issued to 东湖镇, and the people of both."""
    education, town = county.education, county.towns[0]
    staff = county.staff
    people = {
        "edu_clerk": staff("edu_clerk", education, "王小梅", Role.CLERK),
        "edu_head": staff("edu_head", education, "李局长", Role.UNIT_HEAD),
        "town_clerk": staff("town_clerk", town, "赵文书", Role.CLERK),
        "town_head": staff("town_head", town, "刘镇长", Role.UNIT_HEAD),
        "handler": staff("town_handler", town, "孙干事"),
        "reader": staff("town_reader", town, "周副镇长"),
    }
    # The bureau issues the notice to the town (the outgoing side is tested in
    # test_documents.py).
    clerk, head = people["edu_clerk"], people["edu_head"]
    document = documents.create_draft(
        clerk,
        issuing_unit=education,
        doc_type=DocType.NOTICE,
        title=TITLE,
        body="各镇（乡）：\n请认真做好秋季森林防火工作。",
        main_recipients=[town],
    )
    documents.submit(clerk, document, reviewer=head, signer=head)
    documents.approve(head, document, opinion="同意")
    documents.approve(head, document, disclosure=Disclosure.PROACTIVE)
    document = documents.issue(clerk, document)
    return {"town": town, "document": document, **people}


@pytest.fixture
def person(browser, live_server):
    """person(username) is a signed-in page in its own browser context, in English."""
    contexts = []

    def open_as(username, viewport=None):
        context = browser.new_context(
            locale="zh-CN", viewport=viewport or {"width": 1280, "height": 900}
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        sign_in(page, live_server, username)
        page.wait_for_url(f"{live_server.url}/oa/")
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_an_incoming_notice_from_sign_for_to_archive(person, live_server, issued):
    document = issued["document"]
    book = f"{live_server.url}/oa/documents/incoming/"

    # The town clerk signs for it on the document page: it is registered at once.
    clerk = person("town_clerk")
    clerk.goto(f"{live_server.url}/oa/documents/{document.pk}/")
    clerk.get_by_role("button", name=f"Sign for it for {TOWN}").click()
    clerk.get_by_text(f"Signed for on behalf of {TOWN}.").wait_for()

    clerk.goto(book)
    clerk.get_by_role("heading", name="Incoming documents (收文)", level=1).wait_for()
    year = timezone.localdate().year
    row = clerk.locator("table.list tbody tr", has_text=TITLE)
    assert f"收〔{year}〕1号" in row.inner_text()
    assert document.number in row.inner_text()
    assert axe_serious(clerk) == []

    # ... and proposes the handling to the town head.
    row.get_by_role("link", name=TITLE).click()
    clerk.wait_for_url(re.compile(r"/oa/documents/incoming/\d+/$"))
    detail = clerk.url
    assert axe_serious(clerk) == []
    clerk.get_by_label("Proposed handling (拟办意见)").fill("请孙干事办理，周副镇长阅。")
    clerk.get_by_label("Unit head to instruct").select_option(label="刘镇长")
    clerk.get_by_role("button", name="Propose", exact=True).click()
    clerk.get_by_text("Proposed: 刘镇长 instructs next.").wait_for()

    # The head instructs one handler and one reader.
    head = person("town_head")
    head.goto(detail)
    head.get_by_label("Instruction (批办意见)").fill("同意，请于五个工作日内办结。")
    head.get_by_role("group", name="Handlers (承办)").get_by_label("孙干事").check()
    head.get_by_role("group", name="Readers (传阅)").get_by_label("周副镇长").check()
    head.get_by_label("Handling due in (working days)").fill("5")
    assert axe_serious(head) == []
    head.get_by_role("button", name="Instruct", exact=True).click()
    head.get_by_text("Instructed: the handlers and readers have been asked.").wait_for()

    # The reader reads it; the handler reports it done.
    reader = person("town_reader")
    reader.goto(detail)
    reader.get_by_label("Comment").fill("已阅。")
    reader.get_by_role("button", name="Mark as read").click()
    reader.get_by_text("Marked as read.").wait_for()

    handler = person("town_handler")
    handler.goto(detail)
    handler.get_by_label("What was done").fill("已完成辖区排查，报告已报送。")
    handler.get_by_role("button", name="Report done").click()
    handler.get_by_text("Reported done.").wait_for()

    # The clerk closes it with a reply to the sender, and archives it.
    clerk.goto(detail)
    clerk.get_by_label("Result (办理结果)").fill("已按要求完成秋季森林防火工作。")
    clerk.get_by_label("Reply to the sender with this result (答复)").check()
    clerk.get_by_role("button", name="Close", exact=True).click()
    clerk.get_by_text("Closed, and the result was sent to the sender.").wait_for()
    clerk.get_by_role("group", name="Retention (保管期限)").get_by_label("定期10年").check()
    clerk.get_by_role("button", name="Archive", exact=True).click()
    number = f"{documents.fonds_of(issued['town'])}-{year}-D10-0001"
    clerk.get_by_text(f"Archived as {number}.").wait_for()
    assert clerk.locator(".archive-number").inner_text() == number

    comments = clerk.locator("table.incoming-tasks tbody").inner_text()
    assert "已阅。" in comments and "已完成辖区排查，报告已报送。" in comments
    assert "Closed (办结)" in clerk.locator("h1").inner_text()
    clerk.reload()
    assert axe_serious(clerk) == []
    clerk.goto(book)
    assert "Closed (办结)" in clerk.locator("table.list tbody tr", has_text=TITLE).inner_text()
    assert axe_serious(clerk) == []


def test_the_incoming_pages_fit_a_phone(person, live_server, issued):
    distribution = issued["document"].distributions.get()
    documents.sign_for(issued["town_clerk"], distribution)
    record = distribution.incoming
    clerk = person("town_clerk", viewport={"width": 360, "height": 740})
    base = f"{live_server.url}/oa/documents/incoming/"
    for path in (base, f"{base}{record.pk}/", f"{base}register/", f"{base}stats/"):
        clerk.goto(path)
        width = clerk.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width}px wide on a 360px screen"
        assert axe_serious(clerk) == [], path
