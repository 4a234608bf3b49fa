"""Schema hooks of drf-spectacular (settings.SPECTACULAR_SETTINGS)."""

from typing import Any


def only_api_paths(endpoints: list[tuple[Any, ...]], **kwargs: Any) -> list[tuple[Any, ...]]:
    """Keep only the REST API in the schema (see STACK-NOTES: Wagtail's admin API)."""
    return [e for e in endpoints if e[0].startswith("/api/v1/")]


# The error responses any operation can give (api/errors.py shapes every one of them).
ERROR_RESPONSES: dict[str, str] = {
    "400": "The request is invalid: malformed body or query, or a domain rule refused it.",
    "401": "No valid credentials: sign in, or send a valid, unexpired token.",
    "403": "Signed in, but not permitted (role, unit, second factor, password change).",
    "404": "No such object, or not visible to the caller.",
    "409": "A conflict: the object changed meanwhile (revision) or is in the wrong state.",
    "429": "Too many requests: wait and try again.",
}

ERROR_SCHEMA_NAME = "Error"

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "Every error response of the API (api/errors.py): a stable code, a translated "
        "message (or, for invalid input, the messages per field) and, for a domain "
        "error about one field, that field's name."
    ),
    "properties": {
        "code": {
            "type": "string",
            "description": "Stable machine-readable code, e.g. invalid, parse_error, "
            "not_authenticated, permission_denied, not_found, conflict, throttled.",
        },
        "detail": {
            "oneOf": [
                {"type": "string"},
                {
                    "type": "object",
                    "additionalProperties": {
                        "oneOf": [
                            {"type": "string"},
                            {"type": "array", "items": {}},
                            {"type": "object"},
                        ]
                    },
                },
            ],
            "description": "The message, or (400 invalid) the messages per field.",
        },
        "field": {"type": "string", "description": "The field a domain error is about."},
    },
    "required": ["code", "detail"],
}


def document_error_responses(
    result: dict[str, Any], generator: Any = None, request: Any = None, public: Any = None
) -> dict[str, Any]:
    """Postprocessing hook: every operation documents the error responses
    (ERROR_RESPONSES) with the error body's shape (ERROR_SCHEMA); responses an
    operation documents itself are kept."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(ERROR_SCHEMA_NAME, ERROR_SCHEMA)
    ref = {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "put", "post", "patch", "delete", "head", "options"}:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_RESPONSES.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": dict(ref)}},
                    },
                )
    return result
