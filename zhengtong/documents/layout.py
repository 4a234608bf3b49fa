"""Print layout of an official document (公文) per GB/T 9704-2012 《党政机关公文格式》:
`render_pdf` (WeasyPrint) and `render_docx` (python-docx, for editing in an office suite).

Rules: STANDARDS.md §2 —
  §2.1 paper and text block: A4 210 × 297 mm; 天头 (top) 37 mm, 订口 (left) 28 mm,
       版心 156 × 225 mm, so bottom 35 mm and right 26 mm; 3号仿宋 (16 pt) throughout
       unless stated; 22 lines × 28 characters filling the text block. The standard
       gives no line pitch: it follows from 22 lines in 225 mm (10.227 mm, 28.99 pt).
       28 characters in 156 mm make a 15.79 pt cell, so the 16 pt glyphs are set with
       -0.21 pt letter spacing (the DOCX uses Word's document grid, linePitch 579 /
       charSpace -849, the same numbers).
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
  §2.5 版记: 抄送 (4号仿宋, one character in, "。" after the last name) and
       印发机关 / 印发日期 ("2026年10月9日印发"), between a thick first and last line
       (0.35 mm) with a thin line (0.25 mm) between the elements; the last line lies on
       the bottom edge of the text block of the last page. The 版记 page is an even page
       (the back of the last sheet) when DOCUMENT_COLOPHON_ON_EVEN_PAGE is true (the
       default); blank pages inserted for that, and the 版记 page after them, carry no
       page number.
  §2.6 页码: "— 1 —" in 4号 (14 pt) half-width numerals, 7 mm below the text block;
       odd pages right, even pages left, one character in.
  §2.7 信函格式 (doc_type "letter", PDF): organ name without "文件", red, centred, top
       edge 30 mm from the top of the page; a red double line (thick over thin) 4 mm
       below it and one (thin over thick) 20 mm above the bottom edge of the page, both
       170 mm long; 发文字号 flush right under the first double line (gap 7/8 of a 3号
       character); title two lines below; no page number on the first page; 版记
       without 印发机关, 印发日期 and separator lines.

Not drawn: seals (印章, applied by the electronic-seal system or by hand), 份号 (the
platform does not number copies), 密级 (classified documents are refused, §10.3).

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
from dataclasses import dataclass
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Direction, DocType, Urgency

# --- §2.1 page and text block, in millimetres ---------------------------------------
PAGE_WIDTH = 210.0
PAGE_HEIGHT = 297.0
MARGIN_TOP = 37.0  # 天头
MARGIN_LEFT = 28.0  # 订口
BLOCK_WIDTH = 156.0  # 版心
BLOCK_HEIGHT = 225.0
MARGIN_RIGHT = PAGE_WIDTH - MARGIN_LEFT - BLOCK_WIDTH  # 26 mm
MARGIN_BOTTOM = PAGE_HEIGHT - MARGIN_TOP - BLOCK_HEIGHT  # 35 mm
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
BODY_PT = 16.0  # 3号
TITLE_PT = 22.0  # 2号
SMALL_PT = 14.0  # 4号: 版记, 页码
PT_PER_MM = 72 / 25.4
# Rounded down to the micrometre so that 22 lines never overflow 225 mm.
LINE_PITCH = math.floor(BLOCK_HEIGHT / LINES_PER_PAGE * 1000) / 1000  # 10.227 mm
CHAR_CELL = BLOCK_WIDTH / CHARS_PER_LINE  # 5.571 mm = 15.79 pt
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
PAGE_NUMBER_GAP = 7.0  # §2.6: below the text block
RED = "#ff0000"
# §2.7 信函格式
LETTER_MARK_TOP = 30.0
LETTER_RULE_LENGTH = 170.0
LETTER_FOOT_RULE = 20.0  # above the bottom edge of the page
LETTER_NUMBER_GAP = BODY_PT * 7 / 8 / PT_PER_MM  # 7/8 of a 3号 character, in mm

DEFAULT_FONTS = {
    "title": "Noto Serif CJK SC",
    "body": "Noto Serif CJK SC",
    "heading1": "Noto Sans CJK SC",
    "heading2": "AR PL UKai CN",
    "mark": "Noto Serif CJK SC",
    "page_number": "Noto Serif CJK SC",
    "display_bold": True,
}
GENERIC = {"heading1": "sans-serif"}

TEMPLATE = "documents/print/gbt9704.html"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "documents" / "print"
COLOPHON_ID = "zt-colophon"
BODY_END_ID = "zt-body-end"


# --- settings ---------------------------------------------------------------------------


def fonts():
    """The configured font families: {key: [family, ...]} plus "display_bold"."""
    configured = {**DEFAULT_FONTS, **getattr(settings, "DOCUMENT_FONTS", DEFAULT_FONTS)}
    result = {"display_bold": bool(configured.get("display_bold", True))}
    for key, default in DEFAULT_FONTS.items():
        if key == "display_bold":
            continue
        value = configured.get(key) or default
        families = [value] if isinstance(value, str) else [str(v) for v in value]
        if default not in families:
            families.append(default)
        result[key] = families
    return result


def css_families(families, generic="serif"):
    quoted = ", ".join('"{}"'.format(f.replace("\\", "").replace('"', "")) for f in families)
    return f"{quoted}, {generic}"


def colophon_on_even_page():
    return bool(getattr(settings, "DOCUMENT_COLOPHON_ON_EVEN_PAGE", True))


# --- the document's texts ------------------------------------------------------------


def chinese_date(day):
    """成文日期 / 印发日期 per §2.4: Arabic numerals, full year, no leading zeros."""
    return f"{day.year}年{day.month}月{day.day}日"


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
    """Drafts often open the body with the 主送机关 line ("各乡镇人民政府："); it is
    laid out as the 主送 line (flush left) rather than as an indented paragraph."""
    match = _RECIPIENTS_PARAGRAPH.match(body)
    if not match:
        return "", body
    return html.unescape(match[1]) + "：", body[match.end() :]


@dataclass
class Texts:
    is_letter: bool
    is_up: bool
    day: object
    mark_lines: list
    mark_suffix: str
    mark_size: float
    number: str
    signers: list
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


def document_texts(document):
    """Everything the two renderers print, as strings (the layout-neutral part)."""
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

    body = clean_body(document.body or "")
    main = []
    if document.pk:
        main = list(document.main_recipients.all())
    recipients_line, rest = _split_recipients(body)
    if recipients_line:
        body = rest
    elif main:
        recipients_line = _join_units(main, name_day) + "："
    copies = list(document.copy_recipients.all()) if document.pk else []
    printed = _local_date(document.issued_at) or day
    note = (document.note or "").strip()
    if note and not (note.startswith(("（", "(")) and note.endswith(("）", ")"))):
        note = f"（{note}）"
    signers = []
    if document.direction == Direction.UP and document.signer_id:
        signers = [document.signer.real_name]
    return Texts(
        is_letter=is_letter,
        is_up=document.direction == Direction.UP,
        day=day,
        mark_lines=names,
        mark_suffix=suffix,
        mark_size=mark_size,
        number=document.number,
        signers=signers,
        urgency=Urgency(document.urgency).label if document.urgency else "",
        title=document.title,
        recipients=recipients_line,
        body=body,
        attachments=_attachments(document.attachment_note),
        signatures=names if not is_letter else [u.name_on(name_day) for u in units],
        date=chinese_date(day) if day else "　　　　年　　月　　日",
        note=note,
        copy_to=_join_units(copies, name_day) + "。" if copies else "",
        printer=document.issuing_unit.name_on(name_day),
        printed_on=chinese_date(printed) + "印发" if printed else "",
    )


# --- PDF ---------------------------------------------------------------------------------


def _weasyprint():
    import weasyprint
    from weasyprint.urls import URLFetcher

    return weasyprint, URLFetcher


def local_url_fetcher():
    """A WeasyPrint URL fetcher that reads `file:` URLs inside the print-template folder
    and refuses everything else (http, https, ftp, data, files elsewhere): rendering a
    document never touches the network, whatever its body contains."""
    _, URLFetcher = _weasyprint()

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            from urllib.parse import unquote, urlsplit

            parts = urlsplit(url)
            if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
                raise ValueError(f"refused: only local files may be read ({url[:80]})")
            path = Path(unquote(parts.path)).resolve()
            if not path.is_relative_to(TEMPLATE_DIR):
                raise ValueError(f"refused: {path} is outside {TEMPLATE_DIR}")
            return super().fetch(path.as_uri(), headers)

    return LocalOnlyFetcher(timeout=1, allowed_protocols={"file"}, allow_redirects=False)


def _context(texts, colophon_mode):
    font = fonts()
    weight = 700 if font["display_bold"] else 400
    mm = lambda value: f"{value:.3f}mm"  # noqa: E731
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
            "body_pt": f"{BODY_PT}pt",
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


def render_html(document, colophon_mode="foot"):
    """The print HTML. `colophon_mode`: "foot" (版记 at the foot of the page the text
    ends on), "next" (on the next page, numbered) or "bare" (on the next even page after
    a blank page; neither page numbered, §2.6)."""
    return render_to_string(TEMPLATE, _context(document_texts(document), colophon_mode))


def _page_of(rendered, anchor):
    for index, page in enumerate(rendered.pages):
        if anchor in page.anchors:
            return index + 1
    return None


def render_pdf(document):
    """The document as a GB/T 9704-2012 PDF (bytes); see the module docstring."""
    weasyprint, _ = _weasyprint()
    texts = document_texts(document)

    def layout(mode):
        source = render_to_string(TEMPLATE, _context(texts, mode))
        return weasyprint.HTML(
            string=source, base_url=TEMPLATE_DIR.as_uri() + "/", url_fetcher=local_url_fetcher()
        ).render()

    rendered = layout("foot")
    if colophon_on_even_page() and not texts.is_letter:
        colophon_page = _page_of(rendered, COLOPHON_ID)
        if colophon_page and colophon_page % 2 == 1:
            body_end = _page_of(rendered, BODY_END_ID) or colophon_page
            # The text ends on an odd page: the 版记 goes on its back. It ends on an even
            # page without room: a blank page, then the 版记 page, both unnumbered.
            rendered = layout("next" if body_end % 2 == 1 else "bare")
    return rendered.write_pdf()


# --- DOCX --------------------------------------------------------------------------------


class _BodyParser(HTMLParser):
    """Turns the sanitised body HTML into blocks: ("p"|"h2".."h5", [(text, bold)]) and
    ("table", [[(text, colspan, is_header)]])."""

    BLOCKS = {"p", "h2", "h3", "h4", "h5"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []
        self.current = None
        self.bold = 0
        self.table = None
        self.row = None
        self.cell = None

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
    """Approximate width in 3号 characters: CJK and full-width forms one, others half."""
    return sum(1 if ord(c) > 0x2E7F else 0.5 for c in text)


def render_docx(document):
    """The document as an editable .docx with the same page and element layout."""
    from docx import Document as Docx
    from docx.enum.section import WD_SECTION
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    texts = document_texts(document)
    font = fonts()
    face = {key: font[key][0] for key in DEFAULT_FONTS if key != "display_bold"}
    doc = Docx()
    del WD_SECTION

    # §2.1 page
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_WIDTH), Mm(PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP), Mm(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT), Mm(MARGIN_RIGHT)
    section.header_distance = Mm(15)
    # §2.6: the number's line starts 7 mm below the text block (footer distance is
    # measured from the page's bottom edge to the bottom of the footer line).
    section.footer_distance = Mm(MARGIN_BOTTOM - PAGE_NUMBER_GAP - SMALL_PT / PT_PER_MM * 1.25)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    # A line grid of 22 lines (579 twips = 28.95 pt). The 28 characters a line come from
    # character spacing on the runs (-0.25 pt), which Word and LibreOffice both honour;
    # LibreOffice lays out Word's character grid (linesAndChars) differently from Word.
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(math.floor(LINE_PITCH * PT_PER_MM * 20)))  # twips
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    default_rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for tag in ("w:sz", "w:szCs"):
        size = default_rpr.find(qn(tag))
        if size is None:
            size = OxmlElement(tag)
            default_rpr.append(size)
        size.set(qn("w:val"), str(int(BODY_PT * 2)))

    def set_font(run, family, size, bold=False, color=None, spacing=True):
        run.font.name = family
        run.font.size = Pt(size)
        run.font.bold = bold
        rpr = run._element.get_or_add_rPr()
        rfonts = rpr.get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            rfonts.set(qn(attr), family)
        if spacing and size == BODY_PT:
            tracking = OxmlElement("w:spacing")  # twentieths of a point
            tracking.set(qn("w:val"), str(DOCX_CHARACTER_SPACING))
            rpr.append(tracking)
        if color:
            run.font.color.rgb = RGBColor.from_string(color.lstrip("#").upper())
        return run

    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    normal.font.name = face["body"]
    normal_rfonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    normal_rfonts.set(qn("w:eastAsia"), face["body"])
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Pt(LINE_PITCH * PT_PER_MM)
    normal.paragraph_format.widow_control = False

    pitch = Pt(LINE_PITCH * PT_PER_MM)
    char = Pt(CHAR_CELL * PT_PER_MM)

    def paragraph(text="", *, family=None, size=BODY_PT, bold=False, align=None, indent=0):
        par = doc.add_paragraph()
        if align is not None:
            par.alignment = align
        if indent:
            par.paragraph_format.first_line_indent = Pt(indent * CHAR_CELL * PT_PER_MM)
        if text:
            set_font(par.add_run(text), family or face["body"], size, bold)
        return par

    def bottom_border(par, size_eighths, space_pt, color):
        ppr = par._p.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        bottom.set(qn("w:val"), "single")
        bottom.set(qn("w:sz"), str(size_eighths))
        bottom.set(qn("w:space"), str(space_pt))
        bottom.set(qn("w:color"), color)
        borders.append(bottom)
        ppr.append(borders)

    # §2.3 版头
    used = 0.0
    if texts.urgency:
        paragraph(texts.urgency, family=face["heading1"])
        used += LINE_PITCH
    mark = doc.add_paragraph()
    mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
    mark_pt = texts.mark_size * PT_PER_MM
    mark.paragraph_format.space_before = Mm(MARK_TOP - used)
    mark.paragraph_format.line_spacing = Pt(mark_pt * 1.15)
    mark_text = "\n".join(texts.mark_lines)
    if texts.mark_suffix:
        mark_text = (
            mark_text + texts.mark_suffix
            if len(texts.mark_lines) == 1
            else "\n".join(n + "　" + texts.mark_suffix for n in texts.mark_lines[:1])
            + "\n"
            + "\n".join(texts.mark_lines[1:])
        )
    set_font(mark.add_run(mark_text), face["mark"], mark_pt, font["display_bold"], RED)

    number = doc.add_paragraph()
    number.paragraph_format.space_before = Mm(2 * LINE_PITCH)
    if texts.is_up and texts.signers:
        number.paragraph_format.left_indent = char
        number.paragraph_format.tab_stops.add_tab_stop(
            Mm(BLOCK_WIDTH - CHAR_CELL * 2), alignment=2
        )  # right-aligned tab, one character in from the right edge
        set_font(number.add_run(texts.number + "\t签发人："), face["body"], BODY_PT)
        set_font(number.add_run("　".join(texts.signers)), face["heading2"], BODY_PT)
    elif texts.is_letter:
        number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        set_font(number.add_run(texts.number), face["body"], BODY_PT)
    else:
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_font(number.add_run(texts.number), face["body"], BODY_PT)
    # The red separator line: a bottom border 4 mm (11 pt) under the number, as wide as
    # the paragraph, i.e. the text block; 1.5 pt thick.
    bottom_border(number, 12, round(RED_RULE_GAP * PT_PER_MM), "FF0000")

    # §2.4 主体
    title = paragraph(
        texts.title,
        family=face["title"],
        size=TITLE_PT,
        bold=font["display_bold"],
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    title.paragraph_format.space_before = Mm(2 * LINE_PITCH)
    if texts.recipients:
        paragraph(texts.recipients).paragraph_format.space_before = pitch

    parser = _BodyParser()
    parser.feed(texts.body)
    heading_face = {
        "h2": face["heading1"],
        "h3": face["heading2"],
        "h4": face["body"],
        "h5": face["body"],
    }
    for kind, content in parser.blocks:
        if kind == "table":
            columns = max((sum(c[1] for c in row) for row in content), default=0)
            if not columns:
                continue
            table = doc.add_table(rows=len(content), cols=columns)
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for r, row in enumerate(content):
                col = 0
                for text, span, header in row:
                    cell = table.cell(r, col)
                    if span > 1 and col + span - 1 < columns:
                        cell = cell.merge(table.cell(r, col + span - 1))
                    cell.paragraphs[0].paragraph_format.line_spacing = Pt(BODY_PT * 1.5)
                    set_font(cell.paragraphs[0].add_run(text.strip()), face["body"], 14, header)
                    col += span
            continue
        par = paragraph(indent=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        family = heading_face.get(kind, face["body"])
        for text, bold in content:
            set_font(par.add_run(text), family, BODY_PT, bold)

    if texts.attachments:
        first = True
        for number_label, name in texts.attachments:
            par = doc.add_paragraph()
            lead = "附件：" if first else ""
            hang = _width_in_chars("附件：" + number_label)
            par.paragraph_format.left_indent = Pt((2 + hang) * CHAR_CELL * PT_PER_MM)
            par.paragraph_format.first_line_indent = Pt(
                -(_width_in_chars(lead + number_label)) * CHAR_CELL * PT_PER_MM
            )
            if first:
                par.paragraph_format.space_before = pitch
            set_font(par.add_run(lead + number_label + name), face["body"], BODY_PT)
            first = False

    # 署名 and 成文日期 without a seal (§2.4): widths in characters decide who moves.
    name_w = max(_width_in_chars(n) for n in texts.signatures)
    date_w = _width_in_chars(texts.date)
    if name_w >= date_w + 2:
        name_right, date_right = 2, 2 + name_w - (date_w + 2)
    else:
        date_right = 2
        name_right = date_right + date_w + 2 - name_w
    for i, name in enumerate(texts.signatures):
        par = paragraph(name, align=WD_ALIGN_PARAGRAPH.RIGHT)
        par.paragraph_format.right_indent = Pt(
            (name_right + name_w - _width_in_chars(name)) * CHAR_CELL * PT_PER_MM
        )
        par.paragraph_format.keep_with_next = True
        if i == 0:
            par.paragraph_format.space_before = pitch
    date = paragraph(texts.date, align=WD_ALIGN_PARAGRAPH.RIGHT)
    date.paragraph_format.right_indent = Pt(date_right * CHAR_CELL * PT_PER_MM)
    if texts.note:
        date.paragraph_format.keep_with_next = True
        paragraph(texts.note, indent=2)
    anchor = doc.paragraphs[-1]
    del anchor

    # §2.5 版记: a table floated to the bottom of the text block of the last page, its
    # first and last border thick (0.35 mm ≈ 1 pt), the inner one thin (0.25 mm ≈ ¾ pt).
    rows = []
    if texts.copy_to:
        rows.append(("抄送：", texts.copy_to, ""))
    if not texts.is_letter and texts.printer:
        rows.append(("", texts.printer, texts.printed_on))
    if rows:
        anchor_par = doc.add_paragraph()
        anchor_par.paragraph_format.line_spacing = Pt(1)
        table = doc.add_table(rows=len(rows), cols=1)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        tbl_pr = table._tbl.tblPr
        position = OxmlElement("w:tblpPr")
        for key, value in {
            "w:vertAnchor": "margin",
            "w:horzAnchor": "margin",
            "w:tblpYSpec": "bottom",
            "w:tblpXSpec": "center",
        }.items():
            position.set(qn(key), value)
        tbl_pr.append(position)
        width = OxmlElement("w:tblW")
        width.set(qn("w:w"), str(round(BLOCK_WIDTH / 25.4 * 1440)))
        width.set(qn("w:type"), "dxa")
        tbl_pr.append(width)
        borders = OxmlElement("w:tblBorders")
        lines = {"top": 8, "bottom": 8, "insideH": 6} if not texts.is_letter else {}
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            element = OxmlElement(f"w:{edge}")
            size = lines.get(edge)
            element.set(qn("w:val"), "single" if size else "nil")
            if size:
                element.set(qn("w:sz"), str(size))
                element.set(qn("w:space"), "0")
                element.set(qn("w:color"), "000000")
            borders.append(element)
        tbl_pr.append(borders)
        margins = OxmlElement("w:tblCellMar")
        for edge in ("left", "right"):
            element = OxmlElement(f"w:{edge}")
            element.set(qn("w:w"), "0")
            element.set(qn("w:type"), "dxa")
            margins.append(element)
        tbl_pr.append(margins)
        small_char = Pt(SMALL_PT)
        for row, (label, text, right) in zip(table.rows, rows, strict=True):
            par = row.cells[0].paragraphs[0]
            par.paragraph_format.left_indent = small_char
            par.paragraph_format.right_indent = small_char
            par.paragraph_format.line_spacing = pitch
            if label:  # wrapped lines align after the colon
                par.paragraph_format.left_indent = Pt(SMALL_PT * 4)
                par.paragraph_format.first_line_indent = Pt(-SMALL_PT * 3)
            if right:
                par.paragraph_format.tab_stops.add_tab_stop(
                    Mm(BLOCK_WIDTH) - small_char * 2, alignment=2
                )
            set_font(
                par.add_run(label + text + ("\t" + right if right else "")),
                face["body"],
                SMALL_PT,
            )

    # §2.6 页码: odd pages right, even pages left, one 4号 character in.
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        par = footer.paragraphs[0]
        par.alignment = align
        par.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            par.paragraph_format.right_indent = Pt(SMALL_PT)
        else:
            par.paragraph_format.left_indent = Pt(SMALL_PT)
        set_font(par.add_run("— "), face["page_number"], SMALL_PT)
        run = set_font(par.add_run(), face["page_number"], SMALL_PT)
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None)):
            if kind:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            else:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = text
            run._element.append(element)
        number_run = set_font(par.add_run("1"), face["page_number"], SMALL_PT)
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        number_run._element.append(end)
        set_font(par.add_run(" —"), face["page_number"], SMALL_PT)

    doc.core_properties.title = texts.title
    doc.core_properties.author = texts.printer
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
