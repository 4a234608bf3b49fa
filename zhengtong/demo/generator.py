"""The demo county: a FICTIONAL county (禾溪县) with its whole organisation and some
sample work, built for demonstrations, manual testing, end-to-end tests and benchmarks.

Two steps:

* `plan_county(seed, scale)` is pure: it decides every unit, person, code, name and
  number from `random.Random` seeded with `seed`, touching no database. The same seed
  and scale always give the same plan (names, codes, counts).
* `build_county(plan)` writes the plan in one transaction through the organisation's
  operations (`org.services`, actor `SYSTEM`), so every unit, staff member, membership,
  role, group and delegation is audited like any other change; sample work items go
  through `core.workitems.open_work_item` and messages through `core.notifications`.

Staff beyond the first 300 (only with `scale` > 1, for benchmarks) are bulk-created
straight into the `User` and `Membership` tables instead, because 300 × N audited
operations would take minutes. They are ordinary 科员 with a primary membership and no
role, an unusable password and `must_change_password` set; a single audit record
("demo.staff.bulk_create") accounts for them, so the chain still covers every row.

Fixed demo log-ins (`DEMO_LOGINS`) share one password that meets the password policy
and do not have to change it; every other account has an unusable password and must
change it once an administrator sets one. The three administrators (系统/安全/审计管理员,
three different people in the IT centre) must set up an authenticator app at their
first sign-in: two-factor sign-in is required for them.

Loading is idempotent: when the demo county already exists nothing is written
(`AlreadyLoaded`). There is deliberately no "reset": units are protected by foreign
keys and the audit trail is append-only; start from a fresh database instead.
"""

from __future__ import annotations

import datetime
import random
import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from zhengtong.core import audit
from zhengtong.core.errors import Conflict
from zhengtong.core.validators import credit_code_check_char, organisation_code_check_char
from zhengtong.org import services as org
from zhengtong.org.models import COUNTY_WIDE_ROLES, Membership, Role, Unit, UnitKind, User

from . import content, data

DEFAULT_SEED = 2026
STAFF_PER_SCALE = 300  # at least this many staff per unit of --scale
SERVICE_STAFF_LIMIT = 300  # staff beyond this number are bulk-created (see docstring)

# The fixed demo log-ins, in the order they are printed, with what each is for.
DEMO_LOGINS = [
    ("clerk", "签收、登记来文"),
    ("head", "审核、签发；副职正在代理"),
    ("leader", "签发、阅示"),
    ("editor", "编辑政府网站内容"),
    ("itadmin", "首次登录须绑定验证器"),
    ("security", "首次登录须绑定验证器"),
    ("auditor", "首次登录须绑定验证器"),
]


class AlreadyLoaded(Exception):
    """The demo county is already in the database; nothing was changed."""


class AnotherCounty(Conflict):
    """The database holds a different county; the demo loads only beside none."""

    code = "demo_another_county"


# --- the plan -------------------------------------------------------------------------


@dataclass
class UnitPlan:
    key: str
    parent: str | None
    kind: str
    name: str
    short_name: str
    code: str = ""
    doc_prefix: str = ""
    phone: str = ""
    address: str = ""
    postcode: str = ""
    duties: str = ""
    sort_order: int = 0
    large: bool = False

    def fields(self):
        return {
            "kind": self.kind,
            "name": self.name,
            "short_name": self.short_name,
            "code": self.code,
            "doc_prefix": self.doc_prefix,
            "phone": self.phone,
            "address": self.address,
            "postcode": self.postcode,
            "duties": self.duties,
            "sort_order": self.sort_order,
        }


@dataclass
class StaffPlan:
    username: str
    real_name: str
    unit: str  # key of the primary unit
    position: str
    mobile: str
    roles: list = field(default_factory=list)  # (role, unit key or None for county-wide)
    memberships: list = field(default_factory=list)  # (unit key, position)
    login: bool = False  # one of the fixed demo log-ins

    @property
    def password(self):
        return data.DEMO_PASSWORD if self.login else None


@dataclass
class CountyPlan:
    seed: int
    scale: int
    units: list
    staff: list  # created through org.services
    bulk_staff: list  # bulk-created (scale > 1 only)
    groups: dict  # group name -> unit keys
    deputy_of_head: str  # username of the deputy acting for `head`

    @property
    def all_staff(self):
        return self.staff + self.bulk_staff

    def unit(self, key):
        return next(u for u in self.units if u.key == key)


def credit_code(serial: int) -> str:
    """A valid, clearly fictional unified social credit code for a 机关 of the demo
    county: "11" (registered by 机构编制, 机关), the invented region code, a 9-character
    organisation code "99nnnnnn" + its GB 11714 check character, then the GB 32100
    check character."""
    body8 = f"99{serial:06d}"
    first17 = "11" + data.REGION_CODE + body8 + organisation_code_check_char(body8)
    return first17 + credit_code_check_char(first17)


class _Planner:
    def __init__(self, seed, scale):
        self.seed = seed
        self.scale = scale
        # Separate streams, so that a change in the unit list does not shuffle names.
        self.unit_rng = random.Random(f"zhengtong-demo:{seed}:units")
        self.people_rng = random.Random(f"zhengtong-demo:{seed}:people")
        self.units = []
        self.staff = []
        self.names = set()
        self.mobiles = set()
        self.serial = 0
        self.number = 0

    # units ---------------------------------------------------------------------------

    def phone(self):
        # Local numbers starting with 0 cannot exist (0 is the trunk prefix): fictional.
        return f"{data.AREA_CODE}-0{self.unit_rng.randrange(10**6):06d}"

    def county_address(self):
        street = self.unit_rng.choice(data.COUNTY_STREETS)
        return f"{data.COUNTY_NAME}{street}{self.unit_rng.randint(1, 199)}号"

    def add_unit(
        self,
        key,
        parent,
        kind,
        name,
        short_name,
        *,
        doc_prefix="",
        duties="",
        large=False,
        address=None,
        postcode=data.POSTCODE,
    ):
        section = kind == UnitKind.SECTION
        if not section:
            self.serial += 1
        unit = UnitPlan(
            key=key,
            parent=parent,
            kind=kind,
            name=name,
            short_name=short_name,
            code="" if section else credit_code(self.serial),
            doc_prefix=doc_prefix,
            phone=self.phone(),
            address=address or (self.county_address() if not section else ""),
            postcode="" if section else postcode,
            duties=duties,
            sort_order=(len(self.units) + 1) * 10,
            large=large,
        )
        self.units.append(unit)
        return unit

    def town_names(self):
        rng = self.unit_rng
        names = []
        total = data.TOWN_COUNT + data.TOWNSHIP_COUNT
        while len(names) < total:
            first, second = rng.choice(data.TOWN_FIRST), rng.choice(data.TOWN_SECOND)
            name = first + second
            if first == second or name in names or name == data.COUNTY_NAME[:2]:
                continue
            if any(n[0] == first for n in names):  # keep the short forms apart
                continue
            names.append(name)
        return names

    # people --------------------------------------------------------------------------

    def real_name(self):
        rng = self.people_rng
        attempts = 0
        while True:
            pool = data.GIVEN_FEMALE if rng.random() < 0.45 else data.GIVEN_MALE
            given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
            name = rng.choice(data.SURNAMES) + given
            attempts += 1
            if name in data.BLOCKED_NAMES:
                continue
            # Unique while there is room; a huge --scale may repeat names, as life does.
            if name not in self.names or attempts > 50:
                self.names.add(name)
                return name

    def mobile(self):
        rng = self.people_rng
        while True:
            number = rng.choice(data.MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            if number not in self.mobiles:
                self.mobiles.add(number)
                return number

    def person(self, unit, position, *roles, login=None, memberships=()):
        """Plan one person in `unit` (key); `roles` are Role values held in that unit
        (county-wide roles are county-wide) or (role, unit key) pairs."""
        self.number += 1
        username = login or f"{data.COUNTY_LOGIN_PREFIX}{self.number:05d}"
        pairs = []
        for role in roles:
            role, where = role if isinstance(role, tuple) else (role, unit)
            pairs.append((role, None if role in COUNTY_WIDE_ROLES else where))
        plan = StaffPlan(
            username=username,
            real_name=self.real_name(),
            unit=unit,
            position=position,
            mobile=self.mobile(),
            roles=pairs,
            memberships=list(memberships),
            login=login is not None,
        )
        self.staff.append(plan)
        return plan


def plan_county(seed=DEFAULT_SEED, scale=1) -> CountyPlan:
    """Decide the whole demo county for `seed` and `scale` (no database access)."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    p = _Planner(seed, scale)
    towns = p.town_names()
    # The order of these steps is the order the seeded streams are drawn from.
    _plan_units(p, towns)
    _plan_leadership(p)
    deputy_of_head = _plan_department_staff(p)
    _plan_town_staff(p, towns)

    # Fill up to 300 × scale with 科员/办事员 spread over departments and towns.
    structural = len(p.staff)
    target = max(STAFF_PER_SCALE * scale, len(p.staff))
    fill_units = [u for u in p.units if u.kind in (UnitKind.DEPARTMENT, UnitKind.TOWN)]
    i = 0
    while len(p.staff) < target:
        unit = fill_units[i % len(fill_units)]
        p.person(unit.key, "办事员" if unit.kind == UnitKind.TOWN else "科员")
        i += 1
    limit = max(SERVICE_STAFF_LIMIT, structural)
    service_staff, bulk_staff = p.staff[:limit], p.staff[limit:]
    assert not any(s.roles or s.memberships or s.login for s in bulk_staff)

    groups = {
        "全体乡镇": [u.key for u in p.units if u.kind == UnitKind.TOWN],
        "县直部门": [u.key for u in p.units if u.kind == UnitKind.DEPARTMENT],
    }
    return CountyPlan(
        seed=seed,
        scale=scale,
        units=p.units,
        staff=service_staff,
        bulk_staff=bulk_staff,
        groups=groups,
        deputy_of_head=deputy_of_head,
    )


def _plan_units(p, towns):
    """The unit tree: county, committee, government, their offices, departments (with
    their sections) and towns."""
    county, abbr, mark = data.COUNTY_NAME, data.COUNTY_ABBR, data.FICTION_MARK
    n_towns, n_townships = data.TOWN_COUNT, data.TOWNSHIP_COUNT
    fixed = content.load("county")["duties"]  # what the fixed units do

    p.add_unit(
        "county",
        None,
        UnitKind.COUNTY,
        county,
        county[:2],
        duties=content.fill(
            fixed["county"],
            county=county,
            county_mark=data.COUNTY_FICTION_MARK,
            towns=n_towns,
            townships=n_townships,
        ),
    )
    p.add_unit(
        "committee",
        "county",
        UnitKind.COMMITTEE,
        f"中共{county}委员会",
        "县委",
        doc_prefix=f"{abbr}委发",
        duties=fixed["committee"] + mark,
    )
    p.add_unit(
        "committee_office",
        "committee",
        UnitKind.OFFICE,
        f"中共{county}委员会办公室",
        "县委办",
        doc_prefix=f"{abbr}委办发",
        duties=fixed["committee_office"] + mark,
    )
    for suffix, short, middle, large, _head, _deputy, duties in data.COMMITTEE_DEPARTMENTS:
        p.add_unit(
            f"dept:{suffix}",
            "committee",
            UnitKind.DEPARTMENT,
            f"中共{county}委{suffix}",
            f"县委{short}",
            doc_prefix=f"{abbr}{middle}发",
            duties=duties + mark,
            large=large,
        )
    p.add_unit(
        "government",
        "county",
        UnitKind.GOVERNMENT,
        f"{county}人民政府",
        "县政府",
        doc_prefix=f"{abbr}政发",
        duties=fixed["government"] + mark,
    )
    office = p.add_unit(
        "government_office",
        "government",
        UnitKind.OFFICE,
        f"{county}人民政府办公室",
        "县政府办",
        doc_prefix=f"{abbr}政办发",
        large=True,
        duties=fixed["government_office"] + mark,
    )
    p.add_unit(
        "supervision",
        "government_office",
        UnitKind.SECTION,
        f"{office.name}督查室（效能办）",
        "督查室",
        duties=fixed["supervision"] + mark,
    )
    p.add_unit(
        "it_centre",
        "government_office",
        UnitKind.SECTION,
        f"{office.name}信息中心",
        "信息中心",
        duties=fixed["it_centre"] + mark,
    )
    for suffix, short, middle, large, _head, _deputy, duties in data.GOVERNMENT_DEPARTMENTS:
        p.add_unit(
            f"dept:{suffix}",
            "government",
            UnitKind.DEPARTMENT,
            f"{county}{suffix}",
            f"县{short}",
            doc_prefix=f"{abbr}{middle}发",
            duties=duties + mark,
            large=large,
        )
        for section in data.SECTIONS.get(suffix, []):
            p.add_unit(
                f"section:{suffix}:{section}",
                f"dept:{suffix}",
                UnitKind.SECTION,
                f"{county}{suffix}{section}",
                section,
                duties=f"{section}{mark}",
            )
    for i, town in enumerate(towns):
        kind_char = "镇" if i < n_towns else "乡"
        street = p.unit_rng.choice(data.TOWN_STREETS)
        p.add_unit(
            f"town:{i}",
            "government",
            UnitKind.TOWN,
            f"{town}{kind_char}人民政府",
            f"{town}{kind_char}",
            doc_prefix=f"{town}{kind_char}政发",
            large=kind_char == "镇",
            address=f"{county}{town}{kind_char}{street}{p.unit_rng.randint(1, 99)}号",
            postcode=f"{data.POSTCODE[:4]}{i + 11:02d}",
            duties=content.fill(fixed["town"], town=town + kind_char) + mark,
        )


def _plan_leadership(p):
    """The county leaders and the staff of the committee, the government and their offices."""
    R = Role
    p.person("committee", "县委书记", R.COUNTY_LEADER, R.UNIT_HEAD)
    p.person("committee", "县委副书记", R.COUNTY_LEADER)
    p.person("committee", "县委常委")
    p.person("committee", "机要秘书", R.CLERK)

    p.person("committee_office", "主任", R.UNIT_HEAD)
    p.person("committee_office", "副主任")
    p.person("committee_office", "秘书科科长")
    p.person("committee_office", "机要科科长")
    p.person("committee_office", "文书", R.CLERK)
    p.person("committee_office", "科员")

    p.person("government", "县长", R.COUNTY_LEADER, R.UNIT_HEAD, login="leader")
    p.person("government", "常务副县长", R.COUNTY_LEADER)
    for _i in range(3):
        p.person("government", "副县长", R.COUNTY_LEADER)
    p.person("government", "县长秘书", R.CLERK)

    p.person("government_office", "主任", R.UNIT_HEAD)
    p.person("government_office", "副主任", R.REVIEWER, R.UNIT_ADMIN)
    p.person("government_office", "副主任")
    p.person("government_office", "秘书科科长")
    p.person("government_office", "信息员", R.EDITOR, login="editor")
    p.person("government_office", "文书", R.CLERK)
    p.person("government_office", "科员")

    p.person("supervision", "督查室主任", R.UNIT_HEAD, R.SUPERVISOR)
    p.person("supervision", "督查专员", R.SUPERVISOR)
    p.person("supervision", "科员", R.CLERK)

    p.person("it_centre", "信息中心主任", R.UNIT_HEAD)
    p.person("it_centre", "系统管理员", R.SYSTEM_ADMIN, login="itadmin")
    p.person("it_centre", "安全管理员", R.SECURITY_ADMIN, login="security")
    p.person("it_centre", "安全审计员", R.AUDIT_ADMIN, login="auditor")
    p.person("it_centre", "技术员", R.CLERK)


def _plan_department_staff(p):
    """Every department's staff; returns the username of the deputy who acts for `head`."""
    R = Role
    unit_admin_departments = {"教育局", "公安局", "财政局"}
    deputy_of_head = None
    departments = data.COMMITTEE_DEPARTMENTS + data.GOVERNMENT_DEPARTMENTS
    for suffix, _short, _middle, large, head, deputy, _duties in departments:
        key = f"dept:{suffix}"
        p.person(key, head, R.UNIT_HEAD, login="head" if suffix == "教育局" else None)
        first_deputy = p.person(key, deputy)
        if suffix == "教育局":
            deputy_of_head = first_deputy.username
        if large:
            p.person(key, deputy)
        office_roles = [R.REVIEWER] if large else []
        if suffix in unit_admin_departments:
            office_roles.append(R.UNIT_ADMIN)
        p.person(key, "办公室主任", *office_roles)
        if large:
            p.person(key, "信息员", R.EDITOR)
        p.person(key, "文书", R.CLERK)
        for _i in range(3 if large else 1):
            p.person(key, "科员")
        for section in data.SECTIONS.get(suffix, []):
            skey = f"section:{suffix}:{section}"
            chief = (
                "队长"
                if section.endswith("队")
                else (
                    "主任"
                    if section.endswith("室")
                    else ("科长" if section.endswith("科") else "股长")
                )
            )
            p.person(key, chief, (R.UNIT_HEAD, skey), memberships=[(skey, chief)])
            p.person(key, "科员", (R.CLERK, skey), memberships=[(skey, "科员")])

    return deputy_of_head


def _plan_town_staff(p, towns):
    """Every town's staff."""
    R = Role
    n_towns = data.TOWN_COUNT
    for i in range(len(towns)):
        key = f"town:{i}"
        town = i < n_towns
        head = "镇长" if town else "乡长"
        p.person(key, head, R.UNIT_HEAD)
        p.person(key, "党委书记")
        for _j in range(2 if town else 1):
            p.person(key, "副镇长" if town else "副乡长")
        office_roles = [R.REVIEWER] if town else []
        if i == 1:
            office_roles.append(R.UNIT_ADMIN)
        p.person(key, "党政办主任", *office_roles)
        if town:
            p.person(key, "信息员", R.EDITOR)
        p.person(key, "文书", R.CLERK, login="clerk" if i == 0 else None)


# --- writing it -----------------------------------------------------------------------


@dataclass
class BuildResult:
    units: int
    staff: int
    work_items: int
    notifications: int
    seconds: float


def demo_county():
    """The demo county's root unit, or None."""
    return Unit.objects.filter(parent=None, kind=UnitKind.COUNTY, name=data.COUNTY_NAME).first()


def check_can_load():
    """Raise AlreadyLoaded or AnotherCounty when the demo must not be written."""
    if demo_county() is not None:
        raise AlreadyLoaded(data.COUNTY_NAME)
    other = Unit.objects.filter(parent=None, kind=UnitKind.COUNTY).first()
    if other is not None:
        raise AnotherCounty(
            f"This database already holds the county {other.name}; the demo county is "
            "loaded only into a database without one."
        )


def build_county(plan: CountyPlan) -> BuildResult:
    """Write `plan` in one transaction (nothing is left half-built on an error)."""
    started = time.perf_counter()
    with transaction.atomic():
        check_can_load()
        units: dict = {}
        for u in plan.units:
            units[u.key] = org.create_unit(org.SYSTEM, parent=units.get(u.parent), **u.fields())
        for name, keys in plan.groups.items():
            org.save_unit_group(org.SYSTEM, None, name=name, units=[units[k] for k in keys])
        users = {}
        for s in plan.staff:
            user = org.create_staff(
                org.SYSTEM,
                unit=units[s.unit],
                username=s.username,
                real_name=s.real_name,
                password=s.password,
                position=s.position,
                mobile=s.mobile,
                must_change_password=not s.login,
            )
            for key, position in s.memberships:
                org.add_membership(org.SYSTEM, user, units[key], position=position)
            for role, key in s.roles:
                org.assign_role(org.SYSTEM, user, role, unit=units[key] if key else None)
            users[s.username] = user
        if plan.bulk_staff:
            _bulk_create_staff(plan.bulk_staff, units)
        work_items, notes = _sample_content(plan, units, users)
        from zhengtong.demo.loaders import documents as documents_demo

        documents_demo.load(plan.seed)
        documents_demo.load_more(plan.seed)
        from zhengtong.demo.loaders import portal as website_demo

        try:
            website_demo.load_website(
                units["county"], units["government_office"], units, seed=plan.seed
            )
        except website_demo.AlreadyFilled:  # a website with content exists: leave it
            pass
        # Public interaction: each app plays its year through its own operations.
        from zhengtong.demo.loaders import letters as letters_demo

        letters_demo.load(units, seed=plan.seed)
        from zhengtong.demo.loaders import disclosure as disclosure_demo

        disclosure_demo.load(units, seed=plan.seed)
        from zhengtong.demo.loaders import consultations as consultations_demo

        consultations_demo.load(units, seed=plan.seed)
        from zhengtong.demo.loaders import service_items as services_demo

        services_demo.load(units, seed=plan.seed)
    return BuildResult(
        units=len(plan.units),
        staff=len(plan.all_staff),
        work_items=work_items,
        notifications=notes,
        seconds=time.perf_counter() - started,
    )


def _bulk_create_staff(staff, units, batch_size=1000):
    """Benchmark-sized staff straight into the tables (see the module docstring)."""
    from zhengtong.core.crypto import mobile_index

    unusable = make_password(None)
    people = []
    for s in staff:
        user = User(
            username=s.username,
            real_name=s.real_name,
            position=s.position,
            mobile=s.mobile,
            must_change_password=True,
            password=unusable,
        )
        user.mobile_index = mobile_index(s.mobile)
        people.append(user)
    User.objects.bulk_create(people, batch_size=batch_size)
    ids = dict(
        User.objects.filter(username__in=[s.username for s in staff]).values_list("username", "pk")
    )
    Membership.objects.bulk_create(
        [
            Membership(
                user_id=ids[s.username], unit=units[s.unit], is_primary=True, position=s.position
            )
            for s in staff
        ],
        batch_size=batch_size,
    )
    audit.record(
        None,
        "demo.staff.bulk_create",
        units["county"],
        unit=units["county"],
        changes={
            "staff": [0, len(staff)],
            "usernames": [None, [staff[0].username, staff[-1].username]],
        },
    )


def _sample_content(plan, units, users):
    """Open work items, a few notifications and one delegation for the demo log-ins
    (their words: county.toml)."""
    from zhengtong.core.notifications import notify
    from zhengtong.core.workitems import open_work_item

    county = content.load("county")
    kinds = data.WORK_ITEM_KINDS
    today = timezone.localdate()
    head = users["head"]
    deputy = users[plan.deputy_of_head]
    people = {**users, "deputy": deputy}
    places = {
        "town": units["town:0"],
        "department": units["dept:教育局"],
        "office": units["government_office"],
    }
    n = 0

    def item(kind, title, *, user=None, unit=None, days=None, due=None):
        nonlocal n
        open_work_item(
            None,
            kind=kinds[kind],
            title=content.fill(title, county=data.COUNTY_NAME),
            assignee_user=user,
            assignee_unit=unit,
            due_in_working_days=days,
            due_date=due,
            unit=unit or (user and user.primary_unit),
            # Until the documents and letters subsystems land there is no step to do
            # these through, so the demo's sample items are marked done by hand.
            closes_by_hand=True,
        )
        n += 1

    for row in county["work_items"]:
        overdue = row.get("overdue")
        item(
            row["kind"],
            row["title"],
            user=people[row["user"]] if "user" in row else None,
            unit=places[row["unit"]] if "unit" in row else None,
            days=row.get("days"),
            due=None if overdue is None else today - datetime.timedelta(days=overdue),
        )
    report = county["town_report"]
    for key in plan.groups["全体乡镇"]:
        late = key in ("town:1", "town:2")
        item(
            report["kind"],
            report["title"],
            unit=units[key],
            due=today - datetime.timedelta(days=report["overdue"]) if late else None,
            days=None if late else report["days"],
        )

    now = timezone.now()
    org.delegate(
        org.SYSTEM,
        delegator=head,
        delegate_to=deputy,
        starts_at=now - datetime.timedelta(days=1),
        ends_at=now + datetime.timedelta(days=7),
        reason=county["delegation"]["reason"],
    )

    names = {"county": data.COUNTY_NAME, "head": head.real_name, "deputy": deputy.real_name}
    notes = county["notifications"]
    for note in notes:
        title, body = (content.fill(note[k], **names) for k in ("title", "body"))
        notify(people[note["user"]], title, body=body)
    return n, len(notes)


# --- reading it back ------------------------------------------------------------------


def login_rows():
    """(login, password, roles, person · unit, note) of the demo log-ins in the database."""
    rows = []
    people = User.objects.filter(username__in=[name for name, _note in DEMO_LOGINS])
    by_name = {u.username: u for u in people.prefetch_related("role_assignments__unit")}
    for name, note in DEMO_LOGINS:
        user = by_name.get(name)
        if user is None:
            continue
        roles = ", ".join(
            str(a.get_role_display()) + (f"@{a.unit.display_short_name}" if a.unit_id else "")
            for a in user.role_assignments.all()
        )
        unit = user.primary_unit
        unit_name = unit.display_short_name if unit else "-"
        rows.append((name, data.DEMO_PASSWORD, roles, f"{user.real_name} · {unit_name}", note))
    return rows
