"""The audit administrator's path: sign in with two factors, find who did what, verify
the chain, export the records."""

import csv
import io

import pytest

from zhengtong.org import services
from zhengtong.org.models import Role, UnitKind

from .conftest import axe_serious
from .test_workspace import PASSWORD, set_up_two_factor, sign_in


@pytest.fixture
def auditor(transactional_db):
    county = services.create_unit(None, kind=UnitKind.COUNTY, name="测试县")
    office = services.create_unit(None, parent=county, kind=UnitKind.OFFICE, name="县政府办公室")
    services.create_unit(None, parent=county, kind=UnitKind.TOWN, name="南山镇")
    return services.create_staff(
        None,
        unit=office,
        username="auditor",
        real_name="周审计",
        password=PASSWORD,
        roles=[Role.AUDIT_ADMIN],
        must_change_password=False,
    )


def test_the_audit_administrator_finds_verifies_and_exports_the_trail(page, live_server, auditor):
    sign_in(page, live_server, "auditor")
    set_up_two_factor(page)
    page.wait_for_url(f"{live_server.url}/oa/")
    page.get_by_role("link", name="审计日志").click()
    page.get_by_role("button", name="立即校验").click()
    assert "审计链完整" in page.get_by_role("status").first.inner_text()
    # The unit created by the set-up is on the trail.
    page.get_by_label("操作", exact=True).fill("org.unit.create")
    page.get_by_role("button", name="查询").click()
    assert page.get_by_role("cell", name="南山镇").first.is_visible()
    assert axe_serious(page) == []
    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出查询结果（CSV）").click()
    content = download_info.value.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert any("南山镇" in cell for row in rows[1:] for cell in row)
    assert all("org.unit.create" in row for row in rows[1:])
