"""The OpenAPI schema is valid and complete: other systems (the 12345 hotline, the
provincial platform) generate their clients from it."""

import yaml
from django.core.management import call_command


def test_the_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    paths = schema["paths"]
    for path in (
        "/api/v1/units/",
        "/api/v1/staff/",
        "/api/v1/staff/me/",
        "/api/v1/work-items/",
        "/api/v1/work-items/{id}/complete/",
        "/api/v1/calendar/add-working-days/",
        "/api/v1/calendar/working-days-between/",
        "/api/v1/calendar/is-working-day/",
        "/api/v1/auth/token/",
        "/api/v1/documents/",
        "/api/v1/incoming/",
    ):
        assert path in paths, path
    assert not [p for p in paths if not p.startswith("/api/v1/")]


ERROR_STATUSES = {"400", "401", "403", "404", "409", "429"}


def test_every_operation_documents_its_error_responses_and_their_shape(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(target))
    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "detail"}
    assert {"code", "detail", "field"} <= set(error["properties"])
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "put", "post", "patch", "delete"}
    ]
    assert len(operations) > 20
    missing = [
        (method, path, sorted(ERROR_STATUSES - set(map(str, operation["responses"]))))
        for path, method, operation in operations
        if not ERROR_STATUSES <= set(map(str, operation["responses"]))
    ]
    assert missing == []
    for path, method, operation in operations:
        for status in ERROR_STATUSES:
            content = operation["responses"][status].get("content", {})
            assert "application/json" in content, (method, path, status)
