"""The levels of escalation (core/escalation.py), shared by letters and service cases;
what each level tells whom is tested with the subsystems' own escalation tests."""

import pytest

from zhengtong.core.escalation import level_for


@pytest.mark.parametrize(
    "days_late, level",
    [(-2, 0), (0, 0), (1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (40, 3)],
)
def test_the_level_follows_the_working_days_late(days_late, level):
    assert level_for(days_late, to_head_after=3, seriously_after=5) == level


def test_each_level_of_a_work_item_is_recorded_once(db):
    from django.contrib.auth import get_user_model

    from zhengtong.core import escalation, workitems
    from zhengtong.core.models import WorkItemEscalation

    person = get_user_model().objects.create(username="escalated")
    item = workitems.open_work_item(None, kind="core.test", title="t", assignee_user=person)
    assert escalation.record(item, person, 1) is True
    assert escalation.record(item, person, 1) is False
    assert escalation.record(item, person, 2) is True
    rows = WorkItemEscalation.objects.filter(work_item=item)
    assert sorted(rows.values_list("level", flat=True)) == [1, 2]
    assert {row.subject for row in rows} == {person}
