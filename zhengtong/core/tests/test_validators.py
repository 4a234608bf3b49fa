"""Tests of the identifier validators (docs/conformance.md VAL)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from zhengtong.core.validators import (
    CREDIT_CODE_CHARSET,
    check_citizen_id,
    check_credit_code,
    check_landline,
    check_mobile,
    citizen_id_check_char,
    credit_code_check_char,
    organisation_code_check_char,
    validate_citizen_id,
    validate_credit_code,
    validate_landline,
    validate_mobile,
)

STANDARD_CREDIT_CODES = [
    "914403001922038216",
    "9144030071526726XG",
    "91330100716105852F",
    "91110000600037341L",
    "91350100M000100Y43",
]


def refusal_code(check, value):
    with pytest.raises(ValidationError) as excinfo:
        check(value)
    return excinfo.value.code


def with_check_char(first17):
    return first17 + citizen_id_check_char(first17)


# --- Citizen ID (§9.1) ---------------------------------------------------------------------


@pytest.mark.parametrize("number", ["11010519491231002X", "34052419800101001X"])
def test_the_standard_citizen_id_examples_are_accepted(number):
    assert check_citizen_id(number) == number


def test_the_check_character_helper_reproduces_the_standard_examples():
    assert citizen_id_check_char("11010519491231002") == "X"
    assert citizen_id_check_char("44052418800101001") == "4"
    assert citizen_id_check_char("34052419800101001") == "X"


def test_the_check_character_helper_refuses_anything_but_17_digits():
    for bad in ["1101051949123100", "110105194912310021", "1101051949123100X"]:
        with pytest.raises(ValueError):
            citizen_id_check_char(bad)


def test_a_citizen_id_with_a_wrong_check_character_is_refused():
    assert refusal_code(check_citizen_id, "340524198001010013") == "citizen_id_checksum"


def test_any_single_changed_digit_of_a_citizen_id_is_detected():
    good = "11010519491231002X"
    for position in range(14, 17):  # sequence digits: the birth date stays valid
        changed = good[:position] + str((int(good[position]) + 1) % 10) + good[position + 1 :]
        assert refusal_code(check_citizen_id, changed) == "citizen_id_checksum", changed


def test_a_lower_case_x_is_accepted_and_normalised_to_upper_case():
    assert check_citizen_id("11010519491231002x") == "11010519491231002X"


def test_surrounding_spaces_and_full_width_digits_are_normalised():
    assert check_citizen_id(" 11010519491231002X\n") == "11010519491231002X"
    assert check_citizen_id("１１０１０５１９４９１２３１００２Ｘ") == "11010519491231002X"


@pytest.mark.parametrize("number", ["110105491231002", "340524800101001"])
def test_a_first_generation_15_digit_number_is_refused_with_its_own_message(number):
    with pytest.raises(ValidationError) as excinfo:
        check_citizen_id(number)
    assert excinfo.value.code == "citizen_id_format"
    with translation.override("en"):
        assert "15-digit" in excinfo.value.messages[0]


@pytest.mark.parametrize(
    "number",
    ["", "11010519491231002", "11010519491231002XX", "1101051949123100X2", "11010519491231002Y"],
)
def test_a_citizen_id_of_the_wrong_shape_is_refused(number):
    assert refusal_code(check_citizen_id, number) == "citizen_id_format"


def test_a_citizen_id_with_an_unknown_province_code_is_refused():
    assert refusal_code(check_citizen_id, with_check_char("99010519900101001")) == (
        "citizen_id_format"
    )


def test_a_citizen_id_with_an_impossible_birth_date_is_refused():
    for first17 in ["32010219900230001", "32010219901301001", "32010219900000001"]:
        assert refusal_code(check_citizen_id, with_check_char(first17)) == (
            "citizen_id_birthdate"
        ), first17


def test_a_citizen_id_born_on_29_february_of_a_leap_year_is_accepted():
    number = with_check_char("32010220000229001")
    assert check_citizen_id(number) == number


def test_a_citizen_id_born_in_the_future_is_refused():
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    number = with_check_char(f"320102{tomorrow:%Y%m%d}001")
    assert refusal_code(check_citizen_id, number) == "citizen_id_birthdate"


def test_a_citizen_id_born_before_1900_is_refused_even_with_a_correct_check_character():
    # 440524188001010014 is the standard's checksum example (docs/conformance.md VAL-1), born 1880.
    assert refusal_code(check_citizen_id, "440524188001010014") == "citizen_id_birthdate"
    assert check_citizen_id(with_check_char("44052419000101001"))  # 1900-01-01 is fine


def test_validate_citizen_id_raises_for_an_invalid_number_and_passes_a_valid_one():
    assert validate_citizen_id("11010519491231002X") is None
    with pytest.raises(ValidationError):
        validate_citizen_id("340524198001010013")


def test_citizen_id_errors_carry_a_readable_message():
    with pytest.raises(ValidationError) as excinfo:
        check_citizen_id("340524198001010013")
    with translation.override("en"):
        assert "citizen ID number is not valid" in excinfo.value.messages[0]


# --- Unified social credit code (§9.2) -----------------------------------------------------


@pytest.mark.parametrize("code", STANDARD_CREDIT_CODES)
def test_the_standard_credit_code_examples_are_accepted(code):
    assert check_credit_code(code) == code


@pytest.mark.parametrize("code", STANDARD_CREDIT_CODES)
def test_the_check_character_helpers_reproduce_the_standard_credit_codes(code):
    assert credit_code_check_char(code[:17]) == code[17]
    assert organisation_code_check_char(code[8:16]) == code[16]


@pytest.mark.parametrize("code", STANDARD_CREDIT_CODES)
def test_a_credit_code_with_any_single_character_changed_is_refused(code):
    for position in range(18):
        for replacement in "0A":
            if code[position] == replacement or (2 <= position <= 7 and replacement == "A"):
                continue
            altered = code[:position] + replacement + code[position + 1 :]
            with pytest.raises(ValidationError):
                check_credit_code(altered)


def test_a_credit_code_with_a_wrong_final_check_character_is_refused():
    code = "91330100716105852F"
    wrong = next(c for c in CREDIT_CODE_CHARSET if c != code[17])
    assert refusal_code(check_credit_code, code[:17] + wrong) == "credit_code_checksum"


def test_a_credit_code_with_a_wrong_embedded_organisation_check_is_refused():
    # Change the organisation code's check character (position 17) and recompute
    # position 18, so that only the GB 11714 check can catch it.
    code = "914403001922038216"
    wrong_org_check = "0" if code[16] != "0" else "1"
    first17 = code[:16] + wrong_org_check
    forged = first17 + credit_code_check_char(first17)
    assert refusal_code(check_credit_code, forged) == "credit_code_organisation_checksum"


def test_organisation_check_values_10_and_11_are_written_x_and_0():
    # 9144030071526726XG embeds 71526726-X (11 - r = 10); an all-zero body has r = 0.
    assert organisation_code_check_char("71526726") == "X"
    assert organisation_code_check_char("00000000") == "0"
    assert organisation_code_check_char("19220382") == "1"


def test_a_lower_case_credit_code_is_accepted_and_normalised():
    assert check_credit_code(" 9144030071526726xg ") == "9144030071526726XG"


@pytest.mark.parametrize(
    "code",
    [
        "",
        "91440300192203821",  # 17 characters
        "9144030019220382161",  # 19 characters
        "91440300I92203821O",  # I and O are not in the character set
        "91440300S922038216",  # nor S
        "914403A0192203821X",  # region code (positions 3-8) must be digits
    ],
)
def test_a_credit_code_of_the_wrong_shape_is_refused(code):
    assert refusal_code(check_credit_code, code) == "credit_code_format"


def test_the_credit_code_helper_refuses_characters_outside_the_charset():
    with pytest.raises(ValueError):
        credit_code_check_char("91440300I92203821")
    with pytest.raises(ValueError):
        credit_code_check_char("9144030019220382")


def test_a_generated_credit_code_passes_both_checks():
    body = "12345678"
    first17 = "12330100" + body + organisation_code_check_char(body)
    code = first17 + credit_code_check_char(first17)
    assert validate_credit_code(code) is None
    assert check_credit_code(code) == code


# --- Mobile and landline numbers (§9.3) ----------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "+8613812345678",
        "+86 138 1234 5678",
        "8613812345678",
        "008613812345678",
        "138-1234-5678",
        "013812345678",
        "１３８１２３４５６７８",
    ],
)
def test_a_mobile_number_is_normalised_to_eleven_digits(raw):
    assert check_mobile(raw) == "13812345678"


@pytest.mark.parametrize("prefix", ["13", "14", "15", "16", "17", "18", "19"])
def test_every_mobile_prefix_from_13_to_19_is_accepted(prefix):
    assert check_mobile(prefix + "912345678") == prefix + "912345678"


@pytest.mark.parametrize(
    "raw",
    ["", "12812345678", "10012345678", "1381234567", "138123456789", "+85213812345678", "abc"],
)
def test_a_malformed_mobile_number_is_refused(raw):
    assert refusal_code(check_mobile, raw) == "mobile_format"


def test_validate_mobile_raises_only_for_invalid_numbers():
    assert validate_mobile("+86 13912345678") is None
    with pytest.raises(ValidationError):
        validate_mobile("23912345678")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("021-1234567", "021-1234567"),
        ("0551-12345678", "0551-12345678"),
        ("055112345678", "0551-12345678"),
        ("(0551) 1234567", "0551-1234567"),
        ("0551 12345678", "0551-12345678"),
    ],
)
def test_a_landline_is_normalised_to_area_code_hyphen_number(raw, expected):
    assert check_landline(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "12345678",  # no area code
        "551-12345678",  # area code without 0
        "0551-123456",  # 6-digit number
        "0551-123456789",  # 9-digit number
        "011-12345678",  # 011 is not an area code
        "13812345678",  # a mobile is not a landline
    ],
)
def test_a_malformed_landline_is_refused(raw):
    assert refusal_code(check_landline, raw) == "landline_format"


def test_validate_landline_raises_only_for_invalid_numbers():
    assert validate_landline("0551-12345678") is None
    with pytest.raises(ValidationError):
        validate_landline("0551-12")
