"""Fixtures of the disclosure tests: an applicant's fields and helpers that play a
request through the operations."""

import datetime

import pytest

from zhengtong.disclosure import services
from zhengtong.org.models import Role
from zhengtong.testing.factories import StaffFactory, citizen_id

# A fictional citizen ID with a correct check character.
CITIZEN_ID = citizen_id("33010219900307123")
MOBILE = "13600001111"
MONDAY = datetime.date(2026, 3, 2)


def applicant(unit, **overrides):
    fields = {
        "unit": unit,
        "applicant_kind": "citizen",
        "name": "陈小明",
        "id_number": CITIZEN_ID,
        "credit_code": "",
        "contact_person": "",
        "mobile": MOBILE,
        "address": "禾溪县城关镇和平路1号",
        "postcode": "311800",
        "email": "",
        "description": "2025年禾溪县义务教育学校新建项目的批复文件",
        "document_ref": "",
        "purpose": "",
        "delivery_form": "electronic",
        "delivery_way": "online",
    }
    fields.update(overrides)
    return fields


def submit(unit, *, today=MONDAY, key=None, public_user=None, **overrides):
    return services.submit_request(
        public_user, submission_key=key, today=today, **applicant(unit, **overrides)
    )


@pytest.fixture
def clerk_head_a(county, clerk_a, head_a):
    return clerk_a, head_a


@pytest.fixture
def head_b(county):
    return StaffFactory(
        username="head_b", unit=county.b, roles=[Role.UNIT_HEAD], real_name="Qian Jun"
    )


@pytest.fixture
def request_a(county, clerk_a, head_a):
    """A request to department A, received on Monday 2 March 2026."""
    req, password = submit(county.a)
    req.password = password
    return req
