"""The reply (答复书) as a PDF, made with the kernel's printing like the official
documents: the same configured fonts (`core.printing.fonts`) and the same fetcher that
refuses every URL, so a reply's text can never make the renderer reach the network."""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from zhengtong.core import printing

TEMPLATE = "disclosure/print/reply.html"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "disclosure" / "print"


def reply_context(req, reply):
    font = printing.fonts()
    return {
        "req": req,
        "reply": reply,
        "unit_name": req.unit.name,
        "date": printing.chinese_date(
            timezone.localtime(reply.approved_at).date() if reply.approved_at else req.received_on
        ),
        "received": printing.chinese_date(req.received_on),
        "body_font": printing.css_families(font["body"]),
        "title_font": printing.css_families(font["title"]),
        "heading_font": printing.css_families(font["heading1"], "sans-serif"),
    }


def render_reply_html(req, reply):
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(TEMPLATE, reply_context(req, reply))


def render_reply_pdf(req, reply) -> bytes:
    return printing.render_pdf(render_reply_html(req, reply), root=TEMPLATE_DIR)
