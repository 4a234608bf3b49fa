"""The working-day calendar (工作日历): statutory holidays and adjusted working days (调休).

The rule: a day is a working day if it is a `SpecialDay` of kind "workday" (调休, a
Saturday or Sunday worked), or it is Monday–Friday and not a `SpecialDay` of kind
"holiday". A year without a `CalendarYear` row has no data: it is computed
Monday–Friday and every result touching it carries `fallback=True`, so the deadline
can be shown as provisional and the IT centre warned (`missing_years_ahead`).

Every deadline of the platform is computed here (`add_working_days`,
`working_days_between`). Data is read once per year into an in-process cache; changes
to `SpecialDay` / `CalendarYear` clear it on commit (signals below) and bump a version
key in Django's cache so that other processes drop theirs within a second.

Data comes from the `chinesecalendar` package for 2004–2026 (`seed_from_chinesecalendar`,
data migration 0002_seed_calendar) and, for later years, from a small CSV file the IT
centre writes when the State Council publishes the schedule (`import_holidays`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import operator
import re
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple, NoReturn, TypeAlias, cast

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import access, audit
from .access import Person
from .errors import Invalid
from .models import CalendarYear, DayKind, SpecialDay

# A day as the questions take it: a date, or an aware or naive datetime (its local date).
DateLike: TypeAlias = dt.date | dt.datetime
# A special day as files and the package give it: (date, kind, name).
DayRow: TypeAlias = tuple[dt.date, str, str]

logger = logging.getLogger(__name__)

ONE_DAY = dt.timedelta(days=1)
# The longest count add_working_days accepts (about forty years): guards against a
# typo such as 100000 turning into a long loop.
MAX_WORKING_DAYS = 10_000
CACHE_VERSION_KEY = "core.calendar.version"
VERSION_CHECK_INTERVAL = 1.0  # seconds between looks at the shared version key


# --- results ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """The result of `add_working_days`.

    `rule` says how the date was computed ("10 working days from 2026-09-30", in the
    active language); `fallback` is True when a year touched had no holiday data and
    Monday–Friday was assumed (`missing_years` names those years).
    """

    date: dt.date
    fallback: bool
    rule: str
    start: dt.date | None = None
    days: int = 0
    missing_years: tuple[int, ...] = ()


@dataclass(frozen=True)
class Count:
    """The result of `working_days_between`: working days d with a < d <= b
    (negative when b < a)."""

    count: int
    fallback: bool
    missing_years: tuple[int, ...] = ()

    def __int__(self) -> int:
        return self.count


@dataclass(frozen=True)
class ImportSummary:
    """What `import_year_file` did to one year."""

    year: int
    holidays: int
    workdays: int
    weekend_holidays_ignored: int = 0
    had_data: bool = False
    previous_holidays: int = 0
    previous_workdays: int = 0
    previous_source: str = ""
    source: str = ""
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


class YearData(NamedTuple):
    holidays: frozenset[dt.date]  # weekday dates that are not worked
    workdays: frozenset[dt.date]  # weekend dates that are worked (调休)
    known: bool  # the year has a CalendarYear row


# --- the in-process cache ---------------------------------------------------------------
#
# `_years` holds committed data only, shared by all threads of the process. A thread that
# changes the calendar inside a transaction marks itself "dirty" for that transaction: it
# then reads the database directly (seeing its own uncommitted rows) and never fills the
# shared cache, so a rollback cannot leave uncommitted data behind. On commit the shared
# cache is emptied and the version key bumped for the other processes.


class _State:
    def __init__(self) -> None:
        self.years: dict[int, YearData] = {}
        self.generation = 0  # bumped on each clear; a load started before is not stored
        self.version: str | None = None  # the shared version key as last seen
        self.checked_at = float("-inf")


_state = _State()
_local = threading.local()


def _clear_local() -> None:
    _state.generation += 1
    _state.years = {}


def _refresh_if_stale() -> None:
    """At most once a second, compare the shared version key with ours."""
    now = time.monotonic()
    if now - _state.checked_at < VERSION_CHECK_INTERVAL:
        return
    _state.checked_at = now
    try:
        version = cache.get(CACHE_VERSION_KEY)
        if version is None:
            version = uuid.uuid4().hex
            if not cache.add(CACHE_VERSION_KEY, version, timeout=None):
                version = cache.get(CACHE_VERSION_KEY)
    except Exception:  # a cache outage must not stop deadline computation
        logger.warning("Calendar: cannot read the cache version key", exc_info=True)
        return
    if version != _state.version:
        if _state.version is not None:
            _clear_local()
        _state.version = version


def _publish_change() -> None:
    """After commit: drop this process's cache and tell the other processes."""
    _clear_local()
    _local.dirty_tx = None
    version = uuid.uuid4().hex
    try:
        cache.set(CACHE_VERSION_KEY, version, timeout=None)
    except Exception:
        logger.warning("Calendar: cannot bump the cache version key", exc_info=True)
        return
    _state.version = version
    _state.checked_at = time.monotonic()


def invalidate() -> None:
    """Note that calendar data changed. Called by the signal handlers; call it yourself
    after writes that send no signals (bulk_create, update(), raw SQL)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        _local.dirty_tx = connection.atomic_blocks[0] if connection.atomic_blocks else True
        transaction.on_commit(_publish_change)
    else:
        _publish_change()


def _in_dirty_transaction() -> bool:
    marker = getattr(_local, "dirty_tx", None)
    if marker is None:
        return False
    connection = transaction.get_connection()
    if connection.in_atomic_block and (
        marker is True or (connection.atomic_blocks and connection.atomic_blocks[0] is marker)
    ):
        return True
    # That transaction ended without a commit (rolled back): nothing of it was cached.
    _local.dirty_tx = None
    return False


def _load(year: int) -> YearData:
    jan1, dec31 = dt.date(year, 1, 1), dt.date(year, 12, 31)
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    rows = SpecialDay.objects.filter(date__range=(jan1, dec31)).values_list("date", "kind")
    for day, kind in rows:
        if kind == DayKind.HOLIDAY and day.weekday() < 5:
            holidays.add(day)
        elif kind == DayKind.WORKDAY and day.weekday() >= 5:
            workdays.add(day)
    known = CalendarYear.objects.filter(year=year).exists()
    return YearData(frozenset(holidays), frozenset(workdays), known)


def _year_data(year: int) -> YearData:
    if _in_dirty_transaction():
        return _load(year)
    _refresh_if_stale()
    data = _state.years.get(year)
    if data is None:
        generation = _state.generation
        data = _load(year)
        if generation == _state.generation:
            _state.years[year] = data
    return data


@receiver(post_save, sender=SpecialDay, dispatch_uid="core.calendar.specialday_saved")
@receiver(post_delete, sender=SpecialDay, dispatch_uid="core.calendar.specialday_deleted")
@receiver(post_save, sender=CalendarYear, dispatch_uid="core.calendar.year_saved")
@receiver(post_delete, sender=CalendarYear, dispatch_uid="core.calendar.year_deleted")
def _calendar_changed(sender: type[Any], **kwargs: Any) -> None:
    invalidate()


# --- the questions ------------------------------------------------------------------------


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"Expected a date, got {type(value).__name__}")


def is_working_day(day: DateLike) -> bool:
    """True if `day` is a working day (see the module's rule). A year without data
    counts Monday–Friday; use `years_without_data` to know whether that happened."""
    day = _as_date(day)
    data = _year_data(day.year)
    return day in data.workdays or (day.weekday() < 5 and day not in data.holidays)


def _rule_text(start: dt.date, n: int) -> str:
    if n >= 0:
        return ngettext(
            "%(n)d working day from %(date)s", "%(n)d working days from %(date)s", n
        ) % {"n": n, "date": start.isoformat()}
    return ngettext(
        "%(n)d working day before %(date)s", "%(n)d working days before %(date)s", -n
    ) % {"n": -n, "date": start.isoformat()}


def add_working_days(start: DateLike, n: int) -> Deadline:
    """The n-th working day after `start` (n > 0) or before it (n < 0).

    Counting begins with the day after (or before) `start`, which itself never counts:
    `add_working_days(2026-09-30, 1)` is the first working day after 30 September. With
    n = 0 the result is `start` unchanged (whatever kind of day it is) and no year is
    consulted, so `fallback` is False.
    """
    start = _as_date(start)
    n = operator.index(n)
    if abs(n) > MAX_WORKING_DAYS:
        raise Invalid(_("At most %(max)d working days can be counted.") % {"max": MAX_WORKING_DAYS})
    step = ONE_DAY if n > 0 else -ONE_DAY
    remaining = abs(n)
    day = start
    year = None
    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()
    missing_list: list[int] = []
    try:
        while remaining:
            day += step
            if day.year != year:
                year = day.year
                data = _year_data(year)
                holidays, workdays = data.holidays, data.workdays
                if not data.known:
                    missing_list.append(year)
            if day in workdays or (day.weekday() < 5 and day not in holidays):
                remaining -= 1
    except OverflowError:
        raise Invalid(_("The date is out of range.")) from None
    missing = tuple(sorted(missing_list))
    return Deadline(
        date=day,
        fallback=bool(missing),
        rule=_rule_text(start, n),
        start=start,
        days=n,
        missing_years=missing,
    )


def _weekdays_in(first: dt.date, last: dt.date) -> int:
    """Monday–Friday days in first..last (inclusive); 0 if last < first."""
    days = (last - first).days + 1
    if days <= 0:
        return 0
    weeks, rest = divmod(days, 7)
    wd = first.weekday()
    return weeks * 5 + sum(1 for i in range(rest) if (wd + i) % 7 < 5)


def working_days_between(a: DateLike, b: DateLike) -> Count:
    """The number of working days d with a < d <= b; when b is before a, the count for
    b < d <= a, negated (so swapping a and b flips the sign: an item due Friday is -1
    working day away on the next Monday). `working_days_between(x, add_working_days(x,
    n).date)` is n for n >= 0, and for n < 0 when x itself is a working day."""
    a, b = _as_date(a), _as_date(b)
    if b < a:
        c = working_days_between(b, a)
        return Count(-c.count, c.fallback, c.missing_years)
    if a == b:
        return Count(0, False, ())
    first, last = a + ONE_DAY, b
    total = 0
    missing: list[int] = []
    for year in range(first.year, last.year + 1):
        lo = max(first, dt.date(year, 1, 1))
        hi = min(last, dt.date(year, 12, 31))
        data = _year_data(year)
        if not data.known:
            missing.append(year)
        total += _weekdays_in(lo, hi)
        total -= sum(1 for d in data.holidays if lo <= d <= hi)
        total += sum(1 for d in data.workdays if lo <= d <= hi)
    return Count(total, bool(missing), tuple(missing))


def years_without_data(years: Iterable[int | str]) -> list[int]:
    """The years among `years` that have no holiday data (sorted)."""
    return sorted({int(y) for y in years if not _year_data(int(y)).known})


def missing_years_ahead(today: DateLike | None = None) -> list[int]:
    """This year and next year, if they have no holiday data: deadlines there fall back
    to Monday–Friday. Shown as a warning on the IT centre's dashboard."""
    today = _as_date(today) if today is not None else timezone.localdate()
    return years_without_data([today.year, today.year + 1])


# --- seeding from the chinesecalendar package ------------------------------------------

# get_holiday_detail() names holidays in English; the State Council's notices use these.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def _chinese_name(english: str | None) -> str:
    if not english:
        return ""
    if english in HOLIDAY_NAMES_ZH:
        return HOLIDAY_NAMES_ZH[english]
    import chinese_calendar

    try:
        return str(chinese_calendar.Holiday(english).chinese)[:40]
    except ValueError:
        return english[:40]


def chinesecalendar_source() -> str:
    import chinese_calendar

    return f"chinesecalendar {chinese_calendar.__version__}"


def chinesecalendar_years() -> list[int]:
    """The years the installed chinesecalendar package knows."""
    import chinese_calendar

    return sorted(
        {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}
    )


def chinesecalendar_days(year: int) -> list[DayRow]:
    """[(date, kind, name)] of one year from the package: holidays falling on a weekday
    and worked weekend days; holidays on a weekend change nothing and are left out."""
    import chinese_calendar

    days: list[DayRow] = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        on_holiday, english = chinese_calendar.get_holiday_detail(day)
        if day.weekday() < 5 and on_holiday:
            days.append((day, DayKind.HOLIDAY.value, _chinese_name(english)))
        elif day.weekday() >= 5 and not on_holiday:
            days.append((day, DayKind.WORKDAY.value, _chinese_name(english)))
        day += ONE_DAY
    return days


def seed_calendar(
    calendar_year_model: type[CalendarYear],
    special_day_model: type[SpecialDay],
    years: Iterable[int | str] | None = None,
    *,
    using: str = "default",
    force: bool = False,
) -> dict[int, str]:
    """Write the package's data for `years` (default: every year it knows) with the given
    model classes (the data migration passes its historical models). Returns
    {year: "created" | "updated" | "unchanged" | "skipped"}.

    Idempotent: a year already holding the same data is left alone. A year whose data
    came from somewhere else (an imported file) is skipped unless `force` is given.
    """
    known = set(chinesecalendar_years())
    wanted_years = sorted(
        set(chinesecalendar_years() if years is None else (int(y) for y in years))
    )
    unknown = [y for y in wanted_years if y not in known]
    if unknown:
        raise Invalid(
            _(
                "The chinesecalendar package has no data for %(years)s (it knows %(first)d–%(last)d)."
            )
            % {
                "years": ", ".join(map(str, unknown)),
                "first": min(known),
                "last": max(known),
            }
        )
    source = chinesecalendar_source()
    existing_years = {
        cy.year: cy for cy in calendar_year_model.objects.using(using).filter(year__in=wanted_years)
    }
    result: dict[int, str] = {}
    new_rows: list[SpecialDay] = []
    for year in wanted_years:
        wanted = chinesecalendar_days(year)
        current = existing_years.get(year)
        if current is not None and not force and not current.source.startswith("chinesecalendar"):
            result[year] = "skipped"
            continue
        days = special_day_model.objects.using(using).filter(
            date__range=(dt.date(year, 1, 1), dt.date(year, 12, 31))
        )
        have = {(d.date, d.kind, d.name) for d in days}
        if current is not None and current.source == source and have == set(wanted):
            result[year] = "unchanged"
            continue
        days.delete()
        new_rows.extend(special_day_model(date=d, kind=k, name=n) for d, k, n in wanted)
        if current is None:
            calendar_year_model.objects.using(using).create(year=year, source=source)
            result[year] = "created"
        else:
            current.source = source
            current.save(using=using)
            result[year] = "updated"
    special_day_model.objects.using(using).bulk_create(new_rows, batch_size=500)
    return result


def seed_from_chinesecalendar(
    years: Iterable[int | str] | None = None, *, force: bool = False
) -> dict[int, str]:
    """Seed the calendar from the chinesecalendar package (2004–2026 with version 1.11).
    See `seed_calendar`."""
    with transaction.atomic():
        result = seed_calendar(CalendarYear, SpecialDay, years, force=force)
        if any(outcome in ("created", "updated") for outcome in result.values()):
            invalidate()
    return result


# --- importing a year file --------------------------------------------------------------

MAX_FILE_BYTES = 256 * 1024  # a year's schedule is about a kilobyte
KIND_WORDS = {
    "holiday": DayKind.HOLIDAY.value,
    "休": DayKind.HOLIDAY.value,
    "workday": DayKind.WORKDAY.value,
    "班": DayKind.WORKDAY.value,
}
HEADER_WORDS = {"date", "日期"}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NAME_MAX = cast(int, SpecialDay._meta.get_field("name").max_length)
MAX_REPORTED_PROBLEMS = 30


class ParsedYear(NamedTuple):
    year: int
    days: list[DayRow]  # to store
    weekend_holidays: int  # holidays on a Saturday or Sunday: valid, nothing to store


def _read_text(fileobj_or_text: Any) -> str:
    data = fileobj_or_text
    if hasattr(data, "read"):
        if hasattr(data, "seek"):
            try:
                data.seek(0)
            except (OSError, ValueError):
                pass
        data = data.read(MAX_FILE_BYTES + 1)
    if isinstance(data, (bytes, bytearray)):
        if len(data) > MAX_FILE_BYTES:
            raise Invalid(_("The file is too large for a holiday schedule."), code="calendar_file")
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Invalid(
                _("The file is not UTF-8 text. Save it as UTF-8 (CSV UTF-8) and try again."),
                code="calendar_file",
            ) from None
    if not isinstance(data, str):
        raise TypeError("Expected text, bytes or a file object")
    if len(data) > MAX_FILE_BYTES:
        raise Invalid(_("The file is too large for a holiday schedule."), code="calendar_file")
    return data.lstrip("\ufeff")


def _fail(problems: list[str]) -> NoReturn:
    shown = problems[:MAX_REPORTED_PROBLEMS]
    if len(problems) > len(shown):
        shown.append(_("… and %(count)d more problems.") % {"count": len(problems) - len(shown)})
    message = "\n".join([_("The holiday file was not imported; nothing was changed:"), *shown])
    exc = Invalid(message, code="calendar_file")
    exc.problems = shown
    raise exc


def _checked_year(year: int | str | None) -> int | None:
    """The year asked for, as a number in range (None: take the first date's)."""
    if year is None:
        return None
    try:
        number = int(year)
    except (TypeError, ValueError):
        raise Invalid(_("The year must be a number."), code="calendar_file") from None
    if not 1900 <= number <= 9999:
        raise Invalid(
            _("The year %(year)s is out of range.") % {"year": number}, code="calendar_file"
        )
    return number


def _csv_rows(text: str) -> list[tuple[int, list[str]]]:
    """(line number, stripped cells) of every CSV row; Invalid when the text is not CSV."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return [(reader.line_num, [cell.strip() for cell in row]) for row in reader]
    except csv.Error as exc:
        raise Invalid(
            _("Line %(line)d: the line cannot be read as CSV (%(error)s).")
            % {"line": reader.line_num, "error": exc},
            code="calendar_file",
        ) from None


def _parse_day(line: int, raw: str, problems: list[str]) -> dt.date | None:
    try:
        if not ISO_DATE.fullmatch(raw):
            raise ValueError
        return dt.date.fromisoformat(raw)
    except ValueError:
        problems.append(
            _("Line %(line)d: “%(value)s” is not a date; write dates as YYYY-MM-DD.")
            % {"line": line, "value": raw}
        )
        return None


class _YearFileCheck:
    """The running check of one year file: the problems found so far, the dates seen
    (with their lines) and the days to store."""

    def __init__(self, year: int | None) -> None:
        self.asked_year = year
        self.file_year: int | None = year
        self.file_year_line: int | None = None
        self.problems: list[str] = []
        self.seen: dict[dt.date, int] = {}
        self.days: list[DayRow] = []
        self.weekend_holidays = 0
        self._first_row = True

    def fields(self, line: int, cells: list[str]) -> list[str] | None:
        """The row's 2 or 3 fields, or None for a row to skip (blank, comment, header, or
        with the wrong number of fields, which is a problem)."""
        if not any(cells) or cells[0].startswith("#"):
            return None
        if self._first_row:
            self._first_row = False
            if cells[0].lower() in HEADER_WORDS:
                return None
        while len(cells) > 3 and not cells[-1]:
            cells.pop()  # trailing empty cells, as spreadsheets write them
        if len(cells) not in (2, 3):
            self.problems.append(
                _("Line %(line)d: expected “date,kind,name”, found %(count)d fields.")
                % {"line": line, "count": len(cells)}
            )
            return None
        return cells

    def _in_year(self, line: int, day: dt.date) -> bool:
        if self.file_year is None:
            self.file_year, self.file_year_line = day.year, line
        if day.year == self.file_year:
            return True
        if self.asked_year is not None:
            self.problems.append(
                _("Line %(line)d: %(date)s is not in %(year)d.")
                % {"line": line, "date": day.isoformat(), "year": self.file_year}
            )
        else:
            self.problems.append(
                _(
                    "Line %(line)d: %(date)s is not in %(year)d (the year of the first "
                    "date, line %(first)d); import one year at a time."
                )
                % {
                    "line": line,
                    "date": day.isoformat(),
                    "year": self.file_year,
                    "first": self.file_year_line,
                }
            )
        return False

    def row(self, line: int, cells: list[str]) -> None:
        """Check one row of 2 or 3 fields; keep its day when it is sound."""
        raw_date, raw_kind = cells[0], cells[1]
        name = cells[2] if len(cells) == 3 else ""
        problems_before = len(self.problems)
        day = _parse_day(line, raw_date, self.problems)
        kind = KIND_WORDS.get(raw_kind.lower())
        if kind is None:
            self.problems.append(
                _("Line %(line)d: unknown kind “%(value)s”; use holiday (休) or workday (班).")
                % {"line": line, "value": raw_kind}
            )
        if len(name) > NAME_MAX:
            self.problems.append(
                _("Line %(line)d: the name is longer than %(max)d characters.")
                % {"line": line, "max": NAME_MAX}
            )
        if day is None:
            return
        in_year = self._in_year(line, day)
        if day in self.seen:
            self.problems.append(
                _("Line %(line)d: %(date)s is already listed on line %(first)d.")
                % {"line": line, "date": day.isoformat(), "first": self.seen[day]}
            )
            return
        self.seen[day] = line
        if kind == DayKind.WORKDAY and day.weekday() < 5:
            self.problems.append(
                _(
                    "Line %(line)d: %(date)s is a Monday–Friday day, a working day anyway; "
                    "an adjusted working day (班) must be a Saturday or Sunday."
                )
                % {"line": line, "date": day.isoformat()}
            )
        if not in_year or kind is None or len(self.problems) > problems_before:
            return
        if kind == DayKind.HOLIDAY and day.weekday() >= 5:
            self.weekend_holidays += 1
            return
        self.days.append((day, kind, name))


def parse_year_file(fileobj_or_text: object, *, year: int | str | None = None) -> ParsedYear:
    """Read and check a year file (see `import_year_file`); raise Invalid listing every
    problem with its line number. Writes nothing."""
    check = _YearFileCheck(_checked_year(year))
    text = _read_text(fileobj_or_text)
    for line, cells in _csv_rows(text):
        fields = check.fields(line, cells)
        if fields is not None:
            check.row(line, fields)
    if not check.problems and not check.seen:
        check.problems.append(_("The file lists no dates."))
    if check.problems:
        _fail(check.problems)
    check.days.sort()
    assert check.file_year is not None  # a date was seen, or _fail raised
    return ParsedYear(check.file_year, check.days, check.weekend_holidays)


def _describe(day: dt.date, kind: str, name: str) -> str:
    return f"{day.isoformat()} {kind} {name}".rstrip()


def import_year_file(
    fileobj_or_text: Any, *, year: int | str | None = None, source: str | None = None
) -> ImportSummary:
    """Replace one year's holidays and adjusted working days with those of a CSV file.

    The file is UTF-8 text with lines `date,kind,name`: date as YYYY-MM-DD, kind
    `holiday`/`休` or `workday`/`班`, name optional (e.g. 国庆节). Blank lines, `#`
    comments and a header line (`date,kind,name`) are allowed. Holidays falling on a
    Saturday or Sunday may be listed (as the State Council's notice does) and are not
    stored. Everything is checked first; any problem raises Invalid with line numbers
    and nothing is changed. When `year` is given every date must be in it.

    Not permission-checked: the IT centre's path is `import_holidays`.
    """
    parsed = parse_year_file(fileobj_or_text, year=year)
    if source is None:
        name = getattr(fileobj_or_text, "name", "") or ""
        source = f"file {name.rsplit('/', 1)[-1]}".strip()
    source = source[:100]
    jan1, dec31 = dt.date(parsed.year, 1, 1), dt.date(parsed.year, 12, 31)
    with transaction.atomic():
        current = CalendarYear.objects.select_for_update().filter(year=parsed.year).first()
        old_days = list(SpecialDay.objects.select_for_update().filter(date__range=(jan1, dec31)))
        old = {_describe(d.date, d.kind, d.name) for d in old_days}
        new = {_describe(*d) for d in parsed.days}
        SpecialDay.objects.filter(date__range=(jan1, dec31)).delete()
        SpecialDay.objects.bulk_create(
            [SpecialDay(date=d, kind=k, name=n) for d, k, n in parsed.days]
        )
        if current is None:
            CalendarYear.objects.create(year=parsed.year, source=source)
        else:
            current.source = source
            current.save()
        invalidate()
    return ImportSummary(
        year=parsed.year,
        holidays=sum(1 for _d, k, _n in parsed.days if k == DayKind.HOLIDAY),
        workdays=sum(1 for _d, k, _n in parsed.days if k == DayKind.WORKDAY),
        weekend_holidays_ignored=parsed.weekend_holidays,
        had_data=current is not None,
        previous_holidays=sum(1 for d in old_days if d.kind == DayKind.HOLIDAY),
        previous_workdays=sum(1 for d in old_days if d.kind == DayKind.WORKDAY),
        previous_source=current.source if current is not None else "",
        source=source,
        added=tuple(sorted(new - old)),
        removed=tuple(sorted(old - new)),
    )


# --- the IT centre's operation ----------------------------------------------------------


class _System:
    """The platform itself acting (management commands): no permission check, and the
    audit trail records the actor as "system"."""

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = _System()


def import_holidays(
    actor: Person | _System,
    fileobj: Any,
    *,
    year: int | str | None = None,
    source: str | None = None,
) -> ImportSummary:
    """The IT centre loads a year's schedule (see `import_year_file` for the format).

    `actor` needs the "core.manage_calendar" permission (the system administrator);
    pass `calendar.SYSTEM` for the platform itself (the `import_holidays` command).
    Import and audit record are one transaction.
    """
    with transaction.atomic():
        acting = None if actor is SYSTEM else access.require(actor, "core.manage_calendar")
        summary = import_year_file(fileobj, year=year, source=source)
        audit.record(
            acting,
            "calendar.import",
            object_type="core.calendaryear",
            object_id=summary.year,
            object_repr=_("Working-day calendar %(year)d") % {"year": summary.year},
            changes={
                "source": [summary.previous_source or None, summary.source],
                "holidays": [summary.previous_holidays, summary.holidays],
                "workdays": [summary.previous_workdays, summary.workdays],
                "added": list(summary.added),
                "removed": list(summary.removed),
            },
        )
    return summary


def check_special_day(day: dt.date, kind: str, name: str = "") -> None:
    """Raise Invalid unless (day, kind, name) is a meaningful special day: a holiday on a
    weekday, or an adjusted working day on a Saturday or Sunday."""
    if kind not in DayKind.values:
        raise Invalid(_("Unknown kind of day."), field="kind")
    if kind == DayKind.WORKDAY and day.weekday() < 5:
        raise Invalid(_("An adjusted working day (班) must be a Saturday or Sunday."), field="kind")
    if kind == DayKind.HOLIDAY and day.weekday() >= 5:
        raise Invalid(
            _("A Saturday or Sunday is not worked anyway; only weekday holidays are recorded."),
            field="kind",
        )
    if len(name or "") > NAME_MAX:
        raise Invalid(
            _("The name is longer than %(max)d characters.") % {"max": NAME_MAX}, field="name"
        )


def save_special_day(actor: Person | _System, special_day: SpecialDay) -> SpecialDay:
    """The IT centre adds or corrects one day by hand (`special_day` carries the new
    values; unsaved for a new day). Checked, saved and audited in one transaction."""
    with transaction.atomic():
        acting = None if actor is SYSTEM else access.require(actor, "core.manage_calendar")
        check_special_day(special_day.date, special_day.kind, special_day.name)
        before: dict[str, Any] = {}
        if special_day.pk is not None:
            old = SpecialDay.objects.select_for_update().get(pk=special_day.pk)
            before = {"date": old.date, "kind": old.kind, "name": old.name}
        clash = SpecialDay.objects.filter(date=special_day.date).exclude(pk=special_day.pk)
        if clash.exists():
            raise Invalid(
                _("%(date)s is already recorded.") % {"date": special_day.date.isoformat()},
                field="date",
            )
        special_day.save()
        after = {"date": special_day.date, "kind": special_day.kind, "name": special_day.name}
        audit.record(
            acting,
            "calendar.change_day" if before else "calendar.add_day",
            special_day,
            changes=audit.diff(before, after),
        )
    return special_day


def delete_special_day(actor: Person | _System, special_day: SpecialDay) -> None:
    """The IT centre removes one day by hand; audited."""
    with transaction.atomic():
        acting = None if actor is SYSTEM else access.require(actor, "core.manage_calendar")
        audit.record(
            acting,
            "calendar.delete_day",
            special_day,
            changes=audit.diff(
                {"date": special_day.date, "kind": special_day.kind, "name": special_day.name},
                {},
            ),
        )
        special_day.delete()
