"""Official-document benchmarks (`make bench` runs them after the kernel's).

- issue one signed-off document to 120 recipient units (numbering + distribution +
  120 sign-for work items), with BENCH_DOCUMENTS documents already in the table
  (default 100,000); baseline: the same issue into an empty table, measured in the
  same run;
- BENCH_CONCURRENT (default 50) simultaneous issues on one prefix: numbers taken,
  duplicates and gaps (must be 0 and 0).
"""

import datetime
import statistics
import threading
import time

from django.db import connection
from django.utils import timezone

from zhengtong.documents import services
from zhengtong.documents.models import Disclosure, DocState, DocType, Document
from zhengtong.org.models import Membership, RoleAssignment, Unit, User


def line(name, value, unit="", note=""):
    print(f"{name:<48} {value:>14} {unit:<8} {note}".rstrip(), flush=True)


def _setup(tag):
    county = Unit.objects.filter(kind="county").first()
    issuer, _ = Unit.objects.get_or_create(
        name=f"基准发文单位{tag}",
        defaults={"kind": "department", "parent": county, "doc_prefix": f"基{tag}"},
    )
    recipients = list(Unit.objects.filter(kind="department").exclude(pk=issuer.pk)[:120])
    clerk, _ = User.objects.get_or_create(
        username=f"bench_clerk{tag}", defaults={"real_name": "基准文书"}
    )
    head, _ = User.objects.get_or_create(
        username=f"bench_head{tag}", defaults={"real_name": "基准局长"}
    )
    for user, role in ((clerk, "clerk"), (head, "unit_head")):
        Membership.objects.get_or_create(user=user, unit=issuer, defaults={"is_primary": True})
        RoleAssignment.objects.get_or_create(user=user, role=role, unit=issuer)
    return issuer, recipients, clerk, head


def _signed(issuer, recipients, clerk, head, title):
    document = services.create_draft(
        clerk, issuing_unit=issuer, doc_type=DocType.NOTICE, title=title, main_recipients=recipients
    )
    services.submit(clerk, document, reviewer=head, signer=head)
    services.approve(head, document)
    return services.approve(head, document, disclosure=Disclosure.PROACTIVE)


def _fill(n):
    have = Document.objects.count()
    if have >= n:
        return have
    county = Unit.objects.filter(kind="county").first()
    drafter = User.objects.order_by("id").first()
    rows = [
        Document(
            doc_type="notice",
            direction="down",
            title=f"历史公文{i}",
            issuing_unit=county,
            drafter=drafter,
            state=DocState.ISSUED,
            number_prefix="历",
            number_year=2020 + i % 6,
            number_seq=i + 1,
            issued_at=timezone.now() - datetime.timedelta(days=i % 2000),
        )
        for i in range(have, n)
    ]
    Document.objects.bulk_create(rows, batch_size=5000)
    return Document.objects.count()


def _time_issue(tag, count):
    issuer, recipients, clerk, head = _setup(tag)
    times = []
    for i in range(count):
        document = _signed(issuer, recipients, clerk, head, f"基准{tag}-{i}")
        started = time.perf_counter()
        services.issue(clerk, document)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), len(recipients)


def run(n_documents, concurrent):
    base_ms, n_recipients = _time_issue("空", 5)
    total = _fill(n_documents)
    full_ms, _ = _time_issue("满", 5)
    line(f"issue to {n_recipients} units, empty table (baseline)", f"{base_ms:.1f}", "ms")
    line(f"issue to {n_recipients} units, {total:,} documents", f"{full_ms:.1f}", "ms")
    line("issue time ratio (full / empty)", f"{full_ms / base_ms:.2f}", "x")

    issuer, recipients, clerk, head = _setup("并")
    documents = [
        _signed(issuer, recipients[:3], clerk, head, f"并发{i}") for i in range(concurrent)
    ]
    barrier = threading.Barrier(concurrent)
    errors = []

    def issue_one(document):
        try:
            barrier.wait(30)
            services.issue(clerk, document)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=issue_one, args=(d,)) for d in documents]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    numbers = sorted(
        n
        for n in Document.objects.filter(pk__in=[d.pk for d in documents]).values_list(
            "number_seq", flat=True
        )
        if n is not None
    )
    duplicates = len(numbers) - len(set(numbers))
    # This run's numbers must be consecutive (earlier runs may have taken lower ones).
    missing = (max(numbers) - min(numbers) + 1 - len(set(numbers))) if numbers else concurrent
    line(f"{concurrent} simultaneous issues: numbers taken", f"{len(numbers)}", "")
    line("  duplicate numbers", f"{duplicates}", "")
    line("  missing numbers", f"{missing}", "", f"errors: {len(errors)}")


def _fill_route(n_documents):
    """BENCH_AWAITING_DOCS documents, each with a route step for a random person; about
    3 % of them are waiting for that person (the rest is history)."""
    import random

    from zhengtong.documents.models import RouteStep

    have = Document.objects.filter(title__startswith="待办基准").count()
    if have >= n_documents:
        return have
    rng = random.Random(5)
    county = Unit.objects.filter(kind="county").first()
    user_ids = list(User.objects.values_list("id", flat=True))
    chunk = 20000
    for start in range(have, n_documents, chunk):
        docs = Document.objects.bulk_create(
            [
                Document(
                    doc_type="notice",
                    direction="down",
                    title=f"待办基准{i}",
                    issuing_unit=county,
                    drafter_id=user_ids[i % len(user_ids)],
                    state=DocState.IN_ROUTE if rng.random() < 0.03 else DocState.ISSUED,
                )
                for i in range(start, min(start + chunk, n_documents))
            ]
        )
        RouteStep.objects.bulk_create(
            [
                RouteStep(
                    document=d,
                    order=1,
                    kind="review",
                    unit=county,
                    assignee_id=rng.choice(user_ids),
                    state="pending" if d.state == DocState.IN_ROUTE else "approved",
                )
                for d in docs
            ]
        )
    return Document.objects.filter(title__startswith="待办基准").count()


def run_awaiting(n_documents, samples=200):
    """p50/p95 of the "awaiting me" list (the page's own query, first page of 30)."""
    import random

    from zhengtong.documents.views import _box_querysets

    total = _fill_route(n_documents)
    rng = random.Random(6)
    people = list(
        User.objects.filter(
            pk__in=rng.sample(list(User.objects.values_list("id", flat=True)), samples)
        )
    )
    times = []
    for person in people:
        started = time.perf_counter()
        list(_box_querysets(person)["awaiting"][:30])
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    line(f'"awaiting me" list, {total:,} documents, p50', f"{statistics.median(times):.2f}", "ms")
    line(
        f'"awaiting me" list, {total:,} documents, p95',
        f"{times[int(len(times) * 0.95) - 1]:.2f}",
        "ms",
    )
