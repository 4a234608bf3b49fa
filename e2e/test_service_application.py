"""An online application end to end in the browser (issue 6, "Done when"): a citizen
finds a service in the catalogue, reads its guide, applies online with materials, gets
a one-time notice, supplies the missing material, is accepted; two staff review, the
head decides on time, the certificate is downloaded; the citizen rates it 不满意 and the
rectification work item appears for the unit. axe-core checks the pages.

Selectors use names and addresses, not the (translated) button texts."""

import re

import pytest

from zhengtong.core.models import WorkItem
from zhengtong.org.models import Role
from zhengtong.public.testing import captcha_answer
from zhengtong.services import cases, services
from zhengtong.services.events import ensure_events
from zhengtong.services.models import Application, ServiceEvent
from zhengtong.testing.factories import PDF, PUBLIC_PASSWORD, PublicUserFactory, citizen_id

from .conftest import axe_serious, sign_in

MOBILE = "13900005555"


def _id_number():
    return citizen_id("34112519880512003")


@pytest.fixture
def guide(county, settings, tmp_path):
    """A published guide of the education bureau, applied for online, and a citizen."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.CLAMD_SOCKET = ""
    bureau = county.education
    clerk = county.staff("edu_clerk", bureau, "孙科员", Role.CLERK)
    county.staff("edu_head", bureau, "李局长", Role.UNIT_HEAD)
    ensure_events()
    item = services.create_item(
        clerk,
        unit=bureau,
        name="学生资助申请",
        implementation_code="HXE2E0601",
        item_type="payment",
        legal_basis="《禾溪县学生资助管理办法（示例）》第五条",
        conditions="家庭经济困难的在校学生。",
        place="禾溪县政务服务中心二楼教育窗口",
        hours="工作日 上午9:00—12:00",
        phone="0551-66661234",
        statutory_limit=20,
        promised_limit=10,
        complaint_channel="禾溪县12345热线",
        result_name="学生资助确认书",
        result_delivery=["online"],
        online_depth="full",
        materials=[
            {"name": "学生资助申请表", "form": "original", "copies": 1, "source": "申请人自备"},
            {"name": "家庭经济困难证明", "form": "original", "copies": 1, "source": "村委会"},
        ],
        steps=[
            {"name": "申请", "description": "网上提交申请表和材料。"},
            {"name": "审核", "description": "教育局在10个工作日内审核。"},
        ],
        events=list(ServiceEvent.objects.filter(slug="school")),
    )
    services.publish_item(clerk, item)
    cases.save_form(
        clerk,
        item,
        [
            {"key": "school", "label": "就读学校", "type": "text", "required": True},
            {"key": "birth_date", "label": "出生日期", "type": "date", "required": True},
            {
                "key": "hardship",
                "label": "困难类型",
                "type": "choice",
                "required": True,
                "choices": ["低保家庭", "残疾", "其他"],
            },
            {
                "key": "detail",
                "label": "困难情况说明",
                "type": "textarea",
                "required": True,
                "show_if": {"field": "hardship", "equals": "其他"},
            },
        ],
    )
    PublicUserFactory(mobile=MOBILE, real_name="王小溪", id_number=_id_number())
    return {"item": item, "unit": bureau}


@pytest.fixture
def staff_page(browser, live_server):
    contexts = []

    def open_as(username):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        sign_in(page, live_server, username)
        page.wait_for_url(f"{live_server.url}/oa/")
        return page

    yield open_as
    for context in contexts:
        context.close()


def assert_accessible(page):
    problems = axe_serious(page)
    assert problems == [], (page.url, [(v["id"], v["help"]) for v in problems])


def upload_slot(page, app_pk, material_pk, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(PDF)
    form = page.locator(f'form[action="/bsfw/sq/{app_pk}/materials/{material_pk}/"]')
    form.locator('input[type="file"]').set_input_files(str(path))
    form.locator('button[type="submit"]').click()
    page.wait_for_load_state()


def staff_act(page, live_server, app, action, fill=None):
    page.goto(f"{live_server.url}/oa/services/cases/{app.pk}/")
    form = page.locator(f'form[action="/oa/services/cases/{app.pk}/{action}/"]')
    for selector, value in (fill or {}).items():
        if value is True:
            form.locator(selector).check()
        else:
            form.locator(selector).fill(value)
    form.locator('button[type="submit"]').click()
    page.wait_for_url(re.compile(rf"/oa/services/cases/{app.pk}/$"))


def test_a_citizen_applies_online_and_the_unit_handles_the_case(
    page, staff_page, live_server, guide, tmp_path
):
    base = live_server.url
    item = guide["item"]
    first, second = list(item.materials.all())

    # The catalogue and the guide, with its "apply online" button.
    page.goto(f"{base}/bsfw/sx/")
    page.locator("main").get_by_role("link", name="学生资助申请").first.click()
    page.wait_for_url(f"**{item.get_absolute_url()}")
    assert_accessible(page)
    page.locator(f'a[href="/bsfw/sx/{item.implementation_code}/sq/"]').click()

    # Not signed in: the public sign-in, then back to the form.
    page.wait_for_url(re.compile(r"/grzx/dl/"))
    page.fill('input[name="mobile"]', MOBILE)
    page.fill('input[name="password"]', PUBLIC_PASSWORD)
    token = page.locator('input[name="captcha_token"]').input_value()
    page.fill('input[name="captcha_answer"]', captcha_answer(token).lower())
    page.click("form.public-form button.primary")
    page.wait_for_url(re.compile(rf"/bsfw/sx/{item.implementation_code}/sq/$"))
    assert_accessible(page)

    # Fill in and save: a draft to come back to.
    page.fill('input[name="a_school"]', "禾溪县第一中学")
    page.fill('input[name="a_birth_date"]', "2010-05-04")
    # The conditional field appears only for the answer it depends on.
    assert page.locator('textarea[name="a_detail"]').is_hidden()
    page.check('input[name="a_hardship"][value="其他"]')
    assert page.locator('textarea[name="a_detail"]').is_visible()
    page.check('input[name="a_hardship"][value="低保家庭"]')
    assert page.locator('textarea[name="a_detail"]').is_hidden()
    page.click('button[name="action"][value="save"]')
    page.wait_for_url(re.compile(r"/bsfw/sq/\d+/$"))
    app = Application.objects.get()
    assert app.answers["school"] == "禾溪县第一中学"
    assert_accessible(page)

    # One upload per material slot, then the summary and the submission.
    upload_slot(page, app.pk, first.pk, tmp_path, "申请表.pdf")
    upload_slot(page, app.pk, second.pk, tmp_path, "困难证明.pdf")
    page.click('button[name="action"][value="summary"]')
    page.wait_for_url(re.compile(rf"/bsfw/sq/{app.pk}/summary/$"))
    assert "禾溪县第一中学" in page.inner_text("main")
    assert_accessible(page)
    page.locator('form:has(input[name="key"]) button[type="submit"]').click()
    page.wait_for_url(re.compile(rf"/bsfw/sq/{app.pk}/$"))
    app.refresh_from_db()
    assert app.state == "submitted" and app.number in page.inner_text("main")

    # The clerk sends the one-time notice: the second material is not as required.
    clerk = staff_page("edu_clerk")
    clerk.goto(f"{base}/oa/services/cases/")
    clerk.locator(f'a[href="/oa/services/cases/{app.pk}/"]').click()
    assert_accessible(clerk)
    notice = clerk.locator(f'form[action="/oa/services/cases/{app.pk}/notice/"]')
    notice.locator(f'select[name="notice-verdict_{second.pk}"]').select_option("wrong")
    notice.locator(f'input[name="notice-todo_{second.pk}"]').fill("请上传加盖村委会公章的证明。")
    notice.locator('button[type="submit"]').click()
    clerk.wait_for_url(re.compile(rf"/oa/services/cases/{app.pk}/$"))
    app.refresh_from_db()
    assert app.state == "notice_sent"

    # The citizen sees the notice, uploads the material again and supplies.
    page.goto(f"{base}/bsfw/sq/{app.pk}/")
    assert "请上传加盖村委会公章的证明。" in page.inner_text("main")
    assert_accessible(page)
    upload_slot(page, app.pk, second.pk, tmp_path, "困难证明（盖章）.pdf")
    page.locator(f'form[action="/bsfw/sq/{app.pk}/supply/"] button').click()
    page.wait_for_url(re.compile(rf"/bsfw/sq/{app.pk}/$"))
    app.refresh_from_db()
    assert app.state == "submitted"

    # Accepted; two different reviewers; the head decides on time; delivered online.
    staff_act(clerk, live_server, app, "accept")
    review = {
        'input[name="review-recommendation"][value="approve"]': True,
        'textarea[name="review-opinion"]': "材料齐全，符合条件。",
    }
    staff_act(clerk, live_server, app, "review", review)
    head = staff_page("edu_head")
    staff_act(head, live_server, app, "review", review)
    staff_act(
        head,
        live_server,
        app,
        "decide",
        {
            'input[name="decide-outcome"][value="approve"]': True,
        },
    )
    staff_act(clerk, live_server, app, "deliver")
    app.refresh_from_db()
    assert app.state == "delivered" and app.decided_on_time

    # The citizen downloads the certificate and rates the service 不满意.
    page.goto(f"{base}/bsfw/sq/{app.pk}/")
    with page.expect_download() as download:
        page.locator(f'a[href="/bsfw/sq/{app.pk}/result.pdf"]').click()
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"
    rate = page.locator(f'form[action="/bsfw/sq/{app.pk}/rate/"]')
    for name in ("overall", "efficiency", "guide_accuracy", "convenience"):
        rate.locator(f'input[name="rate-{name}"][value="2"]').check()
    assert_accessible(page)
    rate.locator('button[type="submit"]').click()
    page.wait_for_url(re.compile(rf"/bsfw/sq/{app.pk}/$"))

    # The rectification work item is there for the unit, and on the case page.
    assert WorkItem.objects.filter(
        kind=cases.KIND_RECTIFY, assignee_unit=guide["unit"], state="open"
    ).exists()
    clerk.goto(f"{base}/oa/services/cases/{app.pk}/")
    assert clerk.locator(f'form[action="/oa/services/cases/{app.pk}/rectify/"]').count() == 1
