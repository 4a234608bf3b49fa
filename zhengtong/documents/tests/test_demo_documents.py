"""The demo county's year of official documents (zhengtong/demo/loaders/documents.py), read back from the
database: every state, consecutive numbers, sign-fors on time, late and overdue,
incoming records handled and filed — all made through the real operations.

The county is built once for the module (inside a transaction rolled back at the end);
the website's sample content is left out (another part's loader)."""

import contextlib
import datetime
from collections import Counter, defaultdict
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone

from zhengtong.core import audit
from zhengtong.core.models import WorkItem
from zhengtong.demo import generator
from zhengtong.demo.loaders import documents as demo
from zhengtong.documents import services
from zhengtong.documents.models import (
    ArchiveEntry,
    Distribution,
    DocState,
    DocType,
    Document,
    IncomingRecord,
    IncomingState,
    RouteStep,
    StepKind,
    StepState,
    TrailEntry,
)
from zhengtong.org.models import Unit, UnitKind


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        plan = generator.plan_county(seed=generator.DEFAULT_SEED)
        try:
            from zhengtong.demo.loaders import portal as website_demo

            skip_website = mock.patch.object(website_demo, "load_website", lambda *a, **k: 0)
        except ImportError:  # no website loader yet
            skip_website = contextlib.nullcontext()
        with skip_website:
            generator.build_county(plan)
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_year_of_documents_from_many_units(county):
    documents = Document.objects.all()
    assert documents.count() >= 80
    units = set(documents.values_list("issuing_unit", flat=True))
    assert len(units) >= 15
    kinds = set(Unit.objects.filter(pk__in=units).values_list("kind", flat=True))
    assert {UnitKind.DEPARTMENT, UnitKind.TOWN, UnitKind.GOVERNMENT, UnitKind.OFFICE} <= kinds
    types = set(documents.values_list("doc_type", flat=True))
    assert {
        DocType.NOTICE,
        DocType.REQUEST,
        DocType.REPORT,
        DocType.LETTER,
        DocType.REPLY,
        DocType.MINUTES,
    } <= types
    now = timezone.now()
    months = {(d.year, d.month) for d in documents.values_list("created_at", flat=True)}
    assert len(months) >= 11  # spread over the last twelve months
    assert not documents.filter(created_at__gt=now).exists()
    assert documents.filter(created_at__lt=now - datetime.timedelta(days=300)).exists()


@pytest.mark.django_db
def test_every_state_and_every_step_of_the_route(county):
    states = Counter(Document.objects.values_list("state", flat=True))
    for state in DocState.values:
        assert states[state] >= 1, state
    assert states[DocState.ISSUED] > 0.7 * sum(states.values())
    pending = set(
        RouteStep.objects.filter(
            state=StepState.PENDING, document__state=DocState.IN_ROUTE
        ).values_list("kind", flat=True)
    )
    assert pending == set(StepKind.values)
    assert RouteStep.objects.filter(state=StepState.RETURNED).exists()  # sent back once


@pytest.mark.django_db
def test_numbers_are_consecutive_per_prefix_and_year_in_the_order_of_issue(county):
    numbered = defaultdict(list)
    for prefix, year, seq, issued in Document.objects.exclude(number_seq=None).values_list(
        "number_prefix", "number_year", "number_seq", "issued_at"
    ):
        assert timezone.localtime(issued).year == year
        numbered[prefix, year].append((issued, seq))
    assert len(numbered) >= 15
    for key, items in numbered.items():
        seqs = [seq for _issued, seq in sorted(items)]
        assert seqs == list(range(1, len(seqs) + 1)), key


@pytest.mark.django_db
def test_sign_fors_mostly_on_time_some_late_some_overdue(county):
    today = timezone.localdate()
    signed = Distribution.objects.exclude(signed_for_at=None)
    late = [d for d in signed if timezone.localtime(d.signed_for_at).date() > d.due_date]
    assert len(late) >= 3
    assert len(late) < 0.25 * signed.count()
    overdue = Distribution.objects.filter(
        signed_for_at=None, due_date__lt=today, document__state=DocState.ISSUED
    )
    assert overdue.count() >= 2
    assert (
        WorkItem.objects.filter(
            kind=services.SIGN_FOR_KIND, state="open", due_date__lt=today
        ).count()
        >= overdue.count()
    )


@pytest.mark.django_db
def test_incoming_records_handled_closed_filed_and_some_overdue(county):
    today = timezone.localdate()
    states = Counter(IncomingRecord.objects.values_list("state", flat=True))
    assert states[IncomingState.CLOSED] >= 60
    assert IncomingRecord.objects.filter(
        state=IncomingState.HANDLING, due_date__lt=today
    ).exists()  # handling overdue
    assert ArchiveEntry.objects.filter(incoming__isnull=False).count() >= 20
    assert ArchiveEntry.objects.filter(incoming=None, is_original=True).count() >= 20
    # Registration numbers per unit and year follow the order received.
    by_unit = defaultdict(list)
    for unit, serial, received in IncomingRecord.objects.values_list(
        "unit", "serial", "received_at"
    ):
        year = timezone.localtime(received).year
        by_unit[unit, year].append((received, int(serial.split("〕")[1].rstrip("号"))))
    for key, items in by_unit.items():
        seqs = [seq for _at, seq in sorted(items)]
        assert seqs == list(range(1, len(seqs) + 1)), key


@pytest.mark.django_db
def test_a_request_is_answered_by_a_reply_of_the_government(county):
    reply = Document.objects.filter(doc_type=DocType.REPLY, state=DocState.ISSUED).first()
    assert reply is not None
    assert reply.issuing_unit.kind == UnitKind.GOVERNMENT
    assert "请示" in reply.body and "〕" in reply.body  # cites the request and its number


@pytest.mark.django_db
def test_trails_and_audit_are_real(county):
    issued = Document.objects.filter(state=DocState.ISSUED).order_by("issued_at").first()
    actions = list(TrailEntry.objects.filter(document=issued).values_list("action", flat=True))
    assert actions[:2] == ["draft", "submit"] and "issue" in actions
    times = list(TrailEntry.objects.filter(document=issued).values_list("at", flat=True))
    assert times == sorted(times)
    assert audit.verify_chain() is None


@pytest.mark.django_db
def test_the_statistics_show_plausible_numbers(county):
    bureau = Unit.objects.get(name__endswith="教育局", kind=UnitKind.DEPARTMENT)
    town = Unit.objects.filter(kind=UnitKind.TOWN).order_by("sort_order", "id").first()
    year = timezone.localdate().year
    for unit in (bureau, town):
        stats = services.unit_statistics(unit, year)
        assert stats["sent"] >= 1 and stats["received"] >= 1
        assert 0 < stats["signed_for_on_time"] <= stats["signed_for"]
        assert stats["handled_on_time"] <= stats["handled"]


@pytest.mark.django_db
def test_the_same_seed_plans_the_same_year(county):
    end = timezone.now()
    units = demo._year_units()

    def planned(seed):
        year = demo._Year(seed, end)
        year.plan(units)
        return [(p.unit.pk, p.title, p.start, p.stop) for p in year.plans]

    assert planned(5) == planned(5)
    assert planned(5) != planned(6)
