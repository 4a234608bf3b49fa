"""Benchmarks of the letters (issue 5). Never run by the tests.

Figures:
- sustained public submissions per second on the embedded default (SQLite, one
  process), through `letters.services.submit_letter`, attachments off and on (one
  small picture each), and how many acknowledged tracking codes are missing afterwards
  (must be 0);
- the staff list "letters awaiting my unit" (`letters.selectors.awaiting_my_unit`, a
  page of 30 with its letters) with BENCH_LETTERS letters in the database (default one
  million, 8 % of them open for the measured unit's work items), p50/p95.

Own SQLite file: var/bench/letters.sqlite3 (reused between runs), or BENCH_DATABASE_URL.
Run: .venv/bin/python bench/letters_bench.py
"""

import os
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
    os.environ["SQLITE_PATH"] = str(bench_dir / "letters.sqlite3")
os.environ["DJANGO_SETTINGS_MODULE"] = "zhengtong.settings"

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from zhengtong.core.crypto import mobile_index  # noqa: E402
from zhengtong.core.models import WorkItem  # noqa: E402
from zhengtong.letters import selectors, services  # noqa: E402
from zhengtong.letters.models import Letter, Mailbox, MailboxKind  # noqa: E402
from zhengtong.org.models import Membership, Role, RoleAssignment, Unit, UnitKind, User  # noqa: E402

N_LETTERS = int(os.environ.get("BENCH_LETTERS", "1000000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "200"))
N_UNITS = 60
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35"
    b"\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def line(name, value, unit="", note=""):
    print(f"{name:<52} {value:>12} {unit:<8} {note}".rstrip(), flush=True)


def setup():
    call_command("migrate", verbosity=0)
    office = Unit.objects.filter(name="Bench office").first()
    if office is None:
        county = Unit.objects.create(name="Bench county", kind=UnitKind.COUNTY)
        office = Unit.objects.create(name="Bench office", kind=UnitKind.OFFICE, parent=county)
        for i in range(N_UNITS):
            Unit.objects.create(name=f"Bench unit {i}", kind=UnitKind.DEPARTMENT, parent=county)
        Mailbox.objects.create(
            kind=MailboxKind.COUNTY_HEAD,
            name="Bench mailbox",
            owner_unit=office,
            office_unit=office,
        )
        clerk = User.objects.create(username="bench_clerk", real_name="Bench clerk")
        Membership.objects.create(user=clerk, unit=office, is_primary=True)
        RoleAssignment.objects.create(user=clerk, role=Role.CLERK, unit=office)
    return Mailbox.objects.get(owner_unit=office), User.objects.get(username="bench_clerk")


def submissions(mailbox, with_files):
    """Submit for SECONDS seconds; return (per second, acknowledged, missing)."""
    acknowledged = []
    started = time.perf_counter()
    n = 0
    while time.perf_counter() - started < SECONDS:
        files = [SimpleUploadedFile(f"p{n}.png", PNG, "image/png")] if with_files else []
        result = services.submit_letter(
            None,
            mailbox=mailbox,
            category="suggestion",
            title=f"Bench letter {n}",
            content="Please repair the road.",
            name="Bench Writer",
            mobile="13900000000",
            attachments=files,
            submission_key=f"bench-{with_files}-{time.time_ns()}-{n:08d}",
        )
        acknowledged.append(result.letter.tracking_code)
        n += 1
    elapsed = time.perf_counter() - started
    stored = set(
        Letter.objects.filter(tracking_code__in=acknowledged).values_list(
            "tracking_code", flat=True
        )
    )
    return n / elapsed, len(acknowledged), len(set(acknowledged) - stored)


def fill(mailbox):
    """Bulk rows (not the operations: a million submissions would take hours): letters
    routed to the bench units, each with its reply work item; 8 % open."""
    have = Letter.objects.count()
    if have >= N_LETTERS:
        return
    units = list(Unit.objects.filter(name__startswith="Bench unit").order_by("id"))
    letter_type = ContentType.objects.get_for_model(Letter)
    password = make_password("00000000")
    index = mobile_index("13900000000")
    now = timezone.now()
    today = timezone.localdate()
    batch = 5000
    for start in range(have, N_LETTERS, batch):
        rows = []
        for i in range(start, min(start + batch, N_LETTERS)):
            rows.append(
                Letter(
                    tracking_code=f"B{i:011d}",
                    query_password=password,
                    mailbox=mailbox,
                    category="suggestion",
                    title=f"Bulk letter {i}",
                    content="Bulk.",
                    writer_name="Bulk Writer",
                    writer_mobile="13900000000",
                    writer_mobile_index=index,
                    state="routed",
                    received_at=now,
                    lead_unit=units[i % len(units)],
                )
            )
        with transaction.atomic():
            made = Letter.objects.bulk_create(rows)
            WorkItem.objects.bulk_create(
                WorkItem(
                    kind=services.KIND_REPLY,
                    title=f"Reply to {letter.tracking_code}",
                    assignee_unit=letter.lead_unit,
                    subject_type=letter_type,
                    subject_id=str(letter.pk),
                    due_date=today,
                    state="open" if letter.pk % 100 < 8 else "done",
                )
                for letter in made
            )


def awaiting_list(clerk):
    timings = []
    for _i in range(SAMPLES):
        started = time.perf_counter()
        items = list(selectors.awaiting_my_unit(clerk)[:30])
        selectors.letters_for_items(items)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main():
    mailbox, _office_clerk = setup()
    rate, acked, missing = submissions(mailbox, with_files=False)
    line(
        "letters: submissions, no attachments",
        f"{rate:.1f}",
        "/s",
        f"{acked} acked, {missing} lost",
    )
    rate, acked, missing = submissions(mailbox, with_files=True)
    line(
        "letters: submissions, one attachment each",
        f"{rate:.1f}",
        "/s",
        f"{acked} acked, {missing} lost",
    )
    fill(mailbox)
    unit = Unit.objects.filter(name="Bench unit 0").first()
    clerk, _created = User.objects.get_or_create(
        username="bench_unit_clerk", defaults={"real_name": "Unit clerk"}
    )
    Membership.objects.get_or_create(user=clerk, unit=unit, defaults={"is_primary": True})
    p50, p95 = awaiting_list(clerk)
    line(f"letters: awaiting my unit, {Letter.objects.count()} letters, p50", f"{p50:.2f}", "ms")
    line(f"letters: awaiting my unit, {Letter.objects.count()} letters, p95", f"{p95:.2f}", "ms")


if __name__ == "__main__":
    main()
