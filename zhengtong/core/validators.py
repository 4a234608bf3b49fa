"""Validators for Chinese identifiers: citizen ID numbers, unified social credit codes,
mobile and landline numbers (docs/conformance.md VAL-1–VAL-3).

Each rule has two faces:

* `check_xxx(value) -> str` normalises and validates, returning the canonical form
  (or raising `django.core.exceptions.ValidationError` with a `code`);
* `validate_xxx(value)` is the Django validator for model and form fields (returns None).

Input is normalised before checking: Unicode NFKC (so full-width digits and letters
typed with a Chinese input method are accepted), surrounding white space removed,
letters upper-cased where the format has letters.

The helpers `citizen_id_check_char`, `credit_code_check_char` and
`organisation_code_check_char` compute check characters; the demo data generator uses
them to build valid numbers.
"""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = [
    "CREDIT_CODE_CHARSET",
    "check_citizen_id",
    "check_credit_code",
    "check_landline",
    "check_mobile",
    "citizen_id_check_char",
    "credit_code_check_char",
    "organisation_code_check_char",
    "validate_citizen_id",
    "validate_credit_code",
    "validate_landline",
    "validate_mobile",
]


def _normalise(value: object) -> str:
    """NFKC (full-width -> ASCII), then strip white space at both ends."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


# --- 公民身份号码 (GB 11643-1999), docs/conformance.md VAL-1 -------------------------------

CITIZEN_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CITIZEN_ID_CHECK_CHARS = "10X98765432"
CITIZEN_ID_EARLIEST_BIRTH = datetime.date(1900, 1, 1)

# First two digits of the address code: province-level divisions of GB/T 2260
# (71 Taiwan, 81 Hong Kong, 82 Macao; 83 is used on residence permits of Taiwan
# residents). No province-level code has been abolished since ID numbers were introduced,
# so this check cannot refuse old numbers; the full county-level list is not checked.
CITIZEN_ID_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)

_CITIZEN_ID_RE = re.compile(r"^\d{17}[\dX]$")
_CITIZEN_ID_15_RE = re.compile(r"^\d{15}$")


def citizen_id_check_char(first17: str) -> str:
    """Return the check character (0-9 or X) for the first 17 digits of a citizen ID.

    ISO 7064 MOD 11-2 as used by GB 11643-1999 (docs/conformance.md VAL-1): weights
    2^(18-i) mod 11, check = "10X98765432"[sum mod 11]. Raises ValueError unless
    `first17` is exactly 17 ASCII digits.
    """
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("citizen_id_check_char() needs exactly 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, CITIZEN_ID_WEIGHTS, strict=True))
    return CITIZEN_ID_CHECK_CHARS[total % 11]


def check_citizen_id(value: object) -> str:
    """Validate a citizen ID number (公民身份号码) and return it normalised.

    Rules (docs/conformance.md VAL-1): 18 characters, 17 digits then a digit or X (lower-case x
    accepted, returned as X); first-generation 15-digit numbers are refused; the
    province part of the address code must exist; the birth date (positions 7-14)
    must be a real date, not before 1900-01-01 and not in the future; the check
    character must match ISO 7064 MOD 11-2.

    Raises ValidationError with code "citizen_id_format", "citizen_id_birthdate" or
    "citizen_id_checksum".
    """
    number = _normalise(value).upper()
    if _CITIZEN_ID_15_RE.match(number):
        raise ValidationError(
            _(
                "15-digit first-generation ID numbers are no longer valid; "
                "enter the 18-character citizen ID number."
            ),
            code="citizen_id_format",
        )
    if not _CITIZEN_ID_RE.match(number):
        raise ValidationError(
            _("A citizen ID number has 18 characters: 17 digits followed by a digit or X."),
            code="citizen_id_format",
        )
    if number[:2] not in CITIZEN_ID_PROVINCES:
        raise ValidationError(
            _("This citizen ID number does not start with a valid region code."),
            code="citizen_id_format",
        )
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        born = None
    if born is None or born < CITIZEN_ID_EARLIEST_BIRTH or born > timezone.localdate():
        raise ValidationError(
            _(
                "The birth date in this citizen ID number (digits 7 to 14) must be a real "
                "date between 1900-01-01 and today."
            ),
            code="citizen_id_birthdate",
        )
    if citizen_id_check_char(number[:17]) != number[17]:
        raise ValidationError(
            _("This citizen ID number is not valid: its last character does not match."),
            code="citizen_id_checksum",
        )
    return number


def validate_citizen_id(value: object) -> None:
    """Django validator for citizen ID numbers (STANDARDS.md §9.1); see check_citizen_id."""
    check_citizen_id(value)


# --- 统一社会信用代码 (GB 32100-2015), docs/conformance.md VAL-2 ---------------------------

CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 symbols: no I, O, Z, S, V
CREDIT_CODE_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1 3 9 27 19 26 16 ...
ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

_CREDIT_CODE_VALUES = {c: i for i, c in enumerate(CREDIT_CODE_CHARSET)}
_CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def credit_code_check_char(first17: str) -> str:
    """Return the check character (position 18) of a unified social credit code.

    GB 32100-2015 (docs/conformance.md VAL-2): values 0-30 through the 31-symbol character set,
    weights 3^(i-1) mod 31, C18 = 31 - (sum mod 31), 31 -> 0. Raises ValueError unless
    `first17` is 17 characters of that set (upper case).
    """
    if len(first17) != 17 or any(c not in _CREDIT_CODE_VALUES for c in first17):
        raise ValueError("credit_code_check_char() needs 17 characters of the code's charset")
    total = sum(
        _CREDIT_CODE_VALUES[c] * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def _organisation_char_value(char: str) -> int:
    if char.isdigit():
        return int(char)
    return ord(char) - ord("A") + 10  # A=10 ... Z=35


def organisation_code_check_char(body8: str) -> str:
    """Return the check character of a 9-character organisation code (组织机构代码).

    GB 11714-1997 (docs/conformance.md VAL-2): digits count as their value, letters A=10 ... Z=35,
    weights 3 7 9 10 5 8 4 2, c = 11 - (sum mod 11), 10 -> X, 11 -> 0. In a unified
    social credit code the organisation code is positions 9-17. Raises ValueError unless
    `body8` is 8 ASCII digits or upper-case letters.
    """
    if len(body8) != 8 or not all(c.isascii() and (c.isdigit() or c.isupper()) for c in body8):
        raise ValueError("organisation_code_check_char() needs 8 digits or upper-case letters")
    total = sum(
        _organisation_char_value(c) * w
        for c, w in zip(body8, ORGANISATION_CODE_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def check_credit_code(value: object) -> str:
    """Validate a unified social credit code (统一社会信用代码) and return it normalised.

    Rules (docs/conformance.md VAL-2): 18 characters of the set 0-9 A-H J-N P Q R T U W X Y
    (lower case accepted, returned upper case), positions 3-8 digits (region code);
    check character at position 18 (GB 32100-2015, MOD 31); and the embedded
    organisation code at positions 9-17 must carry a correct GB 11714-1997 check
    character at position 17.

    Raises ValidationError with code "credit_code_format", "credit_code_checksum" or
    "credit_code_organisation_checksum".
    """
    code = _normalise(value).upper()
    if not _CREDIT_CODE_RE.match(code):
        raise ValidationError(
            _(
                "A unified social credit code has 18 characters: digits and capital letters "
                "except I, O, S, V and Z, with digits in positions 3 to 8."
            ),
            code="credit_code_format",
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("This unified social credit code is not valid: its last character does not match."),
            code="credit_code_checksum",
        )
    if organisation_code_check_char(code[8:16]) != code[16]:
        raise ValidationError(
            _(
                "This unified social credit code is not valid: the organisation code it "
                "contains (characters 9 to 17) has a wrong check character."
            ),
            code="credit_code_organisation_checksum",
        )
    return code


def validate_credit_code(value: object) -> None:
    """Django validator for unified social credit codes (STANDARDS.md §9.2)."""
    check_credit_code(value)


# --- Telephone numbers, docs/conformance.md VAL-3 ------------------------------------------

# +86 / 0086 / 86 country code, or a leading 0 (dialled from a landline in another city).
_MOBILE_RE = re.compile(r"^(?:\+86|0086|86|0)?(1[3-9]\d{9})$")
# Area codes: 010 and 020-029 have two digits after the 0, all others (03xx-09xx) three.
_LANDLINE_RE = re.compile(r"^(0(?:10|2\d|[3-9]\d\d))-?(\d{7,8})$")
_SEPARATORS_RE = re.compile(r"[\s\-()（）]")


def check_mobile(value: object) -> str:
    """Validate a mainland mobile number and return its 11 digits.

    docs/conformance.md VAL-3: 11 digits starting 13-19 (the broad pattern; allocations change and
    portability means the prefix says nothing about the carrier, so numbers are verified by
    SMS, not by range). A +86, 0086 or 86 prefix (or the leading 0 of long-distance
    dialling), spaces, hyphens and brackets are accepted and removed.

    Raises ValidationError with code "mobile_format".
    """
    compact = _SEPARATORS_RE.sub("", _normalise(value))
    match = _MOBILE_RE.match(compact)
    if not match:
        raise ValidationError(
            _("Enter a mainland mobile number: 11 digits starting with 13 to 19."),
            code="mobile_format",
        )
    return match.group(1)


def validate_mobile(value: object) -> None:
    """Django validator for mainland mobile numbers (STANDARDS.md §9.3)."""
    check_mobile(value)


def check_landline(value: object) -> str:
    """Validate a mainland landline number and return it as "area code-number".

    docs/conformance.md VAL-3: area code 0 + 2-3 digits, optional hyphen, 7-8-digit number
    (e.g. 0551-12345678, 01012345678). The area code length is fixed by its first digits
    (010 and 02x are short, all others long), which makes numbers written without a
    hyphen unambiguous. Spaces and brackets, as in "(0551) 1234567", are accepted.

    Raises ValidationError with code "landline_format".
    """
    compact = re.sub(r"[\s()（）]", "", _normalise(value))
    match = _LANDLINE_RE.match(compact)
    if not match:
        raise ValidationError(
            _(
                "Enter a landline number with its area code, for example 0551-12345678: "
                "area code starting with 0, then a 7- or 8-digit number."
            ),
            code="landline_format",
        )
    return f"{match.group(1)}-{match.group(2)}"


def validate_landline(value: object) -> None:
    """Django validator for mainland landline numbers (STANDARDS.md §9.3)."""
    check_landline(value)


def validate_phone(value: object) -> None:
    """A contact telephone: a mainland mobile or a landline with its area code."""
    try:
        check_mobile(value)
    except ValidationError:
        try:
            check_landline(value)
        except ValidationError:
            raise ValidationError(
                _(
                    "Enter a mobile number (11 digits starting with 1) or a landline number "
                    "with its area code, for example 0551-12345678."
                ),
                code="phone_format",
            ) from None
