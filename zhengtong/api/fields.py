"""Fields every subsystem's API uses the same way."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

__all__ = ["CodeField"]


@extend_schema_field(OpenApiTypes.STR)
class CodeField(serializers.ChoiceField):
    """A read-only choice shown in the schema as a string with its values listed in the
    description, not as an enum component. The API already has `StateEnum` (work items)
    and `KindEnum` (units); another enum for a field called `state` or `kind` would
    rename those components in every generated client (drf-spectacular names enums by
    field name unless ENUM_NAME_OVERRIDES says otherwise)."""

    def __init__(self, choices: Iterable[tuple[Any, Any]], **kwargs: Any) -> None:
        choices = list(choices)
        values = ", ".join(f"`{value}`" for value, _label in choices)
        kwargs.setdefault("help_text", f"One of {values}.")
        super().__init__(choices, read_only=True, **kwargs)
