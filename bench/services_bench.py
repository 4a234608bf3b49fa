"""Benchmarks of online services (issue 6). Never run by the tests.

Figures, each with its baseline measured in the same run:
- sustained online applications per second on the embedded default (SQLite, one
  process) through the real operations: a draft with its answers, three 1 MB
  materials uploaded through the kernel's attachment path, then the submission
  (`services.cases.save_draft`, `upload_material` ×3, `submit`), and how many
  acknowledged application numbers are missing afterwards (must be 0). Baseline: the
  same three files stored through `core.attachments.store_upload` alone, so the ratio
  says what the application itself adds to the file handling;
- the unit's case list (`services.selectors.unit_cases`, the first page of 30 and the
  count its paginator needs, as the staff page shows it) with BENCH_CASES cases in the table (default one million, over
  BENCH_CASE_UNITS units), p50/p95; baseline: the same list with 10,000 cases.

Own SQLite file: var/bench/services.sqlite3 (made afresh each run, so the 10,000-case
baseline is measured before the table fills), or BENCH_DATABASE_URL (emptied of cases).
Run: `BENCH_ONLY=services make bench` or .venv/bin/python bench/services_bench.py
"""

import datetime
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
    os.environ["SQLITE_PATH"] = str(bench_dir / "services.sqlite3")
    for stale in bench_dir.glob("services.sqlite3*"):
        stale.unlink()
os.environ.setdefault("ZT_VAR_DIR", str(bench_dir / "services-var"))
os.environ["DJANGO_SETTINGS_MODULE"] = "zhengtong.settings"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from zhengtong.core.attachments import store_upload  # noqa: E402
from zhengtong.core.crypto import mobile_index  # noqa: E402
from zhengtong.core.validators import citizen_id_check_char  # noqa: E402
from zhengtong.org.models import Membership, Role, RoleAssignment, Unit, UnitKind, User  # noqa: E402
from zhengtong.public.models import PublicUser  # noqa: E402
from zhengtong.services import cases, selectors, services  # noqa: E402
from zhengtong.services.models import Application, ApplicationState  # noqa: E402

N_CASES = int(os.environ.get("BENCH_CASES", "1000000"))
N_UNITS = int(os.environ.get("BENCH_CASE_UNITS", "40"))
BASELINE_CASES = 10_000
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "200"))
MB = 1 << 20
# A PDF of 1 MB (a comment pads it): the kernel judges the type by the content.
PDF_1MB = b"%PDF-1.4\n%" + b"0" * (MB - 40) + b"\ntrailer\n<< >>\n%%EOF\n"
ID17 = "34112519900307001"
FORM = [
    {"key": "school", "label": "School", "type": "text", "required": True},
    {"key": "phone", "label": "Telephone", "type": "phone", "required": True},
    {"key": "start", "label": "Start", "type": "date", "required": True},
]
ANSWERS = {"school": "禾溪县第一中学", "phone": "13900002222", "start": "2026-09-01"}


def line(name, value, unit="", note=""):
    print(f"{name:<56} {value:>12} {unit:<8} {note}".rstrip(), flush=True)


def setup():
    """The bench county (once): N_UNITS units, a clerk, a published item with an online
    form and three required materials, and an applicant."""
    call_command("migrate", verbosity=0)
    settings.CLAMD_SOCKET = ""  # no virus scanner on a bench machine
    county = Unit.objects.filter(name="Bench county").first()
    if county is None:
        county = Unit.objects.create(name="Bench county", kind=UnitKind.COUNTY)
        for i in range(N_UNITS):
            Unit.objects.create(name=f"Bench unit {i}", kind=UnitKind.DEPARTMENT, parent=county)
    unit = Unit.objects.get(name="Bench unit 0")
    clerk, created = User.objects.get_or_create(
        username="bench_services_clerk", defaults={"real_name": "Bench clerk"}
    )
    if created:
        Membership.objects.create(user=clerk, unit=unit, is_primary=True)
        RoleAssignment.objects.create(user=clerk, role=Role.CLERK, unit=unit)
    item = unit.service_items.filter(name="Bench permit").first()
    if item is None:
        item = services.create_item(
            clerk,
            unit=unit,
            name="Bench permit",
            implementation_code="BENCH0000000001",
            basic_code="000000000001",
            item_type="licensing",
            audience="citizens",
            legal_basis="Bench rules, article 1",
            conditions="Anyone.",
            statutory_limit=20,
            promised_limit=10,
            place="Window 1",
            hours="Working days 9:00-17:00",
            phone="0551-12345678",
            complaint_channel="12345",
            result_name="Bench licence",
            result_delivery=["online"],
            online_depth="full",
            visits=0,
            materials=[
                {"name": f"Material {i}", "form": "original", "copies": 1, "medium": "either"}
                for i in (1, 2, 3)
            ],
            steps=[{"name": "Apply", "description": "Online."}],
            faqs=[],
            events=[],
        )
        services.publish_item(clerk, item)
        cases.save_form(clerk, item, FORM)
        item.refresh_from_db()
    applicant = PublicUser.objects.filter(mobile_index=mobile_index("13900009999")).first()
    if applicant is None:
        applicant = PublicUser(
            mobile="13900009999",
            real_name="Bench applicant",
            id_number=ID17 + citizen_id_check_char(ID17),
        )
        applicant.set_password("bench")
        applicant.save()
    return unit, clerk, item, applicant


def _files(n):
    return [SimpleUploadedFile(f"m{n}-{i}.pdf", PDF_1MB, "application/pdf") for i in (1, 2, 3)]


def applications(item, applicant):
    """Apply for SECONDS seconds; return (per second, acknowledged, missing)."""
    materials = list(item.materials.order_by("order", "id"))
    acknowledged = []
    started = time.perf_counter()
    n = 0
    while time.perf_counter() - started < SECONDS:
        draft = cases.save_draft(applicant, item, answers=ANSWERS)
        for material, upload in zip(materials, _files(n), strict=True):
            cases.upload_material(applicant, draft, material, upload)
        submitted = cases.submit(applicant, draft, submission_key=f"bench-{time.time_ns()}-{n}")
        acknowledged.append(submitted.number)
        n += 1
    elapsed = time.perf_counter() - started
    stored = set(
        Application.objects.filter(number__in=acknowledged).values_list("number", flat=True)
    )
    return n / elapsed, len(acknowledged), len(set(acknowledged) - stored)


def files_only(unit, item):
    """The baseline: the same three files through the kernel's attachment path alone."""
    started = time.perf_counter()
    n = 0
    while time.perf_counter() - started < SECONDS:
        for upload in _files(n):
            with transaction.atomic():
                store_upload(None, upload, unit=unit, owner=item, contains_personal_data=True)
        n += 1
    return n / (time.perf_counter() - started)


def fill(item, applicant, total):
    """Bulk rows up to `total` cases (not the operations: a million applications would
    take days), spread over the units, in the states of a year's work: most delivered,
    the rest open."""
    have = Application.objects.count()
    if have >= total:
        return
    units = list(Unit.objects.filter(name__startswith="Bench unit").order_by("id"))
    states = [ApplicationState.DELIVERED] * 8 + [
        ApplicationState.SUBMITTED,
        ApplicationState.IN_REVIEW,
    ]
    now = timezone.now()
    batch = 5000
    for start in range(have, total, batch):
        rows = [
            Application(
                number=f"B{i:012d}",
                item=item,
                unit=units[i % len(units)],
                applicant=applicant,
                answers=ANSWERS,
                state=states[i % len(states)],
                submitted_at=now - datetime.timedelta(minutes=i),
                decision_due=(now + datetime.timedelta(days=i % 40 - 20)).date(),
            )
            for i in range(start, min(start + batch, total))
        ]
        with transaction.atomic():
            Application.objects.bulk_create(rows)


def case_list(clerk):
    timings = []
    for _i in range(SAMPLES):
        started = time.perf_counter()
        cases_of_unit = selectors.unit_cases(clerk)
        rows = list(cases_of_unit[:30])
        cases_of_unit.count()  # the page's paginator counts them too
        assert rows, "the bench unit has no cases"
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main():
    unit, clerk, item, applicant = setup()
    Application.objects.all().delete()
    baseline = files_only(unit, item)
    line("services: three 1 MB files stored, baseline", f"{baseline:.1f}", "/s")
    rate, acked, missing = applications(item, applicant)
    line(
        "services: applications with three 1 MB materials",
        f"{rate:.1f}",
        "/s",
        f"{acked} acked, {missing} lost",
    )
    line("services: application / files alone", f"{rate / baseline:.2f}", "x")
    results = {}
    for total in (BASELINE_CASES, N_CASES):
        fill(item, applicant, total)
        count = Application.objects.count()
        p50, p95 = case_list(clerk)
        results[total] = p95
        line(f"services: unit's case list, {count:,} cases, p50", f"{p50:.2f}", "ms")
        line(f"services: unit's case list, {count:,} cases, p95", f"{p95:.2f}", "ms")
    line(
        "services: case list p95 ratio (full / 10,000 cases)",
        f"{results[N_CASES] / results[BASELINE_CASES]:.2f}",
        "x",
    )


if __name__ == "__main__":
    main()
