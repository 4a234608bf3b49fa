"""The API's request parsers: every JSON body must be an object (issue 15).

Every operation of the API takes named fields; a body that is a JSON array, string,
number or null is refused with 400 (code "parse_error") before any view reads it,
instead of reaching code that expects a mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class ObjectJSONParser(JSONParser):
    """JSON, refused unless the top-level value is an object."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ParseError(_("The request body must be a JSON object."))
        return data
