"""One satisfaction scale (core/ratings.py): the same integers mean the same in every
subsystem; a subsystem may word a level its own way, never renumber one."""

from zhengtong.core.ratings import BAD_LEVELS, Satisfaction


def test_the_scale_has_the_five_national_levels_best_first():
    assert [value for value, _label in Satisfaction.choices] == [5, 4, 3, 2, 1]
    assert BAD_LEVELS == {2, 1}


def test_a_subsystem_rewords_a_level_without_renumbering_it():
    worded = Satisfaction.worded({Satisfaction.BASICALLY_SATISFIED: "Neither"})
    assert [value for value, _label in worded] == [value for value, _l in Satisfaction.choices]
    assert dict(worded)[3] == "Neither"
    assert dict(worded)[4] == Satisfaction.SATISFIED.label
