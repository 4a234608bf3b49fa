"""The staff workspace as a person uses it: sign in, see the to-do list in Chinese,
switch to English, mark an item done; and an accessibility check on each page."""

import datetime

import pytest
from django.utils import timezone

from zhengtong.core import workitems
from zhengtong.org.models import Role, Unit

from .conftest import axe_serious, sign_in


@pytest.fixture
def clerk(county):
    """The clerk of 东湖镇, with an overdue sign-for of the town and a reply of their own."""
    town = county.towns[0]
    clerk = county.staff("clerk1", town, "王小梅", Role.CLERK, position="文书")
    today = timezone.localdate()
    workitems.open_work_item(
        None,
        kind="demo.sign_for",
        title="签收：关于做好秋季防火工作的通知",
        assignee_unit=town,
        due_date=today - datetime.timedelta(days=2),
    )
    workitems.open_work_item(
        None,
        kind="demo.reply",
        title="答复：群众来信办理",
        assignee_user=clerk,
        due_in_working_days=5,
        closes_by_hand=True,
    )
    return clerk


def test_a_clerk_signs_in_and_sees_the_workspace_in_chinese(page, live_server, clerk):
    sign_in(page, live_server, "clerk1")
    page.wait_for_url(f"{live_server.url}/oa/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.get_by_role("heading", name="待办").is_visible()
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 2
    # Soonest due first: the overdue sign-for comes before the reply.
    assert "签收" in rows.nth(0).inner_text()
    assert "已超期" in rows.nth(0).inner_text()
    assert axe_serious(page) == []


def test_the_workspace_switches_to_english_and_back(page, live_server, clerk):
    sign_in(page, live_server, "clerk1")
    page.wait_for_url(f"{live_server.url}/oa/")
    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="切换").click()
    page.get_by_role("heading", name="To-do").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert axe_serious(page) == []
    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("button", name="Switch").click()
    page.get_by_role("heading", name="待办").wait_for()


def test_marking_an_item_done_removes_it_from_the_list(page, live_server, clerk):
    sign_in(page, live_server, "clerk1")
    page.wait_for_url(f"{live_server.url}/oa/")
    page.evaluate("window.stillTheSamePage = true")
    row = page.locator("table.list tbody tr", has_text="答复：群众来信办理")
    row.get_by_role("button", name="完成").click()
    page.get_by_text("已完成：答复：群众来信办理").wait_for()
    assert page.locator("table.list tbody tr").count() == 1
    # htmx swapped the list in place: no full page load (without JavaScript the same
    # form posts and redirects, see core/tests/test_workitems.py).
    assert page.evaluate("window.stillTheSamePage") is True


def test_a_wrong_password_gets_a_clear_message_in_chinese(page, live_server, clerk):
    sign_in(page, live_server, "clerk1", password="wrong-password-1")
    assert page.get_by_role("alert").inner_text().strip() != ""
    assert "用户名或密码" in page.get_by_role("alert").inner_text()
    assert axe_serious(page) == []


def test_the_workspace_works_on_a_phone(phone_page, live_server, clerk):
    sign_in(phone_page, live_server, "clerk1")
    phone_page.wait_for_url(f"{live_server.url}/oa/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page is {width}px wide on a 360px screen"
    assert axe_serious(phone_page) == []


def test_the_directory_and_account_pages_pass_the_accessibility_check(
    page, live_server, county, clerk
):
    sign_in(page, live_server, "clerk1")
    page.wait_for_url(f"{live_server.url}/oa/")
    for path in ("/oa/directory/", f"/oa/units/{county.towns[0].pk}/", "/oa/me/", "/oa/messages/"):
        page.goto(f"{live_server.url}{path}")
        assert axe_serious(page) == [], path


def test_the_unit_tree_is_not_hard_coded(page, live_server, county, clerk):
    Unit.objects.filter(pk=county.root.pk).update(name="另一个县")
    page.goto(f"{live_server.url}/oa/login/")
    assert page.title().endswith("另一个县")


def test_the_accessibility_check_itself_catches_a_serious_fault(page):
    # Guards the guard: an image without alt text and an unlabelled field must fail.
    page.set_content(
        '<html lang="en"><body><main><img src="x.png"><input type="text"></main></body></html>'
    )
    ids = {v["id"] for v in axe_serious(page)}
    assert {"image-alt", "label"} <= ids
