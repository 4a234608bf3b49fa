"""Test-wide settings. Direct calls of operations run with English active, so tests
can read error messages; pages requested through the test client or a browser get
the site's default language (Simplified Chinese) exactly as a visitor would."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_for_direct_calls():
    with translation.override("en"):
        yield
