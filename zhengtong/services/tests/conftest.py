"""Fixtures of the services tests: the county of zhengtong/conftest.py plus the
government office (政府办), and a complete guide's values."""

import shutil
import tempfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhengtong.org.models import Role, UnitKind
from zhengtong.services import services
from zhengtong.services.events import ensure_events
from zhengtong.services.models import ServiceEvent
from zhengtong.testing import factories
from zhengtong.testing.factories import PDF, PublicUserFactory, StaffFactory, UnitFactory


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
    return UnitFactory(
        name="County Government Office", kind=UnitKind.OFFICE, parent=county.government
    )


@pytest.fixture
def office_clerk(gov_office):
    return StaffFactory(
        username="office_clerk", unit=gov_office, roles=[Role.CLERK], real_name="Qian Jun"
    )


@pytest.fixture
def editor_a(county):
    return StaffFactory(username="editor_a", unit=county.a, roles=[Role.EDITOR], real_name="Ma Lan")


_codes = iter(range(1, 100000))


def complete_fields(**overrides):
    """Every field of a complete guide (all 8 key elements and the rest)."""
    # A transactional test (run last, possibly after another app's on the same worker)
    # finds the tables flushed, the seeded events included.
    ensure_events()
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


# --- applications and cases -------------------------------------------------------------


def citizen_id(first17="34112519900307001"):
    """A valid citizen ID number (check character computed)."""
    return factories.citizen_id(first17)


def credit_code(org8="MA2TY0K1", region="341125"):
    """A valid unified social credit code (both check characters computed)."""
    return factories.credit_code(org8, region)


FORM_FIELDS = [
    {"key": "school", "label": "School", "type": "text", "required": True},
    {"key": "birth_date", "label": "Date of birth", "type": "date", "required": True},
    {"key": "guardian_id", "label": "Guardian's ID", "type": "id_number", "required": False},
    {"key": "phone", "label": "Telephone", "type": "phone", "required": True},
    {
        "key": "hardship",
        "label": "Kind of hardship",
        "type": "choice",
        "required": True,
        "choices": ["low income", "disability", "other"],
    },
    {
        "key": "hardship_detail",
        "label": "Describe the hardship",
        "type": "textarea",
        "required": True,
        "show_if": {"field": "hardship", "equals": "other"},
    },
    {"key": "household", "label": "Household", "type": "table", "columns": ["name", "relation"]},
]

GOOD_ANSWERS = {
    "school": "禾溪县第一中学",
    "birth_date": "2010-05-04",
    "phone": "13900002222",
    "hardship": "low income",
    "household": [{"name": "李明", "relation": "父亲"}],
}


@pytest.fixture
def reviewer_a(county):
    return StaffFactory(
        username="reviewer_a", unit=county.a, roles=[Role.REVIEWER], real_name="Lu Ming"
    )


@pytest.fixture
def citizen(db):
    return PublicUserFactory(
        mobile="13900001111",
        real_name="李小红",
        id_number=citizen_id("34112519900307001"),
        password="x",
    )


@pytest.fixture
def other_citizen(db):
    return PublicUserFactory(mobile="13900003333", real_name="王五", password="x")


@pytest.fixture
def online_item(county, clerk_a):
    """A published guide of department A that can be applied for online, with a form
    (a conditional field) and two required materials."""
    from zhengtong.services import cases

    item = make_item(clerk_a, county.a)
    services.publish_item(clerk_a, item)
    cases.save_form(clerk_a, item, FORM_FIELDS)
    item.refresh_from_db()
    return item


def draft_with_files(citizen, item, answers=None, **applicant):
    from zhengtong.services import cases

    app = cases.save_draft(
        citizen, item, answers=GOOD_ANSWERS if answers is None else answers, applicant=applicant
    )
    for material in item.materials.all():
        cases.upload_material(citizen, app, material, pdf(f"m{material.pk}.pdf"))
    return app


def submitted(citizen, item, **kw):
    from zhengtong.services import cases

    return cases.submit(citizen, draft_with_files(citizen, item, **kw))


def accepted(citizen, item, staff):
    from zhengtong.services import cases

    return cases.accept(staff, submitted(citizen, item))


def reviewed(citizen, item, first, second, recommendation="approve"):
    from zhengtong.services import cases

    app = accepted(citizen, item, first)
    cases.review(first, app, opinion="Conditions met.", recommendation=recommendation)
    cases.review(second, app, opinion="Agreed.", recommendation=recommendation)
    app.refresh_from_db()
    return app
