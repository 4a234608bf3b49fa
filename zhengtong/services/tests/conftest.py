"""Fixtures of the services tests: the county of zhengtong/conftest.py plus the
government office (政府办), and a complete guide's values."""

import shutil
import tempfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhengtong.conftest import make_unit, make_user
from zhengtong.org.models import Role, UnitKind
from zhengtong.services import services
from zhengtong.services.models import ServiceEvent

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def pdf(name="form.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture(autouse=True)
def media(settings):
    root = tempfile.mkdtemp(prefix="zt-services-media-")
    settings.MEDIA_ROOT = root
    settings.CLAMD_SOCKET = ""
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def gov_office(county):
    return make_unit("County Government Office", UnitKind.OFFICE, county.government)


@pytest.fixture
def office_clerk(gov_office):
    return make_user("office_clerk", gov_office, roles=[Role.CLERK], real_name="Qian Jun")


@pytest.fixture
def editor_a(county):
    return make_user("editor_a", county.a, roles=[Role.EDITOR], real_name="Ma Lan")


_codes = iter(range(1, 100000))


def complete_fields(**overrides):
    """Every field of a complete guide (all 8 key elements and the rest)."""
    n = next(_codes)
    fields = {
        "name": "学生资助申请",
        "implementation_code": f"11341100TEST{n:05d}",
        "basic_code": "000123456000",
        "item_type": "payment",
        "audience": "citizens",
        "legal_basis": "《禾溪县学生资助管理办法》第五条",
        "conditions": "具有本县户籍、在本县就读的家庭经济困难学生。",
        "statutory_limit": 20,
        "promised_limit": 10,
        "special_steps": "入户核查：不超过5个工作日。",
        "fee_charged": False,
        "fees": "",
        "fee_basis": "",
        "place": "禾溪县政务服务中心二楼教育窗口",
        "hours": "工作日 上午9:00—12:00，下午13:30—17:00",
        "phone": "0551-12345678",
        "complaint_channel": "禾溪县12345热线",
        "result_name": "资助确认通知",
        "result_delivery": ["window", "online"],
        "online_depth": "full",
        "visits": 0,
        "materials": [
            {
                "name": "学生资助申请表",
                "form": "original",
                "copies": 1,
                "medium": "paper",
                "source": "申请人自备",
            },
            {
                "name": "居民身份证",
                "form": "copy",
                "copies": 1,
                "medium": "either",
                "source": "公安机关核发",
            },
        ],
        "steps": [
            {"name": "申请", "description": "申请人向学校提交申请表和材料。"},
            {"name": "审核", "description": "教育局在10个工作日内审核并公示。"},
        ],
        "faqs": [{"question": "可以代办吗？", "answer": "可以，由监护人代办。"}],
        "events": [ServiceEvent.objects.get(slug="school")],
    }
    fields.update(overrides)
    return fields


def make_item(actor, unit, **overrides):
    return services.create_item(actor, unit=unit, **complete_fields(**overrides))
