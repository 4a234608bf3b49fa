"""Query filters every subsystem's API uses the same way, and the filter backend that
keeps numbers the database cannot hold out of queries (issue 15)."""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

__all__ = ["BoundedFilterBackend", "YearFilter"]

# The range of the database's whole numbers (BIGINT): primary keys, counts, years.
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

_WHOLE_NUMBER = re.compile(r"^\s*[+-]?\d+\s*$")
_NUMBER_FIELDS = (forms.IntegerField, forms.DecimalField, forms.FloatField)
_CHOICE_OF_ROWS = (forms.ModelChoiceField, forms.ModelMultipleChoiceField)


class YearFilter(django_filters.NumberFilter):
    """A year as a whole number (a decimal such as 2026.5 is refused, not rounded)."""

    field_class = forms.IntegerField


def _out_of_range(value: str) -> bool:
    return bool(_WHOLE_NUMBER.match(value)) and not INT64_MIN <= int(value) <= INT64_MAX


def bound_numbers(filterset: django_filters.FilterSet) -> None:
    """Refuse (400) numbers a database column cannot hold before they reach a query:
    numeric filters get range validators (so 1e30 is refused too); filters choosing a
    row by its key refuse an out-of-range whole number outright."""
    errors: dict[str, list[str]] = {}
    message = _("Enter a number between %(min)d and %(max)d.") % {
        "min": INT64_MIN,
        "max": INT64_MAX,
    }
    for name, field in filterset.form.fields.items():
        if isinstance(field, _NUMBER_FIELDS):
            field.validators = [
                *field.validators,
                MinValueValidator(INT64_MIN, message=message),
                MaxValueValidator(INT64_MAX, message=message),
            ]
        if isinstance(field, (*_NUMBER_FIELDS, *_CHOICE_OF_ROWS)):
            data: Any = filterset.data
            values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
            if any(isinstance(v, str) and _out_of_range(v) for v in values):
                errors[name] = [message]
    if errors:
        raise ValidationError(errors)


class BoundedFilterBackend(DjangoFilterBackend):
    """django-filter's backend (the API's default) with bound_numbers applied to
    every filter set."""

    def get_filterset(
        self, request: Request, queryset: QuerySet[Model], view: Any
    ) -> django_filters.FilterSet | None:
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            bound_numbers(filterset)
        return filterset
