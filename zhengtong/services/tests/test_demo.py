"""The demo catalogue: at least 40 complete guides across at least 10 units, made
through the operations, deterministic per seed; the guide check finds nothing."""

import pytest
from django.core.management import call_command

from zhengtong.conftest import make_unit, make_user
from zhengtong.demo.loaders import service_items as demo
from zhengtong.org.models import Role, UnitKind
from zhengtong.services.checks import guide_problems
from zhengtong.services.models import ItemState, ServiceItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_units(county):
    keys = sorted({row[0] for row in demo.ITEMS})
    units = {}
    for i, key in enumerate(keys):
        kind = UnitKind.OFFICE if key == "government_office" else UnitKind.DEPARTMENT
        unit = make_unit(f"禾溪县{key.split(':')[-1]}", kind, county.government)
        make_user(f"demo_clerk_{i}", unit, roles=[Role.CLERK])
        units[key] = unit
    return units


def test_the_demo_catalogue_is_complete_and_passes_the_check(demo_units, capsys):
    made = demo.load(demo_units, seed=7)
    items = ServiceItem.objects.filter(state=ItemState.PUBLISHED)
    assert made == items.count() >= 40
    assert items.values("unit").distinct().count() >= 10
    for item in items:
        assert guide_problems(item) == [], item
        assert item.materials.first().blank_form_id and item.materials.first().sample_id
        assert item.result_sample_id and item.faqs.exists() and item.result_delivery
    call_command("check_service_guides", "--strict")
    assert "0 lacking a key element, 0 with warnings" in capsys.readouterr().out
    # Loading again makes nothing twice.
    assert demo.load(demo_units, seed=7) == 0


def test_the_demo_is_the_same_for_the_same_seed(demo_units):
    from zhengtong.demo.loaders.service_items import _fields

    unit = demo_units["dept:公安局"]
    import random

    first = _fields(1, demo.ITEMS[0], unit, random.Random(3))
    again = _fields(1, demo.ITEMS[0], unit, random.Random(3))
    assert first == again
