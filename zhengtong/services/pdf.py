"""The case's printed documents, made with WeasyPrint like the disclosure replies (the
configured fonts, and a fetcher that refuses every URL except the unit's seal image):

* `receipt_pdf`: the dated receipt of acceptance or refusal (受理/不予受理通知书)
  bearing the unit's seal (行政许可法 Art. 32);
* `certificate_pdf`: the result document of an approval, from a template.

They are rendered from the case's stored data, so the same case always gives the
same document. A unit with no seal image gets one drawn by `draw_seal_image`
(`core.printing`, shared with every printed document).
"""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from zhengtong.core import printing
from zhengtong.core.printing import draw_seal_image, seal_image

__all__ = ["SEAL_URL", "certificate_pdf", "draw_seal_image", "receipt_pdf", "seal_image"]

SEAL_URL = "zt-seal:unit"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "services" / "print"


def _context(application):
    font = printing.fonts()
    return {
        "app": application,
        "item": application.item,
        "unit_name": application.unit.name,
        "seal_url": SEAL_URL,
        "body_font": printing.css_families(font["body"]),
        "title_font": printing.css_families(font["title"]),
    }


def _render(template, context, unit) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        source = render_to_string(template, context)
    return printing.render_pdf(
        source, root=TEMPLATE_DIR, resources={SEAL_URL: (seal_image(unit), "image/png")}
    )


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
        date=printing.chinese_date(day),
        submitted=printing.chinese_date(timezone.localtime(application.submitted_at).date()),
        decision_due=printing.chinese_date(application.decision_due)
        if application.decision_due
        else "",
        promised_due=printing.chinese_date(application.promised_due)
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
        date=printing.chinese_date(timezone.localtime(decision.decided_at).date()),
        holder=application.company_name or application.applicant_name,
    )
    return _render("services/print/certificate.html", context, application.unit)
