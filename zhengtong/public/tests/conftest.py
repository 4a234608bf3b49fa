"""Fixtures of the public-user tests: valid fictional ID numbers and credit codes, and
a citizen registered through the operation (zhengtong/conftest.py's `public_login`
signs a public user in)."""

import pytest

from zhengtong.public import services
from zhengtong.public.sms import _DEV_OUTBOX
from zhengtong.testing.factories import PUBLIC_PASSWORD as PASSWORD
from zhengtong.testing.factories import citizen_id, credit_code

__all__ = ["PASSWORD", "citizen_id", "credit_code"]  # imported by the tests from here


@pytest.fixture(autouse=True)
def _fresh_outbox():
    _DEV_OUTBOX.clear()


@pytest.fixture
def citizen(db):
    return services.register_public_user(
        mobile="13900000001", password=PASSWORD, real_name="李小禾"
    )
