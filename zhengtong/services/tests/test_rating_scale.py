"""好差评 and the letters' ratings share the kernel's one scale (core/ratings.py)."""

from zhengtong.core.ratings import BAD_LEVELS


def test_letters_and_cases_rate_on_the_same_scale():
    from zhengtong.letters.models import RATING_CHOICES, UNSATISFIED_LEVELS, Rating
    from zhengtong.services.models import CaseRating

    case_values = [value for value, _label in CaseRating._meta.get_field("overall").choices]
    letter_values = [value for value, _label in Rating._meta.get_field("level").choices]
    assert letter_values == case_values == [value for value, _l in RATING_CHOICES]
    assert UNSATISFIED_LEVELS == BAD_LEVELS
    assert str(dict(RATING_CHOICES)[3]) == "Neither satisfied nor dissatisfied"
