"""Masking of personal data for display and publication (docs/conformance.md SEC-16; 等保
个人信息保护): citizen ID numbers, mobile numbers and names.

Published pages (disclosure lists, mailbox replies, announcements) must not show full ID
or mobile numbers; `mask_text()` is run on any text before it goes to the public site,
and `find_personal_data()` lets the secrecy/privacy review show what was found.

Recognition rules (docs/conformance.md VAL):

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
import threading
from collections.abc import Iterable
from typing import Any

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
    "find_addresses",
    "mask_addresses",
    "find_person_names",
    "mask_person_name",
    "mask_person_names",
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


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _keep_ends(value: str, head: int, tail: int) -> str:
    """Keep `head` leading and `tail` trailing characters; mask everything if too short."""
    if len(value) <= head + tail:
        return MASK * len(value)
    return value[:head] + MASK * (len(value) - head - tail) + value[-tail:]


def mask_citizen_id(value: object) -> str:
    """Mask a citizen ID number, keeping the first 4 and last 4 characters.

    "320102199001011234" -> "3201**********1234" (docs/conformance.md SEC-16; the region and the
    last digits stay for recognition, birth date and sequence are hidden). Values of 8
    characters or fewer are masked completely; None gives "".
    """
    return _keep_ends(_text(value), 4, 4)


def mask_mobile(value: object) -> str:
    """Mask a mobile number, keeping the first 3 and last 4 digits.

    "13812345678" and "+86 138-1234-5678" -> "138****5678" (docs/conformance.md VAL-3, SEC-16).
    A value that is not a valid mobile number is masked the same way character by
    character (first 3, last 4 kept; 7 characters or fewer masked completely).
    """
    try:
        digits = check_mobile(value)
    except ValidationError:
        return _keep_ends(_text(value), 3, 4)
    return digits[:3] + MASK * 4 + digits[-4:]


def mask_phone(value: object) -> str:
    """Mask a telephone number, mobile or landline (STANDARDS.md §9.3, §10.4).

    Mobile numbers as `mask_mobile`; landlines keep the area code and the last 4 digits:
    "0551-12345678" -> "0551-****5678". Anything else as `mask_mobile`'s fallback.
    """
    try:
        area, number = check_landline(value).split("-")
    except ValidationError:
        return mask_mobile(value)
    return f"{area}-{_keep_ends(number, 0, 4)}"


def mask_name(value: object) -> str:
    """Mask a personal name, keeping only the first character: "张三丰" -> "张**",
    "李四" -> "李*" (docs/conformance.md SEC-16). A one-character name is masked completely."""
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


def _find(text: str) -> list[tuple[int, int, str, re.Match[str]]]:
    """(start, end, kind, match) of every finding, in text order."""
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


def find_personal_data(text: object) -> list[tuple[str, str]]:
    """Find citizen ID numbers and mobile numbers in free text.

    Returns a list of (kind, matched text) in order of appearance, kind being
    `CITIZEN_ID` ("citizen_id") or `MOBILE` ("mobile"). ID numbers are reported only
    when their check character is right (docs/conformance.md VAL-1); mobile numbers by pattern
    (§9.3). See the module docstring for the exact rules.
    """
    text = "" if text is None else str(text)
    return [(kind, text[start:end]) for start, end, kind, _m in _find(text)]


def mask_text(text: object) -> str:
    """Return `text` with every citizen ID and mobile number found by
    `find_personal_data` masked: "3201**********1234", "138****5678" (a +86 prefix is
    kept). Used before anything is published (docs/conformance.md DIS-5 保密审查, SEC-16)."""
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


# --- Addresses and personal names in published text ------------------------------------
#
# Letters and comments the public writes are published after a reviewer checks them; these
# functions prepare the text for that check (docs/conformance.md SEC-16). They are heuristics and
# deliberately separate from `find_personal_data`/`mask_text`: the website's
# pre-publication check blocks pages on what `find_personal_data` finds, and a place name
# or a guessed name must never block a page.

# Characters that never belong to a road, village or estate name: the suffixes of the
# components themselves and of the administrative levels (so a name stops at 县, 镇 ...),
# and common function words that come before an address (我住在, 位于, 地址为 ...).
_NOT_IN_PLACE_NAME = (
    "省市县区镇乡街道路巷弄村组号栋幢室"
    "的在住于是从到与及或对把被给向往至自我你他她它们您址为了也都就还又并而但请让叫称说"
    "将要已经曾着过这那每各该此其没不很太旁边附近位"
)
# 县城 (the county town) is an area, not the start of a road's name (县城人民路35号).
_PLACE_NAME = rf"(?!(?<=县)城)(?:(?![{_NOT_IN_PLACE_NAME}])[\u4e00-\u9fff]){{1,8}}"
_NUMBER = r"第?[0-9０-９一二三四五六七八九十百千零〇两]+(?:[-－之][0-9０-９]+)?"
# One component of the detailed part of an address. Named groups: the fine ones (a group,
# a house number, a building, an entrance, a room) point at one household.
_ADDRESS_PART = re.compile(
    rf"(?P<building>{_NUMBER}(?:号楼|栋|幢|座))"
    rf"|(?P<house>{_NUMBER}号(?:院)?)"
    rf"|(?P<entrance>{_NUMBER}单元)"
    rf"|(?P<room>{_NUMBER}(?:室|号房))"
    rf"|(?P<group>{_NUMBER}(?:村民小组|小组|组|队))"
    rf"|(?P<floor>{_NUMBER}(?:楼|层))"
    rf"|(?P<estate>{_PLACE_NAME}(?:小区|花园|公寓|家园|新村|大厦))"
    rf"|(?P<village>{_PLACE_NAME}(?:村|社区))"
    rf"|(?P<road>{_PLACE_NAME}(?:大道|路|街(?!道)|巷|弄|胡同))"
)
_ADDRESS_RUN = re.compile(rf"(?:{_ADDRESS_PART.pattern})+")
_FINE_PARTS = {"building", "house", "entrance", "room", "group"}


def _address_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each detailed address: two or more components in a row, at least
    one of them fine (e.g. 东风村三组, 人民路35号, 3栋2单元602室). A lone village or road
    (东风村的道路, 人民路) is a place, not an address; a lone number (〔2025〕12号) is not
    an address either. The administrative area before it (…县…镇/乡/街道) is not part of
    the span."""
    spans = []
    for run in _ADDRESS_RUN.finditer(text):
        parts = [m.lastgroup for m in _ADDRESS_PART.finditer(run.group())]
        if len(parts) >= 2 and _FINE_PARTS.intersection(parts):
            spans.append((run.start(), run.end()))
    return spans


def find_addresses(text: object) -> list[str]:
    """The detailed parts of the addresses in free text, in order: what `mask_addresses`
    hides. Recognised: village (…村, …社区), group (三组, 第五村民小组), road (…路, …街,
    …巷, …弄, …大道), estate (…小区, …花园 …), house number (35号), building (3栋, 5幢,
    2号楼), entrance (2单元), room (602室), floor; see `_address_spans` for when a run of
    them counts as an address."""
    text = "" if text is None else str(text)
    return [text[start:end] for start, end in _address_spans(text)]


def mask_addresses(text: object) -> str:
    """Mask the detailed part of every address in `text`, keeping the administrative
    area down to the town: "禾溪县城关镇东风村三组12号" -> "禾溪县城关镇********",
    "住在人民路35号3栋2单元602室" -> "住在*************". Used on letters and comments
    before publication; the reviewer checks the result."""
    text = "" if text is None else str(text)
    parts = []
    position = 0
    for start, end in _address_spans(text):
        parts.append(text[position:start])
        parts.append(MASK * (end - start))
        position = end
    parts.append(text[position:])
    return "".join(parts)


# The commonest single-character surnames (about 97% of the population) and the compound
# ones. A word jieba tags as a person's name (`nr`) counts only if it starts with one.
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎"
    "贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申"
    "欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴"
    "蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席"
    "卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟"
    "邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强"
    "帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍"
    "辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉"
    "冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
_COMPOUND_SURNAMES = {
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐",
    "司徒", "夏侯", "轩辕", "长孙", "宇文", "独孤", "南宫", "西门", "端木", "万俟",
}  # fmt: skip
# A word ending like this names a place or a body, not a person (jieba tags some village
# names 东风村 as names).
_NOT_NAME_ENDINGS = tuple("村镇乡县区市省路街巷组局委办院所站队社厂司场馆校园处科")
_NAME_TAGS = ("nr", "nrfg", "nrt")
# A word followed by one of these is a place (李寨 乡, 张庄 镇政府, 王家坝 镇), not a person.
_PLACE_WORDS = {"镇", "乡", "村", "县", "区", "市", "省", "街道", "社区"}
_PLACE_WORD_STARTS = ("镇", "乡", "村委", "街道", "县政府", "县委", "区政府", "市政府")

_posseg_lock = threading.Lock()
_posseg: Any = None  # jieba's tokenizer (untyped), loaded on first use


def _pos_tokenizer() -> Any:
    """jieba's part-of-speech tokenizer, loaded once (about a second; its dictionary cache
    lives in VAR_DIR/jieba)."""
    global _posseg
    if _posseg is None:
        with _posseg_lock:
            if _posseg is None:
                import logging
                from pathlib import Path

                import jieba
                import jieba.posseg
                from django.conf import settings

                jieba.setLogLevel(logging.WARNING)  # it logs its dictionary loading at DEBUG
                cache_dir = Path(getattr(settings, "VAR_DIR", "/tmp")) / "jieba"
                cache_dir.mkdir(parents=True, exist_ok=True)
                tokenizer = jieba.Tokenizer()
                tokenizer.tmp_dir = str(cache_dir)
                _posseg = jieba.posseg.POSTokenizer(tokenizer)
    return _posseg


def _split_surname(name: str) -> tuple[str, str]:
    if name[:2] in _COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


def _looks_like_name(word: str) -> bool:
    if not 2 <= len(word) <= 4 or "某" in word:
        return False
    if not all("\u4e00" <= ch <= "\u9fff" for ch in word) or word.endswith(_NOT_NAME_ENDINGS):
        return False
    surname, given = _split_surname(word)
    return bool(given) and (surname in _SURNAMES or surname in _COMPOUND_SURNAMES)


def mask_person_name(value: object) -> str:
    """A Chinese personal name in the published style, keeping the surname: "王建国" ->
    "王某某", "张伟" -> "张某", "欧阳娜娜" -> "欧阳某某". Names in other scripts as
    `mask_name` ("Chen Xiaoming" -> "C************")."""
    name = _text(value)
    if not name or not all("\u4e00" <= ch <= "\u9fff" for ch in name):
        return mask_name(name)
    if len(name) == 1:
        return "某"
    surname, given = _split_surname(name)
    return surname + "某" * min(len(given), 2)


def _name_spans(text: str, keep: Iterable[str | None] | None) -> list[tuple[int, int]]:
    """(start, end) of the personal names jieba finds in `text`, outside the words of
    `keep`. A surname jieba splits off the given name (王 / 秀英, 欧阳 / 娜娜) is joined
    back."""
    protected: list[tuple[int, int]] = []
    for word in keep or ():
        word = (word or "").strip()
        if len(word) >= 2:
            start = text.find(word)
            while start != -1:
                protected.append((start, start + len(word)))
                start = text.find(word, start + len(word))
    tokens: list[tuple[int, int, str, str]] = []
    position = 0
    for pair in _pos_tokenizer().cut(text):
        tokens.append((position, position + len(pair.word), pair.word, pair.flag))
        position += len(pair.word)
    # A word inside an address (阳光花园) is masked with the address, not as a name.
    protected.extend(_address_spans(text))
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(tokens):
        start, end, word, flag = tokens[index]
        if (
            (word in _COMPOUND_SURNAMES or (word in _SURNAMES and flag == "nr"))
            and index + 1 < len(tokens)
            and tokens[index + 1][3].startswith("nr")
            and 1 <= len(tokens[index + 1][2]) <= 2
        ):
            end, word, flag = tokens[index + 1][1], word + tokens[index + 1][2], "nr"
            index += 1
        index += 1
        if flag not in _NAME_TAGS or not _looks_like_name(word):
            continue
        following = tokens[index][2] if index < len(tokens) else ""
        if following in _PLACE_WORDS or following.startswith(_PLACE_WORD_STARTS):
            continue
        if any(start < p_end and p_start < end for p_start, p_end in protected):
            continue
        spans.append((start, end))
    return spans


def find_person_names(text: object, keep: Iterable[str | None] | None = ()) -> list[str]:
    """Personal names in free text (jieba's part-of-speech tag `nr`, 2 to 4 Chinese
    characters starting with a known surname), in order. Words inside `keep` (the
    county's unit and place names) are never reported. A heuristic: the reviewer
    checks what it finds and what it misses."""
    text = "" if text is None else str(text)
    if not text.strip():
        return []
    return [text[start:end] for start, end in _name_spans(text, keep)]


def mask_person_names(text: object, keep: Iterable[str | None] | None = ()) -> str:
    """Replace the personal names `find_person_names` finds with the published style
    ("王建国" -> "王某某"), except inside the words of `keep`."""
    text = "" if text is None else str(text)
    if not text.strip():
        return text
    parts: list[str] = []
    position = 0
    for start, end in _name_spans(text, keep):
        parts.append(text[position:start])
        parts.append(mask_person_name(text[start:end]))
        position = end
    parts.append(text[position:])
    return "".join(parts)
