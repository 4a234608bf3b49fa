"""The demo county's government website: every section of 禾溪县's portal filled with
generated, FICTIONAL content (news, notices, policies with interpretations, the
disclosure guide, annual reports and catalogue items, investment projects, topics,
the county overview, leaders), with pictures, attachments and one short video.

`load_website(county_root, office, units, seed=...)` is called by the demo loader
(`zhengtong.demo.generator.build_county`) inside its transaction, after the county's
units and staff exist. Pictures are drawn with Pillow from a `random.Random` seeded
with the seed (landscapes, fields, town, industrial park, service hall, meeting
room, abstract portrait placeholders: never photographs of anyone); attachments are
small generated PDF, Word and Excel files; the video is the committed
`zhengtong/demo/assets/hexi-landscape.mp4` (scripts/make_demo_video.py). The same seed gives
the same pictures, texts and numbers; dates are relative to today.

Every page is published through Wagtail (so the pre-publication checks, the
catalogue's 索引号 and the search index all run as for an editor's page). The county
is invented: its place names, people, numbers and documents do not exist, and nothing
is copied from a real government website.
"""

from __future__ import annotations

import copy
import datetime
import html
import io
import random
import re
from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from wagtail.models import Collection, Page, Revision

from zhengtong.demo import content, data
from zhengtong.org.models import Membership, Role, Unit, UnitKind, User
from zhengtong.portal import models as m
from zhengtong.portal import sitetree

DEFAULT_SEED = 2026
ASSETS = Path(__file__).resolve().parent.parent / "assets"
VIDEO_FILE = ASSETS / "hexi-landscape.mp4"
COLLECTION_NAME = "禾溪县演示素材"
FONT_CANDIDATES = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # face 2: SC
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
]
MARK = data.FICTION_MARK  # （虚构演示数据）
SENSITIVE_WORDS = ["绝密", "机密", "内部资料", "演示敏感词"]
_website = content.load("website")  # the words: zhengtong/demo/data/website.toml
_FIELD = re.compile(r"\{\{|\}\}|\{([\w.]+)(?::([^}]*))?\}")


def _lookup(scope, dotted):
    """`scope[a]` for "a", its attribute b for "a.b" (the loader's own objects only)."""
    name, *attrs = dotted.split(".")
    value = scope[name]
    for attr in attrs:
        value = getattr(value, attr)
    return value


@dataclass
class LoadResult:
    pages: int
    images: int
    documents: int
    seconds: float


class AlreadyFilled(Exception):
    """The website already has content (the demo's news section is not empty)."""


def load_website(county_root, office, units=None, *, seed=DEFAULT_SEED):
    """Fill the website of the demo county. `units` is the demo's dict of units by key
    (generator.py); without it units are looked up by name. Returns a LoadResult;
    raises AlreadyFilled (changing nothing) when the news section has pages already."""
    import time

    started = time.perf_counter()
    with transaction.atomic():
        loader = _Loader(county_root, office, units or {}, seed)
        loader.run()
    return LoadResult(
        pages=loader.pages,
        images=loader.images,
        documents=loader.documents,
        seconds=time.perf_counter() - started,
    )


# --- pictures ---------------------------------------------------------------------------

_FONTS: dict = {}


def _font(size):
    """A CJK font of `size` px, or None when no CJK font is installed (the pictures are
    then drawn without their caption)."""
    from PIL import ImageFont

    if size not in _FONTS:
        _FONTS[size] = None
        for path, index in FONT_CANDIDATES:
            if Path(path).exists():
                try:
                    _FONTS[size] = ImageFont.truetype(path, size, index=index)
                    break
                except OSError:
                    continue
    return _FONTS[size]


SKIES = {
    "morning": ((120, 170, 225), (250, 228, 195), (255, 222, 150)),
    "noon": ((70, 140, 220), (195, 222, 245), (255, 246, 205)),
    "evening": ((86, 96, 165), (250, 176, 128), (255, 196, 112)),
}
GREENS = [(70, 125, 95), (58, 112, 78), (45, 96, 62), (96, 140, 100), (120, 150, 90)]


def _sky(draw, w, h, top, bottom):
    for y in range(h):
        k = y / max(h - 1, 1)
        colour = tuple(int(top[i] + (bottom[i] - top[i]) * k) for i in range(3))
        draw.line([(0, y), (w, y)], fill=colour)


def _hills(draw, rng, w, h, base, amp, colour):
    import math

    p1, p2 = rng.random() * 6, rng.random() * 6
    f1, f2 = rng.uniform(2, 4), rng.uniform(6, 11)
    points = [(0, h)]
    for x in range(0, w + 16, 16):
        y = base - amp * (0.6 * math.sin(x / w * f1 + p1) + 0.4 * math.sin(x / w * f2 + p2))
        points.append((x, y))
    points.append((w, h))
    draw.polygon(points, fill=colour)


def _tree(draw, x, y, s, colour):
    draw.rectangle([x - s * 0.08, y - s * 0.3, x + s * 0.08, y], fill=(95, 70, 50))
    draw.ellipse([x - s * 0.35, y - s * 1.0, x + s * 0.35, y - s * 0.25], fill=colour)


def _clouds(draw, rng, w, h):
    for _i in range(rng.randint(2, 4)):
        cx, cy = rng.uniform(0, w), rng.uniform(0.08, 0.28) * h
        for dx, r in ((0, 0.05), (0.06, 0.07), (0.13, 0.045)):
            r *= h
            x = cx + dx * h
            draw.ellipse([x - r, cy - r * 0.6, x + r, cy + r * 0.6], fill=(248, 250, 252))


def _scene_landscape(rng, draw, w, h):
    import math

    top, bottom, sun = SKIES[rng.choice(sorted(SKIES))]
    _sky(draw, w, h, top, bottom)
    sx, sy, r = rng.uniform(0.15, 0.85) * w, rng.uniform(0.15, 0.38) * h, h * 0.06
    draw.ellipse([sx - r, sy - r, sx + r, sy + r], fill=sun)
    _clouds(draw, rng, w, h)
    for base, amp, colour in ((0.55, 0.12, (150, 175, 185)), (0.63, 0.09, GREENS[0])):
        _hills(draw, rng, w, h, base * h, amp * h, colour)
    _hills(draw, rng, w, h, 0.72 * h, 0.07 * h, GREENS[2])
    left, right = [], []
    wobble = rng.random()
    for j in range(11):  # a river winding towards the viewer
        t = j / 10
        y = h * (0.74 + 0.26 * t)
        cx = w * (0.5 + 0.25 * math.sin(t * 3 + wobble))
        half = w * (0.01 + 0.12 * t * t)
        left.append((cx - half, y))
        right.append((cx + half, y))
    draw.polygon(left + right[::-1], fill=(135, 185, 215))
    for _i in range(rng.randint(8, 16)):
        _tree(
            draw,
            rng.uniform(0, w),
            rng.uniform(0.76, 0.98) * h,
            rng.uniform(0.05, 0.12) * h,
            rng.choice(GREENS),
        )


def _scene_fields(rng, draw, w, h):
    top, bottom, _sun = SKIES[rng.choice(sorted(SKIES))]
    _sky(draw, w, h, top, bottom)
    _clouds(draw, rng, w, h)
    horizon = int(h * 0.42)
    _hills(draw, rng, w, h, horizon, h * 0.05, (140, 170, 160))
    draw.rectangle([0, horizon + h * 0.05, w, h], fill=(110, 160, 70))
    vx = rng.uniform(0.3, 0.7) * w
    colours = [(142, 180, 80), (205, 185, 90), (110, 160, 70), (225, 205, 120), (90, 140, 60)]
    n = 14
    for i in range(n):
        x0, x1 = -w + i * (3 * w / n), -w + (i + 1) * (3 * w / n)
        colour = colours[(i + rng.randint(0, 1)) % len(colours)]
        draw.polygon([(vx, horizon), (x0, h), (x1, h)], fill=colour)
    for i in range(n + 1):
        draw.line([(vx, horizon), (-w + i * (3 * w / n), h)], fill=(95, 120, 60), width=2)
    for _i in range(rng.randint(3, 6)):
        _tree(draw, rng.uniform(0, w), horizon + rng.uniform(2, 12), h * 0.06, GREENS[2])


def _scene_town(rng, draw, w, h):
    top, bottom, _sun = SKIES[rng.choice(sorted(SKIES))]
    _sky(draw, w, h, top, bottom)
    _clouds(draw, rng, w, h)
    _hills(draw, rng, w, h, h * 0.5, h * 0.08, (150, 175, 185))
    ground = h * 0.8
    x = -rng.uniform(0, 40)
    while x < w:
        bw, bh = rng.uniform(0.06, 0.12) * w, rng.uniform(0.2, 0.5) * h
        shade = rng.randint(200, 240)
        tint = rng.choice([(0, 0, 0), (10, 0, -10), (-10, 0, 10), (5, 5, -15)])
        draw.rectangle(
            [x, ground - bh, x + bw, ground],
            fill=tuple(max(0, min(255, shade + t)) for t in tint),
        )
        draw.rectangle([x, ground - bh, x + bw, ground - bh + h * 0.012], fill=(170, 90, 70))
        wy = ground - bh + h * 0.04
        while wy < ground - h * 0.05:
            wx = x + bw * 0.12
            while wx < x + bw * 0.8:
                draw.rectangle([wx, wy, wx + bw * 0.12, wy + h * 0.025], fill=(120, 160, 195))
                wx += bw * 0.22
            wy += h * 0.055
        x += bw + rng.uniform(0.005, 0.03) * w
    draw.rectangle([0, ground, w, h], fill=(120, 120, 125))
    draw.rectangle([0, ground + h * 0.02, w, ground + h * 0.035], fill=(235, 235, 235))
    for i in range(0, w, max(1, w // 8)):
        y = ground + (h - ground) * 0.55
        draw.rectangle([i, y, i + w * 0.05, y + (h - ground) * 0.05], fill=(240, 240, 240))
    for _i in range(rng.randint(6, 10)):
        _tree(draw, rng.uniform(0, w), ground + h * 0.015, h * 0.09, rng.choice(GREENS))


def _scene_park(rng, draw, w, h):
    top, bottom, _sun = SKIES["noon"]
    _sky(draw, w, h, top, bottom)
    _clouds(draw, rng, w, h)
    _hills(draw, rng, w, h, h * 0.48, h * 0.07, (150, 175, 185))
    ground = h * 0.7
    draw.rectangle([0, ground, w, h], fill=(110, 150, 90))
    x = rng.uniform(0, 0.05) * w
    while x < w:
        bw, bh = rng.uniform(0.18, 0.3) * w, rng.uniform(0.12, 0.2) * h
        draw.rectangle([x, ground - bh, x + bw, ground], fill=(225, 228, 232))
        for i in range(5):  # sawtooth roof
            tx = x + i * bw / 5
            draw.polygon(
                [
                    (tx, ground - bh),
                    (tx + bw / 5, ground - bh),
                    (tx + bw / 5, ground - bh - h * 0.05),
                ],
                fill=(80, 120, 170),
            )
        draw.rectangle([x, ground - bh * 0.35, x + bw, ground - bh * 0.3], fill=(70, 110, 160))
        x += bw + rng.uniform(0.03, 0.06) * w
    for row in range(3):  # solar panels
        y = ground + h * (0.06 + row * 0.08)
        for i in range(12):
            px = i * w / 12 + row * 10
            draw.polygon(
                [
                    (px, y),
                    (px + w / 14, y),
                    (px + w / 14 - 8, y + h * 0.05),
                    (px - 8, y + h * 0.05),
                ],
                fill=(40, 70, 120),
            )


def _scene_hall(rng, draw, w, h):
    draw.rectangle([0, 0, w, h], fill=(236, 232, 225))
    draw.rectangle([0, 0, w, h * 0.12], fill=(250, 248, 244))
    for i in range(6):
        lx = (i + 0.5) * w / 6
        draw.ellipse([lx - w * 0.03, h * 0.04, lx + w * 0.03, h * 0.08], fill=(255, 250, 220))
    draw.rectangle([w * 0.2, h * 0.16, w * 0.8, h * 0.3], fill=(170, 40, 40))
    floor = h * 0.6
    draw.polygon([(0, h), (w, h), (w * 0.85, floor), (w * 0.15, floor)], fill=(205, 195, 180))
    for i in range(9):
        x0 = w * 0.15 + i * w * 0.7 / 8
        draw.line([(x0, floor), (w * (i / 8), h)], fill=(185, 175, 160), width=2)
    n = rng.randint(5, 7)
    for i in range(n):  # service counters with their screens
        x0 = w * 0.12 + i * w * 0.76 / n
        x1 = x0 + w * 0.76 / n - w * 0.015
        draw.rectangle([x0, h * 0.42, x1, floor], fill=(120, 90, 70))
        draw.rectangle([x0 + 6, h * 0.36, x1 - 6, h * 0.42], fill=(60, 110, 170))


def _scene_meeting(rng, draw, w, h):
    draw.rectangle([0, 0, w, h], fill=(232, 228, 220))
    draw.rectangle([0, 0, w, h * 0.45], fill=(180, 58, 52))
    draw.rectangle([w * 0.3, h * 0.1, w * 0.7, h * 0.2], fill=(220, 180, 90))
    draw.rectangle([0, h * 0.45, w, h], fill=(200, 185, 160))
    for row in range(4):
        y = h * (0.5 + row * 0.12)
        left, right = w * (0.08 - row * 0.02), w * (0.92 + row * 0.02)
        draw.rectangle([left, y, right, y + h * 0.05], fill=(110, 75, 55))
        seats = 10 + row * 2
        for i in range(seats):  # name cards on the tables
            cx = left + (i + 0.5) * (right - left) / seats
            draw.rectangle(
                [cx - 8 - row, y + h * 0.012, cx + 8 + row, y + h * 0.032], fill=(250, 250, 250)
            )


def _scene_abstract(rng, draw, w, h):
    """A banner: soft diagonal bands in one hue."""
    base = rng.choice([(40, 100, 170), (30, 120, 90), (170, 60, 50), (190, 120, 40)])
    _sky(draw, w, h, tuple(min(255, c + 60) for c in base), base)
    for i in range(7):
        shade = tuple(min(255, c + 25 * (i % 3)) for c in base)
        x = w * (i / 6) + rng.uniform(-40, 40)
        draw.polygon([(x, 0), (x + w * 0.12, 0), (x - w * 0.2, h), (x - w * 0.32, h)], fill=shade)


SCENES = {
    "landscape": _scene_landscape,
    "fields": _scene_fields,
    "town": _scene_town,
    "park": _scene_park,
    "hall": _scene_hall,
    "meeting": _scene_meeting,
    "abstract": _scene_abstract,
}

# What each kind of scene shows, for its description (alt text).
SCENE_WORDS = {
    "landscape": "远山、河流和树木的风景插画",
    "fields": "向远方延伸的成片农田插画",
    "town": "县城街道与楼房的插画",
    "park": "工业园区厂房和光伏板的插画",
    "hall": "政务服务大厅办事窗口的插画",
    "meeting": "会议室主席台和座位的插画",
    "abstract": "斜向色带组成的抽象图案",
}


def draw_picture(rng, scene, caption, size=(960, 540)):
    """JPEG bytes of a generated picture with `caption` on a band at the bottom."""
    from PIL import Image, ImageDraw

    w, h = size
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    SCENES[scene](rng, draw, w, h)
    font = _font(max(14, int(min(w, h * 1.78) * 0.031)))
    if font is not None and caption:
        band_h = int(font.size * 1.9)
        band = Image.new("RGBA", (w, band_h), (0, 0, 0, 125))
        img.paste(band, (0, h - band_h), band)
        draw = ImageDraw.Draw(img)
        draw.text((w * 0.025, h - band_h / 2), caption, font=font, fill="white", anchor="lm")
        small = _font(max(11, int(font.size * 0.6)))
        draw.text(
            (w * 0.975, h - band_h / 2), "演示图片", font=small, fill=(230, 230, 230), anchor="rm"
        )
    out = io.BytesIO()
    img.save(out, "JPEG", quality=70, optimize=True)
    return out.getvalue()


def draw_portrait(rng, initial, size=(360, 480)):
    """An abstract placeholder for a leader's photo: a coloured disc with one character
    on a soft background. Not a picture of anyone."""
    from PIL import Image, ImageDraw

    w, h = size
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    base = rng.choice([(52, 94, 150), (60, 120, 110), (140, 70, 60), (95, 85, 140)])
    _sky(draw, w, h, (238, 240, 244), (205, 212, 222))
    r = w * 0.33
    cx, cy = w / 2, h * 0.42
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=base)
    font = _font(int(r * 1.1))
    if font is not None:
        draw.text((cx, cy), initial, font=font, fill="white", anchor="mm")
        label = _font(max(12, int(w * 0.05)))
        draw.text((cx, h * 0.86), "照片（演示占位图）", font=label, fill=(90, 96, 110), anchor="mm")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=75, optimize=True)
    return out.getvalue()


# --- attachments -----------------------------------------------------------------------------


def simple_pdf(title, paragraphs):
    """A small A4 PDF of a title and paragraphs of Chinese text. It uses the standard
    Chinese font STSong-Light (Adobe-GB1, UniGB-UCS2-H), which PDF readers supply, so
    nothing is embedded and the file stays a few kilobytes (laying it out with
    WeasyPrint and an embedded Noto CJK font takes several seconds per file)."""

    def width(ch):
        return 0.5 if ord(ch) < 0x80 else 1.0

    def wrap(text, size, limit=451.0):
        lines, line, used = [], "", 0.0
        for ch in text:
            cw = width(ch) * size
            if used + cw > limit:
                lines.append(line)
                line, used = "", 0.0
            line += ch
            used += cw
        lines.append(line)
        return lines

    def hexstr(text):
        return "<" + text.encode("utf-16-be").hex().upper() + ">"

    rows = [(18, t) for t in wrap(title, 18)] + [(12, "")]
    for para in paragraphs:
        rows += [(12, t) for t in wrap("\u3000\u3000" + para, 12)]
    rows += [(12, ""), (10, data.FICTION_MARK)]
    pages, current, y = [], [], 780.0
    for size, text in rows:
        leading = size * 1.7
        if y - leading < 60:
            pages.append(current)
            current, y = [], 780.0
        y -= leading
        x = 297.5 - sum(width(c) for c in text) * size / 2 if size == 18 else 72
        current.append(f"BT /F1 {size} Tf {x:.1f} {y:.1f} Td {hexstr(text)} Tj ET")
    pages.append(current)

    objects = {
        1: "<< /Type /Catalog /Pages 2 0 R >>",
        3: "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        "/DescendantFonts [4 0 R] >>",
        4: "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
        "/FontDescriptor 5 0 R /DW 1000 /W [1 95 500] >>",
        5: "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
        "/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
        "/CapHeight 880 /StemV 93 >>",
    }
    kids = []
    for i, lines in enumerate(pages):
        page_no, content_no = 6 + 2 * i, 7 + 2 * i
        stream = "\n".join(lines).encode("ascii")
        objects[page_no] = (
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {content_no} 0 R >>"
        )
        objects[content_no] = stream
        kids.append(f"{page_no} 0 R")
    objects[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"

    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        body = objects[number]
        out.write(f"{number} 0 obj\n".encode())
        if isinstance(body, bytes):
            out.write(f"<< /Length {len(body)} >>\nstream\n".encode() + body + b"\nendstream")
        else:
            out.write(body.encode("ascii"))
        out.write(b"\nendobj\n")
    xref = out.tell()
    count = max(objects) + 1
    out.write(f"xref\n0 {count}\n0000000000 65535 f \n".encode())
    for number in range(1, count):
        out.write(f"{offsets[number]:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {count} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def simple_docx(title, paragraphs, table=None):
    """A small Word file: title, paragraphs and an optional table (rows of strings)."""
    import docx
    from docx.oxml.ns import qn

    document = docx.Document()
    for style_name in ("Normal", "Title", "Heading 1"):
        style = document.styles[style_name]
        style.font.name = "宋体"
        style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    document.add_heading(title, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        grid.style = "Table Grid"
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                grid.cell(r, c).text = cell
    document.add_paragraph(data.FICTION_MARK)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def simple_xlsx(title, rows):
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    for row in rows:
        sheet.append(row)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    sheet.append([data.FICTION_MARK])
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- body blocks (raw StreamField data) ---------------------------------------------------------


def esc(text):
    return html.escape(str(text), quote=False)


def rich(*parts):
    """Rich text from parts: "## heading", "- item" lines of a list, or a paragraph."""
    out, items = [], []
    for part in parts:
        if part.startswith("- "):
            items.append(f"<li>{_linked(part[2:])}</li>")
            continue
        if items:
            out.append("<ul>" + "".join(items) + "</ul>")
            items = []
        if part.startswith("### "):
            out.append(f"<h3>{esc(part[4:])}</h3>")
        elif part.startswith("## "):
            out.append(f"<h2>{esc(part[3:])}</h2>")
        else:
            out.append(f"<p>{esc(part)}</p>")
    if items:
        out.append("<ul>" + "".join(items) + "</ul>")
    return "".join(out)


_LINK = re.compile(r"\[([^\]]+)\]\((/[^)\s]*)\)")


def _linked(text):
    """Escaped text in which "[label](/path/)" becomes a link to a path of this site."""
    out, last = [], 0
    for match in _LINK.finditer(text):
        out.append(esc(text[last : match.start()]))
        out.append(f'<a href="{esc(match.group(2))}">{esc(match.group(1))}</a>')
        last = match.end()
    out.append(esc(text[last:]))
    return "".join(out)


def para(*parts):
    return {"type": "paragraph", "value": rich(*parts)}


def _figure_value(image, caption=""):
    return {
        "image": {"image": image.pk, "decorative": False, "alt_text": image.description},
        "caption": caption,
    }


def figure(image, caption=""):
    return {"type": "figure", "value": _figure_value(image, caption)}


def gallery(title, images):
    return {
        "type": "gallery",
        "value": {"title": title, "images": [_figure_value(i, i.title) for i in images]},
    }


def table(rows, caption="", header=True):
    return {
        "type": "table",
        "value": {
            "data": [[str(c) for c in row] for row in rows],
            "cell": [],
            "mergeCells": [],
            "first_row_is_table_header": header,
            "first_col_is_header": False,
            "table_header_choice": "row" if header else "",
            "table_caption": caption,
        },
    }


def attachments(*documents):
    return {"type": "attachments", "value": {"files": [d.pk for d in documents]}}


def video(document, poster, title, transcript):
    return {
        "type": "video",
        "value": {
            "video": document.pk,
            "poster": poster.pk,
            "title": title,
            "transcript": transcript,
        },
    }


# --- the loader ------------------------------------------------------------------------------


class _Loader:
    def __init__(self, county_root, office, units, seed):
        self.county = county_root
        self.office = office
        self.units = units
        self.seed = seed
        self.rng = random.Random(f"zhengtong-demo:{seed}:website")
        self.picture_rng = random.Random(f"zhengtong-demo:{seed}:website-pictures")
        self.today = timezone.localdate()
        self.pages = self.images = self.documents = 0
        self.name = county_root.name  # 禾溪县
        self.image_serial = 0

    # units and people -----------------------------------------------------------------

    def dept(self, suffix):
        unit = self.units.get(f"dept:{suffix}")
        if unit is None:
            unit = Unit.objects.filter(name=f"{self.name}{suffix}").first()
        return unit

    def government(self):
        return (
            self.units.get("government")
            or Unit.objects.filter(kind=UnitKind.GOVERNMENT, is_active=True).order_by("pk").first()
        )

    def towns(self):
        return list(
            Unit.objects.filter(kind=UnitKind.TOWN, is_active=True).order_by("sort_order", "pk")
        )

    def holder(self, role, unit):
        if unit is None:
            return None
        return (
            User.objects.filter(role_assignments__role=role, role_assignments__unit=unit)
            .order_by("pk")
            .first()
        )

    def staff_of(self, unit):
        """(user, position) of the people whose primary unit is `unit`, in order."""
        rows = (
            Membership.objects.filter(unit=unit, is_primary=True)
            .select_related("user")
            .order_by("user_id")
        )
        return [(row.user, row.position or row.user.position) for row in rows]

    # dates -------------------------------------------------------------------------------

    def moment(self, days_ago, hour=None):
        """A time of day `days_ago` days before today (a working hour)."""
        day = self.today - datetime.timedelta(days=days_ago)
        hour = hour if hour is not None else self.rng.randint(8, 17)
        minute = self.rng.randrange(0, 60)
        naive = datetime.datetime.combine(day, datetime.time(hour, minute))
        return timezone.make_aware(naive)

    def date_in(self, month, first=1, last=28):
        """(days ago, year) of a day of `month` in the past year: this year's if that
        day has passed, else last year's. For items that belong to a season."""
        day = self.rng.randint(first, last)
        date = datetime.date(self.today.year, month, day)
        if date >= self.today:
            date = datetime.date(self.today.year - 1, month, day)
        return (self.today - date).days, date.year

    def spread(self, count, low, high):
        """`count` distinct day offsets between low and high, one in each of `count`
        equal stretches (so that every month has some), oldest last."""
        width = (high - low) / count
        return [
            self.rng.randrange(
                int(low + i * width), max(int(low + (i + 1) * width), int(low + i * width) + 1)
            )
            for i in range(count)
        ]

    # media -------------------------------------------------------------------------------

    def collection(self):
        if not hasattr(self, "_collection"):
            # A flushed database (browser tests) has lost the root that Wagtail's
            # migrations create.
            root = Collection.get_first_root_node() or Collection.add_root(name="Root")
            existing = root.get_children().filter(name=COLLECTION_NAME).first()
            self._collection = existing or root.add_child(name=COLLECTION_NAME)
        return self._collection

    def picture(self, scene, caption, description, *, size=(960, 540), title=None):
        """A Wagtail image drawn for the demo, with its description (alt text)."""
        from wagtail.images import get_image_model

        self.image_serial += 1
        content = draw_picture(self.picture_rng, scene, caption, size)
        image = get_image_model()(
            title=title or caption,
            description=description,
            collection=self.collection(),
            file=ImageFile(io.BytesIO(content), name=f"demo-{self.image_serial:03d}-{scene}.jpg"),
        )
        image._set_image_file_metadata()
        image.save()
        self.images += 1
        return image

    def scene_picture(self, scene, caption):
        description = f"{SCENE_WORDS[scene]}，图上文字为“{caption}”（虚构演示图片）"
        return self.picture(scene, caption, description)

    def portrait(self, person_name, position):
        from wagtail.images import get_image_model

        self.image_serial += 1
        content = draw_portrait(self.picture_rng, person_name[0])
        image = get_image_model()(
            title=f"{position}{person_name}（照片占位图）",
            description=(
                f"{person_name}的照片占位图：圆形色块中写着“{person_name[0]}”字，"
                "不是真人照片（虚构演示）"
            ),
            collection=self.collection(),
            file=ImageFile(io.BytesIO(content), name=f"demo-{self.image_serial:03d}-portrait.jpg"),
        )
        image._set_image_file_metadata()
        image.save()
        self.images += 1
        return image

    def document(self, title, filename, content):
        from wagtail.documents import get_document_model

        doc = get_document_model()(
            title=title, collection=self.collection(), file=ContentFile(content, name=filename)
        )
        doc._set_document_file_metadata()
        doc.save()
        self.documents += 1
        return doc

    def video_document(self):
        if not hasattr(self, "_video"):
            self._video = self.document(
                "禾溪县风光短片（虚构演示视频）", "hexi-landscape.mp4", VIDEO_FILE.read_bytes()
            )
        return self._video

    # pages -------------------------------------------------------------------------------

    def publish(self, parent, page, *, days_ago=None, when=None, owner=None):
        """Add `page` under `parent` and publish it. DEMO DATA ONLY: the publication dates
        are set to `when` (or `days_ago` days back) so that the demo's items spread over
        the past year; real pages get theirs from Wagtail when they go live (§5.2)."""
        if when is None and days_ago is not None:
            when = self.moment(days_ago)
        if when is not None:
            page.first_published_at = when
        if owner is not None:
            page.owner = owner
        parent.add_child(instance=page)
        revision = page.save_revision(user=owner, clean=False)  # add_child has cleaned it
        revision.publish()  # by the system: the demo loads as no one
        if when is not None:
            Page.objects.filter(pk=page.pk).update(
                first_published_at=when, last_published_at=when, latest_revision_created_at=when
            )
            Revision.objects.filter(pk=revision.pk).update(created_at=when)
            page.first_published_at = page.last_published_at = when
        self.pages += 1
        return page

    def republish(self, page, **fields):
        """Change fields of an existing (skeleton) page and publish the change."""
        for name, value in fields.items():
            setattr(page, name, value)
        page.save_revision().publish()
        page.refresh_from_db()
        return page

    # ---------------------------------------------------------------------------------------

    def run(self):
        news = sitetree.section("zwdt")
        if news is not None and news.get_children().exists():
            raise AlreadyFilled(self.name)
        home = sitetree.ensure_site(self.county, office=self.office)
        self.site_settings(home)
        from zhengtong.portal import workflow

        if hasattr(workflow, "ensure_review_workflow"):
            workflow.ensure_review_workflow(home)
        self.towns_ = self.towns()
        self.editor = self.holder(Role.EDITOR, self.office)
        self.republish(
            home,
            intro=f"欢迎访问{self.name}人民政府门户网站。本站为政通平台的虚构演示站点，"
            "所有地名、人名、数字和文件均为虚构。",
            owner=self.editor,
        )
        self.fill_news()
        self.fill_notices()
        self.fill_policies()
        self.fill_disclosure()
        self.fill_investment()
        self.fill_topics()
        self.fill_about()
        self.fill_leaders()
        self.fill_services()

    def site_settings(self, home):
        from wagtail.models import Site

        site = Site.objects.get(is_default_site=True)
        settings = m.SiteSettings.for_site(site)
        settings.sponsor = f"{self.name}人民政府"
        settings.organiser = self.office.name
        settings.contact_phone = self.office.phone
        settings.contact_email = "zfwz@hexi.example"
        settings.address = f"{self.office.address}（邮编 {self.office.postcode or data.POSTCODE}）"
        # Clearly fictional numbers: 990101 is the invented division code (no province
        # code starts with 99); "禾" is no province's abbreviation.
        settings.site_code = f"{data.REGION_CODE}0001"
        settings.icp_number = "禾ICP备20260001号（虚构）"
        settings.police_number = f"禾公网安备 {data.REGION_CODE}02000001号（虚构）"
        settings.police_code = f"{data.REGION_CODE}02000001"
        settings.investment_unit = self.dept("投资促进局") or self.dept("商务局")
        settings.sensitive_words = "\n".join(SENSITIVE_WORDS)
        settings.save()

    # 政务动态 ------------------------------------------------------------------------------

    def text(self, template, **values):
        """`template` from website.toml with its fields filled in: {county}, {mark},
        {town:N}, {n:A-B} (a number drawn now) and the `values` given ({name.attr}: an
        attribute of one of them)."""

        def one(match):
            name, arg = match.group(1), match.group(2)
            if name is None:  # "{{" or "}}": a brace of the text itself
                return match.group(0)[0]
            if name == "n":
                low, high = arg.split("-")
                return str(self.rng.randint(int(low), int(high)))
            if name == "town":
                return self.town_name(int(arg))
            return str(_lookup({"county": self.name, "mark": MARK, **values}, name))

        return _FIELD.sub(one, template)

    def render(self, value, scope, helpers=None):
        """A value from website.toml made real, in the order it stands (so that numbers
        drawn with the seed come out the same): strings are templates (see `text`),
        "=name" is the object `scope` holds under that name, "=dept:X" the department X
        ("=dept:X|name": or the object `name` when there is no such department),
        "=None" is None, "=n:A-B" a number drawn now, "=season:M" the days ago of a day
        in month M (drawn now), and a table with `call` is made by that one of `helpers` from its
        other keys."""
        if isinstance(value, str):
            if value == "=None":
                return None
            if value.startswith("=season:"):  # days ago of a day in that month, drawn now
                return self.date_in(int(value.removeprefix("=season:")))[0]
            if value.startswith("=n:"):  # a number drawn now
                low, high = value.removeprefix("=n:").split("-")
                return self.rng.randint(int(low), int(high))
            if value.startswith("=dept:"):  # "=dept:X|name": else the object `name`
                suffix, _bar, fallback = value.removeprefix("=dept:").partition("|")
                return self.dept(suffix) or (_lookup(scope, fallback) if fallback else None)
            if value.startswith("="):
                return _lookup(scope, value[1:])
            return self.text(value, **scope)
        if isinstance(value, list):
            return [self.render(v, scope, helpers) for v in value]
        if isinstance(value, dict):
            fields = {k: self.render(v, scope, helpers) for k, v in value.items() if k != "call"}
            return helpers[value["call"]](**fields) if "call" in value else fields
        return value

    def town_name(self, i):
        towns = self.towns_
        return towns[i % len(towns)].short_name if towns else "丰源镇"

    def fill_news(self):
        news = sitetree.section("zwdt")
        self.republish(
            news,
            intro=rich(f"{self.name}人民政府及各部门、各乡镇的工作动态。{MARK}"),
        )
        head = self.holder(Role.UNIT_HEAD, self.government())
        head_name = head.real_name if head else "县长"
        items = _news_items(self, head_name)
        free = iter(self.spread(sum("month" not in i for i in items), 1, 360))
        for i, item in enumerate(items):
            day = self.date_in(item["month"])[0] if "month" in item else next(free)
            self.add_article(news, item, day, with_cover=i % 4 != 3, extra_figure=i % 5 == 0)
        # Departments' own columns under 政务动态, each owned (edited and reviewed) by
        # the department.
        for suffix, slug, title, entries in _department_news(self):
            unit = self.dept(suffix)
            if unit is None:
                continue
            editor = self.holder(Role.EDITOR, unit)
            column = self.publish(
                news,
                m.SectionPage(
                    title=title,
                    slug=slug,
                    owner_unit=unit,
                    intro=rich(f"{unit.name}的工作动态。{MARK}"),
                ),
                days_ago=365,
                owner=editor,
            )
            free = iter(self.spread(len(entries), 3, 330))
            for j, item in enumerate(entries):
                day = self.date_in(item["month"])[0] if "month" in item else next(free)
                self.add_article(column, item, day, unit=unit, owner=editor, with_cover=j != 1)
            if suffix == "教育局" and editor is not None:
                # A draft waiting for its editor to submit it for review (three steps:
                # the department's reviewer, the government office, publication).
                draft = m.ArticlePage(
                    title="县教育局开展秋冬季校园安全大检查",
                    owner_unit=unit,
                    source_unit=unit,
                    in_catalogue=False,
                    topic=m.Topic.EDUCATION,
                    summary="县教育局组织力量对全县中小学校开展秋冬季校园安全大检查。",
                    body=[
                        para(
                            "县教育局组织力量对全县中小学校开展秋冬季校园安全大检查，"
                            "重点检查消防设施、食堂食品安全和校车运行情况。" + MARK
                        )
                    ],
                    live=False,
                    owner=editor,
                )
                column.add_child(instance=draft)
                draft.save_revision(user=editor)
                self.pages += 1

    def add_article(
        self, parent, item, day, *, unit=None, owner=None, with_cover=True, extra_figure=False
    ):
        """An ArticlePage under `parent` from `item` (see `_item`), published `day` days
        ago. `unit` is the responsible unit (default: the parent's); the source is the
        item's unit."""
        source = item.get("unit") or unit or self.office
        owner = owner or self.holder(Role.EDITOR, unit) or self.editor
        cover = self.scene_picture(item["scene"], item["caption"]) if with_cover else None
        body = [para(*item["body"])]
        if extra_figure:
            second = self.scene_picture(item.get("scene2", "landscape"), item["caption2"])
            body.append(figure(second, item["caption2"]))
        if item.get("table"):
            body.append(table(*item["table"]))
        if item.get("files"):
            body.append(attachments(*item["files"]))
        body.append(para(MARK))
        when = self.moment(day)
        page = m.ArticlePage(
            title=item["title"],
            slug=f"t{when:%Y%m%d}-{self.pages + 1:03d}",
            owner_unit=unit,
            source_unit=source,
            cover=cover,
            summary=item["summary"],
            body=body,
            in_catalogue=item.get("in_catalogue", False),
            topic=item.get("topic", m.Topic.GENERAL),
            category=item.get("category", m.DisclosureCategory.OTHER),
        )
        return self.publish(parent, page, when=when, owner=owner)

    # 通知公告 ------------------------------------------------------------------------------

    def fill_notices(self):
        notices = sitetree.section("tzgg")
        self.republish(notices, intro=rich(f"{self.name}人民政府及各部门发布的通知、公告。{MARK}"))
        items = _notices(self)
        free = iter(self.spread(len(items), 1, 340))
        for item in items:
            item.setdefault("in_catalogue", True)
            day = item["days"] if "days" in item else next(free)
            self.add_article(notices, item, day, with_cover=False)

    # 政策文件 ------------------------------------------------------------------------------

    def fill_policies(self):
        index = sitetree.section("zcfg")
        self.republish(
            index,
            intro=rich(
                f"{self.name}人民政府及其办公室、各部门制发的规范性文件和政策文件，"
                f"以及同步发布的政策解读。已修改、已废止的文件在原页面标注。{MARK}"
            ),
        )
        government = self.government()
        created = {}
        for spec in _policies(self):
            unit = (
                self.dept(spec["unit"])
                if spec["unit"]
                else (self.office if spec.get("office") else government)
            )
            issued = self.today - datetime.timedelta(days=spec["days"])
            number = spec["number"].format(year=issued.year)
            replaced_by = created.get(spec.get("replaced_by"))
            page = m.PolicyPage(
                title=spec["title"],
                slug=spec["slug"],
                owner_unit=unit,
                doc_number=number,
                issuing_unit=unit,
                issued_on=issued,
                validity=spec.get("validity", m.Validity.VALID),
                replaced_by=replaced_by,
                summary=spec["summary"],
                body=[
                    para(*_policy_body(self, spec, unit, issued, number)),
                    *([attachments(spec["file"])] if spec.get("file") else []),
                ],
                in_catalogue=True,
                topic=spec["topic"],
                category=spec.get("category", m.DisclosureCategory.REGULATIONS),
            )
            owner = self.holder(Role.EDITOR, unit) or self.editor
            created[spec["slug"]] = self.publish(
                index, page, days_ago=max(spec["days"] - 2, 1), owner=owner
            )
        for spec in _interpretations():
            policy = created[spec["policy"]]
            unit = self.dept(spec["unit"]) or self.office
            page = m.InterpretationPage(
                title=spec["title"],
                slug=spec["slug"],
                owner_unit=unit,
                policy=policy,
                source_unit=unit,
                summary=spec["summary"],
                body=[para(*spec["body"], f"原文链接见本页“所解读的政策”。{MARK}")],
                in_catalogue=True,
                topic=policy.topic,
                category=policy.category,
            )
            published = timezone.localtime(policy.first_published_at)
            self.publish(
                index, page, when=published + datetime.timedelta(hours=2), owner=self.editor
            )
        self.policies = created

    # 政府信息公开 ---------------------------------------------------------------------------

    def fill_disclosure(self):
        index = sitetree.section("xxgk")
        office = self.office
        self.republish(
            index,
            intro=rich(
                f"{self.name}人民政府信息公开平台：公开指南、公开目录、法定主动公开内容和"
                f"政府信息公开工作年度报告。{MARK}"
            ),
        )
        self.publish(
            index,
            m.StandardPage(
                title="政府信息公开指南",
                slug="gkzn",
                owner_unit=office,
                summary=f"{self.name}人民政府信息公开的分类编排、获取方式和工作机构。",
                body=_guide_body(self),
            ),
            days_ago=40,
            owner=self.editor,
        )
        self.publish(
            index,
            m.StandardPage(
                title="依申请公开",
                slug="ysqgk",
                owner_unit=office,
                summary="如何申请获取未主动公开的政府信息。",
                body=_application_body(self),
            ),
            days_ago=40,
            owner=self.editor,
        )
        for year in (self.today.year - 3, self.today.year - 2, self.today.year - 1):
            when = timezone.make_aware(datetime.datetime(year + 1, 3, 20 + year % 5, 10, 0))
            if when.date() >= self.today:
                when = self.moment(1)
            self.publish(
                index,
                m.AnnualReportPage(
                    title=f"{self.name}人民政府{year}年政府信息公开工作年度报告",
                    slug=f"ndbg{year}",
                    owner_unit=office,
                    year=year,
                    body=_annual_report(self, year),
                    in_catalogue=True,
                    topic=m.Topic.GENERAL,
                    category=m.DisclosureCategory.OTHER,
                ),
                when=when,
                owner=self.editor,
            )
        for slug, title, items in _disclosure_sections(self):
            column = self.publish(
                index,
                m.SectionPage(title=title, slug=slug, owner_unit=office, intro=rich(MARK)),
                days_ago=365,
                owner=self.editor,
            )
            free = iter(self.spread(len(items), 5, 350))
            for item in items:
                item["in_catalogue"] = True
                day = item["days"] if "days" in item else next(free)
                if item.get("disclosed_document"):
                    self.add_disclosed_document(column, item, day)
                else:
                    self.add_article(column, item, day, with_cover=False)

    def add_disclosed_document(self, parent, item, day):
        unit = item["unit"]
        issued = self.today - datetime.timedelta(days=day + 3)
        number = item["number"].format(year=issued.year)
        pdf = self.document(
            f"{item['title']}（PDF）",
            f"{item['slug']}.pdf",
            simple_pdf(item["title"], [f"{number}"] + item["body"]),
        )
        page = m.DisclosedDocumentPage(
            title=item["title"],
            slug=item["slug"],
            owner_unit=unit,
            doc_number=number,
            issuing_unit=unit,
            issued_on=issued,
            summary=item["summary"],
            body_html=rich(*item["body"], MARK),
            pdf=pdf,
            in_catalogue=True,
            topic=item["topic"],
            category=item["category"],
        )
        return self.publish(parent, page, days_ago=day, owner=self.editor)

    # 招商引资 ------------------------------------------------------------------------------

    def fill_investment(self):
        index = sitetree.section("zsyz")
        bureau = self.dept("投资促进局") or self.dept("商务局") or self.office
        editor = self.holder(Role.EDITOR, bureau) or self.editor
        staff = [u for u, _p in self.staff_of(bureau)]
        contact = staff[1] if len(staff) > 1 else (staff[0] if staff else None)
        contact_name = contact.real_name if contact else "投资服务科"
        self.republish(
            index,
            intro=rich(
                f"{self.name}欢迎各界投资者。这里发布招商项目、投资政策、资源禀赋和投资环境，"
                f"投资咨询由{bureau.name}受理。{MARK}"
            ),
        )
        for k, spec in enumerate(_projects(self)):
            cover = self.scene_picture(spec["scene"], spec["title"])
            page = m.ProjectPage(
                title=spec["title"],
                slug=spec["slug"],
                owner_unit=bureau,
                sector=spec["sector"],
                location=spec["location"],
                investment=spec["investment"],
                land_area=spec.get("land"),
                status=spec["status"],
                contact_name=contact_name,
                contact_phone=bureau.phone,
                cover=cover,
                summary=spec["summary"],
                body=[para(*spec["body"], MARK)],
            )
            self.publish(index, page, days_ago=30 + 37 * k, owner=editor)
        poster = self.picture(
            "landscape",
            f"{self.name}风光（视频封面）",
            f"视频封面：{SCENE_WORDS['landscape']}，图上文字为“{self.name}风光”（虚构演示图片）",
        )
        for k, spec in enumerate(_investment_pages(self)):
            images = [self.scene_picture(scene, caption) for scene, caption in spec["gallery"]]
            body = [para(*spec["body"]), gallery(spec["gallery_title"], images)]
            if spec.get("video"):
                body.append(
                    video(
                        self.video_document(),
                        poster,
                        f"{self.name}风光短片（虚构演示视频）",
                        "短片约 3 秒：远山和田野间，太阳缓缓升起，云朵飘过，河面泛着波光。"
                        "画面左上角写着“禾溪县 · 虚构演示视频”。",
                    )
                )
            body.append(para(MARK))
            self.publish(
                index,
                m.StandardPage(
                    title=spec["title"],
                    slug=spec["slug"],
                    owner_unit=bureau,
                    summary=spec["summary"],
                    body=body,
                ),
                days_ago=60 + 20 * k,
                owner=editor,
            )
        self.poster = poster

    # 专题专栏 ------------------------------------------------------------------------------

    def fill_topics(self):
        index = sitetree.section("ztzl")
        self.republish(index, intro=rich(f"围绕县委、县政府重点工作开设的专题。{MARK}"))
        for k, spec in enumerate(_topics(self)):
            unit = self.dept(spec["unit"]) or self.office
            banner = self.picture(
                spec["scene"],
                spec["title"],
                f"专题横幅：{SCENE_WORDS[spec['scene']]}，图上文字为“{spec['title']}”（虚构演示图片）",
                size=(1200, 320),
            )
            topic = self.publish(
                index,
                m.TopicPage(
                    title=spec["title"],
                    slug=spec["slug"],
                    owner_unit=unit,
                    banner=banner,
                    summary=spec["summary"],
                    body=[para(*spec["body"], MARK)],
                ),
                days_ago=300 - 40 * k,
                owner=self.editor,
            )
            days = self.spread(len(spec["articles"]), 3, 280)
            for j, (item, day) in enumerate(zip(spec["articles"], days, strict=True)):
                item["unit"] = unit
                self.add_article(topic, item, day, with_cover=j != 2)

    # 走进县情、机构设置 --------------------------------------------------------------------

    def fill_about(self):
        about = sitetree.section("zjxq")
        towns = self.towns_
        pictures = [
            self.scene_picture("landscape", f"{self.name} · 禾溪两岸"),
            self.scene_picture("fields", f"{self.name} · 万亩良田"),
            self.scene_picture("town", f"{self.name} · 县城新貌"),
        ]
        self.republish(
            about,
            summary=f"{self.name}的地理、人口、历史和经济社会概况（虚构）。",
            body=_about_body(self, towns, pictures, self.video_document(), self.poster),
            owner_unit=self.office,
        )
        directory = sitetree.section("jgsz")
        self.republish(
            directory,
            intro=rich(
                f"{self.name}人民政府工作部门、直属机构和乡镇人民政府的职能、地址和联系电话。"
                f"信息随机构调整自动更新。{MARK}"
            ),
        )

    def fill_leaders(self):
        index = sitetree.section("ldxx")
        self.republish(index, intro=rich(f"{self.name}人民政府领导成员及分工。{MARK}"))
        government = self.government()
        order = {"县长": 0, "常务副县长": 1, "副县长": 2}
        leaders = sorted(
            ((user, title) for user, title in self.staff_of(government) if title in order),
            key=lambda p: (order[p[1]], p[0].pk),
        )
        people = [(user, title, f"{self.name}人民政府{title}") for user, title in leaders]
        head = self.holder(Role.UNIT_HEAD, self.office)
        if head is not None:
            people.append((head, "办公室主任", f"{self.name}人民政府党组成员、办公室主任"))
        portfolios = _portfolios()
        towns = self.towns_
        for k, (user, title, position) in enumerate(people[:6]):
            portfolio = portfolios[-1] if title == "办公室主任" else portfolios[min(k, 4)]
            born = 1968 + self.rng.randint(0, 12)
            town = towns[k % len(towns)].name if towns else f"{self.name}某镇"
            first_dept = self.rng.choice(["发展和改革局", "财政局", "农业农村局", "教育局"])
            biography = (
                f"{born}年生，大学学历。曾任{self.name}{first_dept}副局长、{town}党委书记等职，"
                f"现任{position}。{MARK}"
            )
            self.publish(
                index,
                m.LeaderPage(
                    title=user.real_name,
                    slug=f"leader-{k + 1}",
                    owner_unit=self.office,
                    position=position,
                    photo=self.portrait(user.real_name, title),
                    portfolio=portfolio,
                    biography=biography,
                    sort_order=(k + 1) * 10,
                ),
                days_ago=200,
                owner=self.editor,
            )

    # 办事服务、互动交流 --------------------------------------------------------------------

    def fill_services(self):
        hall_unit = self.dept("行政审批服务局") or self.office
        picture = self.scene_picture("hall", f"{self.name}政务服务中心")
        town_count = len(self.towns_)
        scope = {"MARK": MARK, "hall_unit": hall_unit, "picture": picture, "town_count": town_count}
        helpers = {"para": lambda parts: para(*parts), "figure": figure}
        self.republish(
            sitetree.section("bsfw"),
            **self.render(_website["services_page"], scope, helpers),
        )
        self.republish(
            sitetree.section("hdjl"),
            **self.render(_website["interaction_page"], scope, helpers),
        )


# --- content --------------------------------------------------------------------------------------
# All of it invented for the demo; any likeness to a real place or document is chance.


def _item(title, scene, caption, lead, detail, *, topic, unit=None, category=None, **more):
    item = {
        "title": title,
        "scene": scene,
        "caption": caption,
        "caption2": more.pop("caption2", caption + "（二）"),
        "summary": lead,
        "body": [lead, detail, *more.pop("more", [])],
        "topic": topic,
        "unit": unit,
    }
    if category:
        item["category"] = category
    item.update(more)
    return item


def _item_from(loader, row, **values):
    """An article item (see `_item`) from a row of website.toml, its texts filled in
    the order they stand (so that the seeded numbers come out the same)."""
    fields = {}
    for key, v in row.items():
        if key == "topic":
            fields[key] = m.Topic[v]
        elif key == "category":
            fields[key] = m.DisclosureCategory[v]
        elif key == "unit":
            fields[key] = loader.office if v == "office" else loader.dept(v)
        elif isinstance(v, str):
            fields[key] = loader.text(v, **values)
        elif isinstance(v, list):
            fields[key] = [loader.text(x, **values) for x in v]
        else:
            fields[key] = v
    head = [fields.pop(k) for k in ("title", "scene", "caption", "lead", "detail")]
    return _item(*head, **fields)


def _news_items(loader, head_name):
    return [_item_from(loader, row, head=head_name) for row in _website["news"]]


def _department_news(loader):
    return [
        (
            column["suffix"],
            column["slug"],
            column["title"],
            [_item_from(loader, row) for row in column["items"]],
        )
        for column in _website["department_news"]
    ]


def _person_names(loader, count):
    """Fictional names for lists in notices (not staff of the demo)."""
    rng = random.Random(f"zhengtong-demo:{loader.seed}:website-names")
    names = []
    while len(names) < count:
        pool = data.GIVEN_FEMALE if rng.random() < 0.5 else data.GIVEN_MALE
        name = rng.choice(data.SURNAMES) + rng.choice(pool) + rng.choice(pool)
        if name not in names and name not in data.BLOCKED_NAMES:
            names.append(name)
    return names


def _notices(loader):
    d, t, T, C = loader.dept, loader.town_name, m.Topic, m.DisclosureCategory
    # Items that belong to a time of year get a date in it, and their titles its year.
    new_year_days, new_year = loader.date_in(12, 20, 28)
    recruit_days, recruit_year = loader.date_in(4)
    licence_days, licence_year = loader.date_in(3)
    insurance_days, insurance_year = loader.date_in(10)
    civil_days, civil_year = loader.date_in(7)
    trainee_days, trainee_year = loader.date_in(6)
    hall = d("行政审批服务局") or loader.office

    def notice(title, body, topic, unit, category=C.OTHER, **more):
        return {
            "title": title,
            "summary": body[0],
            "body": body,
            "topic": topic,
            "unit": unit,
            "category": category,
            "scene": "town",
            "caption": title,
            "caption2": title,
            **more,
        }

    hr = d("人力资源和社会保障局") or loader.office
    names = _person_names(loader, 6)
    made = loader.render(
        _website["notice_documents"],
        {"recruit_year": recruit_year, "licence_year": licence_year},
        {"document": loader.document, "docx": simple_docx, "xlsx": simple_xlsx, "pdf": simple_pdf},
    )
    form, posts = made["form"], made["posts"]
    parking_draft, licence_list = made["parking_draft"], made["licence_list"]
    # The years the texts below refer to, and the people to be appointed.
    coming_year, insurance_next = new_year + 1, insurance_year + 1
    civil_posts = ["县财政局综合岗", "县审计局审计岗", f"{t(0)}综合岗", f"{t(1)}综合岗"]
    appointed = [["职位", "拟录用人员", "性别", "学历"]]
    appointed += [[post, names[i], "—", "本科"] for i, post in enumerate(civil_posts)]
    return loader.render(
        _website["notices"],
        {
            "C": C,
            "T": T,
            "appointed": appointed,
            "civil_days": civil_days,
            "civil_year": civil_year,
            "coming_year": coming_year,
            "form": form,
            "hall": hall,
            "hr": hr,
            "insurance_days": insurance_days,
            "insurance_next": insurance_next,
            "licence_days": licence_days,
            "licence_list": licence_list,
            "new_year_days": new_year_days,
            "parking_draft": parking_draft,
            "posts": posts,
            "recruit_days": recruit_days,
            "recruit_year": recruit_year,
            "trainee_days": trainee_days,
            "trainee_year": trainee_year,
        },
        {"notice": notice},
    )


def _policies(loader):
    T, C, V = m.Topic, m.DisclosureCategory, m.Validity
    # Oldest first where one replaces another: the replacement is created first.
    return loader.render(_website["policies"], {"C": C, "T": T, "V": V}, {})


def _policy_body(loader, spec, unit, issued, number):
    name = spec["title"].split("《")[-1].split("》")[0] if "《" in spec["title"] else ""
    lines = [
        "各乡镇人民政府，县直各单位："
        if unit.kind != UnitKind.DEPARTMENT
        else "各乡镇，各有关单位：",
    ]
    if spec["title"].endswith("的决定"):
        lines.append(
            f"经县人民政府研究，决定对《{name}》作如下修改：将第四条中的融资支持措施调整为"
            "“设立县级应急转贷资金，为符合条件的民营企业提供转贷服务”；"
            "将第六条中的用地保障措施调整为“优先保障民营企业重点项目用地”。"
            f"本决定自公布之日起施行。《{name}》根据本决定作相应修改，重新公布。",
        )
    elif name:
        lines.append(f"现将《{name}》印发给你们，请结合实际认真贯彻执行。")
    else:
        lines.append(f"为{spec['purpose']}，经县人民政府研究，现就有关事项通知如下。")
    lines.append(f"{unit.name}")
    lines.append(f"{issued.year}年{issued.month}月{issued.day}日")
    if name and not spec["title"].endswith("的决定"):
        lines += [
            f"## {name}",
            f"第一条 为了{spec['purpose']}，根据有关法律法规和政策规定，结合本县实际，制定本办法。",
            f"第二条 本办法适用于{spec['scope']}。",
            f"第三条 {spec['lead']}负责本办法的组织实施，其他有关部门和各乡镇人民政府按照各自职责"
            "做好相关工作。",
            "第四条 有关部门应当简化办事程序，公开办理条件和时限，为群众和企业提供便利。",
            "第五条 对落实本办法成效明显的单位和个人，按照有关规定给予表扬。",
            f"第六条 本办法由{spec['lead']}负责解释，自发布之日起施行，有效期五年。",
        ]
    elif not name:
        lines += [
            f"一、提高标准。自通知印发的次月起，城市低保标准提高到每人每月{780 + 20 * (issued.year % 5)}元，"
            f"农村低保标准提高到每人每月{620 + 20 * (issued.year % 5)}元（标准为虚构）。",
            f"二、落实责任。{spec['lead']}负责组织实施，县财政局做好资金保障。",
            "三、加强监督。各乡镇要做好政策宣传和动态管理，确保应保尽保。",
        ]
    if spec.get("validity") == m.Validity.REPEALED:
        lines.append("（本文件已废止，现行文件见本页标注的替代文件。）")
    elif spec.get("validity") == m.Validity.AMENDED:
        lines.append("（本文件已修改，修改内容见本页标注的修改决定。）")
    lines.append(MARK)
    return lines


def _interpretations():
    return copy.deepcopy(_website["interpretations"])


def _guide_body(loader):
    office = loader.office
    fax = f"{data.AREA_CODE}-0{loader.rng.randrange(10**6):06d}"
    postcode = office.postcode or data.POSTCODE
    return loader.render(
        _website["disclosure_guide"],
        {"MARK": MARK, "fax": fax, "office": office, "postcode": postcode},
        {"para": lambda parts: para(*parts)},
    )


def _application_body(loader):
    office = loader.office
    return loader.render(
        _website["disclosure_application"],
        {"MARK": MARK, "office": office},
        {"para": lambda parts: para(*parts)},
    )


def _annual_report(loader, year):
    rng = random.Random(f"zhengtong-demo:{loader.seed}:report:{year}")
    county = loader.name
    made, repealed = rng.randint(8, 16), rng.randint(1, 4)
    valid = rng.randint(60, 90)
    new_p, new_o = rng.randint(20, 40), rng.randint(3, 10)
    carried = rng.randint(0, 3)
    total = new_p + new_o + carried
    kept = rng.randint(0, 2)
    results = [0] * 6
    remaining = total - kept
    for i, share in enumerate((0.55, 0.1, 0.05, 0.2, 0.05)):
        results[i] = int(remaining * share)
    results[5] = remaining - sum(results[:5])
    review = [rng.randint(0, 2), rng.randint(0, 1), 0, rng.randint(0, 1)]
    lawsuit = [rng.randint(0, 1), 0, 0, 0]
    labels = [
        "（一）予以公开",
        "（二）部分公开",
        "（三）不予公开",
        "（四）无法提供",
        "（五）不予处理",
        "（六）其他处理",
    ]
    return [
        para(
            f"本报告根据《中华人民共和国政府信息公开条例》编制，报告中所列数据的统计期限为{year}年1月1日"
            f"至12月31日。本报告电子版可在{county}人民政府门户网站下载。",
            "## 一、总体情况",
            f"{year}年，{county}人民政府坚持以公开为常态、不公开为例外，围绕重点领域信息公开、"
            "政策解读和平台建设开展工作。全年通过门户网站主动公开政府信息"
            f"{rng.randint(1800, 3200)}条，发布政策解读{rng.randint(20, 40)}篇，"
            "政府信息公开工作机制进一步完善。",
            "## 二、主动公开政府信息情况",
        ),
        table(
            [
                ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
                ["规章", 0, 0, 0],
                ["行政规范性文件", made, repealed, valid],
            ],
            "第二十条第（一）项",
        ),
        table(
            [
                ["信息内容", "本年处理决定数量"],
                ["行政许可", rng.randint(3000, 6000)],
                ["行政处罚", rng.randint(200, 600)],
                ["行政强制", rng.randint(5, 40)],
            ],
            "第二十条第（五）（六）项",
        ),
        table(
            [
                ["信息内容", "本年收费金额（单位：万元）"],
                ["行政事业性收费", f"{rng.randint(800, 1600)}.{rng.randint(10, 99)}"],
            ],
            "第二十条第（八）项",
        ),
        para("## 三、收到和处理政府信息公开申请情况"),
        table(
            [
                ["项目", "自然人", "法人或其他组织", "总计"],
                ["一、本年新收政府信息公开申请数量", new_p, new_o, new_p + new_o],
                ["二、上年结转政府信息公开申请数量", carried, 0, carried],
            ]
            + [
                ["三、本年度办理结果" + label, "", "", v]
                for label, v in zip(labels, results, strict=True)
            ]
            + [["四、结转下年度继续办理", "", "", kept]],
            "收到和处理政府信息公开申请情况（总计栏：第一、二行之和等于办理结果与结转之和）",
        ),
        para("## 四、政府信息公开行政复议、行政诉讼情况"),
        table(
            [
                ["类别", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"],
                ["行政复议", *review, sum(review)],
                ["行政诉讼", *lawsuit, sum(lawsuit)],
            ],
            "政府信息公开行政复议、行政诉讼情况",
        ),
        para(
            "## 五、存在的主要问题及改进情况",
            "一是部分单位政策解读形式较为单一；二是个别栏目更新不够及时。"
            f"{year + 1}年将加强图解、问答等多种解读形式，建立栏目更新提醒和考核机制。",
            "## 六、其他需要报告的事项",
            f"本年度未收取信息处理费。{MARK}",
        ),
    ]


def _disclosure_sections(loader):
    d, T, C = loader.dept, m.Topic, m.DisclosureCategory
    county = loader.name
    # Each item is dated in its time of year; its title takes that date's year.
    budget_days, budget_year = loader.date_in(2)
    accounts_days, accounts_year = loader.date_in(9)
    purchase_days, purchase_year = loader.date_in(3)
    bulletin_days, bulletin_year = loader.date_in(4)
    monthly_days, monthly_year = loader.date_in(10, 15, 28)
    projects_days, projects_year = loader.date_in(2)
    quarter_days, quarter_year = loader.date_in(10, 10, 28)
    penalty_days, penalty_year = loader.date_in(8)
    rng = loader.rng
    office = loader.office
    finance = d("财政局") or office
    stats = d("统计局") or office
    market = d("市场监督管理局") or office
    hall = d("行政审批服务局") or office

    def item(title, unit, topic, category, body, **more):
        return {
            "title": title,
            "summary": body[0],
            "body": body,
            "unit": unit,
            "topic": topic,
            "category": category,
            "scene": "town",
            "caption": title,
            **more,
        }

    budget = loader.document(
        f"{county}{budget_year}年财政预算公开表",
        f"hexi-budget-{budget_year}.xlsx",
        simple_xlsx(
            f"{county}{budget_year}年一般公共预算收支表（单位：万元）",
            [
                ["项目", "预算数"],
                ["一般公共预算收入", 98000 + rng.randint(0, 9000)],
                ["其中：税收收入", 61000 + rng.randint(0, 6000)],
                ["一般公共预算支出", 265000 + rng.randint(0, 20000)],
                ["其中：教育支出", 52000 + rng.randint(0, 5000)],
                ["社会保障和就业支出", 41000 + rng.randint(0, 5000)],
            ],
        ),
    )
    # The years and days the texts below refer to.
    accounts_of, bulletin_of = accounts_year - 1, bulletin_year - 1
    quarter_days_next = quarter_days + 1
    government = loader.government()
    return loader.render(
        [r["row"] for r in _website["disclosure_sections"]],
        {
            "C": C,
            "T": T,
            "accounts_days": accounts_days,
            "accounts_of": accounts_of,
            "budget": budget,
            "budget_days": budget_days,
            "budget_year": budget_year,
            "bulletin_days": bulletin_days,
            "bulletin_of": bulletin_of,
            "finance": finance,
            "government": government,
            "hall": hall,
            "market": market,
            "monthly_days": monthly_days,
            "monthly_year": monthly_year,
            "office": office,
            "penalty_days": penalty_days,
            "penalty_year": penalty_year,
            "projects_days": projects_days,
            "projects_year": projects_year,
            "purchase_days": purchase_days,
            "purchase_year": purchase_year,
            "quarter_days": quarter_days,
            "quarter_days_next": quarter_days_next,
            "quarter_year": quarter_year,
            "stats": stats,
        },
        {"item": item},
    )


def _projects(loader):
    _t, S, P = loader.town_name, m.Sector, m.ProjectStatus

    def body(intro, content, benefit, cooperation):
        return [
            "## 项目概况",
            intro,
            "## 建设内容",
            content,
            "## 效益分析",
            benefit,
            "## 合作方式",
            cooperation,
            "## 配套条件",
            "项目所在地水、电、路、通信等基础设施完善，县投资促进局提供全程代办服务。",
        ]

    return loader.render(_website["projects"], {"P": P, "S": S}, {"body": body})


def _investment_pages(loader):
    return loader.render(_website["investment_pages"], {}, {})


def _topics(loader):
    T = m.Topic

    def article(title, scene, lead, detail, topic):
        return _item(title, scene, title, lead, detail, topic=topic)

    return loader.render(_website["topics"], {"T": T}, {"article": article})


def _about_body(loader, towns, pictures, video_doc, poster):
    rng = loader.rng
    town_names = "、".join(u.short_name for u in towns) or "若干乡镇"
    towns_count = sum(1 for u in towns if u.short_name.endswith("镇"))
    townships = len(towns) - towns_count
    area = 1800 + rng.randint(0, 300)
    population = f"{rng.randint(36, 42)}.{rng.randint(0, 9)}"
    river, fields, town_view = pictures[0], pictures[1], pictures[2]
    return loader.render(
        _website["about"],
        {
            "MARK": MARK,
            "area": area,
            "fields": fields,
            "population": population,
            "poster": poster,
            "river": river,
            "town_names": town_names,
            "towns_count": towns_count,
            "town_view": town_view,
            "townships": townships,
            "video_doc": video_doc,
        },
        {"para": lambda parts: para(*parts), "figure": figure, "video": video},
    )


def _portfolios():
    return list(_website["leaders"]["portfolios"])
