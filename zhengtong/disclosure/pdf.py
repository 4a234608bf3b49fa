"""The reply (答复书) as a PDF, made with WeasyPrint like the official documents: the
same configured fonts (`documents.layout.fonts`) and the same fetcher that refuses
every URL, so a reply's text can never make the renderer reach the network."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from zhengtong.documents import layout

TEMPLATE = "disclosure/print/reply.html"


def reply_context(req, reply):
    font = layout.fonts()
    return {
        "req": req,
        "reply": reply,
        "unit_name": req.unit.name,
        "date": layout.chinese_date(
            timezone.localtime(reply.approved_at).date() if reply.approved_at else req.received_on
        ),
        "received": layout.chinese_date(req.received_on),
        "body_font": layout.css_families(font["body"]),
        "title_font": layout.css_families(font["title"]),
        "heading_font": layout.css_families(font["heading1"], "sans-serif"),
    }


def render_reply_html(req, reply):
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(TEMPLATE, reply_context(req, reply))


def render_reply_pdf(req, reply) -> bytes:
    weasyprint, _ = layout._weasyprint()
    source = render_reply_html(req, reply)
    return weasyprint.HTML(
        string=source,
        base_url=layout.TEMPLATE_DIR.as_uri() + "/",
        url_fetcher=layout.local_url_fetcher(),
    ).write_pdf()
