"""Tests of the password rules (docs/conformance.md SEC-1, 身份鉴别), through the validators
configured in settings.AUTH_PASSWORD_VALIDATORS."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.password_validation import (
    get_default_password_validators,
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils import translation

from zhengtong.org.passwords import CharacterClassValidator, NotUsernameValidator

USER = SimpleNamespace(username="zhangsan")


def refusal_codes(password, user=USER):
    with pytest.raises(ValidationError) as excinfo:
        validate_password(password, user)
    return {error.code for error in excinfo.value.error_list}


def test_both_validators_are_configured_in_the_project_settings():
    kinds = {type(v) for v in get_default_password_validators()}
    assert {CharacterClassValidator, NotUsernameValidator} <= kinds


@pytest.mark.parametrize(
    "password",
    [
        "Qingshan-Lake",  # lower, upper, other
        "qingshan-lake-7",  # lower, other, digit
        "QINGSHAN7LAKE-",  # upper, digit, other
        "Qingshan7Lake",  # lower, upper, digit
        "青山绿水Lake2024",  # Chinese characters count as "other"
    ],
)
def test_a_password_with_three_character_classes_is_accepted(password):
    assert validate_password(password, USER) is None


@pytest.mark.parametrize(
    "password",
    [
        "qingshanlake2024",
        "QINGSHANLAKE2024",
        "qingshanLAKEshui",
        "qingshan-lake-shui",
        "2024-0601-0930",
    ],
)
def test_a_password_with_only_two_character_classes_is_refused(password):
    assert "password_too_few_character_classes" in refusal_codes(password)


def test_the_number_of_required_classes_can_be_configured():
    validator = CharacterClassValidator(min_classes=4)
    with pytest.raises(ValidationError):
        validator.validate("Qingshan7Lake")
    assert validator.validate("Qingshan7Lake!") is None
    assert CharacterClassValidator(min_classes=2).validate("qingshanlake2024") is None
    with pytest.raises(ValueError):
        CharacterClassValidator(min_classes=5)


def test_a_password_containing_the_username_is_refused_whatever_the_case():
    assert "password_contains_username" in refusal_codes("Good-ZhangSan-2024")
    assert "password_contains_username" in refusal_codes("zhangsan#2024X")


def test_a_password_that_is_the_username_reversed_is_refused():
    user = SimpleNamespace(username="Ab3-Qingshan")
    assert "password_is_reversed_username" in refusal_codes("nahsgniQ-3bA", user)
    assert "password_is_reversed_username" in refusal_codes("NAHSGNIQ-3BA", user)


def test_a_password_containing_the_username_reversed_but_more_is_accepted():
    assert validate_password("nasgnahz-Lake-7", USER) is None


def test_the_local_part_of_an_email_username_may_not_be_used_either():
    user = SimpleNamespace(username="wanglin@example.gov.cn")
    assert "password_contains_username" in refusal_codes("Wanglin-2024!", user)


def test_a_very_short_username_only_forbids_the_exact_password():
    validator = NotUsernameValidator()
    user = SimpleNamespace(username="wu")
    assert validator.validate("Wuyi-Mountain-7", user) is None
    with pytest.raises(ValidationError):
        validator.validate("WU", user)


def test_no_user_or_a_user_without_username_is_not_checked():
    validator = NotUsernameValidator()
    assert validator.validate("zhangsan", None) is None
    assert validator.validate("zhangsan", SimpleNamespace(username="")) is None


def test_a_django_user_is_checked_through_get_username():
    class User:
        username = "ignored"

        def get_username(self):
            return "liming"

    with pytest.raises(ValidationError):
        NotUsernameValidator().validate("Liming-2024!", User())


def test_a_strong_password_unrelated_to_the_username_passes_all_project_validators():
    assert validate_password("Qingshan-Lake-2024", USER) is None


def test_the_help_texts_describe_both_rules():
    with translation.override("en"):
        texts = " ".join(password_validators_help_texts())
    assert "at least 3 kinds" in texts
    assert "username" in texts
