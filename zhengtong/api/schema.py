def only_api_paths(endpoints, **kwargs):
    """Keep only the REST API in the schema (see STACK-NOTES: Wagtail's admin API)."""
    return [e for e in endpoints if e[0].startswith("/api/v1/")]
