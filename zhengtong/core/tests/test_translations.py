"""Simplified Chinese is the default language and ships complete."""

import re
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries():
    text = PO.read_text(encoding="utf-8")
    return [e for e in text.split("\n\n")[1:] if "msgid" in e and not e.lstrip().startswith("#~")]


def test_every_message_has_a_chinese_translation():
    untranslated = [e for e in _entries() if re.search(r'msgstr(\[0\])? ""\s*$', e.strip())]
    assert untranslated == []


def test_no_translation_is_a_fuzzy_guess():
    assert [e for e in _entries() if re.search(r"^#,.*fuzzy", e, re.M)] == []


def test_placeholders_survive_translation():
    for entry in _entries():
        msgid = "".join(
            re.findall(r'^(?:msgid|msgid_plural)?\s*"(.*)"$', entry.split("msgstr")[0], re.M)
        )
        msgstr = "".join(re.findall(r'"(.*)"', entry.split("msgstr", 1)[1]))
        for placeholder in set(re.findall(r"%\(\w+\)[sd]", msgid)):
            assert placeholder in msgstr, (placeholder, msgid)
