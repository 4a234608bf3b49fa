"""The audit administrator's path: sign in with two factors, find who did what, verify
the chain, export the records."""

import csv
import io

import pytest

from zhengtong.org.models import Role

from .conftest import axe_serious, set_up_two_factor, sign_in


@pytest.fixture
def auditor(county):
    return county.staff("auditor", county.office, "周审计", Role.AUDIT_ADMIN)


def test_the_audit_administrator_finds_verifies_and_exports_the_trail(page, live_server, auditor):
    sign_in(page, live_server, "auditor")
    set_up_two_factor(page)
    page.wait_for_url(f"{live_server.url}/oa/")
    page.get_by_role("link", name="审计日志").click()
    page.get_by_role("button", name="立即校验").click()
    assert "审计链完整" in page.get_by_role("status").first.inner_text()
    # A unit created by the set-up (the county's last town) is on the trail.
    page.get_by_label("操作", exact=True).fill("org.unit.create")
    page.get_by_role("button", name="查询").click()
    assert page.get_by_role("cell", name="南河乡").first.is_visible()
    assert axe_serious(page) == []
    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出查询结果（CSV）").click()
    content = download_info.value.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert any("南河乡" in cell for row in rows[1:] for cell in row)
    assert all("org.unit.create" in row for row in rows[1:])
