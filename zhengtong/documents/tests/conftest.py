"""Shared fixtures and steps of the documents tests: a county office with the people a
document passes through, and a notice issued to a town and signed for there."""

from types import SimpleNamespace

import pytest

from zhengtong.documents import services
from zhengtong.documents.models import Disclosure, DocType
from zhengtong.org.models import Role
from zhengtong.testing.factories import StaffFactory


@pytest.fixture
def office(county):
    county.a.doc_prefix = "教发"
    county.a.save()
    people = SimpleNamespace(
        head_a=StaffFactory(
            username="head_a", unit=county.a, roles=[Role.UNIT_HEAD], real_name="李局长"
        ),
        head_b=StaffFactory(
            username="head_b", unit=county.b, roles=[Role.UNIT_HEAD], real_name="王局长"
        ),
        drafter=StaffFactory(
            username="drafter_a", unit=county.a, roles=[Role.CLERK], real_name="张文书"
        ),
        town_clerk=StaffFactory(
            username="town_clerk", unit=county.town, roles=[Role.CLERK], real_name="赵文书"
        ),
        outsider=StaffFactory(username="outsider", unit=county.b, real_name="钱科员"),
    )
    return SimpleNamespace(county=county, **vars(people))


def draft(office, **fields):
    data = {
        "issuing_unit": office.county.a,
        "doc_type": DocType.NOTICE,
        "title": "关于做好秋季学校安全工作的通知",
        "body": "<p>各乡镇：</p><p>现将有关事项通知如下。</p><script>alert(1)</script>",
        "main_recipients": [office.county.town],
    }
    return services.create_draft(office.drafter, **(data | fields))


def through_sign_off(office, document, *, countersign=True):
    services.submit(
        office.drafter,
        document,
        reviewer=office.head_a,
        signer=office.head_a,
        countersigners=[(office.county.b, office.head_b)] if countersign else [],
    )
    services.approve(office.head_a, document, opinion="同意")
    if countersign:
        services.approve(office.head_b, document, opinion="同意会签")
    return services.approve(office.head_a, document, opinion="", disclosure=Disclosure.PROACTIVE)


@pytest.fixture
def received(office):
    """An issued notice signed for by the town: its incoming record."""
    office.town_head = StaffFactory(
        username="town_head", unit=office.county.town, roles=[Role.UNIT_HEAD]
    )
    office.handler = StaffFactory(
        username="town_handler", unit=office.county.town, real_name="孙干事"
    )
    office.reader = StaffFactory(
        username="town_reader", unit=office.county.town, real_name="周副镇长"
    )
    office.issuer_clerk = office.drafter
    document = services.issue(office.drafter, through_sign_off(office, draft(office)))
    distribution = document.distributions.get(unit=office.county.town)
    services.sign_for(office.town_clerk, distribution)
    office.record = distribution.incoming
    return office


# --- steps of the incoming flow, for tests that start further along -----------------


def proposed(received):
    services.propose(
        received.town_clerk, received.record, proposal="请孙干事办理。", head=received.town_head
    )
    return received.record


def instructed(received, readers=None):
    proposed(received)
    services.instruct(
        received.town_head,
        received.record,
        instruction="同意",
        handlers=[received.handler],
        readers=[received.reader] if readers is None else readers,
        due_in_working_days=5,
    )
    return received.record


def handled(received):
    instructed(received, readers=[])
    services.finish_task(received.handler, received.record, comment="已办理完毕。")
    return received.record


def closed(received):
    handled(received)
    services.close_incoming(received.town_clerk, received.record, result="已按要求完成。")
    return received.record
