"""Demo disclosure requests for the fictional county (禾溪县): about fifteen requests
spread over the past year, played through the real operations (correction, extension,
consultation, replies of different types, a withdrawal, an abandoned request), so
their clocks, work items and audit records are what the live system would hold.

Deterministic for a given seed; does nothing when the demo requests already exist."""

import random

from django.db import transaction
from django.utils import timezone

from zhengtong.core import calendar
from zhengtong.core.validators import (
    citizen_id_check_char,
    credit_code_check_char,
    organisation_code_check_char,
)
from zhengtong.demo import content
from zhengtong.disclosure import services
from zhengtong.disclosure.models import DisclosureRequest
from zhengtong.org.models import Role, UnitKind, User

_data = content.load("disclosure")  # the words: zhengtong/demo/data/disclosure.toml

PEOPLE = _data["people"]
COMPANIES = _data["companies"]
SUBJECTS = content.rows(_data["subjects"])
STORIES = _data["stories"]


def _citizen_id(rng):
    body = f"3311{rng.randint(20, 29):02d}{rng.randint(1960, 2000)}{rng.randint(1, 12):02d}"
    body += f"{rng.randint(1, 28):02d}{rng.randint(100, 999)}"
    return body + citizen_id_check_char(body)


def _credit_code(rng):
    org = "".join(rng.choice("0123456789ABCDEFGH") for _ in range(8))
    org17 = f"92331121{org}{organisation_code_check_char(org)}"
    return org17 + credit_code_check_char(org17)


def _role(unit, role):
    return (
        User.objects.filter(
            is_active=True, role_assignments__role=role, role_assignments__unit=unit
        )
        .order_by("pk")
        .first()
    )


def _organs(units):
    """Units that answer requests and have both a clerk and a head, in key order."""
    chosen = []
    for key in sorted(units):
        unit = units[key]
        if (
            unit.kind in services.ORGAN_KINDS
            and _role(unit, Role.CLERK)
            and _role(unit, Role.UNIT_HEAD)
        ):
            chosen.append(unit)
    return chosen


def _applicant(rng, serial, unit, *, post=False):
    subject, ref = SUBJECTS[serial % len(SUBJECTS)]
    mobile = f"139{rng.randint(1000, 9999)}{serial:04d}"
    fields = {
        "unit": unit,
        "mobile": mobile,
        "address": f"禾溪县城关镇{rng.choice(['和平路', '溪滨路', '文昌街'])}{rng.randint(1, 200)}号",
        "postcode": "311800",
        "email": "",
        "description": f"申请公开{unit.name}{subject}。",
        "document_ref": ref,
        "purpose": rng.choice(["", "了解政策", "维护自身合法权益"]),
        "delivery_form": "paper" if post else "electronic",
        "delivery_way": "post" if post else "online",
    }
    if serial % 5 == 4:
        fields.update(
            applicant_kind="organisation",
            name=rng.choice(COMPANIES),
            credit_code=_credit_code(rng),
            contact_person=rng.choice(PEOPLE),
            id_number="",
        )
    else:
        fields.update(
            applicant_kind="citizen",
            name=rng.choice(PEOPLE),
            id_number=_citizen_id(rng),
            credit_code="",
            contact_person="",
        )
    return fields


# Requests go to departments and towns (the offices of the demo run the platform).
DEMO_KINDS = (UnitKind.DEPARTMENT, UnitKind.TOWN)
# Every other request goes to the education bureau, so the demo log-ins "clerk" and
# "head" (its clerk and head) find requests in every state.
FAVOURITE = "教育局"

# (working days before today the request arrives, what happens to it)
SCRIPT = [
    (200, "provided"),
    (190, "already_public"),
    (170, "corrected"),
    (150, "extended_partial"),
    (130, "consulted_refused"),
    (110, "not_held"),
    (95, "repeat"),
    (80, "other_route"),
    (60, "withdrawn"),
    (50, "abandoned"),
    (25, "overdue"),
    (12, "consulting"),
    (8, "extended_open"),
    (5, "correction_pending"),
    (3, "review"),
    (1, "new"),
]


def load(units: dict, *, seed: int):
    """Play the demo requests (units: the demo generator's key → Unit). Returns the
    requests created, or [] when they exist already or no unit can answer."""
    key = f"demo-{seed}-0"
    if DisclosureRequest.objects.filter(submission_key=key).exists():
        return []
    organs = _organs(units)
    if not organs:
        return []
    favourite = next((u for u in organs if FAVOURITE in u.name), None)
    rng = random.Random(seed)
    today = timezone.localdate()
    created: list = []
    with transaction.atomic():
        for serial, (back, story) in enumerate(SCRIPT):
            pick = organs[rng.randrange(len(organs))]
            unit = favourite if favourite is not None and serial % 2 == 0 else pick
            clerk, head = _role(unit, Role.CLERK), _role(unit, Role.UNIT_HEAD)
            received = calendar.add_working_days(today, -back).date
            req, password = services.submit_request(
                None,
                submission_key=f"demo-{seed}-{serial}",
                today=received,
                **_applicant(rng, serial, unit, post=story == "repeat"),
            )
            created.append(_play(req, story, clerk, head, received, created, password))
    return created


def _day(start, n):
    return calendar.add_working_days(start, n).date


def _reply(clerk, head, req, when, *, send=True, note="", **reply):
    req = services.draft_reply(clerk, req, **reply)
    req = services.approve_reply(head, req)
    if send:
        req = services.send_reply(clerk, req, delivery_note=note, today=when)
    return req


def _play(req, story, clerk, head, received, earlier, password):
    """Play `story` on `req` through the operations (its words: [stories] in disclosure.toml)."""
    said = STORIES.get(story, {})
    if story == "provided":
        return _reply(
            clerk,
            head,
            req,
            _day(received, 12),
            kind="provided",
            information=said["information"],
        )
    if story == "already_public":
        return _reply(
            clerk,
            head,
            req,
            _day(received, 5),
            kind="already_public",
            where_public=said["where_public"],
        )
    if story == "corrected":
        req = services.issue_correction_notice(
            clerk,
            req,
            items=said["items"],
            period_days=15,
            today=_day(received, 3),
        )
        req = services.receive_correction(
            clerk,
            req,
            text=said["text"],
            received_on=_day(received, 8),
            today=_day(received, 8),
        )
        return _reply(
            clerk,
            head,
            req,
            _day(received, 20),
            kind="not_exist",
            body=said["body"],
        )
    if story == "extended_partial":
        req = services.extend_deadline(
            head,
            req,
            days=15,
            reason=said["extend_reason"],
            today=_day(received, 18),
        )
        return _reply(
            clerk,
            head,
            req,
            _day(received, 30),
            kind="provided",
            is_partial=True,
            information=said["information"],
            reason=said["reason"],
            legal_basis=said["legal_basis"],
        )
    if story == "consulted_refused":
        req = services.start_consultation(
            clerk,
            req,
            third_party=said["third_party"],
            matter=said["matter"],
            today=_day(received, 4),
        )
        req = services.finish_consultation(
            clerk,
            req,
            opinion="objects",
            opinion_text=said["opinion_text"],
            today=_day(received, 10),
        )
        return _reply(
            clerk,
            head,
            req,
            _day(received, 22),
            kind="not_disclosed",
            reason=said["reason"],
            legal_basis=said["legal_basis"],
        )
    if story == "not_held":
        return _reply(
            clerk,
            head,
            req,
            _day(received, 9),
            kind="not_held",
            right_organ=said["right_organ"],
            right_organ_contact=said["right_organ_contact"],
        )
    if story == "repeat":
        first = earlier[0]
        return _reply(
            clerk,
            head,
            req,
            _day(received, 6),
            note=said["note"],
            kind="repeat",
            earlier_number=first.number,
        )
    if story == "other_route":
        return _reply(
            clerk,
            head,
            req,
            _day(received, 7),
            kind="other_route",
            other_route=said["other_route"],
        )
    if story == "withdrawn":
        return services.withdraw(
            None,
            req,
            query_password=password,
            reason=said["reason"],
            today=_day(received, 2),
        )
    if story == "abandoned":
        req = services.issue_correction_notice(
            clerk,
            req,
            items=said["items"],
            period_days=10,
            today=_day(received, 2),
        )
        return services.close_as_abandoned(clerk, req, today=_day(received, 13))
    if story == "consulting":
        return services.start_consultation(
            clerk,
            req,
            third_party=said["third_party"],
            matter=said["matter"],
            today=_day(received, 2),
        )
    if story == "extended_open":
        return services.extend_deadline(
            head, req, days=20, reason=said["reason"], today=_day(received, 1)
        )
    if story == "correction_pending":
        return services.issue_correction_notice(
            clerk, req, items=said["items"], period_days=15, today=_day(received, 2)
        )
    if story == "review":
        return services.draft_reply(
            clerk, req, kind="already_public", where_public=said["where_public"]
        )
    return req  # "new" and "overdue": waiting to be handled
