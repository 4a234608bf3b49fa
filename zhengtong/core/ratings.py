"""The national five-level satisfaction scale (好差评: 非常满意, 满意, 基本满意, 不满意,
非常不满意; docs/conformance.md SRV-12), one for every subsystem that asks people to rate, so
assessment reads one shape: the same integers 1..5 mean the same everywhere. A
subsystem may word a level its own way (`Satisfaction.worded`), never renumber one."""

from collections.abc import Mapping

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Satisfaction(models.IntegerChoices):
    """好差评 levels; 差评 = 2 and 1 (BAD_LEVELS)."""

    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    BASICALLY_SATISFIED = 3, _("Basically satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")

    @classmethod
    def worded(cls, labels: Mapping[int, str | Promise]) -> list[tuple[int, str | Promise]]:
        """The scale's choices, with `labels` (level -> label) in place of the national
        wording of those levels; the values stay the scale's."""
        return [(value, labels.get(value, label)) for value, label in cls.choices]


BAD_LEVELS = frozenset({Satisfaction.DISSATISFIED, Satisfaction.VERY_DISSATISFIED})
