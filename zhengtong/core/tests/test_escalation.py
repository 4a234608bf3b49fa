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
