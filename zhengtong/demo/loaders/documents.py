"""Sample official documents for the demo county, made through the real operations so
that they carry routes, trails, numbers, work items and audit records like any other.

`load()` first plays a year of the county's documents (`load_year`, below): about 200
outgoing documents of 19 units over the last twelve months, in every state, then the
education bureau's documents of today (the `head` demo log-in) in every state: drafts,
under review, waiting for the head's sign-off, signed and waiting to be issued,
issued to every town (some towns have signed for it, one is overdue). `load_more()`
adds five departments' notices of today to the towns.
"""

import contextlib
import datetime
import heapq
import random
from dataclasses import dataclass, field
from unittest import mock

from django.utils import timezone

from zhengtong.demo import content
from zhengtong.documents import services
from zhengtong.documents.models import (
    Disclosure,
    DocState,
    DocType,
    IncomingState,
    Retention,
    StepKind,
    StepState,
)
from zhengtong.org.models import Role, Unit, UnitKind, User

_data = content.load("documents")  # the words: zhengtong/demo/data/documents.toml
SAY = _data["say"]

TITLES = _data["titles"]


def _role_holder(role, unit):
    return (
        User.objects.filter(
            role_assignments__role=role, role_assignments__unit=unit, is_active=True
        )
        .order_by("id")
        .first()
    )


def load(seed=2026, *, bureau_name_contains="教育局", year=True):
    """Create the sample documents (with `year`, first a year of the county's documents,
    see `load_year`); returns how many. Needs the demo county's units."""
    made = load_year(seed) if year else 0
    return made + _load_today(seed, bureau_name_contains)


def _load_today(seed, bureau_name_contains):
    """The education bureau's documents of today, in every state."""
    rng = random.Random(seed)
    bureau = Unit.objects.filter(
        kind=UnitKind.DEPARTMENT, name__contains=bureau_name_contains
    ).first()
    finance = Unit.objects.filter(kind=UnitKind.DEPARTMENT, name__contains="财政局").first()
    towns = list(
        Unit.objects.filter(kind=UnitKind.TOWN, is_active=True).order_by("sort_order", "id")
    )
    if bureau is None or finance is None or not towns:
        return 0
    clerk, head = _role_holder(Role.CLERK, bureau), _role_holder(Role.UNIT_HEAD, bureau)
    finance_head = _role_holder(Role.UNIT_HEAD, finance)
    if not (clerk and head and finance_head):
        return 0

    def new(title, *, recipients=None):
        body = content.fill(_data["today"]["notice_body"], subject=title[2:-3])
        return services.create_draft(
            clerk,
            issuing_unit=bureau,
            doc_type=DocType.NOTICE,
            title=title,
            body=body,
            main_recipients=recipients or towns,
            urgency=rng.choice(["", "", "", "urgent"]),
        )

    def signed(title):
        document = new(title)
        services.submit(
            clerk, document, reviewer=head, signer=head, countersigners=[(finance, finance_head)]
        )
        services.approve(head, document, opinion=SAY["agree_countersign"])
        services.approve(finance_head, document, opinion=SAY["agree"])
        return services.approve(
            head, document, opinion=SAY["agree_issue"], disclosure=Disclosure.PROACTIVE
        )

    made = 0
    first_today = services.Document.objects.order_by("-pk").values_list("pk", flat=True).first()
    new(TITLES[0])  # a draft
    made += 1
    in_review = new(TITLES[1])
    services.submit(clerk, in_review, reviewer=head, signer=head)  # waiting for the head
    made += 1
    countersign = new(TITLES[2])
    services.submit(
        clerk, countersign, reviewer=head, signer=head, countersigners=[(finance, finance_head)]
    )
    services.approve(head, countersign, opinion=SAY["agree"])  # waiting for the finance bureau
    made += 1
    signed(TITLES[3])  # signed off, waiting to be issued by the clerk
    made += 1
    for index, title in enumerate(TITLES[4:]):
        document = services.issue(clerk, signed(title))
        made += 1
        if index == 0:  # the oldest one is already filed
            services.archive_document(clerk, document, retention=services.Retention.PERMANENT)
        for distribution in document.distributions.select_related("unit"):
            if rng.random() < 0.6:
                town_clerk = _role_holder(Role.CLERK, distribution.unit)
                if town_clerk:
                    services.sign_for(town_clerk, distribution)
    # One town has let a sign-for run past its due date.
    late = (
        services.Distribution.objects.filter(
            signed_for_at__isnull=True, document_id__gt=first_today or 0
        )
        .order_by("id")
        .first()
    )
    if late is not None:
        late.due_date = timezone.localdate() - datetime.timedelta(days=2)
        late.save(update_fields=["due_date"])
        from zhengtong.core.models import WorkItem

        WorkItem.objects.filter(
            kind=services.SIGN_FOR_KIND, assignee_unit=late.unit, subject_id=str(late.document_id)
        ).update(due_date=late.due_date)
    return made


# Other departments' routine notices of today to the towns (titles are invented); the
# year's flow of documents in every unit comes from `load_year`.
MORE_TITLES = _data["more_titles"]


def load_more(seed=2026):
    """Issued notices from five more departments; each town has signed for some of
    them and the first town handles and archives one. Returns how many documents were
    made."""
    rng = random.Random(seed + 1)
    towns = list(
        Unit.objects.filter(kind=UnitKind.TOWN, is_active=True).order_by("sort_order", "id")
    )
    made = 0
    for name, titles in MORE_TITLES.items():
        unit = Unit.objects.filter(kind=UnitKind.DEPARTMENT, name__contains=name).first()
        if unit is None or not unit.doc_prefix:
            continue
        clerk, head = _role_holder(Role.CLERK, unit), _role_holder(Role.UNIT_HEAD, unit)
        if not (clerk and head):
            continue
        for title in titles:
            document = services.create_draft(
                clerk,
                issuing_unit=unit,
                doc_type=DocType.NOTICE,
                title=title,
                body=content.fill(_data["today"]["routine_body"], subject=title[4:-3]),
                main_recipients=towns,
            )
            services.submit(clerk, document, reviewer=head, signer=head)
            services.approve(head, document, opinion=SAY["agree"])
            services.approve(head, document, disclosure=Disclosure.PROACTIVE)
            services.issue(clerk, document)
            made += 1
            for distribution in document.distributions.select_related("unit"):
                if rng.random() < 0.3:
                    town_clerk = _role_holder(Role.CLERK, distribution.unit)
                    if town_clerk:
                        services.sign_for(town_clerk, distribution)
    _handle_one(towns[0] if towns else None)
    return made


def _handle_one(town):
    """In the first town (the `clerk` demo log-in's), one received notice is handled
    to the end and archived, and another waits for the head's instruction."""
    if town is None:
        return
    clerk, head = _role_holder(Role.CLERK, town), _role_holder(Role.UNIT_HEAD, town)
    members = (
        list(
            User.objects.filter(memberships__unit=town, is_active=True).exclude(
                pk__in=[clerk.pk, head.pk]
            )
        )
        if clerk and head
        else []
    )
    records = list(
        services.IncomingRecord.objects.filter(unit=town, state=IncomingState.REGISTERED).order_by(
            "-received_at", "-id"
        )[:2]
    )
    if not (clerk and head and members and records):
        return
    done = records[0]
    services.propose(
        clerk,
        done,
        proposal=content.fill(SAY["propose_handler"], name=members[0].real_name),
        head=head,
    )
    services.instruct(
        head, done, instruction=SAY["agree"], handlers=[members[0]], due_in_working_days=5
    )
    services.finish_task(members[0], done, comment=SAY["checked_and_reported"])
    services.close_incoming(clerk, done, result=SAY["closed"], reply_to_sender=True)
    services.archive_incoming(clerk, done, retention=services.Retention.YEARS_10)
    if len(records) > 1:
        services.propose(clerk, records[1], proposal=SAY["propose_safety_office"], head=head)


# --- a year of documents -----------------------------------------------------------------
#
# `load_year` plays the county's last twelve months as a queue of events in time order:
# each document is drafted on a working day, submitted, reviewed, countersigned, signed
# off, issued and signed for, and each copy received is proposed, instructed, handled,
# closed and filed, all through the operations of `services`, each at its own moment.
# An event falls due only before the moment the demo is loaded: what would happen later
# has not happened yet, so the newest documents are naturally drafts, under review or
# waiting to be signed for, and the few steps planned never to happen become overdue.
# Numbers, registration numbers and archive numbers are therefore taken in time order:
# consecutive per prefix and year, from 1 in January.

DEPARTMENT_TOPICS = _data["department_topics"]
GOVERNMENT_TOPICS = _data["government_topics"]
OFFICE_TOPICS = _data["office_topics"]
COMMITTEE_OFFICE_TOPICS = _data["committee_office_topics"]
TOWN_TOPICS = _data["town_topics"]

TITLE_PATTERNS = {DocType(kind): patterns for kind, patterns in _data["title_patterns"].items()}

# Outgoing documents a department writes in the year (the government, its office, the
# committee's office and three towns write some more, and the government answers each
# 请示). The volume is bounded by the time the demo may take: every step is a real
# operation writing audit records (about 10 ms each on SQLite), and a document with its
# copies signed for and handled by the recipients makes about 30 of them: each one more
# a department adds about 13 documents and 5 s.
PER_DEPARTMENT = 3

# Where a document stops for good (plays no further event): a few of the last weeks'
# documents, so that every state and every step of the route is on show.
STOPS = ("draft", "review", "countersign", "office_review", "sign_off", "signed")
STEP_STOP = {
    StepKind.REVIEW: "review",
    StepKind.COUNTERSIGN: "countersign",
    StepKind.OFFICE_REVIEW: "office_review",
    StepKind.SIGN_OFF: "sign_off",
}


class _DemoClock:
    """THE ONE BACKDATING HELPER of the demo. While `running()` is active,
    `django.utils.timezone.now()` returns this clock's time instead of the real time,
    so the rows the operations write (documents, route steps, trail, work items and
    their due dates, audit records, distributions, incoming records, archive entries,
    numbers and their years) carry the moment of the simulated event. It only ever
    runs inside `load_year`, always before the real present, and every call moves it on
    by a millisecond so that the rows of one event keep their order."""

    def __init__(self, start):
        self.moment = start

    def now(self):
        self.moment += datetime.timedelta(milliseconds=1)
        return self.moment

    @contextlib.contextmanager
    def running(self):
        with mock.patch.object(timezone, "now", self.now):
            yield


@dataclass(order=True)
class _Event:
    at: datetime.datetime
    seq: int
    action: object = field(compare=False)
    args: tuple = field(compare=False, default=())


@dataclass
class _Plan:
    """One outgoing document of the year: who writes it, to whom, and its fate."""

    unit: object
    doc_type: str
    title: str
    topic: str
    start: datetime.datetime
    main: list
    copy: list = field(default_factory=list)
    countersign: list = field(default_factory=list)
    office_reviewer: object = None
    signer: object = None
    urgency: str = ""
    attachment_note: str = ""
    stop: str = ""  # one of STOPS, or "" for the whole way
    send_back: bool = False
    withdraw: bool = False
    request: object = None  # the 请示 a 批复 answers
    drafter: object = None
    document: object = None
    scheduled: set = field(default_factory=set)


class _Year:
    def __init__(self, seed, end):
        self.rng = random.Random(seed * 7919 + 17)
        self.end = end  # the real present: nothing happens from here on
        self.start = end - datetime.timedelta(days=365)
        self.queue = []
        self.seq = 0
        self.staff = {}
        self.plans = []

    # --- time ----------------------------------------------------------------------

    def at(self, when, action, *args):
        """Schedule `action(*args)` at `when`; later than the present, it never happens."""
        if when < self.end:
            self.seq += 1
            heapq.heappush(self.queue, _Event(when, self.seq, action, args))

    def _office_hours(self, day):
        minutes = self.rng.randint(8 * 60 + 30, 17 * 60 + 30)
        naive = datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60))
        return timezone.make_aware(naive)

    def later(self, moment, working_days):
        """A moment `working_days` working days after `moment` (0: later the same day,
        or the next working morning after office hours)."""
        from zhengtong.core import calendar

        if working_days == 0:
            moment += datetime.timedelta(minutes=self.rng.randint(15, 150))
            if timezone.localtime(moment).hour < 18:
                return moment
            working_days = 1
        day = timezone.localtime(moment).date()
        while working_days > 0:
            day += datetime.timedelta(days=1)
            if calendar.is_working_day(day):
                working_days -= 1
        return self._office_hours(day)

    def run(self):
        clock = _DemoClock(self.start)
        with clock.running():
            while self.queue:
                event = heapq.heappop(self.queue)
                clock.moment = max(clock.moment, event.at)
                event.action(*event.args)

    # --- people --------------------------------------------------------------------

    def people(self, unit):
        """(clerk, head, others) of a unit, read once."""
        if unit.pk not in self.staff:
            clerk, head = _role_holder(Role.CLERK, unit), _role_holder(Role.UNIT_HEAD, unit)
            others = list(
                User.objects.filter(memberships__unit=unit, is_active=True)
                .exclude(pk__in=[p.pk for p in (clerk, head) if p])
                .order_by("id")
            )
            self.staff[unit.pk] = (clerk, head, others)
        return self.staff[unit.pk]

    def drafter(self, unit):
        clerk, _head, others = self.people(unit)
        return self.rng.choice(others) if others and self.rng.random() < 0.5 else clerk

    # --- the plan ------------------------------------------------------------------

    def plan(self, units):
        """Plan the year's documents (the order of the steps is the order the seeded
        stream is drawn from), then schedule each one's drafting."""
        self._plan_departments(units)
        self._plan_government(units)
        self._plan_recent_stops(units)
        for plan in self.rng.sample(
            [p for p in self.plans if p.doc_type == DocType.NOTICE and not p.stop], 2
        ):
            plan.withdraw = True
        for plan in self.plans:
            self.at(plan.start, self.draft, plan)

    def _some(self, pool, low, high):
        return self.rng.sample(pool, min(len(pool), self.rng.randint(low, high)))

    def _title(self, doc_type, topic, when):
        pattern = self.rng.choice(TITLE_PATTERNS[doc_type])
        return pattern.format(t=topic, y=timezone.localtime(when).year)

    def _day_in_year(self):
        while True:
            moment = self._office_hours(
                (self.start + datetime.timedelta(days=self.rng.randint(1, 363))).date()
            )
            if moment < self.end and _is_working_day(moment):
                return moment

    def _add(self, unit, doc_type, topics, main, **extra):
        rng = self.rng
        when = extra.pop("start", None) or self._day_in_year()
        topic = rng.choice(topics)
        self.plans.append(
            _Plan(
                unit=unit,
                doc_type=doc_type,
                title=self._title(doc_type, topic, when),
                topic=topic,
                start=when,
                main=main,
                urgency=rng.choices(["", "urgent", "extra_urgent"], [88, 10, 2])[0],
                send_back=rng.random() < 0.07,
                **extra,
            )
        )

    def _plan_departments(self, units):
        """Each department's outgoing documents of the year."""
        rng, add, some = self.rng, self._add, self._some
        towns, departments = units["towns"], units["departments"]
        government, gov_office = units["government"], units["government_office"]
        for name, unit in departments.items():
            topics = DEPARTMENT_TOPICS[name]
            others = [u for n, u in departments.items() if n != name]
            for _i in range(PER_DEPARTMENT):
                kind = rng.choices(
                    [
                        DocType.NOTICE,
                        DocType.REPORT,
                        DocType.REQUEST,
                        DocType.LETTER,
                        DocType.CIRCULAR,
                    ],
                    [45, 17, 10, 18, 10],
                )[0]
                if kind == DocType.NOTICE:
                    main = some(towns, 1, 3)
                    copy = [gov_office] if rng.random() < 0.15 else []
                    cosign = [rng.choice(others)] if rng.random() < 0.2 else []
                    note = "1.工作情况统计表\n2.联系人信息表" if rng.random() < 0.3 else ""
                    add(
                        unit,
                        kind,
                        topics,
                        main,
                        copy=copy,
                        countersign=cosign,
                        attachment_note=note,
                    )
                elif kind in (DocType.REPORT, DocType.REQUEST):
                    add(unit, kind, topics, [government])
                elif kind == DocType.LETTER:
                    add(unit, kind, topics, [rng.choice(others)])
                else:
                    add(unit, kind, topics, some(towns, 1, 3))

    def _plan_government(self, units):
        """The government's, its office's, the committee office's and three towns'."""
        rng, add, some = self.rng, self._add, self._some
        towns, departments = units["towns"], units["departments"]
        government, gov_office = units["government"], units["government_office"]
        leaders = units["leaders"]
        for _i in range(6):
            kind = rng.choices([DocType.NOTICE, DocType.OPINION], [80, 20])[0]
            main = some(list(departments.values()), 2, 3)
            add(
                government,
                kind,
                GOVERNMENT_TOPICS,
                main,
                office_reviewer=units["office_reviewer"],
                signer=rng.choice(leaders),
            )
        for _i in range(6):
            kind = rng.choices([DocType.NOTICE, DocType.MINUTES, DocType.CIRCULAR], [50, 35, 15])[0]
            add(
                gov_office,
                kind,
                OFFICE_TOPICS,
                some(list(departments.values()), 1, 3),
                signer=rng.choice(leaders) if rng.random() < 0.4 else None,
            )
        committee_office = units.get("committee_office")
        if committee_office is not None:
            for _i in range(3):
                add(
                    committee_office,
                    DocType.NOTICE,
                    COMMITTEE_OFFICE_TOPICS,
                    some(list(departments.values()), 1, 2) + some(towns, 1, 1),
                    signer=units["committee_leader"],
                )
        for town in towns[:3]:
            for _i in range(3):
                kind = rng.choices([DocType.REQUEST, DocType.REPORT], [40, 60])[0]
                add(town, kind, TOWN_TOPICS, [government])

    def _plan_recent_stops(self, units):
        """Notices of the last weeks that stop for good at each state and step of the
        route (two of each), so that every one is on show whatever the date: started
        16 to 28 days ago, they have reached their stop by now."""
        rng, add, some = self.rng, self._add, self._some
        towns, departments = units["towns"], units["departments"]
        recent_days = [
            day
            for day in (self.end.date() - datetime.timedelta(days=n) for n in range(16, 29))
            if _is_working_day(day)
        ]
        names = list(departments)
        for i, stop in enumerate(STOPS * 2):
            name = names[(3 * i + 1) % len(names)]
            unit = departments[name]
            cosign = [u for n, u in departments.items() if n != name][i % 3]
            add(
                unit,
                DocType.NOTICE,
                DEPARTMENT_TOPICS[name],
                some(towns, 2, 3),
                start=self._office_hours(rng.choice(recent_days)),
                countersign=[cosign] if stop == "countersign" or i % 2 else [],
                office_reviewer=units["office_reviewer"] if stop == "office_review" else None,
                stop=stop,
            )
            self.plans[-1].send_back = False

    # --- outgoing --------------------------------------------------------------------

    def draft(self, plan):
        drafter = self.drafter(plan.unit)
        subject = plan.topic + ("" if plan.topic.endswith("工作") else "工作")
        plan.document = services.create_draft(
            drafter,
            issuing_unit=plan.unit,
            doc_type=plan.doc_type,
            title=plan.title,
            body=_body(plan, subject),
            main_recipients=plan.main,
            copy_recipients=plan.copy,
            urgency=plan.urgency,
            attachment_note=plan.attachment_note,
            note=content.fill(SAY["contact"], name=drafter.real_name)
            if self.rng.random() < 0.3
            else "",
        )
        plan.drafter = drafter
        if plan.stop != "draft":
            self.at(self.later(self.now(), self.rng.choice([0, 0, 1])), self.submit, plan)

    def now(self):
        return timezone.now()

    def submit(self, plan):
        _clerk, head, _others = self.people(plan.unit)
        countersigners = [(u, self.people(u)[1]) for u in plan.countersign]
        services.submit(
            plan.drafter,
            plan.document,
            reviewer=head,
            signer=plan.signer or head,
            countersigners=countersigners,
            office_reviewer=plan.office_reviewer,
        )
        self.schedule_steps(plan)

    def schedule_steps(self, plan):
        for step in plan.document.route.filter(state=StepState.PENDING).select_related("assignee"):
            if step.pk in plan.scheduled:
                continue
            plan.scheduled.add(step.pk)
            if plan.stop == STEP_STOP[step.kind]:
                continue
            days = self.rng.choice([0, 0, 1, 1, 2])
            self.at(self.later(self.now(), days), self.act, plan, step.assignee)

    def act(self, plan, person):
        document = plan.document
        step, _acting = services.pending_step_for(person, document)
        if step.kind == StepKind.REVIEW and plan.send_back:
            plan.send_back = False
            services.send_back(person, document, reason=SAY["send_back"])
            self.at(self.later(self.now(), 1), self.revise, plan)
            return
        lead = step.kind == StepKind.SIGN_OFF
        disclosure = reason = ""
        if lead:
            proactive = plan.doc_type in (DocType.NOTICE, DocType.OPINION, DocType.CIRCULAR)
            if plan.withdraw:  # withdrawn before the website takes it
                disclosure = Disclosure.ON_REQUEST
            elif proactive and self.rng.random() < 0.6:
                disclosure = Disclosure.PROACTIVE
            elif self.rng.random() < 0.7:
                disclosure = Disclosure.ON_REQUEST
            else:
                disclosure, reason = Disclosure.NOT_DISCLOSED, SAY["internal_matter"]
        opinion = self.rng.choice([SAY["agree"], SAY["agree_proceed"], "", SAY["read_agree"]])
        if lead and opinion:
            opinion = SAY["agree_issue"]
        document = services.approve(
            person, document, opinion=opinion, disclosure=disclosure, disclosure_reason=reason
        )
        if document.state == DocState.SIGNED:
            if plan.stop != "signed":
                self.at(self.later(self.now(), self.rng.choice([0, 0, 1])), self.issue, plan)
        else:
            self.schedule_steps(plan)

    def revise(self, plan):
        document = plan.document
        services.update_draft(
            plan.drafter,
            document,
            body=document.body.replace(SAY["mark"], SAY["mark_revised"]),
        )
        self.at(self.later(self.now(), 0), self.submit, plan)

    def issue(self, plan):
        clerk = self.people(plan.unit)[0]
        document = services.issue(clerk, plan.document)
        rng = self.rng
        for distribution in document.distributions.select_related("unit"):
            roll = rng.random()
            if roll < 0.02:
                continue  # never signed for: overdue
            if roll < 0.08:
                days = rng.randint(4, 8)  # late
            else:
                days = rng.choice([0, 0, 0, 0, 1, 1, 2])
            self.at(self.later(self.now(), days), self.sign_for, distribution)
        if plan.withdraw:
            self.at(self.later(self.now(), 1), self.withdraw, plan)
        elif rng.random() < 0.7:
            self.at(self.later(self.now(), rng.randint(10, 40)), self.archive, plan)

    def withdraw(self, plan):
        head = self.people(plan.unit)[1]
        services.withdraw(head, plan.document, reason=SAY["withdraw"])

    def archive(self, plan):
        clerk = self.people(plan.unit)[0]
        document = services.Document.objects.get(pk=plan.document.pk)
        if document.state == DocState.ISSUED:
            retention = self.rng.choice(
                [Retention.PERMANENT, Retention.YEARS_30, Retention.YEARS_10, Retention.YEARS_10]
            )
            services.archive_document(clerk, document, retention=retention)

    # --- incoming --------------------------------------------------------------------

    def sign_for(self, distribution):
        clerk = self.people(distribution.unit)[0]
        document = services.Document.objects.get(pk=distribution.document_id)
        if document.state != DocState.ISSUED:
            return  # withdrawn in the meantime
        services.sign_for(clerk, distribution)
        record = services.IncomingRecord.objects.get(distribution=distribution)
        self.at(self.later(self.now(), self.rng.choice([0, 0, 1])), self.propose, record)

    def propose(self, record):
        clerk, head, others = self.people(record.unit)
        handler = self.rng.choice(others) if others else clerk
        services.propose(
            clerk,
            record,
            proposal=content.fill(SAY["propose_reader"], name=handler.real_name),
            head=head,
        )
        self.at(self.later(self.now(), self.rng.choice([0, 1])), self.instruct, record, handler)

    def instruct(self, record, handler):
        head = self.people(record.unit)[1]
        days = 10 if record.distribution.document.doc_type == DocType.REQUEST else 5
        services.instruct(
            head,
            record,
            instruction=SAY["agree_hurry"],
            handlers=[handler],
            due_in_working_days=days,
        )
        roll = self.rng.random()
        if roll < 0.04:
            return  # never finished: overdue
        wait = self.rng.randint(7, 14) if roll < 0.12 else self.rng.randint(1, 4)
        self.at(self.later(self.now(), wait), self.finish, record, handler)

    def finish(self, record, handler):
        services.finish_task(handler, record, comment=SAY["handled_and_reported"])
        self.at(self.later(self.now(), self.rng.choice([0, 1])), self.close, record)

    def close(self, record):
        clerk = self.people(record.unit)[0]
        document = record.distribution.document
        result = SAY["replied"] if document.doc_type == DocType.REQUEST else SAY["closed"]
        services.close_incoming(clerk, record, result=result)
        if self.rng.random() < 0.5:
            self.at(self.later(self.now(), self.rng.randint(5, 30)), self.file_incoming, record)
        if document.doc_type == DocType.REQUEST:
            self.reply_to(record, document)

    def reply_to(self, record, request):
        """The government answers a 请示 with a 批复 (drafted once it is handled)."""
        government = record.unit
        plan = _Plan(
            unit=government,
            doc_type=DocType.REPLY,
            title=_reply_title(request),
            topic="",
            start=self.later(self.now(), 1),
            main=[request.issuing_unit],
            office_reviewer=self.office_reviewer,
            signer=self.rng.choice(self.leaders),
            request=request,
        )
        self.plans.append(plan)
        self.at(plan.start, self.draft, plan)

    def file_incoming(self, record):
        clerk = self.people(record.unit)[0]
        services.archive_incoming(clerk, record, retention=Retention.YEARS_10)


def _is_working_day(moment):
    from zhengtong.core import calendar

    if isinstance(moment, datetime.datetime):
        moment = timezone.localtime(moment).date()
    return calendar.is_working_day(moment)


def _reply_title(request):
    subject = request.title.removeprefix("关于").removesuffix("的请示")
    return f"关于{request.issuing_unit.short_name or request.issuing_unit.name}{subject}的批复"


def _body(plan, subject):
    """A short fictional text in the shape of the type."""
    bodies = _data["bodies"]
    if plan.doc_type == DocType.REPLY:
        return content.fill(
            bodies["reply"], request_title=plan.request.title, request_number=plan.request.number
        )
    return content.fill(bodies.get(str(plan.doc_type), bodies["default"]), subject=subject)


def _year_units():
    def one(kind, **lookup):
        return Unit.objects.filter(kind=kind, is_active=True, **lookup).order_by("id").first()

    government = one(UnitKind.GOVERNMENT)
    office = Unit.objects.filter(kind=UnitKind.OFFICE, parent=government).first()
    committee = one(UnitKind.COMMITTEE)
    committee_office = Unit.objects.filter(kind=UnitKind.OFFICE, parent=committee).first()
    departments = {}
    for name in DEPARTMENT_TOPICS:
        unit = one(UnitKind.DEPARTMENT, name__endswith=name)
        if unit is not None and unit.doc_prefix:
            departments[name] = unit
    towns = list(
        Unit.objects.filter(kind=UnitKind.TOWN, is_active=True).order_by("sort_order", "id")
    )
    leaders = list(
        User.objects.filter(
            role_assignments__role=Role.COUNTY_LEADER, memberships__unit=government, is_active=True
        )
        .distinct()
        .order_by("id")
    )
    committee_leader = (
        User.objects.filter(
            role_assignments__role=Role.COUNTY_LEADER, memberships__unit=committee, is_active=True
        )
        .order_by("id")
        .first()
    )
    reviewer = (_role_holder(Role.REVIEWER, office) if office is not None else None) or (
        office and _role_holder(Role.UNIT_HEAD, office)
    )
    if not (government and office and departments and towns and leaders and reviewer):
        return None
    return {
        "government": government,
        "government_office": office,
        "committee_office": committee_office if committee_leader else None,
        "committee_leader": committee_leader,
        "departments": departments,
        "finance": departments.get("财政局"),
        "towns": towns,
        "leaders": leaders,
        "office_reviewer": reviewer,
    }


def load_year(seed=2026, *, end=None):
    """The county's last twelve months of documents (see above); returns how many
    outgoing documents were made. `end`: the present (default now)."""
    units = _year_units()
    if units is None:
        return 0
    year = _Year(seed, end or timezone.now())
    year.leaders, year.office_reviewer = units["leaders"], units["office_reviewer"]
    year.plan(units)
    year.run()
    return sum(1 for plan in year.plans if plan.document is not None)
