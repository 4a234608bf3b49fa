"""Print layout of an official document (公文) per GB/T 9704-2012 《党政机关公文格式》:
`render_pdf` (WeasyPrint) and `render_docx` (python-docx, for editing in an office suite).

Rules: docs/conformance.md LAY (which maps the marks below) —
  §2.1 paper and text block: A4 210 × 297 mm; 天头 (top) 37 mm, 订口 (left) 28 mm,
       版心 156 × 225 mm, so bottom 35 mm and right 26 mm; 3号仿宋 (16 pt) throughout
       unless stated; 22 lines × 28 characters filling the text block. The standard
       gives no line pitch: it follows from 22 lines in 225 mm (10.227 mm, 28.99 pt).
       28 characters in 156 mm make a 15.79 pt cell, so the 16 pt glyphs are set with
       -0.24 pt letter spacing (PDF; see LETTER_SPACING_PT) and -0.25 pt character
       spacing (DOCX, with a line grid of 579 twips = 28.95 pt). Line boxes are a fixed
       pitch with the glyphs centred in them: the first line box starts at 37 mm and
       the 22nd ends at 262 mm, the bottom of the text block.
  §2.2 zones: 版头 above the red line, 主体 below it, 版记 between the separator lines
       at the foot of the last page, 页码 outside the text block.
  §2.3 版头: 紧急程度 top-left in 3号黑体; 发文机关标志 red, centred, top edge 35 mm below
       the top of the text block; 发文字号 two lines below it, centred (upward documents:
       left, one character in, with 签发人 on the right, one character in, name in 楷体);
       the red 版头分隔线 4 mm below the 发文字号, as wide as the text block.
  §2.4 主体: title 2号小标宋 (substitute: bold serif, 22 pt) two lines below the red
       line, centred; 主送机关 one line below the title, flush left, ending in "："; body
       paragraphs indented two characters; headings 一、 黑体, （一） 楷体, 1. and （1）
       仿宋 (no bold: the standard prescribes fonts only); 附件说明 one line below the
       body, indented two characters, "附件：1.××" with wrapped lines aligned to the name;
       署名 and 成文日期 without a seal: one line below, 署名 two characters in from the
       right, the date starting two characters further right (if the date is longer:
       date two characters in, 署名 moved left); the date in Arabic numerals without
       leading zeros (2026年10月9日), kept on the page of the last body line; 附注 in
       round brackets, indented two characters, on the line below the date.
       附件 whose text is given (`attachments`, see `AttachmentText`) follow, each on a
       new page, before the 版记: "附件" and its number (as in the 附件说明; no number
       when there is one attachment) in 3号黑体 flush left on the first line, the title
       centred on the third line (2号, like the document's title), then the text in the
       format of the body; page numbers continue.
  §2.5 版记: 抄送 (4号仿宋, one character in, "。" after the last name; wrapped lines
       after the colon) and 印发机关 (the issuing unit) / 印发日期 ("2026年10月10日印发",
       the issue date, else the signing date), between a thick first and last line
       (0.35 mm) with a thin line (0.25 mm) between; the last line lies on the bottom
       edge of the text block of the last page (PDF: a CSS footnote, whose area ends
       where the text block ends; DOCX: a frame aligned to the bottom of the margin).
       PDF only: the 版记 page is an even page (the back of the last sheet) when
       DOCUMENT_COLOPHON_ON_EVEN_PAGE is true (the default): text ending on an odd page
       puts the 版记 on the next page; an even page without room for it gets a blank
       page and the 版记 on the next even page, and, per §2.6, neither is numbered. The
       standard itself only says "the last page" (our sources for "even" are weak).
  §2.6 页码: "— 1 —" in 4号 (14 pt) half-width numerals, 7 mm below the text block;
       odd pages right, even pages left, one character in.
  §2.7 信函格式 (doc_type "letter"): organ name without "文件", red, centred, top
       edge 30 mm from the top of the page; a red double line (thick over thin) 4 mm
       below it and one (thin over thick) 20 mm above the bottom edge of the page, both
       170 mm long, centred on the text block; 紧急程度 flush left and 发文字号 flush
       right under the first double line (gap 7/8 of a 3号 character); title two lines
       below; no page number on the first page; 版记 without 印发机关, 印发日期 and
       separator lines. The DOCX keeps one page setup: its 标志 sits at the top of the
       text block (37 mm); both double lines are 170 mm long (paragraph borders, the
       upper one under the 标志 with the paragraph widened 7 mm each side, the lower one
       a frame in the first page's footer, 20 mm above the bottom edge).
  Joint documents (§2.3): the organs one a line, "文件" to their right centred on them;
  署名 one a line in the same order.
  The name printed for a unit is its name on the signing date (Unit.name_on).

Not drawn: seals (印章, applied by the electronic-seal system or by hand; the layout is
the 不加盖印章 variant of §2.4), 份号 (the platform does not number copies), 密级
(classified documents are refused, §10.3), 附件 given only by name (their files are
separate; only texts passed as `attachments` are bound after the body), 命令 and 纪要
special formats (§2.7 [L]). 主送 is never moved into
the 版记, however long.

Rendering never uses the network: the template and its CSS are read from disk, fonts
come from fontconfig, and WeasyPrint gets `local_url_fetcher()`, which refuses every URL
but files in the print-template folder.

Fonts
-----
The licensed Founder/GB2312 faces cannot ship with an open-source project, so the
defaults are free substitutes: "Noto Serif CJK SC" (仿宋 and, bold, 小标宋), "Noto Sans
CJK SC" (黑体) and "AR PL UKai CN" (楷体). A county with licences sets `DOCUMENT_FONTS`
in settings; any key left out keeps its default::

    DOCUMENT_FONTS = {
        "title": "方正小标宋简体",   # 标题 (2号小标宋)
        "mark": "方正小标宋简体",    # 发文机关标志
        "body": "仿宋_GB2312",       # 正文, 发文字号, 署名, 版记 (3号/4号仿宋)
        "heading1": "黑体",          # "一、" headings, 紧急程度
        "heading2": "楷体_GB2312",   # "（一）" headings, name of the 签发人
        "page_number": "宋体",       # 页码 (4号半角宋体)
        "display_bold": False,       # 小标宋 is heavy already: no synthetic bold
    }

A value is one family name or a list of names tried in order; the default face is always
appended as the last fallback, so a missing font never shows empty boxes. To install the
font files on the server: copy the .ttf/.otf files to /usr/local/share/fonts/zhengtong/,
run `fc-cache -f`, and check the family names with `fc-list :lang=zh family` — use
exactly those names (they are also the names Word shows, so the DOCX picks the same
faces on the staff's computers; the DOCX names only the first family of each list).
Restart the application server afterwards (fonts are read once per process).
"""

import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from zhengtong.core import printing
from zhengtong.core.printing import (  # the page of §2.1 and §2.6, shared by every print
    BLOCK_HEIGHT,
    BLOCK_WIDTH,
    BODY_PT,
    CHAR_CELL,
    CHARS_PER_LINE,
    DEFAULT_FONTS,
    LINE_PITCH,
    LINES_PER_PAGE,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_HEIGHT,
    PAGE_NUMBER_GAP,
    PAGE_WIDTH,
    PT_PER_MM,
    RED,
    SMALL_PT,
    TITLE_PT,
    chinese_date,
    css_families,
    fonts,
)

from .models import Direction, DocType, StepKind, StepState, Urgency

__all__ = [  # re-exported from core.printing for the layout's callers and tests
    "BLOCK_HEIGHT",
    "BLOCK_WIDTH",
    "BODY_PT",
    "CHAR_CELL",
    "CHARS_PER_LINE",
    "DEFAULT_FONTS",
    "LINE_PITCH",
    "LINES_PER_PAGE",
    "MARGIN_BOTTOM",
    "MARGIN_LEFT",
    "MARGIN_RIGHT",
    "MARGIN_TOP",
    "PAGE_HEIGHT",
    "PAGE_NUMBER_GAP",
    "PAGE_WIDTH",
    "PT_PER_MM",
    "RED",
    "SMALL_PT",
    "TITLE_PT",
    "AttachmentText",
    "chinese_date",
    "css_families",
    "document_texts",
    "fonts",
    "local_url_fetcher",
    "render_docx",
    "render_html",
    "render_pdf",
]

# --- §2.1 the text block's glyph spacing ----------------------------------------------
# Spacing added after each glyph so that a line of 28 glyphs of 16 pt fits 156 mm: the
# last glyph keeps its whole 16 pt advance, and WeasyPrint places glyphs with up to ~0.3
# pt of rounding, so 27 cells + one glyph + 0.5 pt must fit (-0.24 pt; a cell of 15.76
# pt against the ideal 15.79 pt, 28 characters still fill the line to within 0.3 mm).
RENDERING_ALLOWANCE_PT = 0.5
LETTER_SPACING_PT = (
    math.floor(
        (
            (BLOCK_WIDTH * PT_PER_MM - BODY_PT - RENDERING_ALLOWANCE_PT) / (CHARS_PER_LINE - 1)
            - BODY_PT
        )
        * 100
    )
    / 100
)
# The same in Word's unit (twentieths of a point): -5 = -0.25 pt, 28 × 15.75 pt = 155.6 mm.
DOCX_CHARACTER_SPACING = math.floor(LETTER_SPACING_PT * 20)
MARK_TOP = 35.0  # §2.3: top edge of the 标志 below the top of the text block
MARK_MAX = 15.0  # mm, largest 标志 glyph (the 1999 standard's 15 mm width)
RED_RULE_GAP = 4.0  # §2.3: red line below the 发文字号
RED_RULE = 0.5  # mm; the standard gives no thickness
COLOPHON_THICK = 0.35  # §2.5
COLOPHON_THIN = 0.25
# §2.7 信函格式
LETTER_MARK_TOP = 30.0
LETTER_RULE_LENGTH = 170.0
LETTER_FOOT_RULE = 20.0  # above the bottom edge of the page
LETTER_NUMBER_GAP = BODY_PT * 7 / 8 / PT_PER_MM  # 7/8 of a 3号 character, in mm
LETTER_FOOT_RULE_HEIGHT = 1 / PT_PER_MM  # DOCX: the 1 pt paragraph above that double line

TEMPLATE = "documents/print/gbt9704.html"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "documents" / "print"
COLOPHON_ID = "zt-colophon"
BODY_END_ID = "zt-body-end"


# --- settings ---------------------------------------------------------------------------


def colophon_on_even_page():
    return bool(getattr(settings, "DOCUMENT_COLOPHON_ON_EVEN_PAGE", True))


# --- the document's texts ------------------------------------------------------------


def _local_date(moment):
    return timezone.localtime(moment).date() if moment else None


def _join_units(units, day):
    """Names separated by 、 within a kind of unit and by ， between kinds (GB/T 15834)."""
    parts, last_kind = [], None
    for unit in units:
        name = unit.name_on(day) if day else unit.name
        if parts:
            parts.append("、" if unit.kind == last_kind else "，")
        parts.append(name)
        last_kind = unit.kind
    return "".join(parts)


def _attachments(note):
    """附件说明 lines: one attachment per line; numbered "1." etc. when several (§2.4)."""
    names = [line.strip() for line in (note or "").splitlines() if line.strip()]
    names = [re.sub(r"[。；;，,.]+$", "", n) for n in names]  # no punctuation after names
    if len(names) <= 1:
        return [("", n) for n in names]
    items = []
    for i, name in enumerate(names, 1):
        match = re.match(r"^\s*(\d+)\s*[.．、]\s*(.*)$", name)
        items.append((f"{match[1]}." if match else f"{i}.", match[2] if match else name))
    return items


_RECIPIENTS_PARAGRAPH = re.compile(r"^\s*<p>([^<>]{1,120}?)：\s*</p>")


def _split_recipients(body):
    """Drafts often open the body with the 主送机关 line ("各乡镇人民政府，县直各单位：");
    it is laid out as the 主送 line (flush left, §2.4) rather than as an indented
    paragraph. A first paragraph that reads as a sentence ("现将有关事项通知如下：")
    stays in the body."""
    match = _RECIPIENTS_PARAGRAPH.match(body)
    if not match:
        return "", body
    text = html.unescape(match[1]).strip()
    if not text or any(mark in text for mark in ("。", "；", "？", "！", "如下", "：")):
        return "", body
    return text + "：", body[match.end() :]


def _signers(document, units):
    """签发人 of an upward document (§2.3): the leader who signed it off for each issuing
    unit, in the order of the organs (joint documents are signed off by every unit)."""
    by_unit = {}
    if document.pk:
        steps = list(
            document.route.filter(kind=StepKind.SIGN_OFF, state=StepState.APPROVED)
            .select_related("assignee")
            .order_by("round", "id")
        )
        last_round = steps[-1].round if steps else None
        by_unit = {s.unit_id: s.assignee.real_name for s in steps if s.round == last_round}
    if document.signer_id:
        by_unit.setdefault(document.issuing_unit_id, document.signer.real_name)
    return [by_unit[unit.pk] for unit in units if unit.pk in by_unit]


@dataclass
class Texts:
    is_letter: bool
    is_up: bool
    day: object
    mark_lines: list
    mark_rows: list  # (name, letter spacing) of a joint mark's lines
    mark_suffix: str
    mark_size: float
    number: str
    signers: list  # 签发人, one name per issuing unit
    signer_lines: list  # the names two a line (§2.3)
    urgency: str
    title: str
    recipients: str
    body: str
    attachments: list
    signatures: list
    date: str
    note: str
    copy_to: str
    printer: str
    printed_on: str
    attachment_pages: Sequence[Any] = ()  # AttachmentPage, one per attachment bound after the body


@dataclass
class AttachmentText:
    """The text of an attachment to bind after the body (§2.4): its title (empty: the
    name in the 附件说明) and its text as body HTML (cleaned like the body)."""

    title: str = ""
    body: str = ""


@dataclass
class AttachmentPage:
    label: str  # "附件1", or "附件" for the only attachment
    title: str
    body: str


def _attachment_pages(listed, attachments):
    """The attachments' pages, numbered as in the 附件说明 (`listed`: its (label, name)
    items); an attachment without a title takes the listed name."""
    from .services import clean_body

    pages = []
    attachments = list(attachments or ())
    several = len(attachments) > 1 or len(listed) > 1
    for i, attachment in enumerate(attachments):
        label, name = listed[i] if i < len(listed) else (f"{i + 1}.", "")
        number = label.rstrip(".") if label else str(i + 1)
        title = (attachment.title or "").strip() or name
        pages.append(
            AttachmentPage(
                label="附件" + (number if several else ""),
                title=title,
                body=clean_body(attachment.body or ""),
            )
        )
    return pages


def document_texts(document, attachments=()):
    """Everything the two renderers print, as strings (the layout-neutral part).
    `attachments`: AttachmentText of the attachments to bind after the body, in the
    order of the 附件说明."""
    from .services import clean_body

    day = _local_date(document.signed_at)
    name_day = day or _local_date(document.issued_at) or timezone.localdate()
    is_letter = document.doc_type == DocType.LETTER
    units = [document.issuing_unit]
    if document.pk:
        units += [u for u in document.joint_units.all() if u.pk != document.issuing_unit_id]
    names = [u.name_on(name_day) for u in units]
    if is_letter:
        names, suffix = names[:1], ""  # §2.7: joint letters show the lead organ only
    else:
        suffix = "文件"
    longest = max(len(n) for n in names) + (len(suffix) if len(names) == 1 else 0)
    joint_extra = len(suffix) + 0.5 if len(names) > 1 else 0
    mark_size = min(MARK_MAX, BLOCK_WIDTH / (longest + joint_extra))
    # Joint marks: shorter names spread to the width of the longest (equal-width block).
    widest = max(len(n) for n in names)
    mark_spacing = [
        (widest - len(n)) * mark_size / (len(n) - 1) if len(n) > 1 else 0 for n in names
    ]

    body = clean_body(document.body or "")
    recipients_line, rest = _split_recipients(body)
    if recipients_line:
        body = rest  # the drafter's wording of the 主送 line wins
    elif document.pk and (main := list(document.main_recipients.all())):
        recipients_line = _join_units(main, name_day) + "："
    copies = list(document.copy_recipients.all()) if document.pk else []
    printed = _local_date(document.issued_at) or day
    note = (document.note or "").strip()
    if note and not (note.startswith(("（", "(")) and note.endswith(("）", ")"))):
        note = f"（{note}）"
    signers = _signers(document, units) if document.direction == Direction.UP else []
    listed = _attachments(document.attachment_note)
    return Texts(
        is_letter=is_letter,
        is_up=document.direction == Direction.UP,
        day=day,
        mark_lines=names,
        mark_rows=[(n, f"{sp:.3f}mm") for n, sp in zip(names, mark_spacing, strict=True)],
        mark_suffix=suffix,
        mark_size=mark_size,
        number=document.number,
        signers=signers,
        signer_lines=["　".join(signers[i : i + 2]) for i in range(0, len(signers), 2)],
        urgency=str(Urgency(document.urgency).label) if document.urgency else "",
        title=document.title,
        recipients=recipients_line,
        body=body,
        attachments=listed,
        signatures=names if not is_letter else [u.name_on(name_day) for u in units],
        date=chinese_date(day) if day else "　　　　年　　月　　日",
        note=note,
        copy_to=_join_units(copies, name_day) + "。" if copies else "",
        printer=document.issuing_unit.name_on(name_day),
        printed_on=chinese_date(printed) + "印发" if printed else "",
        attachment_pages=_attachment_pages(listed, attachments),
    )


# --- PDF ---------------------------------------------------------------------------------


def _weasyprint():
    return printing.weasyprint()


def local_url_fetcher():
    """A WeasyPrint URL fetcher that reads `file:` URLs inside the print-template folder
    and refuses everything else (http, https, ftp, data, files elsewhere): rendering a
    document never touches the network, whatever its body contains."""
    return printing.local_url_fetcher(TEMPLATE_DIR)


def _context(texts, colophon_mode):
    font = fonts()
    weight = 700 if font["display_bold"] else 400
    numbered = [label for label, _ in texts.attachments if label]
    label = 0 if not numbered else CHAR_CELL * (1.5 if len(numbered) >= 10 else 1)

    def mm(value):
        return f"{value:.3f}mm"

    return {
        "t": texts,
        "colophon_mode": colophon_mode,
        "colophon_id": COLOPHON_ID,
        "body_end_id": BODY_END_ID,
        "css": {
            "page_width": mm(PAGE_WIDTH),
            "page_height": mm(PAGE_HEIGHT),
            "margin_top": mm(MARGIN_TOP),
            "margin_right": mm(MARGIN_RIGHT),
            "margin_bottom": mm(MARGIN_BOTTOM),
            "margin_left": mm(MARGIN_LEFT),
            "block_width": mm(BLOCK_WIDTH),
            "pitch": mm(LINE_PITCH),
            "two_lines": mm(2 * LINE_PITCH),
            "char": mm(CHAR_CELL),
            "two_chars": mm(2 * CHAR_CELL),
            "small_char": f"{SMALL_PT}pt",
            "letter_spacing": f"{LETTER_SPACING_PT}pt",
            "attachment_lead": mm(3 * CHAR_CELL),  # "附件："
            "attachment_label": mm(label),  # "1." (one character; "10." one and a half)
            "attachment_hang": mm(3 * CHAR_CELL + label),
            "attachment_indent": mm(5 * CHAR_CELL + label),
            "body_pt": f"{BODY_PT}pt",
            "line_gap": mm(LINE_PITCH - BODY_PT / PT_PER_MM),
            "title_pt": f"{TITLE_PT}pt",
            "small_pt": f"{SMALL_PT}pt",
            "mark_size": mm(texts.mark_size),
            "mark_top": mm(MARK_TOP),
            "red": RED,
            "red_rule": mm(RED_RULE),
            "red_rule_gap": mm(RED_RULE_GAP),
            "thick": mm(COLOPHON_THICK),
            "thin": mm(COLOPHON_THIN),
            "page_number_gap": mm(PAGE_NUMBER_GAP),
            "display_weight": weight,
            "letter_mark_top": mm(LETTER_MARK_TOP),
            "letter_rule_length": mm(LETTER_RULE_LENGTH),
            "letter_rule_offset": mm((LETTER_RULE_LENGTH - BLOCK_WIDTH) / 2),
            "letter_foot_top": mm(PAGE_HEIGHT - LETTER_FOOT_RULE - LETTER_MARK_TOP),
            "letter_number_gap": mm(LETTER_NUMBER_GAP),
            "font_title": css_families(font["title"]),
            "font_body": css_families(font["body"]),
            "font_heading1": css_families(font["heading1"], "sans-serif"),
            "font_heading2": css_families(font["heading2"]),
            "font_mark": css_families(font["mark"]),
            "font_page_number": css_families(font["page_number"]),
        },
    }


def render_html(document, colophon_mode="foot", attachments=()):
    """The print HTML. `colophon_mode`: "foot" (版记 at the foot of the page the text
    ends on), "next" (on the next page, numbered) or "bare" (on the next even page after
    a blank page; neither page numbered, §2.6)."""
    texts = document_texts(document, attachments)
    return render_to_string(TEMPLATE, _context(texts, colophon_mode))


def _page_of(rendered, anchor):
    for index, page in enumerate(rendered.pages):
        if anchor in page.anchors:
            return index + 1
    return None


def render_pdf(document: Any, attachments: Sequence[Any] = ()) -> bytes:
    """The document as a GB/T 9704-2012 PDF (bytes); see the module docstring.
    `attachments`: AttachmentText to bind after the body, each from a new page."""
    weasyprint, _ = _weasyprint()
    texts = document_texts(document, attachments)

    def layout(mode):
        source = render_to_string(TEMPLATE, _context(texts, mode))
        return weasyprint.HTML(
            string=source, base_url=TEMPLATE_DIR.as_uri() + "/", url_fetcher=local_url_fetcher()
        ).render()

    rendered = layout("foot")
    even = colophon_on_even_page() and not texts.is_letter
    colophon_page = _page_of(rendered, COLOPHON_ID)
    if colophon_page:
        body_end = _page_of(rendered, BODY_END_ID) or colophon_page
        if colophon_page == body_end and not (even and body_end % 2):
            pass  # at the foot of the last page of text, an even page when required
        elif even and body_end % 2 == 0:
            # No room on the even page the text ends on: a blank page, then the 版记
            # on the next even page, neither numbered (§2.6).
            rendered = layout("bare")
        else:
            # The text ends on an odd page (the 版记 goes on its back), or there is no
            # room for the 版记: it goes on the next page, numbered as usual.
            rendered = layout("next")
    return rendered.write_pdf()


# --- DOCX --------------------------------------------------------------------------------


class _BodyParser(HTMLParser):
    """The sanitised body HTML as blocks for the DOCX: ("p"|"h2".."h5", [(text, bold)])
    and ("table", [[(text, colspan, is_header), ...], ...])."""

    BLOCKS = {"p", "h2", "h3", "h4", "h5"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []
        self.current = None
        self.bold = 0
        self.table = self.row = self.cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.table = []
        elif tag == "tr" and self.table is not None:
            self.row = []
            self.table.append(self.row)
        elif tag in ("td", "th") and self.row is not None:
            span = dict(attrs).get("colspan") or "1"
            self.cell = ["", int(span) if span.isdigit() else 1, tag == "th"]
            self.row.append(self.cell)
        elif tag in self.BLOCKS and self.table is None:
            self.current = (tag, [])
            self.blocks.append(self.current)
        elif tag == "strong":
            self.bold += 1
        elif tag == "br":
            self._text("\n")

    def handle_endtag(self, tag):
        if tag == "table" and self.table is not None:
            self.blocks.append(("table", self.table))
            self.table = self.row = self.cell = None
        elif tag in ("td", "th"):
            self.cell = None
        elif tag in self.BLOCKS:
            self.current = None
        elif tag == "strong":
            self.bold = max(0, self.bold - 1)

    def handle_data(self, data):
        self._text(data)

    def _text(self, data):
        if self.cell is not None:
            self.cell[0] += data
        elif self.table is None:
            if self.current is None:
                if not data.strip():
                    return
                self.current = ("p", [])
                self.blocks.append(self.current)
            self.current[1].append((data, bool(self.bold)))


def _width_in_chars(text):
    """Approximate width in characters: CJK and full-width forms one, others one half."""
    return sum(1 if ord(c) >= 0x2E80 else 0.5 for c in text)


# Schema order of the WordprocessingML children we add (ECMA-376 Part 1, §17.3.1.26,
# §17.3.2.28, §17.4.60): Word rejects a file whose elements are out of order.
_PPR_ORDER = (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
    "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct "
    "topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind "
    "contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
    "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
).split()
_RPR_ORDER = (
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
    "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
    "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
).split()
_TBLPR_ORDER = (
    "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
    "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption "
    "tblDescription tblPrChange"
).split()


def _put(parent, name, order, **attrs):
    """Add (or replace) the child `w:name` of `parent` at its place in schema order."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    old = parent.find(qn(f"w:{name}"))
    if old is not None:
        parent.remove(old)
    child = OxmlElement(f"w:{name}")
    for key, value in attrs.items():
        child.set(qn(f"w:{key}"), str(value))
    later = order[order.index(name) + 1 :]
    parent.insert_element_before(child, *(f"w:{tag}" for tag in later))
    return child


def _sub(parent, name, **attrs):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    child = OxmlElement(f"w:{name}")
    for key, value in attrs.items():
        child.set(qn(f"w:{key}"), str(value))
    parent.append(child)
    return child


class _DocxWriter:
    """Builds the .docx: one method per zone of §2.2."""

    def __init__(self, texts):
        from docx import Document as Docx
        from docx.shared import Pt

        self.t = texts
        font = fonts()
        self.bold = font["display_bold"]
        # Word names one family per run: the first configured name of each key.
        self.face = {key: font[key][0] for key in DEFAULT_FONTS if key != "display_bold"}
        self.doc = Docx()
        self.pitch = Pt(LINE_PITCH * PT_PER_MM)

    def chars(self, n, size=None):
        from docx.shared import Pt

        return Pt(n * (size or CHAR_CELL * PT_PER_MM))

    def run(self, par, text, family=None, size=BODY_PT, bold=False, color=None):
        """A run with the family set for Latin and East Asian text alike (STACK-NOTES:
        without w:eastAsia Chinese text keeps the theme font)."""
        from docx.shared import Pt, RGBColor

        run = par.add_run(text)
        family = family or self.face["body"]
        run.font.name = family
        run.font.size = Pt(size)
        run.font.bold = bold
        rpr = run._element.get_or_add_rPr()
        _put(rpr, "rFonts", _RPR_ORDER, ascii=family, hAnsi=family, eastAsia=family, cs=family)
        if color:
            run.font.color.rgb = RGBColor.from_string(color.lstrip("#").upper())
        if size == BODY_PT:  # 28 characters a line (§2.1)
            _put(rpr, "spacing", _RPR_ORDER, val=DOCX_CHARACTER_SPACING)
        return run

    def paragraph(self, text="", *, family=None, size=BODY_PT, bold=False, align=None, indent=0):
        par = self.doc.add_paragraph()
        if align is not None:
            par.alignment = align
        if indent:
            par.paragraph_format.first_line_indent = self.chars(indent)
        if text:
            self.run(par, text, family, size, bold)
        return par

    # §2.1 page, line grid and default paragraph
    def page(self):
        from docx.enum.text import WD_LINE_SPACING
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt

        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(PAGE_WIDTH), Mm(PAGE_HEIGHT)
        section.top_margin, section.bottom_margin = Mm(MARGIN_TOP), Mm(MARGIN_BOTTOM)
        section.left_margin, section.right_margin = Mm(MARGIN_LEFT), Mm(MARGIN_RIGHT)
        section.header_distance = Mm(15)
        # §2.6: the page number's line starts 7 mm below the text block; Word measures
        # the footer distance from the page's bottom edge to the footer's last line.
        section.footer_distance = Mm(MARGIN_BOTTOM - PAGE_NUMBER_GAP) - Pt(SMALL_PT * 1.3)
        # A line grid of 22 lines (579 twips = 28.95 pt). The 28 characters a line come
        # from character spacing on the runs (-0.25 pt): Word and LibreOffice lay out
        # Word's character grid (linesAndChars) differently, run spacing they agree on.
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is None:
            grid = _sub(section._sectPr, "docGrid")
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(math.floor(LINE_PITCH * PT_PER_MM * 20)))

        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(BODY_PT)
        normal.font.name = self.face["body"]
        rpr = normal.element.get_or_add_rPr()
        _put(
            rpr,
            "rFonts",
            _RPR_ORDER,
            **{k: self.face["body"] for k in ("ascii", "hAnsi", "eastAsia", "cs")},
        )
        fmt = normal.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = self.pitch
        fmt.widow_control = False
        ppr = normal.element.get_or_add_pPr()
        # No extra space between Chinese and Latin text or numbers ("2026年", not "2026 年").
        _put(ppr, "autoSpaceDE", _PPR_ORDER, val=0)
        _put(ppr, "autoSpaceDN", _PPR_ORDER, val=0)

    # §2.3 版头
    def banner(self):
        from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm, Pt

        t, used = self.t, 0.0
        if t.urgency and not t.is_letter:
            self.paragraph(t.urgency, family=self.face["heading1"])
            used = LINE_PITCH
        mark_pt = t.mark_size * PT_PER_MM
        # The 标志's top 35 mm below the top of the text block; a letter's at the top of
        # the text block (the DOCX keeps one page setup: 37 mm, not the 30 mm of §2.7).
        space_before = Mm(0 if t.is_letter else MARK_TOP - used)
        if len(t.mark_lines) == 1:
            mark = self.doc.add_paragraph()
            mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
            mark.paragraph_format.space_before = space_before
            mark.paragraph_format.line_spacing = Pt(mark_pt * 1.1)
            self.run(
                mark, t.mark_lines[0] + t.mark_suffix, self.face["mark"], mark_pt, self.bold, RED
            )
            if t.is_letter:
                # §2.7: the double line under it is 170 mm long, centred on the text
                # block: the paragraph (and so its border) reaches 7 mm past each side.
                overhang = -Mm((LETTER_RULE_LENGTH - BLOCK_WIDTH) / 2)
                mark.paragraph_format.left_indent = overhang
                mark.paragraph_format.right_indent = overhang
        else:
            # Joint document: the organs one a line, "文件" to their right, centred on them.
            self.paragraph().paragraph_format.space_before = space_before
            table = self.doc.add_table(rows=1, cols=2)
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            names, suffix = table.rows[0].cells
            suffix.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            for i, name in enumerate(t.mark_lines):
                par = names.paragraphs[0] if i == 0 else names.add_paragraph()
                par.alignment = WD_ALIGN_PARAGRAPH.DISTRIBUTE
                par.paragraph_format.line_spacing = Pt(mark_pt * 1.1)
                self.run(par, name, self.face["mark"], mark_pt, self.bold, RED)
            par = suffix.paragraphs[0]
            par.paragraph_format.line_spacing = Pt(mark_pt * 1.1)
            par.paragraph_format.left_indent = Pt(mark_pt / 2)
            self.run(par, t.mark_suffix, self.face["mark"], mark_pt, self.bold, RED)
            longest = max(len(n) for n in t.mark_lines)
            widths = (Pt(mark_pt * (longest + 0.5)), Pt(mark_pt * (len(t.mark_suffix) + 1)))
            table.autofit = False
            for column, cell, width in zip(table.columns, (names, suffix), widths, strict=True):
                column.width = cell.width = width
            mark = self.paragraph()
            mark.paragraph_format.line_spacing = Pt(1)

        number = self.doc.add_paragraph()
        number.paragraph_format.line_spacing = Pt(BODY_PT * 1.15)
        if t.is_letter:
            # §2.7: the red double line (thick over thin) 4 mm under the 标志, the number
            # flush right 7/8 of a character below it, 紧急程度 flush left on its line.
            rule_holder = mark
            number.paragraph_format.space_before = Mm(LETTER_NUMBER_GAP)
            number.paragraph_format.tab_stops.add_tab_stop(
                Mm(BLOCK_WIDTH), alignment=WD_ALIGN_PARAGRAPH.RIGHT
            )
            if t.urgency:
                self.run(number, t.urgency, self.face["heading1"])
            self.run(number, "\t" + t.number)
        else:
            rule_holder = number
            number.paragraph_format.space_before = Mm(2 * LINE_PITCH)
            if t.is_up and t.signers:
                # 发文字号 one character in from the left, 签发人 one in from the right
                # (tab stops, so that the red line under the paragraph spans the block).
                tabs = number.paragraph_format.tab_stops
                tabs.add_tab_stop(self.chars(1))
                tabs.add_tab_stop(
                    Mm(BLOCK_WIDTH) - self.chars(1), alignment=WD_ALIGN_PARAGRAPH.RIGHT
                )
                self.run(number, "\t" + t.number + "\t签发人：")
                self.run(number, "　".join(t.signers), self.face["heading2"])
            else:
                number.alignment = WD_ALIGN_PARAGRAPH.CENTER
                self.run(number, t.number)
        # The red 版头分隔线 as a bottom border 4 mm (11 pt) under the paragraph, as wide
        # as the paragraph, i.e. the text block (§2.3); a letter's double line (§2.7).
        borders = _put(rule_holder._p.get_or_add_pPr(), "pBdr", _PPR_ORDER)
        _sub(
            borders,
            "bottom",
            val="thickThinSmallGap" if t.is_letter else "single",
            sz=24 if t.is_letter else round(RED_RULE * PT_PER_MM * 8),
            space=round(RED_RULE_GAP * PT_PER_MM),
            color="FF0000",
        )

    # §2.4 主体
    def main(self):
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm

        t, face = self.t, self.face
        title = self.paragraph(
            t.title,
            family=face["title"],
            size=TITLE_PT,
            bold=self.bold,
            align=WD_ALIGN_PARAGRAPH.CENTER,
        )
        title.paragraph_format.space_before = Mm(2 * LINE_PITCH)
        if t.recipients:
            self.paragraph(t.recipients).paragraph_format.space_before = self.pitch

        last = self.blocks(t.body)
        if last is not None:  # the last lines of text stay with the date (§2.4)
            last.paragraph_format.keep_with_next = True
            last.paragraph_format.widow_control = True

        first = True
        for label, name in t.attachments:
            par = self.doc.add_paragraph()
            lead = "附件：" if first else ""
            fmt = par.paragraph_format
            # Wrapped lines and later attachments align with the first attachment's name.
            fmt.left_indent = self.chars(2 + _width_in_chars("附件：" + label))
            fmt.first_line_indent = -self.chars(_width_in_chars(lead + label))
            fmt.keep_with_next = True
            if first:
                fmt.space_before = self.pitch
            self.run(par, lead + label + name)
            first = False

        # 署名 and 成文日期 without a seal: widths in characters decide which one moves.
        name_w = max(_width_in_chars(n) for n in t.signatures)
        date_w = _width_in_chars(t.date)
        if name_w >= date_w + 2:
            name_right, date_right = 2, 2 + name_w - (date_w + 2)
        else:
            date_right = 2
            name_right = date_right + date_w + 2 - name_w
        for i, name in enumerate(t.signatures):
            par = self.paragraph(name, align=WD_ALIGN_PARAGRAPH.RIGHT)
            par.paragraph_format.right_indent = self.chars(
                name_right + name_w - _width_in_chars(name)
            )
            par.paragraph_format.keep_with_next = True
            if i == 0:
                par.paragraph_format.space_before = self.pitch
        date = self.paragraph(t.date, align=WD_ALIGN_PARAGRAPH.RIGHT)
        date.paragraph_format.right_indent = self.chars(date_right)
        if t.note:
            date.paragraph_format.keep_with_next = True
            self.paragraph(t.note, indent=2)

    def blocks(self, body):
        """The body HTML as paragraphs (headings in the font of their level) and
        tables; returns the last paragraph."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        face = self.face
        parser = _BodyParser()
        parser.feed(body)
        heading_face = {"h2": face["heading1"], "h3": face["heading2"]}
        last = None
        for kind, content in parser.blocks:
            if kind == "table":
                self.table(content)
                continue
            last = self.paragraph(indent=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
            if kind in ("h2", "h3", "h4", "h5"):
                last.paragraph_format.keep_with_next = True
            for text, bold in content:
                self.run(last, text, heading_face.get(kind, face["body"]), BODY_PT, bold)
        return last

    # §2.4 附件: each from a new page, label flush left, title on the third line
    def attachment_pages(self):
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        for page in self.t.attachment_pages:
            label = self.paragraph(page.label, family=self.face["heading1"])
            label.paragraph_format.page_break_before = True
            label.paragraph_format.keep_with_next = True
            title = self.paragraph(
                page.title,
                family=self.face["title"],
                size=TITLE_PT,
                bold=self.bold,
                align=WD_ALIGN_PARAGRAPH.CENTER,
            )
            title.paragraph_format.space_before = self.pitch  # line 2 blank, title on 3
            title.paragraph_format.keep_with_next = True
            self.blocks(page.body)

    def table(self, rows):
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.shared import Pt

        columns = max((sum(cell[1] for cell in row) for row in rows), default=0)
        if not columns:
            return
        table = self.doc.add_table(rows=len(rows), cols=columns)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for r, row in enumerate(rows):
            col = 0
            for text, span, header in row:
                if col >= columns:
                    break
                cell = table.cell(r, col)
                if span > 1:
                    cell = cell.merge(table.cell(r, min(columns, col + span) - 1))
                par = cell.paragraphs[0]
                par.paragraph_format.line_spacing = Pt(SMALL_PT * 1.5)
                self.run(par, text.strip(), size=SMALL_PT, bold=header)
                col += span

    # §2.5 版记
    def colophon(self):
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm, Pt

        t = self.t
        rows = []
        if t.copy_to:
            rows.append(("抄送：", t.copy_to, ""))
        if not t.is_letter:
            rows.append(("", t.printer, t.printed_on))
        if not rows:
            return
        # One frame (paragraphs with the same w:framePr) aligned to the bottom of the
        # text block of the page it falls on — the last page. The rules are paragraphs
        # of exact height filled black: thick (0.35 mm ≈ 1 pt) first and last, thin
        # (0.25 mm ≈ 0.7 pt) between the elements; letters have none (§2.7). Word and
        # LibreOffice both draw this; LibreOffice drops paragraph borders inside a frame
        # and lays a floating table as wide as the text block out in the flow.
        frame = {
            "w": round(BLOCK_WIDTH / 25.4 * 1440),
            "hSpace": 0,
            "vSpace": 0,
            "wrap": "notBeside",
            "hAnchor": "margin",
            "vAnchor": "margin",
            "xAlign": "center",
            "yAlign": "bottom",
        }

        # A frame belongs to (is anchored on) the paragraph that follows it: the frame's
        # paragraphs go just before the last paragraph of the text, so the 版记 lands on
        # the page where the text ends (after the last paragraph, LibreOffice would push
        # that following paragraph, and the frame with it, to a new page).
        last = self.doc.paragraphs[-1]._p

        def framed():
            par = self.doc.add_paragraph()
            last.addprevious(par._p)
            _put(par._p.get_or_add_pPr(), "framePr", _PPR_ORDER, **frame)
            return par

        def rule(mm):
            if t.is_letter:
                return
            par = framed()
            ppr = par._p.get_or_add_pPr()
            _put(ppr, "shd", _PPR_ORDER, val="clear", color="auto", fill="000000")
            par.paragraph_format.line_spacing = Pt(mm * PT_PER_MM)
            self.run(par, "", size=1)

        width = Mm(BLOCK_WIDTH)
        one = Pt(SMALL_PT)  # one 4号 character
        rule(COLOPHON_THICK)
        for i, (label, text, right) in enumerate(rows):
            if i:
                rule(COLOPHON_THIN)
            par = framed()
            fmt = par.paragraph_format
            fmt.line_spacing = self.pitch
            fmt.left_indent = fmt.right_indent = one
            if label:  # wrapped lines align after "抄送："
                fmt.left_indent = one * 4
                fmt.first_line_indent = -one * 3
            if right:
                fmt.tab_stops.add_tab_stop(width - one * 2, alignment=WD_ALIGN_PARAGRAPH.RIGHT)
            self.run(par, label + text + ("\t" + right if right else ""), size=SMALL_PT)
        rule(COLOPHON_THICK)

    # §2.6 页码
    def page_numbers(self):
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
        from docx.shared import Pt

        section = self.doc.sections[0]
        self.doc.settings.odd_and_even_pages_header_footer = True
        footers = [(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)]
        footers.append((section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT))
        if self.t.is_letter:  # §2.7: no number on the first page, the lower double line
            section.different_first_page_header_footer = True
            self.letter_foot_rule()
        for footer, align in footers:
            footer.is_linked_to_previous = False
            par = footer.paragraphs[0]
            par.alignment = align
            fmt = par.paragraph_format
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
            if align == WD_ALIGN_PARAGRAPH.RIGHT:  # one 4号 character in
                fmt.right_indent = Pt(SMALL_PT)
            else:
                fmt.left_indent = Pt(SMALL_PT)
            family = self.face["page_number"]
            self.run(par, "— ", family, SMALL_PT)
            field = self.run(par, "", family, SMALL_PT)._element
            _sub(field, "fldChar", fldCharType="begin")
            instruction = _sub(field, "instrText")
            instruction.text = " PAGE "
            instruction.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            _sub(field, "fldChar", fldCharType="separate")
            placeholder = self.run(par, "1", family, SMALL_PT)._element
            _sub(placeholder, "fldChar", fldCharType="end")
            self.run(par, " —", family, SMALL_PT)

    def letter_foot_rule(self):
        """§2.7: the red double line (thin over thick) 20 mm above the bottom edge of the
        first page, 170 mm long and centred on the text block: the top border of a frame
        placed on the page from the first page's footer."""
        from docx.shared import Pt

        def twips(mm):
            return round(mm / 25.4 * 1440)

        footer = self.doc.sections[0].first_page_footer
        footer.is_linked_to_previous = False
        par = footer.paragraphs[0]
        ppr = par._p.get_or_add_pPr()
        _put(
            ppr,
            "framePr",
            _PPR_ORDER,
            w=twips(LETTER_RULE_LENGTH),
            x=twips(MARGIN_LEFT - (LETTER_RULE_LENGTH - BLOCK_WIDTH) / 2),
            y=twips(PAGE_HEIGHT - LETTER_FOOT_RULE - LETTER_FOOT_RULE_HEIGHT),
            hAnchor="page",
            vAnchor="page",
            wrap="notBeside",
        )
        borders = _put(ppr, "pBdr", _PPR_ORDER)
        _sub(borders, "bottom", val="thinThickSmallGap", sz=24, space=0, color="FF0000")
        par.paragraph_format.line_spacing = Pt(1)
        self.run(par, "", size=1)

    def save(self):
        self.doc.core_properties.title = self.t.title
        self.doc.core_properties.author = self.t.printer
        out = BytesIO()
        self.doc.save(out)
        return out.getvalue()


def render_docx(document, attachments=()):
    """The document as an editable .docx with the page, 版头, 主体, 附件, 版记 and page
    numbers of GB/T 9704-2012 (§2.1–§2.6), or the 信函格式 of a 函 (§2.7). The 版记 is a
    frame aligned to the foot of the text block on the page where the text ends; the
    even-page rule for it is left to the person finishing the file."""
    writer = _DocxWriter(document_texts(document, attachments))
    writer.page()
    writer.banner()
    writer.main()
    writer.attachment_pages()
    writer.colophon()
    writer.page_numbers()
    return writer.save()
