"""An application number locks on the progress lookup after five wrong identifiers,
from whatever addresses they come (public.lookup)."""

import pytest

from .conftest import submitted

pytestmark = pytest.mark.django_db

PROGRESS = "/bsfw/cx/"


def test_an_application_number_locks_after_five_wrong_identifiers_from_any_addresses(
    client, online_item, citizen
):
    app = submitted(citizen, online_item)
    for n in range(5):
        wrong = client.post(
            PROGRESS,
            {"number": app.number, "identifier": "13900009999"},
            REMOTE_ADDR=f"203.0.113.{n}",
        )
        assert wrong.status_code == 404
    response = client.post(
        PROGRESS, {"number": app.number, "identifier": "13900001111"}, REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 429
    # Spaces around the number do not open a new count.
    response = client.post(
        PROGRESS,
        {"number": f" {app.number} ", "identifier": "13900001111"},
        REMOTE_ADDR="198.51.100.8",
    )
    assert response.status_code == 429
