"""The IT centre's path as a person clicks it: the system administrator signs in, is
made to set up two-factor sign-in, reaches the workspace and the IT centre page, and
opens the admin; no page breaks the Content Security Policy."""

import re

import pytest

from zhengtong.org.models import Role

from .conftest import axe_serious, set_up_two_factor, sign_in


@pytest.fixture
def it_centre(county):
    """The system administrator, in the government office."""
    return county.staff("itadmin", county.office, "李信息", Role.SYSTEM_ADMIN)


def collect_csp_violations(page):
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return violations


def test_the_system_administrator_sets_up_two_factor_and_reaches_the_admin(
    page, live_server, it_centre
):
    csp = collect_csp_violations(page)
    sign_in(page, live_server, "itadmin")
    page.wait_for_url(re.compile(r"/oa/2fa/setup/"))
    assert axe_serious(page) == []
    set_up_two_factor(page)
    page.wait_for_url(f"{live_server.url}/oa/")
    page.get_by_role("link", name="信息中心").click()
    page.get_by_role("heading", name="信息中心").wait_for()
    assert "尚未导入" not in page.content() or "2027" in page.content()
    assert axe_serious(page) == []
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="单位", exact=True).first.wait_for()
    page.goto(f"{live_server.url}/admin/org/unit/")
    assert page.get_by_text("县政府办公室").first.is_visible()
    assert csp == []


def test_a_clerk_cannot_open_the_admin(page, live_server, county, it_centre):
    county.staff("clerk9", county.office, "赵文书", Role.CLERK)
    sign_in(page, live_server, "clerk9")
    page.wait_for_url(f"{live_server.url}/oa/")
    assert page.get_by_role("link", name="信息中心").count() == 0
    page.goto(f"{live_server.url}/admin/")
    # The admin's own sign-in page, not the site index.
    assert "/admin/login/" in page.url
    response = page.goto(f"{live_server.url}/oa/it/")
    assert response.status == 403
