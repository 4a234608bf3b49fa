from typing import Any


def only_api_paths(endpoints: list[tuple[Any, ...]], **kwargs: Any) -> list[tuple[Any, ...]]:
    """Keep only the REST API in the schema (see STACK-NOTES: Wagtail's admin API)."""
    return [e for e in endpoints if e[0].startswith("/api/v1/")]
