import pytest

from zhengtong.demo.loaders import consultations as demo

from .. import selectors
from ..models import CommentState, ConsultationState

pytestmark = pytest.mark.django_db


def load(county):
    return demo.load({demo.PARKING_UNIT: county.a, demo.CARE_UNIT: county.b}, seed=7)


def snapshot(consultation):
    return [
        (c.section.number if c.section_id else None, c.text, c.name, c.mobile, c.state)
        for c in consultation.comments.order_by("created_at", "pk")
    ]


def test_the_demo_has_one_open_consultation_with_comments_and_one_summarised(
    county, clerk_a, clerk_b
):
    parking, care = load(county)
    assert parking.state == ConsultationState.OPEN and parking.accepts_comments()
    assert parking.comments_received == len(demo.PARKING_COMMENTS)
    states = {c.state for c in parking.comments.all()}
    assert states == {CommentState.APPROVED, CommentState.PENDING, CommentState.REJECTED}
    assert care.state == ConsultationState.SUMMARISED
    assert care.closes_at < care.summary.published_at
    assert care.summary.points.count() == 4
    assert {c.pk for c in selectors.public_consultations()} == {parking.pk, care.pk}


def test_the_demo_is_deterministic_and_loads_once(county, clerk_a, clerk_b):
    parking, care = load(county)
    first = (snapshot(parking), snapshot(care))
    assert load(county) is None
    parking.comments.all().delete()
    care.summary.delete()
    care.comments.all().delete()
    care.delete()
    parking.delete()
    again = load(county)
    assert (snapshot(again[0]), snapshot(again[1])) == first
