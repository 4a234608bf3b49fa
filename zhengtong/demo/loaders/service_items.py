"""Demo service items for the fictional county (禾溪县): 44 items across 14 units,
each with a complete guide (every field, the application form's blank form and filled
sample, a sample of the result), written and published through the real operations by
the unit's clerk. All names and texts are invented for the demo.

    from zhengtong.demo.loaders import service_items as demo
    demo.load(units, seed=2026)   # units: the demo generator's dict key -> Unit
"""

import datetime
import logging
import random
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengtong.core.errors import DomainError
from zhengtong.demo import content
from zhengtong.org.models import Role, User
from zhengtong.services import services
from zhengtong.services.events import ensure_events
from zhengtong.services.models import ServiceEvent, ServiceItem

# A minimal, valid PDF: the demo's blank forms and samples (content checked on upload).
log = logging.getLogger(__name__)
_data = content.load("services")  # the words: zhengtong/demo/data/services.toml

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)

# (unit key, name, type, audience, events, statutory, promised, fee, extra materials, result)
ITEMS = [tuple(row.values()) for row in _data["items"]]

ID_MATERIAL = {audience: tuple(row) for audience, row in _data["id_material"].items()}
FEE_BASIS = _data["fee_basis"]
HALL = _data["hall"]
GUIDE = _data["guide"]


def _actor(unit, units):
    """The unit's clerk (文书), or one of the government office's staff."""
    for candidate_unit in (unit, units.get("government_office")):
        if candidate_unit is None:
            continue
        clerk = (
            User.objects.filter(
                role_assignments__role=Role.CLERK,
                role_assignments__unit=candidate_unit,
                is_active=True,
            )
            .order_by("id")
            .first()
        )
        if clerk:
            return clerk
    raise LookupError(f"No clerk to write the guides of {unit}")


def _form_name(name):
    """The application form's name: 最低生活保障申请 → 最低生活保障申请表."""
    return f"{name}表" if name.endswith("申请") else f"{name}申请表"


def _fields(n, row, unit, rng):
    """The complete guide of demo item number `n` (its words: [guide] in services.toml)."""
    (_key, name, item_type, audience, events, statutory, promised, fee, extra, result) = row
    window = rng.randint(1, 40)
    phone = f"0551-{rng.randint(6000, 6999)}{rng.randint(1000, 9999)}"
    id_name, id_form, id_medium, id_source = ID_MATERIAL[audience]
    online = rng.choice(["full", "full", "pre_review", "forms"])
    visits = 0 if online == "full" else 1
    words = dict(
        name=name,
        unit=unit.name,
        unit_short=unit.display_short_name,
        hall=HALL,
        window=window,
        phone=phone,
        promised=promised,
    )

    def say(key):
        return content.fill(GUIDE[key], **words)

    materials = [
        {
            "name": _form_name(name),
            "form": "original",
            "copies": 1,
            "medium": "either",
            "source": GUIDE["form_source"],
            "note": GUIDE["form_note"],
        },
        {"name": id_name, "form": id_form, "copies": 1, "medium": id_medium, "source": id_source},
    ] + [
        {
            "name": m,
            "form": "copy" if i % 2 else "original",
            "copies": 1,
            "medium": "paper",
            "source": GUIDE["extra_source"],
            "note": GUIDE["copy_note"] if i % 2 else "",
        }
        for i, m in enumerate(extra)
    ]
    return {
        "name": name,
        "implementation_code": f"HX{unit.pk:04d}{n:04d}",
        "basic_code": f"{rng.randint(100000, 999999)}{n:04d}",
        "item_type": item_type,
        "audience": audience,
        "legal_basis": say("legal_basis"),
        "conditions": say("conditions"),
        "statutory_limit": statutory,
        "promised_limit": promised,
        "special_steps": GUIDE["special_steps"] if statutory >= 20 else GUIDE["no_special_steps"],
        "fee_charged": bool(fee),
        "fees": fee,
        "fee_basis": FEE_BASIS if fee else "",
        "place": say("place"),
        "hours": GUIDE["hours"],
        "phone": phone,
        "complaint_channel": say("complaint_channel"),
        "result_name": result,
        "result_delivery": ["window", "post"] + (["online"] if online == "full" else []),
        "online_depth": online,
        "visits": visits,
        "materials": materials,
        "steps": [
            {"name": step["name"], "description": content.fill(step["description"], **words)}
            for step in GUIDE["steps"]
        ],
        "faqs": [dict(faq) for faq in GUIDE["faqs"]],
        "events": list(ServiceEvent.objects.filter(slug__in=events)),
    }


def load(units: dict, *, seed: int) -> int:
    """Write and publish the demo guides (none twice); returns how many were made."""
    ensure_events()
    rng = random.Random(seed)
    made = 0
    for n, row in enumerate(ITEMS, start=1):
        unit = units.get(row[0])
        if unit is None:
            continue
        fields = _fields(n, row, unit, rng)
        if ServiceItem.objects.filter(implementation_code=fields["implementation_code"]).exists():
            continue
        actor = _actor(unit, units)
        item = services.create_item(actor, unit=unit, **fields)
        form = item.materials.order_by("order").first()
        services.attach_file(
            actor, item, _pdf(f"{_form_name(row[1])}（空白）.pdf"), slot="blank_form", material=form
        )
        services.attach_file(
            actor, item, _pdf(f"{_form_name(row[1])}（样本）.pdf"), slot="sample", material=form
        )
        services.attach_file(actor, item, _pdf(f"{row[9]}（样本）.pdf"), slot="result_sample")
        services.publish_item(actor, item)
        made += 1
    load_cases(units, seed=seed)
    return made


def _pdf(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# --- online forms and a year of cases (办件) ------------------------------------------------

ONLINE_ITEMS = 10
SURNAMES = _data["surnames"]
GIVEN = _data["given"]
COMPANIES = _data["companies"]
BASIC_FORM = _data["basic_form"]
CONDITIONAL_FORM = _data["conditional_form"]
REVIEW_OPINIONS = _data["review_opinions"]
REFUSE_REASONS = _data["refuse_reasons"]
COMMENTS = _data["comments"]
CASE_TEXTS = _data["case_texts"]


def _person(rng):
    from zhengtong.core.validators import citizen_id_check_char

    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 50))
    first17 = f"341125{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return {
        "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
        "id_number": first17 + citizen_id_check_char(first17),
        "mobile": rng.choice(["139", "138", "137", "159", "186"]) + f"{rng.randrange(10**8):08d}",
    }


def _company_code(rng):
    from zhengtong.core.validators import credit_code_check_char, organisation_code_check_char

    org = "MA" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _i in range(6))
    body = "92341125" + org + organisation_code_check_char(org)
    return body + credit_code_check_char(body)


def _public_users(rng, count=40):
    """Fictional citizens and businesses with accounts (generated names and numbers)."""
    from zhengtong.public.models import PublicUser

    users = []
    for i in range(count):
        p = _person(rng)
        user = PublicUser(mobile=p["mobile"], real_name=p["name"], id_number=p["id_number"])
        if i % 8 == 7:
            user.kind = "business"
            user.company_name = COMPANIES[(i // 8) % len(COMPANIES)]
            user.credit_code = _company_code(rng)
        user.password = "!demo"  # never matches: demo applicants do not sign in
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # the same generated mobile twice
            continue
        users.append(user)
    return users


def _answers(fields, rng, person):
    out = {}
    for f in fields:
        t = f["type"]
        if f.get("show_if") and out.get(f["show_if"]["field"]) != f["show_if"]["equals"]:
            continue
        if t == "choice":
            out[f["key"]] = rng.choice(f["choices"])
        elif t == "date":
            out[f["key"]] = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
        elif t == "number":
            out[f["key"]] = str(rng.randint(1, 30))
        elif t == "phone":
            out[f["key"]] = person.mobile
        elif t == "id_number":
            out[f["key"]] = person.id_number
        elif t == "table":
            out[f["key"]] = [{c: "示例" for c in f["columns"]}]
        elif t == "address":
            out[f["key"]] = f"禾溪县城关镇人民路{rng.randint(1, 200)}号"
        else:
            out[f["key"]] = rng.choice(
                ["因生产经营需要申请办理。", "按规定申请。", "家庭情况发生变化。"]
            )
    return out


def _online_items(units):
    """10 published items get an online form: the one with the most materials gets the
    form with conditional fields; each must have a clerk and a head to handle cases."""
    from zhengtong.services import cases
    from zhengtong.services.models import OnlineDepth, ServiceForm

    candidates = []
    for item in ServiceItem.objects.filter(state="published").select_related("unit").order_by("id"):
        if _holder(Role.CLERK, item.unit) and _holder(Role.UNIT_HEAD, item.unit):
            candidates.append(item)
    chosen = candidates[:ONLINE_ITEMS]
    if not chosen:
        return []
    richest = max(chosen, key=lambda i: (i.materials.count(), -i.pk))
    for item in chosen:
        actor = _holder(Role.CLERK, item.unit)
        if item.online_depth not in (OnlineDepth.PRE_REVIEW, OnlineDepth.FULL):
            services.update_item(actor, item, online_depth=OnlineDepth.FULL)
        if not ServiceForm.objects.filter(item=item).exists():
            cases.save_form(actor, item, CONDITIONAL_FORM if item == richest else BASIC_FORM)
    return [ServiceItem.objects.get(pk=i.pk) for i in chosen]


def _holder(role, unit):
    return (
        User.objects.filter(
            role_assignments__role=role, role_assignments__unit=unit, is_active=True
        )
        .order_by("id")
        .first()
    )


# The last step each of the first cases stops at, so every state is in the demo.
FORCED = [
    "draft",
    "submitted",
    "notice_sent",
    "refused_at_intake",
    "accepted",
    "in_review",
    "suspended",
    "approved",
    "refused",
    "withdrawn",
    "delivered",
]


def _plan(rng, i):
    """The steps of one case, in working days from submission: (step, offset)."""
    target = FORCED[i] if i < len(FORCED) else None
    steps = [("submit", 0)]
    r = rng.random()
    if target == "draft" or (target is None and r < 0.03):
        return [("draft", 0)]
    if target == "submitted":
        return steps
    if target == "withdrawn" or (target is None and r < 0.06):
        return steps + [("withdraw", 1)]
    if target == "refused_at_intake" or (target is None and r < 0.13):
        return steps + [("refuse_at_intake", 1)]
    day = 1
    if target == "notice_sent" or (target is None and r < 0.28):
        steps.append(("notice", 2))
        if target == "notice_sent":
            return steps
        steps.append(("supply", 4))
        day = 5
    if target is None and rng.random() < 0.08:
        steps.append(("deemed", day + 6))  # no intake in time: accepted by lapse
        day += 6
    else:
        day += rng.randint(0, 2)
        steps.append(("accept", day))
    if target == "accepted":
        return steps
    late = target is None and rng.random() < 0.12
    if target == "suspended" or (target is None and rng.random() < 0.1):
        steps.append(("special_start", day + 1))
        if target == "suspended":
            return steps
        planned = rng.randint(3, 10)
        steps.append(("special_end", day + 1 + planned))
        day += planned
    if target is None and rng.random() < 0.06:
        steps.append(("extend", day + 2))
    steps.append(("review1", day + 2))
    if target == "in_review":
        return steps
    steps.append(("review2", day + 3))
    day += 25 if late else rng.randint(4, 9)
    refuse = target == "refused" or (target is None and rng.random() < 0.12)
    steps.append(("refuse" if refuse else "approve", day))
    if refuse or target == "approved":
        steps.append(("rate", day + 3))
        return steps if target != "approved" else steps[:-1]
    day += rng.randint(1, 4)
    steps.append(("deliver", day))
    steps.append(("rate", day + rng.randint(0, 5)))
    steps.append(("rectify", day + 8))
    return steps


def load_cases(units, *, seed, count=90, end=None):
    """A year of applications on 10 items with online forms, played through the real
    operations under a simulated clock (like the letters' demo): every state, some
    late, with ratings and rectifications. Returns the number of applications."""
    from unittest import mock

    from zhengtong.core import calendar as workdays
    from zhengtong.services import cases
    from zhengtong.services.models import Application

    if Application.objects.exists():
        return 0
    rng = random.Random(seed + 6)
    items = _online_items(units)
    if not items:
        return 0
    people = _public_users(rng)
    if not people:
        return 0
    end = end or timezone.now()
    tz = timezone.get_current_timezone()
    events = []
    for i in range(count):
        item = items[i % len(items)] if i < len(FORCED) else rng.choice(items)
        audience_ok = [
            p
            for p in people
            if (p.kind == "business") == (item.audience == "businesses") or item.audience == "both"
        ]
        person = rng.choice(audience_ok or people)
        if i < len(FORCED):
            # Recent enough to stay where they stop (a waiting application would
            # otherwise count as accepted once its notice period lapses).
            age = rng.randint(1, 2) if FORCED[i] in ("draft", "submitted") else rng.randint(30, 80)
        else:
            age = rng.randint(0, 360)
        day = (end - datetime.timedelta(days=age)).astimezone(tz).date()
        start = datetime.datetime.combine(
            day, datetime.time(9 + rng.randint(0, 7), rng.randint(0, 59)), tz
        )
        holder = {"item": item, "person": person, "rng": random.Random(rng.random())}
        for order, (step, offset) in enumerate(_plan(rng, i)):
            when_day = workdays.add_working_days(day, offset).date if offset else day
            moment = datetime.datetime.combine(when_day, start.timetz()) + datetime.timedelta(
                minutes=order * 7
            )
            if moment >= end:
                break
            events.append((moment, i, order, step, holder))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    clock = {"moment": None}

    def now():
        clock["moment"] += datetime.timedelta(milliseconds=1)
        return clock["moment"]

    made = 0
    with mock.patch.object(timezone, "now", now):
        for moment, _i, _order, step, h in events:
            clock["moment"] = moment
            try:
                made += _play(step, h, cases)
            except DomainError as exc:  # a step the simulated case cannot take: skip it
                log.info("demo case step %s skipped: %s", step, exc)
    return made


def _play(step, h, cases):
    """One step of one demo case, through the operations."""
    item, person, rng = h["item"], h["person"], h["rng"]
    clerk = _holder(Role.CLERK, item.unit)
    head = _holder(Role.UNIT_HEAD, item.unit)
    if step in ("draft", "submit"):
        return _start_case(step, h, cases, item, person, rng)
    app = h.get("app")
    if app is None:
        return 0
    play = _STEPS.get(step)
    if play is not None:
        play(_Step(cases, item, person, rng, clerk, head, app, step))
    return 0


def _start_case(step, h, cases, item, person, rng):
    """The applicant fills in the online form; on "submit" also uploads and submits."""
    fields = cases.online_form(item).fields
    app = cases.save_draft(person, item, answers=_answers(fields, rng, person))
    h["app"] = app
    if step == "draft":
        return 1
    for material in item.materials.filter(required=True):
        cases.upload_material(person, app, material, _pdf(f"{material.name[:40]}.pdf"))
    h["app"] = cases.submit(person, app)
    return 1


@dataclass
class _Step:
    cases: Any
    item: Any
    person: Any
    rng: Any
    clerk: Any
    head: Any
    app: Any
    step: str


def _withdraw(s):
    s.cases.withdraw(s.person, s.app, reason=CASE_TEXTS["withdraw_reason"])


def _refuse_at_intake(s):
    s.cases.refuse_at_intake(
        s.clerk,
        s.app,
        reasons=CASE_TEXTS["refuse_at_intake_reasons"],
        right_unit=CASE_TEXTS["refuse_at_intake_right_unit"],
    )


def _notice(s):
    first = s.item.materials.order_by("order").first()
    problem = {"material": first.pk, "problem": "wrong"}
    problem["what_to_do"] = CASE_TEXTS["notice_what_to_do"]
    s.cases.send_one_time_notice(s.clerk, s.app, problems=[problem])


def _supply(s):
    first = s.item.materials.order_by("order").first()
    name = f"{first.name[:40]}{CASE_TEXTS['supplied_suffix']}.pdf"
    s.cases.upload_material(s.person, s.app, first, _pdf(name))
    s.cases.supply_after_notice(s.person, s.app, note=CASE_TEXTS["supply_note"])


def _special_start(s):
    s.cases.start_special_step(
        s.clerk,
        s.app,
        kind=s.rng.choice(["inspection", "expert_review", "hearing"]),
        reason=CASE_TEXTS["special_step_reason"],
        planned_days=s.rng.randint(3, 10),
    )


def _review(s):
    reviewer = s.clerk if s.step == "review1" else s.head
    opinion = s.rng.choice(REVIEW_OPINIONS)
    s.cases.review(reviewer, s.app, opinion=opinion, recommendation="approve")


def _decide(s):
    reasons = REFUSE_REASONS if s.step == "refuse" else ""
    s.cases.decide(s.head, s.app, outcome=s.step, reasons=reasons)


def _deliver(s):
    way = s.rng.choice(["online", "online", "collection", "post"])
    s.cases.deliver(s.clerk, s.app, way=way, note=CASE_TEXTS["delivery_note"])


def _rate(s):
    rng = s.rng
    if rng.random() < 0.75:
        bad = rng.random() < 0.18
        levels = [rng.choice([1, 2]) if bad else rng.choice([4, 5, 5]) for _d in range(4)]
        s.cases.rate(
            s.person,
            s.app,
            overall=levels[0],
            efficiency=levels[1],
            guide_accuracy=levels[2],
            convenience=levels[3],
            comment=rng.choice(COMMENTS[2:] if bad else COMMENTS[:2]),
        )


def _rectify(s):
    app = s.app
    rating = getattr(app, "rating", None) if hasattr(app, "rating") else None
    if rating is not None and rating.is_bad and s.rng.random() < 0.8:
        s.cases.record_rectification(
            s.clerk,
            app,
            call_back=CASE_TEXTS["rectification_call_back"],
            result=CASE_TEXTS["rectification_result"],
        )


# Each later step of a demo case, by its name in the case's plan.
_STEPS = {
    "withdraw": _withdraw,
    "refuse_at_intake": _refuse_at_intake,
    "notice": _notice,
    "supply": _supply,
    "accept": lambda s: s.cases.accept(s.clerk, s.app),
    "deemed": lambda s: s.cases.deem_accepted(),
    "special_start": _special_start,
    "special_end": lambda s: s.cases.end_special_step(
        s.clerk, s.app, result=CASE_TEXTS["special_step_result"]
    ),
    "extend": lambda s: s.cases.extend(s.head, s.app, reason=CASE_TEXTS["extend_reason"]),
    "review1": _review,
    "review2": _review,
    "approve": _decide,
    "refuse": _decide,
    "deliver": _deliver,
    "rate": _rate,
    "rectify": _rectify,
}
