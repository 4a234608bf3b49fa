"""Query passwords: one keyed hash for letters and disclosure requests (ADR 0003)."""

from django.contrib.auth.hashers import make_password

from zhengtong.public.passwords import (
    PASSWORD_HASH_PREFIX,
    hash_query_password,
    query_password_matches,
)


def test_the_stored_form_is_a_keyed_hash_that_does_not_contain_the_password():
    stored = hash_query_password("AB12CD34EF", "12345678")
    assert stored.startswith(PASSWORD_HASH_PREFIX)
    assert "12345678" not in stored
    assert len(stored) == len(PASSWORD_HASH_PREFIX) + 64


def test_the_right_password_matches_and_a_wrong_or_empty_one_does_not():
    stored = hash_query_password("AB12CD34EF", "12345678")
    assert query_password_matches("AB12CD34EF", stored, "12345678")
    assert not query_password_matches("AB12CD34EF", stored, "12345679")
    assert not query_password_matches("AB12CD34EF", stored, "")
    assert not query_password_matches("AB12CD34EF", stored, None)
    assert not query_password_matches("AB12CD34EF", "", "12345678")


def test_the_hash_is_bound_to_the_code():
    stored = hash_query_password("AB12CD34EF", "12345678")
    assert hash_query_password("ZZ12CD34EF", "12345678") != stored
    assert not query_password_matches("ZZ12CD34EF", stored, "12345678")


def test_a_value_stored_with_djangos_hasher_is_still_accepted():
    stored = make_password("K7M2P9QX")
    assert query_password_matches("any code", stored, "K7M2P9QX")
    assert not query_password_matches("any code", stored, "K7M2P9QY")
    # An unusable Django hash never matches.
    assert not query_password_matches("any code", make_password(None), "K7M2P9QX")
