"""A consultation's whole way through the browser: the housing bureau's clerk drafts a
consultation in two sections and publishes it; a citizen comments on section 2 (SMS
code and captcha read through public.testing, as a person reads the phone and the
picture); the clerk publishes the comment; the consultation closes at its deadline
(the scheduler's job); the clerk publishes the feedback summary; the public sees the
counts and the summary. axe-core checks every page. The pages run in English (their
Chinese translations come later from the .po file)."""

import datetime
import re

import pytest
from django.utils import timezone

from zhengtong.consultations import services as consultation_services
from zhengtong.consultations.models import Comment, Consultation
from zhengtong.org.models import Role
from zhengtong.public.testing import captcha_answer, last_sms_code

from .conftest import axe_serious, sign_in

TITLE = "禾溪县城区机动车停车管理办法（征求意见稿）"
MOBILE = "13900005678"


@pytest.fixture
def housing_clerk(county):
    return county.staff("housing_clerk", county.housing, "王小梅", Role.CLERK)


def english(page, live_server):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


def no_serious_issue(page, what):
    problems = axe_serious(page)
    assert not problems, f"{what}: {[(v['id'], v['help']) for v in problems]}"


def answer_captcha(page):
    """Answer the picture, if the form shows one (after the SMS code was sent for this
    form, the code is proof enough and the picture may be gone)."""
    if page.locator('input[name="captcha_token"]').count() == 0:
        return
    token = page.locator('input[name="captcha_token"]').input_value()
    page.get_by_label("Characters in the picture").fill(captcha_answer(token))


def test_a_consultation_from_draft_to_published_summary(browser, live_server, housing_clerk):
    staff_context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    clerk = staff_context.new_page()
    clerk.set_default_timeout(15000)
    sign_in(clerk, live_server, "housing_clerk")
    clerk.wait_for_url(f"{live_server.url}/oa/")
    english(clerk, live_server)

    # The clerk drafts the consultation and publishes it.
    clerk.goto(f"{live_server.url}/oa/consultations/")
    no_serious_issue(clerk, "staff list")
    clerk.get_by_role("link", name="New consultation").click()
    no_serious_issue(clerk, "draft form")
    clerk.get_by_label("Title").fill(TITLE)
    clerk.get_by_label("Explanatory note").fill("为规范城区停车秩序，起草本办法。")
    closes = timezone.localtime() + datetime.timedelta(days=30)
    clerk.get_by_label("Closes at").fill(closes.strftime("%Y-%m-%dT%H:%M"))
    clerk.locator('[name="sections-0-heading"]').fill("总则")
    clerk.locator('[name="sections-0-text"]').fill("第一条 为规范本县城区停车秩序，制定本办法。")
    clerk.locator('[name="sections-1-heading"]').fill("收费管理")
    clerk.locator('[name="sections-1-text"]').fill("第二条 公共停车场实行分时段收费。")
    clerk.get_by_role("button", name="Save").click()
    clerk.wait_for_url(re.compile(r"/oa/consultations/\d+/$"))
    consultation = Consultation.objects.get(title=TITLE)
    clerk.get_by_role("button", name="Publish for comment").click()
    clerk.wait_for_url(re.compile(r"/oa/consultations/\d+/$"))
    assert clerk.get_by_text("Open for comments").first.is_visible()
    no_serious_issue(clerk, "consultation page (staff)")

    # A citizen finds it and comments on section 2.
    public_context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 800})
    citizen = public_context.new_page()
    citizen.set_default_timeout(15000)
    english(citizen, live_server)
    citizen.goto(f"{live_server.url}/hdjl/zj/")
    no_serious_issue(citizen, "public list")
    citizen.get_by_role("link", name=TITLE).click()
    citizen.wait_for_url(f"{live_server.url}/hdjl/zj/{consultation.pk}/")
    no_serious_issue(citizen, "public consultation page")
    width = citizen.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the consultation page is {width}px wide on a 375px phone"
    citizen.locator("#s2").get_by_role("link", name=re.compile("Comment on this section")).click()
    citizen.wait_for_url(re.compile(r"/hdjl/zj/\d+/yj/\?section=\d+"))
    no_serious_issue(citizen, "comment form")
    citizen.get_by_label("Your comment").fill("建议首小时免费，并公布夜间收费标准。")
    citizen.get_by_label("Your name").fill("刘小明")
    citizen.get_by_label("Mobile number").fill(MOBILE)
    answer_captcha(citizen)
    citizen.get_by_role("button", name="Send the code by SMS").click()
    citizen.get_by_text("A code was sent").wait_for()
    citizen.get_by_label("SMS code").fill(last_sms_code(MOBILE))
    answer_captcha(citizen)
    # What was typed before the code was sent is still there.
    assert "首小时免费" in citizen.get_by_label("Your comment").input_value()
    citizen.get_by_role("button", name="Send the comment").click()
    citizen.wait_for_url(re.compile(r"/hdjl/zj/\d+/yj/ok/$"))
    no_serious_issue(citizen, "thank-you page")
    stored = Comment.objects.get()
    assert stored.section.number == 2

    # The clerk checks it and publishes it.
    clerk.goto(f"{live_server.url}/oa/consultations/{consultation.pk}/moderate/")
    no_serious_issue(clerk, "moderation queue")
    clerk.get_by_role("button", name="Publish", exact=True).click()
    clerk.wait_for_url(re.compile(r"/moderate/$"))
    assert clerk.get_by_text("No comments are waiting.").is_visible()

    # The deadline passes: the scheduler's job closes it.
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert consultation_services.close_due_consultations()

    # The clerk publishes the feedback summary.
    clerk.goto(f"{live_server.url}/oa/consultations/{consultation.pk}/summary/")
    no_serious_issue(clerk, "summary form")
    clerk.get_by_label("Overall account").fill("共收到意见1条，部分采纳1条。")
    clerk.locator('[name="points-0-point"]').fill("首小时免费。")
    clerk.locator('[name="points-0-decision"]').select_option("partly")
    clerk.locator('[name="points-0-reason"]').fill(
        "医院周边停车场首小时免费，其余区域首半小时免费。"
    )
    clerk.get_by_role("button", name="Publish the feedback summary").click()
    clerk.wait_for_url(re.compile(r"/oa/consultations/\d+/$"))

    # The public sees the counts, the masked comment and the summary.
    citizen.goto(f"{live_server.url}/hdjl/zj/{consultation.pk}/")
    main = citizen.locator("main").inner_text()
    assert "共收到意见1条" in main and "首半小时免费" in main
    assert "刘**" in main and "刘小明" not in main
    assert "Feedback published" in main
    no_serious_issue(citizen, "consultation page with summary")
    citizen.goto(f"{live_server.url}/hdjl/zj/{consultation.pk}/yj/")
    assert citizen.get_by_text("This consultation is not open for comments.").is_visible()
    no_serious_issue(citizen, "comment form after closing")
    staff_context.close()
    public_context.close()
