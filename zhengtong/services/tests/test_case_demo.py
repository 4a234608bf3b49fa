"""The demo's online forms and year of cases: 10 forms (one with conditional fields and
several materials), every state, some late, ratings with rectifications; played
through the operations (its speed is a benchmark's business, never a timed assertion)."""

import pytest

from zhengtong.conftest import make_unit, make_user
from zhengtong.demo.loaders import service_items as demo
from zhengtong.org.models import Role, UnitKind
from zhengtong.services.models import (
    Application,
    ApplicationState,
    CaseRating,
    Rectification,
    ServiceForm,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_units(county):
    keys = sorted({row[0] for row in demo.ITEMS})
    units = {}
    for i, key in enumerate(keys):
        kind = UnitKind.OFFICE if key == "government_office" else UnitKind.DEPARTMENT
        unit = make_unit(f"禾溪县{key.split(':')[-1]}", kind, county.government)
        make_user(f"demo_clerk_{i}", unit, roles=[Role.CLERK])
        make_user(f"demo_head_{i}", unit, roles=[Role.UNIT_HEAD])
        units[key] = unit
    return units


def test_the_demo_has_forms_and_a_year_of_cases_in_every_state(demo_units, caplog):
    caplog.set_level("INFO", logger="zhengtong.demo.loaders.service_items")
    demo.load(demo_units, seed=7)
    forms = ServiceForm.objects.all()
    assert forms.count() == 10
    assert any(any(f.get("show_if") for f in form.fields) for form in forms)
    conditional = next(f for f in forms if any(x.get("show_if") for x in f.fields))
    assert conditional.item.materials.count() >= 2
    states = set(Application.objects.values_list("state", flat=True))
    assert states == set(ApplicationState.values), set(ApplicationState.values) - states
    assert Application.objects.filter(decided_on_time=False).exists()  # some late
    assert CaseRating.objects.exists() and Rectification.objects.exists()
    skipped = [r for r in caplog.records if r.name == "zhengtong.demo.loaders.service_items"]
    assert len(skipped) <= 5, [r.getMessage() for r in skipped]
    # Loading again adds nothing.
    count = Application.objects.count()
    demo.load(demo_units, seed=7)
    assert Application.objects.count() == count
