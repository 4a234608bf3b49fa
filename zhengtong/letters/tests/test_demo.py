"""The demo county's year of letters, on a small set of units."""

import datetime

import pytest
from django.utils import timezone

from zhengtong.conftest import make_unit, make_user
from zhengtong.core.models import WorkItem
from zhengtong.demo.loaders import letters as demo
from zhengtong.letters.models import Letter, LetterState, Mailbox, Rating
from zhengtong.org.models import Role, UnitKind


@pytest.fixture
def units(db):
    county = make_unit("禾溪县", UnitKind.COUNTY)
    government = make_unit("禾溪县人民政府", UnitKind.GOVERNMENT, county)
    office = make_unit("禾溪县人民政府办公室", UnitKind.OFFICE, government)
    supervision = make_unit("督查室", UnitKind.SECTION, office)
    petitions = make_unit("禾溪县信访局", UnitKind.DEPARTMENT, government, short_name="县信访局")
    education = make_unit("禾溪县教育局", UnitKind.DEPARTMENT, government, short_name="县教育局")
    town = make_unit("东湖镇人民政府", UnitKind.TOWN, government, short_name="东湖镇")
    make_user("gov_clerk", office, roles=[Role.CLERK])
    make_user("gov_head", office, roles=[Role.UNIT_HEAD])
    make_user("gov_reviewer", office, roles=[Role.REVIEWER])
    make_user("leader", government, roles=[Role.COUNTY_LEADER])
    make_user("inspector", supervision, roles=[Role.SUPERVISOR])
    for name, unit in (("xf", petitions), ("edu", education), ("town", town)):
        make_user(f"{name}_clerk", unit, roles=[Role.CLERK])
        make_user(f"{name}_head", unit, roles=[Role.UNIT_HEAD])
    return {
        "county": county,
        "government": government,
        "government_office": office,
        "supervision": supervision,
        "dept:信访局": petitions,
        "dept:教育局": education,
        "town:0": town,
    }


END = timezone.make_aware(datetime.datetime(2026, 11, 20, 18, 0))


def _snapshot():
    return sorted(Letter.objects.values_list("tracking_code", "state", "title", "published_at"))


def test_the_demo_makes_a_varied_year_of_letters(units):
    made = demo.load(units, seed=7, count=60, end=END)
    assert made == Letter.objects.count() > 40
    assert Mailbox.objects.count() == 3
    states = set(Letter.objects.values_list("state", flat=True))
    assert {LetterState.CLOSED, LetterState.ROUTED} <= states
    assert Letter.objects.filter(published_at__isnull=False).exists()
    assert Rating.objects.exists()
    # Some letters are still overdue: open work items past their due date.
    assert WorkItem.objects.filter(
        state="open", kind__startswith="letters.", due_date__lt=timezone.localdate()
    ).exists()
    # Received dates spread over the year.
    first = Letter.objects.order_by("received_at").first().received_at
    assert (END - first).days > 200


def test_the_demo_is_the_same_for_the_same_seed(units):
    demo.load(units, seed=3, count=30, end=END)
    first = _snapshot()
    Letter.objects.all().delete()
    WorkItem.objects.filter(kind__startswith="letters.").delete()
    demo.load(units, seed=3, count=30, end=END)
    assert _snapshot()[:5] == first[:5] and len(_snapshot()) == len(first)


def test_the_demo_loads_once(units):
    demo.load(units, seed=1, count=5, end=END)
    assert demo.load(units, seed=1, count=5, end=END) == 0
