"""The draft body's toolbar marks lines as the layout's elements; the page still
passes the accessibility check."""

import pytest

from zhengtong.org.models import Role

from .conftest import axe_serious, sign_in


@pytest.fixture
def clerk(county):
    return county.staff("editor_clerk", county.education, "文书甲", Role.CLERK)


def test_the_toolbar_marks_a_line_as_a_first_level_heading(page, live_server, clerk):
    sign_in(page, live_server, "editor_clerk")
    page.wait_for_url(f"{live_server.url}/oa/")
    page.goto(f"{live_server.url}/oa/documents/new/")
    body = page.locator("textarea[data-editor]")
    body.fill("一、总体要求\n各单位要认真落实。")
    body.evaluate("el => el.setSelectionRange(0, 2)")
    page.get_by_role("toolbar").get_by_role("button").first.click()
    assert body.input_value().startswith("<h2>一、总体要求</h2>\n各单位要认真落实。")
    page.get_by_role("toolbar").get_by_role("button").nth(4).click()
    assert body.input_value().startswith("<p>一、总体要求</p>")
    assert axe_serious(page) == []
