"""Query filters every subsystem's API uses the same way."""

from __future__ import annotations

import django_filters
from django import forms

__all__ = ["YearFilter"]


class YearFilter(django_filters.NumberFilter):
    """A year as a whole number (a decimal such as 2026.5 is refused, not rounded)."""

    field_class = forms.IntegerField
