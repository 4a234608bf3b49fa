"""A disclosure request's whole way through the browser (依申请公开): a citizen applies
online (SMS code and captcha read through public.testing, as a person reads the phone
and the picture) and notes the number and password; the education bureau's clerk
issues a correction notice; the citizen looks the request up and corrects it; the
bureau's head extends the reply period; the clerk drafts a "provided" reply, the head
approves it, the clerk sends it; the citizen downloads the reply PDF. axe-core checks
every page. The pages run in English (their Chinese translations come later)."""

import pytest

from zhengtong.disclosure.models import DisclosureRequest, State
from zhengtong.org.models import Role
from zhengtong.public.testing import captcha_answer, last_sms_code

from .conftest import axe_serious, sign_in

UNIT = "测试县教育局"  # the name of the county fixture's education bureau
MOBILE = "13900007777"
CITIZEN_ID = "330102199003071239"  # fictional; check character computed below


@pytest.fixture
def education_staff(county):
    """The education bureau's clerk and head."""
    return [
        county.staff("edu_clerk", county.education, "王小梅", Role.CLERK),
        county.staff("edu_head", county.education, "李局长", Role.UNIT_HEAD),
    ]


def english(page, live_server):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


def no_serious_issue(page, what):
    problems = axe_serious(page)
    assert not problems, f"{what}: {[(v['id'], v['help']) for v in problems]}"


def citizen_id():
    from zhengtong.core.validators import citizen_id_check_char

    return CITIZEN_ID[:17] + citizen_id_check_char(CITIZEN_ID[:17])


def staff_page(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    sign_in(page, live_server, username)
    page.wait_for_url(f"{live_server.url}/oa/")
    english(page, live_server)
    return page


def open_request(page, live_server, number):
    page.goto(f"{live_server.url}/oa/disclosure-requests/")
    no_serious_issue(page, "staff list")
    page.get_by_role("link", name=number).click()
    page.get_by_role("heading", name=number, level=1).wait_for()
    no_serious_issue(page, "staff detail")


def test_a_request_goes_through_correction_and_extension_to_a_reply(
    browser, live_server, education_staff
):
    # The citizen, on a phone-sized screen, applies online.
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 800})
    citizen = context.new_page()
    citizen.set_default_timeout(20000)
    english(citizen, live_server)
    citizen.goto(f"{live_server.url}/xxgk/ysq/")
    no_serious_issue(citizen, "guide")
    citizen.get_by_role("link", name="Apply online").click()
    no_serious_issue(citizen, "application form")
    citizen.get_by_label("Organ you are asking").select_option(label=UNIT)
    citizen.get_by_label("Citizen ID number (citizens)").fill(citizen_id())
    citizen.get_by_label("Description of the information you ask for").fill(
        "2025年义务教育学校新建项目的批复文件"
    )
    citizen.get_by_label("Your name").fill("陈小明")
    citizen.get_by_label("Mobile number").fill(MOBILE)
    token = citizen.locator('input[name="captcha_token"]').input_value()
    citizen.get_by_label("Characters in the picture").fill(captcha_answer(token))
    citizen.get_by_role("button", name="Send the code by SMS").click()
    citizen.get_by_label("SMS code").fill(last_sms_code(MOBILE))
    citizen.get_by_role("button", name="Submit the request").click()
    citizen.wait_for_url(f"{live_server.url}/xxgk/ysq/hz/")
    no_serious_issue(citizen, "receipt")
    number = citizen.locator(".receipt dd strong").first.inner_text().strip()
    password = citizen.locator(".receipt .password").inner_text().strip()
    req = DisclosureRequest.objects.get()
    assert req.number == number

    # The clerk asks for a correction.
    clerk = staff_page(browser, live_server, "edu_clerk")
    open_request(clerk, live_server, number)
    clerk.locator('[name="correction-items"]').fill("请写明项目所在乡镇和批复年份。")
    clerk.get_by_role("button", name="Issue a correction notice").click()
    clerk.get_by_text("请写明项目所在乡镇和批复年份。").first.wait_for()

    # The citizen looks the request up with number and password and corrects it.
    citizen.goto(f"{live_server.url}/xxgk/ysq/cx/")
    no_serious_issue(citizen, "lookup")
    citizen.get_by_label("Request number").fill(number)
    citizen.get_by_label("Query password").fill(password)
    citizen.get_by_role("button", name="Look up").click()
    citizen.get_by_role("heading", name=number, level=1).wait_for()
    no_serious_issue(citizen, "status with correction form")
    citizen.get_by_label("Your correction").fill("城关镇第二实验小学，2025年批复。")
    citizen.get_by_role("button", name="Send the correction").click()
    citizen.get_by_role("heading", name=number, level=1).wait_for()
    req.refresh_from_db()
    assert req.state == State.PROCESSING and req.correction.answered_on

    # The head extends the reply period.
    head = staff_page(browser, live_server, "edu_head")
    open_request(head, live_server, number)
    head.locator('[name="extend-days"]').fill("10")
    head.locator('[name="extend-reason"]').fill("需调阅往年档案。")
    head.get_by_role("button", name="Extend the reply period").click()
    head.get_by_role("heading", name="Extension").wait_for()
    req.refresh_from_db()
    assert req.extension_days == 10

    # The clerk drafts the reply, the head approves it, the clerk sends it.
    open_request(clerk, live_server, number)
    clerk.locator('[name="reply-kind"][value="provided"]').check()
    clerk.locator('[name="reply-information"]').fill("批复文件：禾教〔2025〕8号，全文如下……")
    clerk.get_by_role("button", name="Draft the reply").click()
    clerk.get_by_role("heading", name="Reply", exact=True).wait_for()
    open_request(head, live_server, number)
    head.get_by_role("button", name="Approve the reply").click()
    head.get_by_role("link", name="Download the reply (PDF)").wait_for()
    open_request(clerk, live_server, number)
    clerk.get_by_role("button", name="Send the reply").click()
    clerk.get_by_text("Done: Send the reply.").wait_for()
    req.refresh_from_db()
    assert req.state == State.REPLIED

    # The citizen sees the reply and downloads the PDF.
    citizen.reload()
    no_serious_issue(citizen, "status with reply")
    with citizen.expect_download() as download:
        citizen.get_by_role("link", name="Download the reply (PDF)").click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    context.close()
    clerk.context.close()
    head.context.close()
