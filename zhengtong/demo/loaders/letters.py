"""A year of letters for the demo county (禾溪县, fictional), made through the real
operations so that they carry timelines, work items, audit records and statistics
like any other: most answered in time, some late, some still overdue (escalated),
a few declined, waiting for the writer, registered as petitions; many published,
many rated, the poor ratings followed up and one reopened.

Deterministic per seed (tracking codes included). The events of all letters are
played in time order under a demo clock, as the documents demo does.
"""

import contextlib
import datetime
import logging
import random
from unittest import mock

from django.utils import timezone

from zhengtong.core.errors import DomainError
from zhengtong.demo import content
from zhengtong.demo.content import fill as content_fill
from zhengtong.letters import services
from zhengtong.letters.models import DeadlinePolicy, DeclineReason, Letter, Mailbox, MailboxKind
from zhengtong.org.models import Role, User

log = logging.getLogger(__name__)
_data = content.load("letters")  # the words: zhengtong/demo/data/letters.toml

NAMES = _data["names"]
MOBILE_PREFIXES = _data["mobile_prefixes"]

# (category, title, content) — fictional, generic matters of a county.
TOPICS = [(t["category"], t["title"], t["content"]) for t in _data["topics"]]
REPLIES = _data["replies"]
TEXTS = _data["texts"]


class _Clock:
    """While running, `timezone.now()` is this clock's time (the simulated event's)."""

    def __init__(self):
        self.moment = None

    def now(self):
        self.moment += datetime.timedelta(milliseconds=1)
        return self.moment

    @contextlib.contextmanager
    def at(self, moment):
        self.moment = moment
        with mock.patch.object(timezone, "now", self.now):
            yield


def _holder(role, unit):
    if unit is None:
        return None
    return (
        User.objects.filter(
            role_assignments__role=role, role_assignments__unit=unit, is_active=True
        )
        .order_by("id")
        .first()
    )


def ensure_mailboxes(units):
    """The county head's mailbox (run by the government office) and one per department
    that has a clerk; returns them."""
    office = units.get("government_office")
    boxes = []
    if office is not None:
        box, _created = Mailbox.objects.get_or_create(
            owner_unit=office,
            defaults={
                "kind": MailboxKind.COUNTY_HEAD,
                "name": "县长信箱",
                "office_unit": office,
                "description": "给县长写信，反映意见建议和诉求。",
            },
        )
        DeadlinePolicy.objects.get_or_create(mailbox=box, category="")
        DeadlinePolicy.objects.get_or_create(
            mailbox=box, category="consultation", defaults={"accept_days": 1, "reply_days": 5}
        )
        boxes.append(box)
    for key in sorted(k for k in units if k.startswith("dept:")):
        unit = units[key]
        if _holder(Role.CLERK, unit) is None:
            continue
        box, _created = Mailbox.objects.get_or_create(
            owner_unit=unit,
            defaults={
                "kind": MailboxKind.DEPARTMENT,
                "name": f"{unit.display_short_name}信箱",
                "office_unit": unit,
                "sort_order": 10,
            },
        )
        boxes.append(box)
    return boxes


def _working_hour(rng, day):
    return datetime.time(rng.randint(8, 20), rng.randint(0, 59))


def load(units: dict, *, seed: int, count=150, end=None):
    """Create the mailboxes and a year of letters; returns the number of letters."""
    if Letter.objects.exists():
        return 0
    boxes = ensure_mailboxes(units)
    if not boxes:
        return 0
    year = _LetterYear(units, boxes, seed=seed, end=end or timezone.now())
    if not year.handlers:
        return 0
    for i in range(count):
        year.schedule(i)
    year.play()
    services.escalate_overdue()
    return sum(1 for h in year.holders if "letter" in h)


class _LetterYear:
    """The events of a year of letters, planned with one seeded stream and then played
    in time order through the letters' operations."""

    def __init__(self, units, boxes, *, seed, end):
        self.rng = random.Random(seed)
        self.seed = seed
        self.boxes = boxes
        self.end = end
        self.tz = timezone.get_current_timezone()
        self.handlers = [
            u
            for k, u in sorted(units.items())
            if (k.startswith("dept:") or k.startswith("town:")) and _holder(Role.CLERK, u)
        ]
        self.office_staff = {}
        self.leader = (
            User.objects.filter(role_assignments__role=Role.COUNTY_LEADER).order_by("id").first()
        )
        self.reasons = list(DeclineReason.objects.filter(is_active=True))
        towns = [u for k, u in sorted(units.items()) if k.startswith("town:")]
        self.places = [t.display_short_name for t in towns] or ["城关"]
        self.events = []  # (moment, letter, order, callable)
        self.holders = []

    def staff(self, unit, role):
        key = (unit.pk, role)
        if key not in self.office_staff:
            self.office_staff[key] = _holder(role, unit) or _holder(Role.CLERK, unit)
        return self.office_staff[key]

    def new_code(self):
        body = "".join(self.rng.choice(services.CODE_ALPHABET) for _i in range(11))
        return body + services._code_check_char(body)

    def schedule(self, i):
        """Plan letter `i`: its submission and as many later steps as its plan has."""
        rng, end = self.rng, self.end
        age = rng.randint(0, 364)
        day = (end - datetime.timedelta(days=age)).astimezone(self.tz).date()
        received = datetime.datetime.combine(day, _working_hour(rng, day), self.tz)
        if received >= end:
            received = end - datetime.timedelta(hours=1)
        boxes = self.boxes
        box = boxes[0] if rng.random() < 0.45 or len(boxes) == 1 else rng.choice(boxes[1:])
        category, title, content = rng.choice(TOPICS)
        place = rng.choice(self.places)
        name = rng.choice(NAMES)
        mobile = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        content = content.format(place=place)
        title = title.format(place=place)
        if rng.random() < 0.2:
            content += content_fill(TEXTS["phone_and_name"], mobile=mobile, name=name)
        holder = {}
        self.holders.append(holder)
        lead = box.office_unit if box.kind == MailboxKind.DEPARTMENT else rng.choice(self.handlers)
        plan = _plan(rng, age)
        seed = self.seed

        def submit(h=holder):
            h["letter"] = services.submit_letter(
                None,
                mailbox=box,
                category=category,
                title=title,
                content=content,
                name=name,
                mobile=mobile,
                may_publish=rng.random() < 0.7,
                submission_key=f"demo-letter-{seed}-{i:05d}",
            ).letter

        self.events.append((received, i, 0, submit))
        clerk = self.staff(box.office_unit, Role.CLERK)
        if plan == "received":
            return
        t = received + datetime.timedelta(hours=rng.randint(2, 30))
        if plan == "declined" and self.reasons:
            reasons = self.reasons
            self.events.append(
                (
                    t,
                    i,
                    1,
                    lambda h=holder, c=clerk: services.decline_letter(
                        c, _fresh(h), reason=rng.choice(reasons)
                    ),
                )
            )
            return
        self.events.append(
            (
                t,
                i,
                1,
                lambda h=holder, c=clerk, u=lead: services.route_letter(c, _fresh(h), lead_unit=u),
            )
        )
        if plan in ("routed", "petition", "overdue", "waiting"):
            self._schedule_open(i, holder, plan, t, clerk)
            return
        self._schedule_reply(i, holder, plan, t, clerk, lead, box, category)

    def _schedule_open(self, i, holder, plan, t, clerk):
        """A letter still open: registered as a petition, waiting for the writer, or late
        (a leader's instruction and a supervision order, each half of the time)."""
        rng, leader = self.rng, self.leader
        if plan == "petition":
            self.events.append(
                (
                    t + datetime.timedelta(minutes=5),
                    i,
                    2,
                    lambda h=holder, c=clerk: services.register_as_petition(c, _fresh(h)),
                )
            )
        if plan == "waiting":
            self.events.append(
                (
                    t + datetime.timedelta(hours=3),
                    i,
                    2,
                    lambda h=holder, c=clerk: services.request_more_information(
                        c, _fresh(h), question=TEXTS["more_information"]
                    ),
                )
            )
            return
        if plan == "overdue" and leader is not None and rng.random() < 0.5:
            self.events.append(
                (
                    t + datetime.timedelta(days=12),
                    i,
                    3,
                    lambda h=holder: services.add_instruction(
                        leader, _fresh(h), text=TEXTS["instruction"]
                    ),
                )
            )
        if plan == "overdue" and rng.random() < 0.5:
            self.events.append(
                (
                    t + datetime.timedelta(days=15),
                    i,
                    4,
                    lambda h=holder, c=clerk: services.issue_supervision_order(
                        c, _fresh(h), text=TEXTS["supervision_order"]
                    ),
                )
            )

    def _schedule_reply(self, i, holder, plan, t, clerk, lead, box, category):
        """The lead unit drafts a reply; unless the plan stops there it is approved,
        sent, published and (three times in four) rated."""
        rng = self.rng
        unit_clerk = self.staff(lead, Role.CLERK)
        days = rng.choice([2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 16])
        t = t + datetime.timedelta(days=days, hours=rng.randint(0, 6))
        self.events.append(
            (
                t,
                i,
                5,
                lambda h=holder, uc=unit_clerk, cat=category: services.draft_reply(
                    uc, _lead_routing(h), text=REPLIES[cat]
                ),
            )
        )
        if plan == "drafted":
            return
        t = t + datetime.timedelta(hours=rng.randint(2, 20))
        office = box.office_unit
        ap = _holder(Role.REVIEWER, office) or _holder(Role.UNIT_HEAD, office)
        self.events.append((t, i, 6, lambda h=holder, a=ap: services.approve_reply(a, _fresh(h))))
        self.events.append(
            (
                t + datetime.timedelta(minutes=30),
                i,
                7,
                lambda h=holder, c=clerk: services.send_reply(c, _fresh(h)),
            )
        )
        t = t + datetime.timedelta(hours=1)
        self.events.append(
            (
                t + datetime.timedelta(hours=2),
                i,
                8,
                lambda h=holder, c=clerk: _publish(c, _fresh(h), rng),
            )
        )
        if rng.random() < 0.75:
            self._schedule_rating(i, holder, t, unit_clerk)

    def _schedule_rating(self, i, holder, t, unit_clerk):
        rng = self.rng
        level = rng.choices([5, 4, 3, 2, 1], weights=[45, 30, 12, 9, 4])[0]
        t = t + datetime.timedelta(days=rng.randint(1, 5))
        self.events.append(
            (
                t,
                i,
                9,
                lambda h=holder, lv=level: services.rate_letter(
                    None,
                    _fresh(h),
                    level=lv,
                    comment="" if lv >= 3 else TEXTS["low_rating_comment"],
                ),
            )
        )
        if level <= 2:
            self.events.append(
                (
                    t + datetime.timedelta(days=2),
                    i,
                    10,
                    lambda h=holder, uc=unit_clerk: services.record_follow_up(
                        uc,
                        _fresh(h),
                        action="called_back",
                        note=TEXTS["follow_up_note"],
                    ),
                )
            )

    def play(self):
        """Run the events before `end` in time order, each at its own moment."""
        events = [e for e in self.events if e[0] < self.end]
        events.sort(key=lambda e: (e[0], e[1], e[2]))
        clock = _Clock()
        with mock.patch.object(services, "new_tracking_code", self.new_code):
            for moment, _i, _order, run in events:
                with clock.at(moment):
                    try:
                        run()
                    except DomainError as exc:  # one odd letter must not stop the demo
                        log.warning("Demo letter event skipped: %s", exc)


def _fresh(holder):
    return Letter.objects.get(pk=holder["letter"].pk)


def _lead_routing(holder):
    letter = _fresh(holder)
    return services._active_routing(letter, [letter.lead_unit_id])


def _plan(rng, age):
    """What happens to a letter received `age` days ago."""
    if age < 1:
        return "received"
    r = rng.random()
    if r < 0.05:
        return "declined"
    if r < 0.08:
        return "petition"
    if age < 20 and r < 0.14:
        return "waiting"
    if age < 12:
        return rng.choice(["routed", "drafted", "replied"])
    if r < 0.16:
        return "overdue"
    return "replied"


def _publish(actor, letter, rng):
    letter.refresh_from_db()
    if not letter.may_publish or rng.random() < 0.2:
        return
    preview = services.publication_preview(letter)
    services.publish_letter(
        actor, letter, title=preview.title, content=preview.content, reply=preview.reply
    )
