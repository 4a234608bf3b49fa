"""Benchmarks (`make bench`). One line per figure; ratios against a baseline measured
in the same run. Never run by the tests.

Figures:
- the staff to-do list with BENCH_WORKITEMS work items (default 10 million): p50/p95 of
  `core.workitems.todo_list`, against the same queries with the ledger's indexes off;
- add-working-days throughput of `core.calendar` against the `chinesecalendar`
  package's own `find_workday` (the baseline);
- letters (bench/letters_bench.py): public submissions per second with 0 lost, and
  the "awaiting my unit" list with a million letters (BENCH_ONLY=letters)
- online services (bench/services_bench.py): applications with three 1 MB materials
  per second against storing the files alone, and the unit's case list with a million
  cases against 10,000 (BENCH_ONLY=services);
- the website (bench/portal.py): nginx static file vs the embedded server's page cache
  vs nginx in front with the page files, and an uncached render.

The data lives in its own SQLite file (var/bench/bench.sqlite3, reused between runs), or
in the database named by BENCH_DATABASE_URL.
"""

import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ZT_INSECURE_DEV_KEY", "1")
os.environ.setdefault("HTTPS", "0")
bench_dir = ROOT / "var" / "bench"
bench_dir.mkdir(parents=True, exist_ok=True)
if os.environ.get("BENCH_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
else:
    os.environ.pop("DATABASE_URL", None)
    os.environ["SQLITE_PATH"] = str(bench_dir / "bench.sqlite3")
os.environ["DJANGO_SETTINGS_MODULE"] = "zhengtong.settings"
if os.environ.get("BENCH_ONLY") == "portal":
    import portal as portal_bench  # bench/portal.py: its own scratch site

    portal_bench.environment()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from zhengtong.core import calendar, workitems  # noqa: E402
from zhengtong.core.models import WorkItem  # noqa: E402
from zhengtong.org.models import Membership, Unit, User  # noqa: E402

N_ITEMS = int(os.environ.get("BENCH_WORKITEMS", "10000000"))
N_USERS = int(os.environ.get("BENCH_USERS", "20000"))
N_UNITS = int(os.environ.get("BENCH_UNITS", "400"))
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "200"))
OPEN_SHARE = 0.08  # most of the ledger is history: done or cancelled


def line(name, value, unit="", note=""):
    print(f"{name:<48} {value:>14} {unit:<8} {note}".rstrip(), flush=True)


def build_org():
    if Unit.objects.count() >= N_UNITS:
        return
    county = Unit.objects.create(kind="county", name="基准县")
    Unit.objects.bulk_create(
        [Unit(kind="department", name=f"部门{i}", parent=county) for i in range(N_UNITS - 1)],
        batch_size=1000,
    )
    unit_ids = list(Unit.objects.values_list("id", flat=True))
    users = [User(username=f"u{i}", real_name=f"用户{i}", password="!") for i in range(N_USERS)]
    User.objects.bulk_create(users, batch_size=2000)
    rng = random.Random(1)
    members = [
        Membership(user_id=uid, unit_id=rng.choice(unit_ids), is_primary=True)
        for uid in User.objects.values_list("id", flat=True)
    ]
    Membership.objects.bulk_create(members, batch_size=2000)


def build_items():
    have = WorkItem.objects.count()
    if have >= N_ITEMS:
        return have, 0.0
    rng = random.Random(2)
    user_ids = list(User.objects.values_list("id", flat=True))
    unit_ids = list(Unit.objects.values_list("id", flat=True))
    start = time.perf_counter()
    table = WorkItem._meta.db_table
    sql = (
        f"INSERT INTO {table} (kind, title, assignee_user_id, assignee_unit_id, subject_id, url,"
        " created_at, due_date, due_rule, due_fallback, state) VALUES"
        " (%s, %s, %s, %s, '', '', %s, %s, '', %s, %s)"
    )
    base = datetime.date(2022, 1, 1)
    now = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    chunk = 50_000
    for offset in range(have, N_ITEMS, chunk):
        rows = []
        for _ in range(min(chunk, N_ITEMS - offset)):
            to_user = rng.random() < 0.6
            state = (
                "open" if rng.random() < OPEN_SHARE else rng.choice(("done", "done", "cancelled"))
            )
            rows.append(
                (
                    "bench",
                    "待办事项",
                    rng.choice(user_ids) if to_user else None,
                    None if to_user else rng.choice(unit_ids),
                    now,
                    base + datetime.timedelta(days=rng.randrange(0, 1800)),
                    False,
                    state,
                )
            )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return WorkItem.objects.count(), time.perf_counter() - start


def unindexed_todo(person, limit=50):
    """The baseline: the same to-do query with the ledger's indexes switched off
    (SQLite `NOT INDEXED`; PostgreSQL with index scans disabled), i.e. what the list
    would cost without them."""
    qs = WorkItem.objects.filter(workitems.visible_items_q(person), state="open")
    sql, params = (
        qs.order_by("due_date", "id").values_list("id", flat=True)[:limit].query.sql_with_params()
    )
    count_sql, count_params = qs.values("id").query.sql_with_params()
    table = WorkItem._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            sql = sql.replace(f'FROM "{table}"', f'FROM "{table}" NOT INDEXED', 1)
            count_sql = count_sql.replace(f'FROM "{table}"', f'FROM "{table}" NOT INDEXED', 1)
        else:
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("SET LOCAL enable_indexonlyscan = off")
        cursor.execute(sql, params)
        cursor.fetchall()
        cursor.execute(f"SELECT COUNT(*) FROM ({count_sql}) AS c", count_params)
        cursor.fetchall()


def timed(func, people):
    times = []
    for person in people:
        t0 = time.perf_counter()
        func(person)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def bench_todo():
    build_org()
    count, build_s = build_items()
    if build_s:
        line("work items inserted", f"{count:,}", "rows", f"in {build_s:.0f} s")
    line("work items in the ledger", f"{count:,}", "rows")
    rng = random.Random(3)
    ids = list(User.objects.values_list("id", flat=True))
    people = list(User.objects.filter(id__in=rng.sample(ids, min(SAMPLES, len(ids)))))
    timed(workitems.todo_list, people[:10])  # warm-up
    p50, p95 = timed(lambda p: workitems.todo_list(p, limit=50), people)
    # The baseline scans the whole table per call: a few samples suffice.
    base_people = people[: int(os.environ.get("BENCH_BASELINE_SAMPLES", "5"))]
    b50, b95 = timed(unindexed_todo, base_people)
    line("todo list p50", f"{p50:.2f}", "ms", f"({len(people)} staff sampled)")
    line("todo list p95", f"{p95:.2f}", "ms")
    line(
        "todo list baseline without indexes p50",
        f"{b50:.2f}",
        "ms",
        f"({len(base_people)} sampled)",
    )
    line("todo list baseline without indexes p95", f"{b95:.2f}", "ms")
    line("todo list speed-up vs baseline (p50)", f"{b50 / p50:.2f}", "x")
    line("todo list speed-up vs baseline (p95)", f"{b95 / p95:.2f}", "x")


def bench_calendar():
    import chinese_calendar

    calendar.seed_from_chinesecalendar()
    rng = random.Random(4)
    starts = [
        datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randrange(0, 2000))
        for _ in range(20000)
    ]
    calendar.add_working_days(starts[0], 1)  # load the cache
    t0 = time.perf_counter()
    for day in starts:
        calendar.add_working_days(day, 10)
    ours = len(starts) / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for day in starts:
        chinese_calendar.find_workday(10, day)
    theirs = len(starts) / (time.perf_counter() - t0)
    line("add 10 working days", f"{ours:,.0f}", "ops/s")
    line("add 10 working days, chinesecalendar baseline", f"{theirs:,.0f}", "ops/s")
    line("add working days speed-up vs baseline", f"{ours / theirs:.2f}", "x")


if __name__ == "__main__":
    import documents as documents_bench  # bench/documents.py

    call_command("migrate", verbosity=0)
    print(f"Zhengtong benchmarks on {connection.vendor} ({os.cpu_count()} cores)")
    only = os.environ.get("BENCH_ONLY", "")  # e.g. "documents" to run one group
    if only in ("", "kernel"):
        bench_calendar()
        bench_todo()
    if only in ("", "documents"):
        documents_bench.run(
            int(os.environ.get("BENCH_DOCUMENTS", "100000")),
            int(os.environ.get("BENCH_CONCURRENT", "50")),
        )
        documents_bench.run_awaiting(int(os.environ.get("BENCH_AWAITING_DOCS", "1000000")))
    if only == "portal":
        portal_bench.run()
    elif only == "":
        # The website needs its own scratch database and settings: a separate process.
        import subprocess

        subprocess.run([sys.executable, __file__], env={**os.environ, "BENCH_ONLY": "portal"})
    if only in ("", "letters"):
        # Letters use their own scratch database too (bench/letters_bench.py).
        import subprocess

        subprocess.run([sys.executable, str(Path(__file__).parent / "letters_bench.py")])
    if only in ("", "services"):
        # Online services too (bench/services_bench.py).
        import subprocess

        subprocess.run([sys.executable, str(Path(__file__).parent / "services_bench.py")])
