"""Fixtures of the public-user tests: valid fictional ID numbers and credit codes, a
registered citizen, and a client helper that signs a public user in."""

import pytest

from zhengtong.core.validators import (
    citizen_id_check_char,
    credit_code_check_char,
    organisation_code_check_char,
)
from zhengtong.public import services
from zhengtong.public import session as public_session
from zhengtong.public.sms import _DEV_OUTBOX

PASSWORD = "Hexi-county-2026"


def citizen_id(first17="33010219900101123"):
    return first17 + citizen_id_check_char(first17)


def credit_code(region="330102", org_body="MA2B3C4D"):
    first17 = "91" + region + org_body + organisation_code_check_char(org_body)
    return first17 + credit_code_check_char(first17)


@pytest.fixture(autouse=True)
def _fresh_outbox():
    _DEV_OUTBOX.clear()


@pytest.fixture
def citizen(db):
    return services.register_public_user(
        mobile="13900000001", password=PASSWORD, real_name="李小禾"
    )


@pytest.fixture
def public_login(client):
    """public_login(user): the test client is signed in as that public user."""

    def sign_in(user):
        session = client.session
        session[public_session.SESSION_KEY] = user.pk
        session[public_session.HASH_KEY] = public_session._password_hash(user)
        session.save()
        return client

    return sign_in
