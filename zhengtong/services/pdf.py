"""The case's printed documents, made with WeasyPrint like the disclosure replies (the
configured fonts, and a fetcher that refuses every URL except the unit's seal image):

* `receipt_pdf`: the dated receipt of acceptance or refusal (受理/不予受理通知书)
  bearing the unit's seal (行政许可法 Art. 32);
* `certificate_pdf`: the result document of an approval, from a template.

They are rendered from the case's stored data, so the same case always gives the
same document. A unit with no seal image gets one drawn by `draw_seal_image`.
"""

import io
import math
from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from zhengtong.documents import layout

SEAL_URL = "zt-seal:unit"
SEAL_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


@lru_cache(maxsize=64)
def draw_seal_image(unit_name: str, size: int = 420) -> bytes:
    """A simple red circular seal (PNG) for a unit without a seal image: a ring, the
    unit's name along the upper arc and a five-pointed star in the middle. It stands
    for the seal on a printed receipt; it is not an electronic seal."""
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
    font = None
    for path in SEAL_FONTS:
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
        glyph = glyph.rotate(-math.degrees(angle) - 90, resample=Image.BICUBIC)
        x = centre + radius * math.cos(angle) - glyph.width / 2
        y = centre + radius * math.sin(angle) - glyph.height / 2
        image.alpha_composite(glyph, (int(x), int(y)))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def seal_image(unit) -> bytes:
    """The unit's seal image if it has one (PNG bytes), else a drawn one."""
    stored = getattr(unit, "seal_image", None)
    if stored:
        try:
            with stored.open("rb") as handle:
                return handle.read()
        except (OSError, ValueError):
            pass
    return draw_seal_image(unit.name)


def _fetcher(seal_png):
    from weasyprint.urls import URLFetcherResponse

    fetcher = layout.local_url_fetcher()
    local_fetch = fetcher.fetch

    def fetch(url, headers=None):
        if url == SEAL_URL:
            return URLFetcherResponse(url, body=seal_png, headers={"Content-Type": "image/png"})
        return local_fetch(url, headers)

    fetcher.fetch = fetch
    return fetcher


def _context(application):
    font = layout.fonts()
    return {
        "app": application,
        "item": application.item,
        "unit_name": application.unit.name,
        "seal_url": SEAL_URL,
        "body_font": layout.css_families(font["body"]),
        "title_font": layout.css_families(font["title"]),
    }


def _render(template, context, unit) -> bytes:
    weasyprint, _ = layout._weasyprint()
    with translation.override(settings.LANGUAGE_CODE):
        source = render_to_string(template, context)
    return weasyprint.HTML(
        string=source,
        base_url=layout.TEMPLATE_DIR.as_uri() + "/",
        url_fetcher=_fetcher(seal_image(unit)),
    ).write_pdf()


def receipt_pdf(application) -> bytes:
    """The dated receipt of acceptance (incl. acceptance by lapse of the notice period)
    or of refusal at intake, with the unit's seal."""
    context = _context(application)
    refused = application.state == "refused_at_intake"
    day = (
        timezone.localtime(application.decided_at).date()
        if refused and application.decided_at
        else application.accepted_on
    ) or timezone.localdate()
    context.update(
        refused=refused,
        date=layout.chinese_date(day),
        submitted=layout.chinese_date(timezone.localtime(application.submitted_at).date()),
        decision_due=layout.chinese_date(application.decision_due)
        if application.decision_due
        else "",
        promised_due=layout.chinese_date(application.promised_due)
        if application.promised_due
        else "",
    )
    return _render("services/print/receipt.html", context, application.unit)


def certificate_pdf(application) -> bytes:
    """The result document of an approved application (准予许可决定书 / certificate)."""
    context = _context(application)
    decision = application.decision
    context.update(
        decision=decision,
        date=layout.chinese_date(timezone.localtime(decision.decided_at).date()),
        holder=application.company_name or application.applicant_name,
    )
    return _render("services/print/certificate.html", context, application.unit)
