"""What every document the platform prints shares: the page of the national layout,
the fonts, Chinese dates, a renderer that never reaches the network, and the seal.

Official documents (`documents.layout`), disclosure replies (`disclosure.pdf`), the
cases' receipts and certificates (`services.pdf`) and the coming monthly reports take
these from here; each keeps only its own layout.

* The page (GB/T 9704-2012 §2.1, docs/conformance.md): A4 210 × 297 mm; 天头 37 mm,
  订口 28 mm, 版心 156 × 225 mm (so 35 mm at the bottom and 26 mm on the right);
  3号 (16 pt) body, 2号 (22 pt) title, 4号 (14 pt) for 版记 and 页码; 22 lines of 28
  characters; the page number 7 mm below the text block (§2.6); the red of 版头.
* Fonts: the families configured in `settings.DOCUMENT_FONTS`, each with the free CJK
  face it falls back to, and the font files the seal is drawn with.
* Dates: 成文日期 in Arabic numerals, full year, no leading zeros (2026年10月9日, §2.4).
* Rendering: WeasyPrint with a URL fetcher that reads only files inside one template
  folder (plus in-memory resources such as the seal), so no text a citizen or a clerk
  typed can make the renderer reach the network.
* The seal: a unit's stored seal image, or a drawn stand-in (not an electronic seal).
"""

from __future__ import annotations

import datetime
import io
import math
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

__all__ = [
    "BLOCK_HEIGHT",
    "BLOCK_WIDTH",
    "BODY_PT",
    "CHARS_PER_LINE",
    "CHAR_CELL",
    "CJK_FONT_FILES",
    "DEFAULT_FONTS",
    "LINES_PER_PAGE",
    "LINE_PITCH",
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
    "chinese_date",
    "css_families",
    "draw_seal_image",
    "fonts",
    "local_url_fetcher",
    "render_pdf",
    "seal_image",
    "weasyprint",
]

# --- the page (GB/T 9704-2012 §2.1), in millimetres -----------------------------------------
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
PAGE_NUMBER_GAP = 7.0  # §2.6: below the text block
RED = "#ff0000"

# --- fonts --------------------------------------------------------------------------------

DEFAULT_FONTS: dict[str, str | bool] = {
    "title": "Noto Serif CJK SC",
    "body": "Noto Serif CJK SC",
    "heading1": "Noto Sans CJK SC",
    "heading2": "AR PL UKai CN",
    "mark": "Noto Serif CJK SC",
    "page_number": "Noto Serif CJK SC",
    "display_bold": True,
}

# Font files with Chinese glyphs, tried in this order where a font is drawn by hand (the
# seal): the free faces the Debian packages install.
CJK_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


def fonts() -> dict[str, Any]:
    """The configured font families: {key: [family, ...]} plus "display_bold"."""
    configured = {**DEFAULT_FONTS, **getattr(settings, "DOCUMENT_FONTS", DEFAULT_FONTS)}
    result: dict[str, Any] = {"display_bold": bool(configured.get("display_bold", True))}
    for key, default in DEFAULT_FONTS.items():
        if key == "display_bold":
            continue
        value: Any = configured.get(key) or default
        families = [value] if isinstance(value, str) else [str(v) for v in value]
        if default not in families:
            families.append(str(default))
        result[key] = families
    return result


def css_families(families: Iterable[str], generic: str = "serif") -> str:
    """A CSS font-family list; characters that could end the declaration are dropped."""
    clean = (re.sub(r'["\\;{}<>]', "", f).strip() for f in families)
    return ", ".join([f'"{f}"' for f in clean if f] + [generic])


# --- dates --------------------------------------------------------------------------------


def chinese_date(day: datetime.date) -> str:
    """成文日期 / 印发日期 per §2.4: Arabic numerals, full year, no leading zeros."""
    return f"{day.year}年{day.month}月{day.day}日"


# --- rendering ----------------------------------------------------------------------------


def weasyprint() -> tuple[Any, Any]:
    """WeasyPrint and its URL fetcher class, imported when first printing (it is slow to
    import, and the web processes rarely print)."""
    import weasyprint as module
    from weasyprint.urls import URLFetcher

    return module, URLFetcher


def local_url_fetcher(root: Path, resources: Mapping[str, tuple[bytes, str]] | None = None) -> Any:
    """A WeasyPrint URL fetcher that reads `file:` URLs inside `root` and the in-memory
    `resources` ({url: (body, content type)}), and refuses everything else (http, https,
    ftp, data, files elsewhere): rendering never touches the network, whatever the text
    contains."""
    from weasyprint.urls import URLFetcher

    folder = Path(root).resolve()
    fixed = dict(resources or {})

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            from urllib.parse import unquote, urlsplit

            if url in fixed:
                from weasyprint.urls import URLFetcherResponse

                body, content_type = fixed[url]
                return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})
            parts = urlsplit(url)
            if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
                raise ValueError(f"refused: only local files may be read ({url[:80]})")
            path = Path(unquote(parts.path)).resolve()
            if not path.is_relative_to(folder):
                raise ValueError(f"refused: {path} is outside {folder}")
            return super().fetch(path.as_uri(), headers)

    return LocalOnlyFetcher(timeout=1, allowed_protocols={"file"}, allow_redirects=False)


def render_pdf(
    source: str, *, root: Path, resources: Mapping[str, tuple[bytes, str]] | None = None
) -> bytes:
    """The HTML `source` as PDF bytes, relative URLs resolved against the folder `root`,
    which is all the renderer may read (with `resources`)."""
    module, _ = weasyprint()
    pdf = module.HTML(
        string=source,
        base_url=Path(root).resolve().as_uri() + "/",
        url_fetcher=local_url_fetcher(root, resources),
    ).write_pdf()
    return bytes(pdf)


# --- the seal -----------------------------------------------------------------------------


@lru_cache(maxsize=64)
def draw_seal_image(unit_name: str, size: int = 420) -> bytes:
    """A simple red circular seal (PNG) for a unit without a seal image: a ring, the
    unit's name along the upper arc and a five-pointed star in the middle. It stands
    for the seal on a printed document; it is not an electronic seal."""
    from PIL import Image, ImageDraw, ImageFont

    red = (200, 16, 32, 255)
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    margin, ring = size * 0.03, max(4, size // 32)
    draw.ellipse([margin, margin, size - margin, size - margin], outline=red, width=ring)
    centre = size / 2
    # The star.
    outer, inner = size * 0.16, size * 0.065
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((centre + radius * math.cos(angle), centre + radius * math.sin(angle)))
    draw.polygon(points, fill=red)
    # The name along the arc, each character turned to face outwards.
    font: Any = None
    for path in CJK_FONT_FILES:
        try:
            font = ImageFont.truetype(path, int(size * 0.1))
            break
        except OSError:
            continue
    if font is None:
        font = ImageFont.load_default()
    chars = [c for c in unit_name if not c.isspace()][:20] or ["?"]
    span = math.radians(min(240, 18 * len(chars) + 20))
    radius = size / 2 - margin - ring - size * 0.08
    for i, char in enumerate(chars):
        angle = -math.pi / 2 - span / 2 + span * (i + 0.5) / len(chars)
        glyph = Image.new("RGBA", (int(size * 0.14), int(size * 0.14)), (255, 255, 255, 0))
        ImageDraw.Draw(glyph).text(
            (glyph.width / 2, glyph.height / 2), char, font=font, fill=red, anchor="mm"
        )
        glyph = glyph.rotate(-math.degrees(angle) - 90, resample=Image.Resampling.BICUBIC)
        x = centre + radius * math.cos(angle) - glyph.width / 2
        y = centre + radius * math.sin(angle) - glyph.height / 2
        image.alpha_composite(glyph, (int(x), int(y)))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def seal_image(unit: Any) -> bytes:
    """The unit's seal image if it has one (PNG bytes), else a drawn one."""
    stored = getattr(unit, "seal_image", None)
    if stored:
        try:
            with stored.open("rb") as handle:
                return bytes(handle.read())
        except (OSError, ValueError):
            pass
    return draw_seal_image(str(unit.name))
