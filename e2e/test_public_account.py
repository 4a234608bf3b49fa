"""A citizen's account in the browser: register with an SMS code, sign out, sign in
with the picture, and see the personal centre; axe finds no serious or critical
violation on the forms and the centre (Chinese interface, 1280 px and a phone).

The website's page tree is not needed: the /grzx/ pages use the site layout alone."""

import pytest

from zhengtong.public.models import PublicUser
from zhengtong.public.sms import _DEV_OUTBOX
from zhengtong.public.testing import captcha_answer, last_sms_code

from .conftest import axe_serious

MOBILE = "13812340001"
PASSWORD = "Hexi-county-2026"


def _solve_picture(page):
    token = page.locator('input[name="captcha_token"]').input_value()
    page.fill('input[name="captcha_answer"]', captcha_answer(token).lower())


def _assert_accessible(page, findings):
    found = axe_serious(page)
    if found:
        findings[page.url] = [(v["id"], v["help"]) for v in found]


@pytest.fixture
def outbox():
    _DEV_OUTBOX.clear()
    yield
    _DEV_OUTBOX.clear()


def test_register_sign_out_sign_in_and_see_the_centre(page, live_server, transactional_db, outbox):
    base = live_server.url
    findings = {}

    # Register: mobile + picture → SMS code, then the code and a password.
    page.goto(f"{base}/grzx/zc/")
    _assert_accessible(page, findings)
    page.check('input[name="kind"][value="citizen"]')
    page.fill('input[name="mobile"]', MOBILE)
    _solve_picture(page)
    page.click('button[name="send_sms_code"]')
    page.wait_for_selector(".public-check .notice")
    assert "138****0001" in page.inner_text(".public-check .notice")
    # The picture was solved for this form: none is asked again.
    assert page.locator('input[name="captcha_answer"]').count() == 0
    page.fill('input[name="sms_code"]', last_sms_code(MOBILE))
    page.fill('input[name="password1"]', PASSWORD)
    page.fill('input[name="password2"]', PASSWORD)
    page.fill('input[name="real_name"]', "王小溪")
    page.click("form.public-form button.primary")
    page.wait_for_url(f"{base}/grzx/")
    assert PublicUser.objects.filter(kind="citizen").count() == 1
    assert "138****0001" in page.inner_text("main")
    assert MOBILE not in page.content()
    _assert_accessible(page, findings)

    # Sign out (a POST button), then sign in again with the picture.
    page.click('main form[action="/grzx/tc/"] button')
    page.wait_for_url(f"{base}/grzx/dl/")
    _assert_accessible(page, findings)
    page.fill('input[name="mobile"]', MOBILE)
    page.fill('input[name="password"]', "Wrong-password-1")
    _solve_picture(page)
    page.click("form.public-form button.primary")
    assert page.locator(".errors[role=alert]").count() == 1  # one generic message
    page.fill('input[name="password"]', PASSWORD)
    _solve_picture(page)
    page.click("form.public-form button.primary")
    page.wait_for_url(f"{base}/grzx/")
    assert "王**" in page.inner_text("main")

    # The profile page, at phone width too.
    page.goto(f"{base}/grzx/zl/")
    _assert_accessible(page, findings)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{base}/grzx/mm/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert not findings, findings
