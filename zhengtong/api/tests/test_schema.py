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
