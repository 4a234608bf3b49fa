"""A citizen finds a service in the catalogue by life event, opens its guide and
sees the 8 key elements (docs/conformance.md SRV-1); the catalogue and the guide pass axe
(no serious or critical finding) and fit a 375 px phone."""

import pytest

from zhengtong.org.models import Role
from zhengtong.services import services
from zhengtong.services.events import ensure_events
from zhengtong.services.models import ServiceEvent

from .conftest import axe_serious

KEY_ELEMENTS = {
    "事项名称": "义务教育阶段入学登记",
    "设定依据": "《禾溪县义务教育入学管理办法（示例）》第六条",
    "申请条件": "适龄儿童，父母一方具有本县户籍或居住证。",
    "办理材料": "入学登记表",
    "办理地点": "禾溪县政务服务中心二楼教育窗口",
    "办理时间": "工作日 上午9:00—12:00",
    "联系电话": "0551-66661234",
    "办理流程": "学校在10个工作日内审核",
}


@pytest.fixture
def catalogue(county, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.CLAMD_SOCKET = ""
    bureau = county.education
    clerk = county.staff("edu_clerk", bureau, "孙科员", Role.CLERK)
    ensure_events()  # a flushed test database has lost the seeded events
    school = ServiceEvent.objects.get(slug="school")
    item = services.create_item(
        clerk,
        unit=bureau,
        name=KEY_ELEMENTS["事项名称"],
        implementation_code="HXE2E0001",
        item_type="public_service",
        legal_basis=KEY_ELEMENTS["设定依据"],
        conditions=KEY_ELEMENTS["申请条件"],
        place=KEY_ELEMENTS["办理地点"],
        hours=KEY_ELEMENTS["办理时间"],
        phone=KEY_ELEMENTS["联系电话"],
        statutory_limit=20,
        promised_limit=10,
        complaint_channel="禾溪县12345热线",
        result_name="入学通知",
        result_delivery=["window"],
        materials=[
            {"name": "入学登记表", "form": "original", "copies": 1, "source": "学校提供"},
            {"name": "户口簿", "form": "copy", "copies": 1, "source": "公安机关核发"},
        ],
        steps=[
            {"name": "登记", "description": "家长到学校或网上登记。"},
            {"name": "审核", "description": "学校在10个工作日内审核。"},
        ],
        faqs=[{"question": "没有户籍怎么办？", "answer": "凭居住证登记。"}],
        events=[school],
    )
    services.publish_item(clerk, item)
    return item


def test_a_citizen_finds_a_guide_by_life_event_and_reads_its_key_elements(
    page, live_server, catalogue
):
    page.goto(f"{live_server.url}/bsfw/sx/")
    assert page.locator("main h1").count() == 1
    assert axe_serious(page) == []
    page.locator("main").get_by_role("link", name="上学").first.click()
    page.wait_for_url("**/bsfw/sx/?event=school")
    page.locator("main").get_by_role("link", name=KEY_ELEMENTS["事项名称"]).click()
    page.wait_for_url(f"**{catalogue.get_absolute_url()}")
    main = page.locator("main").inner_text()
    for value in KEY_ELEMENTS.values():
        assert value in main
    assert axe_serious(page) == []


def test_the_guide_fits_a_phone(phone_page, live_server, catalogue):
    phone_page.set_viewport_size({"width": 375, "height": 740})
    phone_page.goto(f"{live_server.url}{catalogue.get_absolute_url()}")
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert axe_serious(phone_page) == []
