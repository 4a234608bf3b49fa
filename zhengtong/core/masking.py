"""Masking of personal data for display and publication (STANDARDS.md §10.4, §10.2
个人信息保护): citizen ID numbers, mobile numbers and names.

Published pages (disclosure lists, mailbox replies, announcements) must not show full ID
or mobile numbers; `mask_text()` is run on any text before it goes to the public site,
and `find_personal_data()` lets the secrecy/privacy review show what was found.

Recognition rules (STANDARDS.md §9):

* citizen ID: 18 characters (17 digits + digit/X) not inside a longer run of letters or
  digits, with a valid province code, a real birth date and a correct MOD 11-2 check
  character. The birth-date window of `check_citizen_id` (1900 to today) is not applied
  here: masking errs on the side of hiding. First-generation 15-digit numbers have no
  check character and are not recognised (too many false positives).
* mobile: the broad pattern 1[3-9] + 9 digits, not inside a longer run of digits,
  optionally with +86 / 0086 / 86 / 0 in front and written in 3-4-4 groups separated by
  a space or hyphen.

Full-width digits (１３８…) are recognised as well.
"""

import datetime
import re

from django.core.exceptions import ValidationError

from .validators import (
    CITIZEN_ID_PROVINCES,
    check_landline,
    check_mobile,
    citizen_id_check_char,
)

__all__ = [
    "CITIZEN_ID",
    "MOBILE",
    "find_personal_data",
    "mask_citizen_id",
    "mask_mobile",
    "mask_name",
    "mask_phone",
    "mask_text",
]

CITIZEN_ID = "citizen_id"
MOBILE = "mobile"
MASK = "*"

# One-to-one mapping (keeps positions) of full-width digits and X to ASCII.
_FULLWIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "Ｘ": "X", "ｘ": "x"})
_ID_IN_TEXT_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE_IN_TEXT_RE = re.compile(
    r"(?<!\d)(?P<prefix>(?:\+86|0086|86)[ \-]?|0)?"
    r"(?P<a>1[3-9]\d)[ \-]?(?P<b>\d{4})[ \-]?(?P<c>\d{4})(?!\d)"
)


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _keep_ends(value: str, head: int, tail: int) -> str:
    """Keep `head` leading and `tail` trailing characters; mask everything if too short."""
    if len(value) <= head + tail:
        return MASK * len(value)
    return value[:head] + MASK * (len(value) - head - tail) + value[-tail:]


def mask_citizen_id(value) -> str:
    """Mask a citizen ID number, keeping the first 4 and last 4 characters.

    "320102199001011234" -> "3201**********1234" (STANDARDS.md §10.4; the region and the
    last digits stay for recognition, birth date and sequence are hidden). Values of 8
    characters or fewer are masked completely; None gives "".
    """
    return _keep_ends(_text(value), 4, 4)


def mask_mobile(value) -> str:
    """Mask a mobile number, keeping the first 3 and last 4 digits.

    "13812345678" and "+86 138-1234-5678" -> "138****5678" (STANDARDS.md §9.3, §10.4).
    A value that is not a valid mobile number is masked the same way character by
    character (first 3, last 4 kept; 7 characters or fewer masked completely).
    """
    try:
        digits = check_mobile(value)
    except ValidationError:
        return _keep_ends(_text(value), 3, 4)
    return digits[:3] + MASK * 4 + digits[-4:]


def mask_phone(value) -> str:
    """Mask a telephone number, mobile or landline (STANDARDS.md §9.3, §10.4).

    Mobile numbers as `mask_mobile`; landlines keep the area code and the last 4 digits:
    "0551-12345678" -> "0551-****5678". Anything else as `mask_mobile`'s fallback.
    """
    try:
        area, number = check_landline(value).split("-")
    except ValidationError:
        return mask_mobile(value)
    return f"{area}-{_keep_ends(number, 0, 4)}"


def mask_name(value) -> str:
    """Mask a personal name, keeping only the first character: "张三丰" -> "张**",
    "李四" -> "李*" (STANDARDS.md §10.4). A one-character name is masked completely."""
    name = _text(value)
    if len(name) <= 1:
        return MASK * len(name)
    return name[0] + MASK * (len(name) - 1)


def _is_citizen_id(candidate: str) -> bool:
    number = candidate.upper()
    if number[:2] not in CITIZEN_ID_PROVINCES:
        return False
    try:
        datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return citizen_id_check_char(number[:17]) == number[17]


def _find(text: str):
    """Yield (kind, start, end, match-or-None) for every finding, in text order."""
    searchable = text.translate(_FULLWIDTH)
    found = [
        (m.start(), m.end(), CITIZEN_ID, m)
        for m in _ID_IN_TEXT_RE.finditer(searchable)
        if _is_citizen_id(m.group())
    ]
    taken = [(start, end) for start, end, _kind, _m in found]
    for m in _MOBILE_IN_TEXT_RE.finditer(searchable):
        if not any(m.start() < end and start < m.end() for start, end in taken):
            found.append((m.start(), m.end(), MOBILE, m))
    found.sort(key=lambda item: item[0])
    return found


def find_personal_data(text) -> list[tuple[str, str]]:
    """Find citizen ID numbers and mobile numbers in free text.

    Returns a list of (kind, matched text) in order of appearance, kind being
    `CITIZEN_ID` ("citizen_id") or `MOBILE` ("mobile"). ID numbers are reported only
    when their check character is right (STANDARDS.md §9.1); mobile numbers by pattern
    (§9.3). See the module docstring for the exact rules.
    """
    text = "" if text is None else str(text)
    return [(kind, text[start:end]) for start, end, kind, _m in _find(text)]


def mask_text(text) -> str:
    """Return `text` with every citizen ID and mobile number found by
    `find_personal_data` masked: "3201**********1234", "138****5678" (a +86 prefix is
    kept). Used before anything is published (STANDARDS.md §10.3 保密审查, §10.4)."""
    text = "" if text is None else str(text)
    parts = []
    position = 0
    for start, end, kind, match in _find(text):
        parts.append(text[position:start])
        if kind == CITIZEN_ID:
            parts.append(mask_citizen_id(text[start:end]))
        else:
            prefix = text[start : match.start("a")]
            digits = match.group("a") + match.group("b") + match.group("c")
            parts.append(prefix + digits[:3] + MASK * 4 + digits[-4:])
        position = end
    parts.append(text[position:])
    return "".join(parts)
