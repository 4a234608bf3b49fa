"""The print layout measured on its output (docs/conformance.md LAY, GB/T 9704-2012).

The PDF is opened with pdfplumber and measured in millimetres: page size, margins, the
text block, the red line, page numbers, fonts, characters a line and lines a page.
pdfplumber gives each character's baseline (its text matrix); a CJK glyph's em box lies
from 0.12 em below to 0.88 em above the baseline, and the layout centres it in its line
(fixed line pitch, half-leading above and below), so a line's box runs from the em box's
centre minus half a pitch to the centre plus half a pitch: that is how the top of the
first line of the text block is measured.

The DOCX is re-opened with python-docx and its page setup, fonts and colours read back.
"""

import datetime
import socket
from collections import defaultdict
from io import BytesIO

import pdfplumber
import pytest
from django.utils import timezone

from zhengtong.conftest import make_unit, make_user
from zhengtong.documents import layout
from zhengtong.documents.models import Direction, DocState, DocType, Document
from zhengtong.org.models import UnitKind

MM = 72 / 25.4  # points per millimetre
PITCH = layout.LINE_PITCH
CELL = layout.CHAR_CELL

PARAGRAPH = (
    "为进一步做好全县学校安全工作，切实保障师生生命财产安全，维护正常教育教学秩序，"
    "根据上级有关文件精神，结合我县实际，现就有关事项通知如下，请各单位认真贯彻落实，"
    "确保各项措施落到实处。"
)
BODY = (
    "<p>各乡镇人民政府：</p>"
    f"<p>{PARAGRAPH}</p>"
    f"<h2>一、提高认识，加强领导</h2><p>{PARAGRAPH * 2}</p>"
    f"<h3>（一）认真组织自查。</h3><p>{PARAGRAPH}</p>"
    f"<h4>1.排查校舍安全隐患。</h4><p>{PARAGRAPH * 2}</p>"
    f"<h5>（1）建立隐患台账。</h5><p>{PARAGRAPH * 3}</p>"
    f"<h2>二、突出重点，抓好落实</h2><p>{PARAGRAPH * 3}</p>"
)
SIGNED = datetime.datetime(2026, 10, 9, 10, 30)
ISSUED = datetime.datetime(2026, 10, 10, 9, 0)


@pytest.fixture
def units(db):
    county = make_unit("青山县", UnitKind.COUNTY)
    government = make_unit("青山县人民政府", UnitKind.GOVERNMENT, county)
    bureau = make_unit("青山县教育局", UnitKind.DEPARTMENT, government, doc_prefix="青教发")
    finance = make_unit("青山县财政局", UnitKind.DEPARTMENT, government, doc_prefix="青财发")
    towns = [make_unit(name, UnitKind.TOWN, county) for name in ("城关镇", "河西镇")]
    drafter = make_user("drafter", bureau, real_name="张文书")
    head = make_user("head", bureau, real_name="李明")
    return locals()


def make_document(units, **fields):
    data = {
        "doc_type": DocType.NOTICE,
        "direction": Direction.DOWN,
        "title": "关于做好秋季学期学校安全工作的通知",
        "body": BODY,
        "issuing_unit": units["bureau"],
        "drafter": units["drafter"],
        "urgency": "urgent",
        "number_prefix": "青教发",
        "number_year": 2026,
        "number_seq": 12,
        "signer": units["head"],
        "signed_at": timezone.make_aware(SIGNED),
        "issued_at": timezone.make_aware(ISSUED),
        "attachment_note": "全县学校安全检查表\n安全隐患整改台账",
        "note": "联系人：张文书，电话：0000-1234567",
        "state": DocState.ISSUED,
    }
    document = Document.objects.create(**(data | fields))
    document.main_recipients.set(units["towns"])
    document.copy_recipients.set([units["government"], units["finance"]])
    return document


_pdf_cache = {}


def pdf_of(document, key):
    """Render once per variant for the whole module (rendering takes about a second)."""
    if key not in _pdf_cache:
        _pdf_cache[key] = layout.render_pdf(document)
    return _pdf_cache[key]


@pytest.fixture
def notice_pdf(units):
    data = pdf_of(make_document(units), "notice")
    with pdfplumber.open(BytesIO(data)) as pdf:
        yield pdf


# --- measuring helpers ---------------------------------------------------------------


def mm(points):
    return points / MM


def baseline(page, char):
    return mm(page.height - char["matrix"][5])


def em_top(page, char):
    return baseline(page, char) - 0.88 * mm(char["size"])


def em_bottom(page, char):
    return baseline(page, char) + 0.12 * mm(char["size"])


def body_chars(page):
    """Characters in the 3号 body size (16 pt), headings included."""
    return [c for c in page.chars if 15.5 < c["size"] < 16.5]


def body_lines(page):
    """Lines of body-size text, top to bottom: lists of characters by baseline."""
    lines = defaultdict(list)
    for char in body_chars(page):
        lines[round(baseline(page, char), 1)].append(char)
    return [sorted(lines[key], key=lambda c: c["x0"]) for key in sorted(lines)]


def line_box_top(page, line):
    centre = baseline(page, line[0]) - 0.38 * mm(line[0]["size"])
    return centre - PITCH / 2


def is_red(colour):
    if not colour or len(colour) != 3:
        return False
    r, g, b = colour
    return r > 0.85 and g < 0.2 and b < 0.2


def red_graphics(page):
    return [
        obj
        for obj in page.rects + page.lines + page.curves
        if is_red(obj.get("non_stroking_color")) or is_red(obj.get("stroking_color"))
    ]


def text_line(page, needle):
    for line in page.extract_text_lines():
        if needle in line["text"]:
            return line
    return None


# --- PDF: page and text block (§2.1) ------------------------------------------------------


def test_every_page_is_a4(notice_pdf):
    assert len(notice_pdf.pages) >= 3
    for page in notice_pdf.pages:
        assert mm(page.width) == pytest.approx(210, abs=0.5)
        assert mm(page.height) == pytest.approx(297, abs=0.5)


def test_the_text_block_starts_28_mm_from_the_left_and_is_at_most_156_mm_wide(notice_pdf):
    for page in notice_pdf.pages:
        chars = body_chars(page)
        left = min(mm(c["x0"]) for c in chars)
        right = max(mm(c["x1"]) for c in chars)
        print(f"page {page.page_number}: body from {left:.2f} to {right:.2f} mm")
        assert left == pytest.approx(28, abs=1)
        assert right - 28 <= 156


def test_the_text_block_of_a_full_page_starts_37_mm_from_the_top_and_fills_225_mm(notice_pdf):
    lines = body_lines(notice_pdf.pages[1])
    top = line_box_top(notice_pdf.pages[1], lines[0])
    bottom = line_box_top(notice_pdf.pages[1], lines[-1]) + PITCH
    print(f"page 2: first line box top {top:.2f} mm, last line box bottom {bottom:.2f} mm")
    assert top == pytest.approx(37, abs=1)
    assert bottom == pytest.approx(37 + 225, abs=1)


def test_a_full_page_has_22_lines_of_28_characters(notice_pdf):
    page = notice_pdf.pages[1]
    lines = body_lines(page)
    # A full line reaches the right edge of the block; its width in characters counts
    # the indent of a paragraph's first line (two characters) as well.
    full = [line for line in lines if mm(line[-1]["x1"]) > 28 + 156 - CELL]
    widths = sorted({len(line) + round((mm(line[0]["x0"]) - 28) / CELL) for line in full})
    # Baselines of lines in the body face (a heading in another face sits a little
    # higher or lower in the same line box).
    serif = [line for line in lines if all("Serif" in c["fontname"] for c in line)]
    first, last = serif[0], serif[-1]
    steps = round((line_box_top(page, last) - line_box_top(page, first)) / PITCH)
    pitch = (baseline(page, last[0]) - baseline(page, first[0])) / steps
    print(
        f"page 2: {len(lines)} lines, pitch {pitch:.3f} mm ({pitch * MM:.2f} pt), "
        f"{len(full)} full lines of {widths} characters"
    )
    assert len(lines) == pytest.approx(22, abs=1)
    assert max(widths) == pytest.approx(28, abs=1)
    assert min(widths) >= 27  # at most one character short (no line may start with "，")
    assert pitch == pytest.approx(225 / 22, abs=0.01)


# --- PDF: 版头 (§2.3) --------------------------------------------------------------------


def test_the_red_mark_is_centred_35_mm_below_the_top_of_the_text_block(notice_pdf):
    page = notice_pdf.pages[0]
    mark = [c for c in page.chars if is_red(c["non_stroking_color"])]
    assert "".join(c["text"] for c in mark) == "青山县教育局文件"
    top = min(em_top(page, c) for c in mark)
    centre = (min(mm(c["x0"]) for c in mark) + max(mm(c["x1"]) for c in mark)) / 2
    print(f"mark: top {top:.2f} mm (text block + {top - 37:.2f}), centre {centre:.2f} mm")
    assert top - 37 == pytest.approx(35, abs=1)
    assert centre == pytest.approx(28 + 156 / 2, abs=1)


def test_the_number_is_centred_and_the_red_line_4_mm_below_it_across_the_block(notice_pdf):
    page = notice_pdf.pages[0]
    number = text_line(page, "青教发〔2026〕12号")
    assert number is not None
    centre = mm(number["x0"] + number["x1"]) / 2
    assert centre == pytest.approx(28 + 156 / 2, abs=1)
    mark_bottom = max(em_bottom(page, c) for c in page.chars if is_red(c["non_stroking_color"]))
    number_top = min(em_top(page, c) for c in number["chars"])
    number_bottom = max(em_bottom(page, c) for c in number["chars"])
    rules = red_graphics(page)
    assert rules, "no red line on page 1"
    rule = max(rules, key=lambda r: r["width"])
    print(
        f"number: {number_top - mark_bottom:.2f} mm below the mark; red line "
        f"{mm(rule['x0']):.2f}–{mm(rule['x1']):.2f} mm, {mm(rule['top']) - number_bottom:.2f} mm "
        f"below the number, colour {rule.get('non_stroking_color')}"
    )
    assert number_top - mark_bottom == pytest.approx(2 * PITCH, abs=1.5)  # two blank lines
    assert mm(rule["width"]) == pytest.approx(156, abs=1)
    assert mm(rule["x0"]) == pytest.approx(28, abs=0.5)
    assert mm(rule["top"]) - number_bottom == pytest.approx(4, abs=1)


def test_urgency_top_left_in_heiti(notice_pdf):
    page = notice_pdf.pages[0]
    line = text_line(page, "加急")
    assert line is not None
    assert mm(line["x0"]) == pytest.approx(28, abs=0.5)
    assert "Sans" in line["chars"][0]["fontname"]


# --- PDF: 主体 (§2.4) ---------------------------------------------------------------------


def test_the_title_is_bold_larger_than_the_body_and_centred(notice_pdf):
    page = notice_pdf.pages[0]
    title = text_line(page, "关于做好秋季学期学校安全工作的通知")
    body = text_line(page, "为进一步做好")
    assert "Bold" in title["chars"][0]["fontname"]
    assert title["chars"][0]["size"] == pytest.approx(22, abs=0.1)
    assert body["chars"][0]["size"] == pytest.approx(16, abs=0.1)
    assert mm(title["x0"] + title["x1"]) / 2 == pytest.approx(106, abs=1)
    rule = max(red_graphics(page), key=lambda r: r["width"])
    title_line_top = (
        baseline(page, title["chars"][0]) - 0.38 * mm(title["chars"][0]["size"]) - PITCH / 2
    )
    assert title_line_top - mm(rule["bottom"]) == pytest.approx(2 * PITCH, abs=1)


def test_recipients_flush_left_and_paragraphs_indented_two_characters(notice_pdf):
    page = notice_pdf.pages[0]
    recipients = text_line(page, "各乡镇人民政府：")
    paragraph = text_line(page, "为进一步做好")
    assert mm(recipients["x0"]) == pytest.approx(28, abs=0.3)
    assert mm(paragraph["x0"]) - 28 == pytest.approx(2 * CELL, abs=0.5)


def test_headings_use_the_font_of_their_level(notice_pdf):
    fonts = {}
    for page in notice_pdf.pages:
        for needle in ("一、提高认识", "（一）认真组织自查", "1.排查校舍", "（1）建立隐患"):
            line = text_line(page, needle)
            if line:
                fonts[needle] = line["chars"][-1]["fontname"]
    print(fonts)
    assert "Sans-CJK" in fonts["一、提高认识"]  # 黑体
    assert "UKai" in fonts["（一）认真组织自查"]  # 楷体
    assert "Serif-CJK" in fonts["1.排查校舍"]  # 仿宋
    assert "Serif-CJK" in fonts["（1）建立隐患"]
    assert not any("Bold" in f for f in fonts.values())


def test_signature_date_and_note(notice_pdf):
    page = next(p for p in notice_pdf.pages if text_line(p, "2026年10月9日"))
    name = text_line(page, "青山县教育局")
    date = text_line(page, "2026年10月9日")
    note = text_line(page, "（联系人：张文书")
    attachment = text_line(page, "附件：")
    print(
        f"signature {mm(name['x0']):.2f}–{mm(name['x1']):.2f} mm, "
        f"date {mm(date['x0']):.2f}–{mm(date['x1']):.2f} mm"
    )
    # The date is the longer: two characters in from the right; the name starts two
    # characters left of the date.
    assert 184 - mm(date["x1"]) == pytest.approx(2 * CELL, abs=1)
    assert mm(date["x0"]) - mm(name["x0"]) == pytest.approx(2 * CELL, abs=1)
    assert date["top"] > name["top"]
    assert mm(note["x0"]) - 28 == pytest.approx(2 * CELL, abs=0.5)
    # "附件：1.×××" two characters in; the second name aligned with the first.
    second = text_line(page, "安全隐患整改台账")
    assert mm(attachment["x0"]) - 28 == pytest.approx(2 * CELL, abs=0.5)
    first_name = next(c for c in attachment["chars"] if c["text"] == "全")
    second_name = next(c for c in second["chars"] if c["text"] == "安")
    assert first_name["x0"] == pytest.approx(second_name["x0"], abs=0.5)
    # The date is never alone on its page: text of the body is on the same page.
    assert text_line(page, "落到实处")


# --- PDF: 版记 and 页码 (§2.5, §2.6) --------------------------------------------------------


def test_the_colophon_sits_on_the_bottom_of_the_text_block_of_the_last_page(notice_pdf):
    last = notice_pdf.pages[-1]
    assert len(notice_pdf.pages) % 2 == 0  # the back of the last sheet
    assert text_line(last, "抄送：青山县人民政府，青山县财政局。")
    assert text_line(last, "2026年10月10日印发")
    rules = sorted(
        (r for r in last.rects if mm(r["width"]) > 150 and mm(r["height"]) < 1),
        key=lambda r: r["top"],
    )
    edges = [(round(mm(r["top"]), 2), round(mm(r["height"]), 2)) for r in rules]
    print(f"colophon rules (top, thickness) mm: {edges}")
    assert len(rules) == 3
    assert mm(rules[-1]["bottom"]) == pytest.approx(262, abs=0.3)
    assert [round(mm(r["height"]), 2) for r in rules] == [0.35, 0.25, 0.35]
    # One line (a line pitch) for each element between the rules.
    for upper, lower in zip(rules, rules[1:], strict=False):
        assert mm(lower["top"] - upper["bottom"]) == pytest.approx(PITCH, abs=0.3)
    copy, printed = text_line(last, "抄送："), text_line(last, "印发")
    assert mm(copy["x0"]) == pytest.approx(28 + 14 / MM, abs=0.3)  # one character in
    assert mm(printed["x1"]) == pytest.approx(184 - 14 / MM, abs=0.3)
    assert rules[0]["top"] < copy["top"] < rules[1]["top"] < printed["top"] < rules[2]["top"]
    for page in notice_pdf.pages[:-1]:
        assert not text_line(page, "抄送")


def test_page_numbers_alternate_sides_below_the_text_block(notice_pdf):
    for page in notice_pdf.pages:
        n = page.page_number
        line = text_line(page, f"— {n} —")
        assert line is not None, f"no page number on page {n}"
        assert line["chars"][0]["size"] == pytest.approx(14, abs=0.1)
        top = mm(line["top"])
        print(f"page {n}: number {mm(line['x0']):.2f}–{mm(line['x1']):.2f} mm, top {top:.2f}")
        assert top > 262 and top < 262 + 7 + 3
        if n % 2:
            assert mm(line["x1"]) == pytest.approx(184 - 14 / MM, abs=0.5)
        else:
            assert mm(line["x0"]) == pytest.approx(28 + 14 / MM, abs=0.5)


# --- the 版记 page is an even page (§2.5, §2.6) ------------------------------------------

ONE_LINE = "<p>各乡镇要认真落实本通知要求，切实做好学校安全工作。</p>"  # 26 characters + indent


@pytest.mark.parametrize(
    ("paragraphs", "pages", "numbered"),
    [
        (6, 2, True),  # text ends on page 1 with room: the 版记 on page 2, its back
        (7, 2, True),  # page 1 is full: the 版记 on page 2
        (20, 2, True),  # text ends on page 2 with room for the 版记
        (30, 4, False),  # page 2 is full: a blank page 3, the 版记 on page 4, no numbers
        (33, 4, True),  # text ends on page 3: the 版记 on page 4
    ],
)
def test_the_colophon_goes_on_an_even_page(units, paragraphs, pages, numbered):
    document = make_document(
        units, body=ONE_LINE * paragraphs, attachment_note="", note="", urgency=""
    )
    document.main_recipients.clear()
    with pdfplumber.open(BytesIO(layout.render_pdf(document))) as pdf:
        assert len(pdf.pages) == pages
        last = pdf.pages[-1]
        assert text_line(last, "印发")
        assert bool(text_line(last, f"— {pages} —")) is numbered
        assert not any(text_line(page, "印发") for page in pdf.pages[:-1])
        if not numbered:
            assert not pdf.pages[-2].chars  # the blank page


def test_colophon_on_the_last_text_page_when_even_pages_are_not_wanted(units, settings):
    settings.DOCUMENT_COLOPHON_ON_EVEN_PAGE = False
    document = make_document(units, body=ONE_LINE * 4, attachment_note="", note="")
    with pdfplumber.open(BytesIO(layout.render_pdf(document))) as pdf:
        assert len(pdf.pages) == 1
        assert text_line(pdf.pages[0], "印发")


# --- upward documents and letters -----------------------------------------------------


def test_an_upward_document_has_the_number_left_and_the_signer_right(units):
    document = make_document(
        units, doc_type=DocType.REQUEST, direction=Direction.UP, body=ONE_LINE * 4
    )
    with pdfplumber.open(BytesIO(layout.render_pdf(document))) as pdf:
        page = pdf.pages[0]
        line = text_line(page, "签发人：")
        assert line is not None and "青教发〔2026〕12号" in line["text"]
        assert mm(line["x0"]) == pytest.approx(28 + CELL, abs=0.5)
        assert mm(line["x1"]) == pytest.approx(184 - CELL, abs=0.5)
        name = [c for c in line["chars"] if c["text"] in "李明"]
        assert all("UKai" in c["fontname"] for c in name)  # the signer's name in 楷体


def test_a_joint_upward_document_lists_every_signer_two_a_line(units):
    from zhengtong.documents.models import RouteStep, StepKind, StepState

    other = make_unit("青山县卫生健康局", UnitKind.DEPARTMENT, units["government"])
    document = make_document(
        units, doc_type=DocType.REQUEST, direction=Direction.UP, body=ONE_LINE * 4
    )
    document.joint_units.set([units["finance"], other])
    heads = {
        units["bureau"]: units["head"],
        units["finance"]: make_user("finance_head", units["finance"], real_name="王芳"),
        other: make_user("health_head", other, real_name="赵强"),
    }
    for order, (unit, person) in enumerate(heads.items()):
        RouteStep.objects.create(
            document=document,
            order=order,
            kind=StepKind.SIGN_OFF,
            unit=unit,
            assignee=person,
            state=StepState.APPROVED,
        )
    texts = layout.document_texts(document)
    assert texts.signers == ["李明", "王芳", "赵强"]
    assert texts.signer_lines == ["李明　王芳", "赵强"]
    with pdfplumber.open(BytesIO(layout.render_pdf(document))) as pdf:
        page = pdf.pages[0]
        first, second = text_line(page, "签发人："), text_line(page, "赵强")
        assert "王芳" in first["text"] and "青教发" not in first["text"]
        assert "青教发〔2026〕12号" in second["text"]  # the number level with the last line
        li = next(c for c in first["chars"] if c["text"] == "李")
        zhao = next(c for c in second["chars"] if c["text"] == "赵")
        assert li["x0"] == pytest.approx(zhao["x0"], abs=0.5)  # aligned with the first name


def test_letter_format(units):
    document = make_document(units, doc_type=DocType.LETTER, direction=Direction.PARALLEL)
    with pdfplumber.open(BytesIO(layout.render_pdf(document))) as pdf:
        first = pdf.pages[0]
        mark = [c for c in first.chars if is_red(c["non_stroking_color"])]
        assert "".join(c["text"] for c in mark) == "青山县教育局"  # no "文件"
        top = min(em_top(first, c) for c in mark)
        rules = [r for r in red_graphics(first) if mm(r["width"]) > 160]
        lines = sorted({round(mm(r["top"]), 1) for r in rules})
        widths = {round(mm(r["width"])) for r in rules}
        print(f"letter: mark top {top:.2f} mm, red lines at {lines} mm, widths {widths} mm")
        assert top == pytest.approx(30, abs=1)
        assert widths == {170}
        upper = [y for y in lines if y < 100]
        lower = [y for y in lines if y > 250]
        assert len(upper) == 2 and len(lower) == 2  # double lines
        assert max(lower) == pytest.approx(297 - 20, abs=1)
        number = text_line(first, "青教发〔2026〕12号")
        assert mm(number["x1"]) == pytest.approx(184, abs=0.5)  # flush right
        assert not text_line(first, "— 1 —")  # no number on the first page
        assert text_line(pdf.pages[1], "— 2 —")
        last = pdf.pages[-1]
        assert text_line(last, "抄送：")
        assert not text_line(last, "印发")  # no 印发机关 and date in a letter


def test_joint_document_mark_lists_the_organs(units):
    document = make_document(units, body=ONE_LINE * 4)
    document.joint_units.set([units["finance"]])
    with pdfplumber.open(BytesIO(layout.render_pdf(document))) as pdf:
        page = pdf.pages[0]
        mark = "".join(c["text"] for c in page.chars if is_red(c["non_stroking_color"]))
        assert "青山县教育局" in mark and "青山县财政局" in mark and "文件" in mark
        assert text_line(page, "青山县财政局") or text_line(pdf.pages[-1], "青山县财政局")


def test_the_name_at_the_signing_date_is_printed(units):
    from zhengtong.org.models import UnitName

    UnitName.objects.create(
        unit=units["bureau"], name="青山县文化教育局", valid_until=datetime.date(2026, 12, 31)
    )
    document = make_document(units, body=ONE_LINE * 4)
    texts = layout.document_texts(document)
    assert texts.mark_lines == ["青山县文化教育局"]
    assert texts.date == "2026年10月9日"


def test_the_recipients_line_comes_from_the_body_or_the_recipient_list(units):
    document = make_document(units)
    assert layout.document_texts(document).recipients == "各乡镇人民政府："
    document.body = "<p>现将有关事项通知如下：</p><p>正文。</p>"
    texts = layout.document_texts(document)
    assert texts.recipients == "城关镇、河西镇："  # from main_recipients
    assert texts.body.startswith("<p>现将有关事项通知如下：</p>")


def test_dates_in_arabic_numerals_without_leading_zeros(units):
    assert layout.chinese_date(datetime.date(2026, 1, 5)) == "2026年1月5日"
    draft = make_document(units, signed_at=None, issued_at=None, state=DocState.DRAFT)
    texts = layout.document_texts(draft)
    assert "年" in texts.date and not any(ch.isdigit() for ch in texts.date)  # to fill in
    assert texts.printed_on == ""
    draft.number_seq = None
    draft.save()
    with pdfplumber.open(BytesIO(layout.render_pdf(draft))) as pdf:
        assert text_line(pdf.pages[0], "关于做好秋季学期学校安全工作的通知")
        assert red_graphics(pdf.pages[0])  # the red line keeps its place without a number
    assert layout.render_docx(draft).startswith(b"PK")


def test_tables_in_the_body_print_in_both_formats(units):
    body = (
        "<p>统计如下：</p><table><thead><tr><th>乡镇</th><th>学校数</th></tr></thead>"
        '<tbody><tr><td>城关镇</td><td>12</td></tr><tr><td colspan="2">合计12</td></tr>'
        "</tbody></table><p>请核对。</p>"
    )
    document = make_document(units, body=body)
    with pdfplumber.open(BytesIO(layout.render_pdf(document))) as pdf:
        page = pdf.pages[0]
        assert text_line(page, "城关镇") and text_line(page, "合计12")
    from docx import Document as Docx

    docx_file = Docx(BytesIO(layout.render_docx(document)))
    assert docx_file.tables[0].cell(1, 0).text == "城关镇"
    assert docx_file.tables[0].cell(2, 0).text == "合计12"


# --- fonts (settings) --------------------------------------------------------------------


def test_fonts_come_from_settings_with_the_free_faces_as_fallback(units, settings):
    settings.DOCUMENT_FONTS = {"body": "仿宋_GB2312", "display_bold": False}
    configured = layout.fonts()
    assert configured["body"] == ["仿宋_GB2312", "Noto Serif CJK SC"]
    assert configured["heading2"] == ["AR PL UKai CN"]
    html = layout.render_html(make_document(units, body=ONE_LINE))
    assert '"仿宋_GB2312", "Noto Serif CJK SC", serif' in html
    assert "font-weight: 400" in html


# --- no network ----------------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise AssertionError(f"network access to {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *a, **k: attempts.append(a) or (_ for _ in ()).throw(OSError)
    )
    return attempts


def test_the_url_fetcher_refuses_everything_but_local_template_files(no_network):
    fetcher = layout.local_url_fetcher()
    for url in (
        "http://example.com/x.png",
        "https://example.com/style.css",
        "ftp://example.com/x",
        "file://example.com/etc/passwd",
        "file:///etc/passwd",
        "data:image/png;base64,AAAA",
    ):
        with pytest.raises(ValueError, match="refused"):
            fetcher(url)
    template = layout.TEMPLATE_DIR / "gbt9704.html"
    response = fetcher(template.as_uri())
    assert b"GB/T 9704" in response.read()
    response.close()
    assert no_network == []


def test_rendering_never_touches_the_network(units, no_network):
    import weasyprint

    html = '<p>x</p><img src="http://example.com/x.png"><link rel="stylesheet" href="https://example.com/a.css">'
    weasyprint.HTML(string=html, url_fetcher=layout.local_url_fetcher()).write_pdf()
    document = make_document(units, body='<p>正文</p><img src="http://example.com/x.png">')
    assert layout.render_pdf(document).startswith(b"%PDF")
    assert no_network == []


# --- DOCX ------------------------------------------------------------------------------------


@pytest.fixture
def docx_file(units):
    from docx import Document as Docx

    return Docx(BytesIO(layout.render_docx(make_document(units))))


def test_docx_page_setup(docx_file):
    from docx.oxml.ns import qn
    from docx.shared import Mm

    section = docx_file.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1)
    assert abs(section.page_height - Mm(297)) < Mm(0.1)
    for value, expected in (
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert abs(value - Mm(expected)) < Mm(0.1)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"  # 28.95 pt: 22 lines in 225 mm


def test_docx_fonts_colours_and_rules(docx_file):
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    paragraphs = docx_file.paragraphs

    def find(text):
        return next(p for p in paragraphs if text in p.text)

    mark = find("青山县教育局文件").runs[0]
    assert mark.font.color.rgb == RGBColor(0xFF, 0, 0)
    number = find("青教发〔2026〕12号")
    bottom = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == "FF0000" and bottom.get(qn("w:space")) == "11"
    title = find("关于做好秋季学期").runs[0]
    assert title.font.bold and title.font.size == Pt(22)

    def east_asian(run):
        return run._element.rPr.rFonts.get(qn("w:eastAsia"))

    body = find("为进一步做好全县学校安全工作")
    assert body.paragraph_format.first_line_indent > Pt(30)
    assert all(east_asian(run) == "Noto Serif CJK SC" for run in body.runs)
    assert all(run.font.size == Pt(16) for run in body.runs)
    assert east_asian(find("一、提高认识").runs[0]) == "Noto Sans CJK SC"
    assert east_asian(find("（一）认真组织自查").runs[0]) == "AR PL UKai CN"
    assert east_asian(find("1.排查校舍").runs[0]) == "Noto Serif CJK SC"
    assert find("2026年10月9日").alignment == 2  # right
    assert find("抄送：青山县人民政府，青山县财政局。")
    assert find("2026年10月10日印发")


def test_docx_page_number_footers(docx_file):
    section = docx_file.sections[0]
    assert docx_file.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    for paragraph in (odd, even):
        xml = paragraph._p.xml
        assert "PAGE" in xml and "fldChar" in xml
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
    assert odd.alignment == 2 and even.alignment == 0  # right, left


# --- 附件 bound after the body (§2.4) ------------------------------------------------------

CHECKLIST = layout.AttachmentText(
    body="<p>一、校舍安全情况。</p><p>二、消防设施情况。</p><p>附件一的最后一行。</p>"
)
LEDGER = layout.AttachmentText(
    title="安全隐患整改台账（样表）",
    body="<p>请各乡镇按样表逐项登记隐患和整改情况。</p><p>附件二的最后一行。</p>",
)


def first_line(page):
    return sorted(page.extract_text_lines(), key=lambda line: line["top"])[0]


def test_attachments_follow_the_body_each_from_a_new_page(units):
    document = make_document(units, body=ONE_LINE * 3)
    data = layout.render_pdf(document, attachments=[CHECKLIST, LEDGER])
    with pdfplumber.open(BytesIO(data)) as pdf:
        pages = pdf.pages
        body = next(i for i, p in enumerate(pages) if text_line(p, "附件："))
        # 附件说明, then the signature and date, on the body's last page; no attachment yet.
        assert text_line(pages[body], "2026年10月9日")
        assert not text_line(pages[body], "附件一的最后一行")
        labels = {}
        for i, page in enumerate(pages):
            line = first_line(page)
            if line["text"] in ("附件1", "附件2"):
                labels[line["text"]] = i
        assert list(labels) == ["附件1", "附件2"]
        assert body < labels["附件1"] < labels["附件2"]
        for label, index in labels.items():
            page = pages[index]
            line = text_line(page, label)
            # "附件N" in 3号黑体, flush left on the first line of the text block.
            assert mm(line["x0"]) == pytest.approx(28, abs=0.5)
            assert all("Sans" in c["fontname"] for c in line["chars"])
            assert line["chars"][0]["size"] == pytest.approx(16, abs=0.1)
            assert line_box_top(page, line["chars"]) == pytest.approx(37, abs=0.5)
        # The title, as in the 附件说明 unless given, centred on the third line.
        for label, title in (
            ("附件1", "全县学校安全检查表"),
            ("附件2", "安全隐患整改台账（样表）"),
        ):
            page = pages[labels[label]]
            line = text_line(page, title)
            assert line["chars"][0]["size"] == pytest.approx(22, abs=0.1)
            centre = (mm(line["x0"]) + mm(line["x1"])) / 2
            assert centre == pytest.approx(28 + 78, abs=1)
            assert line_box_top(page, line["chars"]) == pytest.approx(37 + 2 * PITCH, abs=1)
        # Its text in the format of the body: indented two characters.
        text = text_line(pages[labels["附件1"]], "一、校舍安全情况")
        assert mm(text["x0"]) - 28 == pytest.approx(2 * CELL, abs=0.5)
        assert text_line(pages[labels["附件2"]], "附件二的最后一行")
        # Page numbers continue; the 版记 comes after the attachments, on the last page.
        for page in pages:
            if text_line(page, "附件1") or text_line(page, "附件2"):
                assert text_line(page, f"— {page.page_number} —")
        assert text_line(pages[-1], "2026年10月10日印发")
        assert labels["附件2"] <= len(pages) - 1
        assert not any(text_line(p, "印发") for p in pages[: labels["附件2"]])


def test_the_only_attachment_is_labelled_without_a_number(units):
    document = make_document(units, body=ONE_LINE, attachment_note="全县学校安全检查表")
    texts = layout.document_texts(document, attachments=[CHECKLIST])
    assert [(p.label, p.title) for p in texts.attachment_pages] == [("附件", "全县学校安全检查表")]
    # Without attachment texts nothing is bound after the body.
    assert layout.document_texts(document).attachment_pages == []


def test_attachment_text_is_cleaned_like_the_body(units):
    document = make_document(units, body=ONE_LINE)
    dirty = layout.AttachmentText(body='<p onclick="x()">正文</p><script>alert(1)</script>')
    page = layout.document_texts(document, attachments=[dirty]).attachment_pages[0]
    assert "script" not in page.body and "onclick" not in page.body
    assert "正文" in page.body


def test_docx_attachments_each_from_a_new_page(units):
    from docx import Document as Docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = make_document(units, body=ONE_LINE)
    docx = Docx(BytesIO(layout.render_docx(document, attachments=[CHECKLIST, LEDGER])))
    paragraphs = docx.paragraphs
    texts = [p.text for p in paragraphs]
    breaks = [p.text for p in paragraphs if p.paragraph_format.page_break_before]
    assert breaks == ["附件1", "附件2"]
    # After the 附件说明, the signature and the date; then the attachments in order.
    order = [
        texts.index(t) for t in ("附件：1.全县学校安全检查表", "2026年10月9日", "附件1", "附件2")
    ]
    assert order == sorted(order)
    label = paragraphs[texts.index("附件1")]
    assert label.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "Noto Sans CJK SC"
    title = paragraphs[texts.index("附件1") + 1]
    assert title.text == "全县学校安全检查表" and title.alignment == 1  # centred
    assert title.runs[0].font.size == Pt(22)
    assert title.paragraph_format.space_before > Pt(28)  # one blank line: title on line 3
    body = paragraphs[texts.index("一、校舍安全情况。")]
    assert body.paragraph_format.first_line_indent > Pt(30)
    assert texts.index("附件二的最后一行。") > texts.index("附件2")


# --- DOCX 信函格式 (§2.7) ----------------------------------------------------------------------


@pytest.fixture
def letter_docx(units):
    from docx import Document as Docx

    document = make_document(units, doc_type=DocType.LETTER, direction=Direction.PARALLEL)
    return Docx(BytesIO(layout.render_docx(document)))


def test_docx_letter_format(letter_docx):
    from docx.oxml.ns import qn
    from docx.shared import Mm, RGBColor

    paragraphs = letter_docx.paragraphs
    mark = paragraphs[0]
    # The organ's name without "文件", red, centred at the top of the text block.
    assert mark.text == "青山县教育局"
    assert all(run.font.color.rgb == RGBColor(0xFF, 0, 0) for run in mark.runs)
    assert mark.alignment == 1 and not mark.paragraph_format.space_before
    # Under it the red double line, thick over thin, 170 mm: 7 mm past each side.
    bottom = mark._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:val")) == "thickThinSmallGap"
    assert bottom.get(qn("w:color")) == "FF0000"
    for indent in (mark.paragraph_format.left_indent, mark.paragraph_format.right_indent):
        assert abs(indent + Mm(7)) < Mm(0.1)
    # 紧急程度 flush left and the number flush right on the line under the double line.
    number = paragraphs[1]
    assert number.text == "加急\t青教发〔2026〕12号"
    stops = list(number.paragraph_format.tab_stops)
    assert len(stops) == 1 and stops[0].alignment == 2  # right
    assert abs(stops[0].position - Mm(156)) < Mm(0.1)
    assert number._p.pPr.find(qn("w:pBdr")) is None  # no single red line of §2.3
    # The lower double line (thin over thick), 170 mm, 20 mm above the foot of page 1.
    section = letter_docx.sections[0]
    assert section.different_first_page_header_footer
    foot = section.first_page_footer.paragraphs[0]
    frame = foot._p.pPr.find(qn("w:framePr"))
    twips = 1440 / 25.4
    assert int(frame.get(qn("w:w"))) == pytest.approx(170 * twips, abs=2)
    assert int(frame.get(qn("w:x"))) == pytest.approx(21 * twips, abs=2)  # (210-170)/2
    assert int(frame.get(qn("w:y"))) == pytest.approx(277 * twips, abs=0.5 * twips)
    assert frame.get(qn("w:vAnchor")) == "page" and frame.get(qn("w:hAnchor")) == "page"
    lower = foot._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert lower.get(qn("w:val")) == "thinThickSmallGap"
    assert lower.get(qn("w:color")) == "FF0000"
    assert "PAGE" not in foot._p.xml  # no page number on the first page
    assert "PAGE" in section.footer.paragraphs[0]._p.xml
    # 版记: 抄送 only, without 印发机关, 印发日期 and separator lines.
    assert any(p.text.startswith("抄送：") for p in paragraphs)
    assert not any("印发" in p.text for p in paragraphs)
    shaded = [p for p in paragraphs if p._p.pPr is not None and p._p.pPr.find(qn("w:shd"))]
    assert shaded == []


def test_docx_of_a_notice_has_no_letter_lines(docx_file):
    from docx.oxml.ns import qn

    section = docx_file.sections[0]
    assert not section.different_first_page_header_footer
    mark = next(p for p in docx_file.paragraphs if "青山县教育局文件" in p.text)
    assert mark.paragraph_format.left_indent is None
    assert mark._p.pPr.find(qn("w:pBdr")) is None  # the red line is under the number
