"""Fixtures of the letters tests: the government office running the county head's
mailbox, its clerk and head, department A's own mailbox, a county leader and a
supervisor (on top of zhengtong/conftest.py's county and staff)."""

from types import SimpleNamespace

import pytest

from zhengtong.letters import services
from zhengtong.letters.models import Mailbox, MailboxKind
from zhengtong.org.models import Role, UnitKind
from zhengtong.testing.factories import StaffFactory, UnitFactory

WRITER_MOBILE = "13900001111"


@pytest.fixture
def box(county, clerk_a, head_a, clerk_b):
    office = UnitFactory(name="Government Office", kind=UnitKind.OFFICE, parent=county.government)
    supervision = UnitFactory(name="Supervision Office", kind=UnitKind.SECTION, parent=office)
    head_box = Mailbox.objects.create(
        kind=MailboxKind.COUNTY_HEAD,
        name="County head's mailbox",
        owner_unit=office,
        office_unit=office,
    )
    dept_box = Mailbox.objects.create(
        kind=MailboxKind.DEPARTMENT,
        name="Education Bureau mailbox",
        owner_unit=county.a,
        office_unit=county.a,
    )
    return SimpleNamespace(
        county=county,
        office=office,
        mailbox=head_box,
        dept_mailbox=dept_box,
        office_clerk=StaffFactory(
            username="office_clerk", unit=office, roles=[Role.CLERK], real_name="Qian Yu"
        ),
        office_head=StaffFactory(
            username="office_head", unit=office, roles=[Role.UNIT_HEAD], real_name="He Ping"
        ),
        leader=StaffFactory(username="leader", unit=county.government, roles=[Role.COUNTY_LEADER]),
        supervisor=StaffFactory(
            username="supervisor", unit=supervision, roles=[Role.SUPERVISOR, Role.CLERK]
        ),
        clerk_a=clerk_a,
        head_a=head_a,
        clerk_b=clerk_b,
    )


def submit(mailbox, **fields):
    """A letter from a citizen to `mailbox`; returns services.Submitted."""
    actor = fields.pop("actor", None)
    data = {
        "mailbox": mailbox,
        "category": "complaint",
        "title": "Street lights on Hexi Road are out",
        "content": "The lights have been out for two weeks.",
        "name": "Chen Xiaoming",
        "mobile": WRITER_MOBILE,
        "may_publish": True,
    }
    data.update(fields)
    return services.submit_letter(actor, **data)


def routed(box, **fields):
    """A letter accepted and routed to department A."""
    letter = submit(box.mailbox, **fields).letter
    return services.route_letter(box.office_clerk, letter, lead_unit=box.county.a)


def replied(box, text="The lights were repaired on Monday.", **fields):
    """A letter answered by department A, approved and sent by the office."""
    letter = routed(box, **fields)
    routing = services.routing_for(box.clerk_a, letter)
    services.draft_reply(box.clerk_a, routing, text=text)
    services.approve_reply(box.office_head, letter)
    services.send_reply(box.office_clerk, letter)
    letter.refresh_from_db()
    return letter
