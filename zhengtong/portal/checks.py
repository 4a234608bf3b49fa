"""Pre-publication checks of a page (docs/conformance.md WEB-3, DIS-5, SEC-16).

`check_page(page)` returns the problems that keep a page (or a revision of it, as an
unsaved page object) from being published:

* personal data: a citizen ID number (valid check character, core.masking) or a
  mobile number, unmasked, in any text of the page (title, summary, rich text, table
  cells, captions, alt texts) or in the title or file name of an attached document;
* broken internal links: rich-text links to pages that are gone or not live, to
  documents that are gone, and links to paths of this site that lead nowhere;
* images without a text alternative: an image block not marked decorative with an
  empty alt text, or a chosen image (headline picture, poster…) whose description is
  empty;
* words of the site's sensitive-words list (SiteSettings).

Contact telephone fields of a page (validated phone numbers, such as an investment
project's contact) are public by design and are not treated as personal data.
"""

import html
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db import models
from django.urls import Resolver404, resolve
from django.utils.html import strip_tags
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.blocks import StreamValue, StructValue
from wagtail.blocks.list_block import ListValue
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from zhengtong.core.masking import CITIZEN_ID, find_personal_data, mask_citizen_id, mask_mobile
from zhengtong.core.validators import validate_phone

__all__ = ["Problem", "check_page", "problems_text"]

# Page fields that are not text for the reader.
SKIPPED_FIELDS = {"slug", "url_path", "draft_title", "path", "content_type", "locale"}


@dataclass(frozen=True)
class Problem:
    code: str
    message: object  # lazy translatable text
    where: str = ""
    detail: str = field(default="", compare=False)

    def __str__(self):
        return str(self.message)


@dataclass
class _Text:
    where: object  # label (lazy) of the place the text comes from
    text: str


@dataclass
class _Collected:
    texts: list = field(default_factory=list)
    html: list = field(default_factory=list)  # (where, rich-text source)
    images: list = field(default_factory=list)  # (where, image, from_block)
    documents: list = field(default_factory=list)  # (where, document)


# --- collecting what the page shows -----------------------------------------------------


def _label(model_field):
    return model_field.verbose_name if model_field is not None else ""


def _collect_container(value, where, out, block):
    """Walk into a stream, struct or list value; False when `value` is none of them."""
    if isinstance(value, StreamValue):
        for child in value:
            _collect_block(child.value, where, out, child.block)
        return True
    if isinstance(value, StructValue):
        for name, child_value in value.items():
            child_block = value.block.child_blocks.get(name) if value.block else None
            _collect_block(child_value, where, out, child_block)
        return True
    if isinstance(value, (ListValue, list, tuple)) and not isinstance(block, TableBlock):
        child_block = getattr(block, "child_block", None)
        for item in value:
            _collect_block(item, where, out, child_block)
        return True
    return False


def _collect_table(value, where, out):
    """The cells and caption of a table block."""
    for row in value.get("data") or []:
        for cell in row or []:
            if cell:
                out.texts.append(_Text(where, str(cell)))
    if value.get("table_caption"):
        out.texts.append(_Text(where, str(value["table_caption"])))


def _collect_block(value, where, out, block=None):
    """Walk a StreamField value and collect texts, rich text, images and documents."""
    from wagtail.documents.models import AbstractDocument
    from wagtail.images.models import AbstractImage

    if value is None or _collect_container(value, where, out, block):
        return
    if isinstance(value, RichText):
        out.html.append((where, value.source))
    elif isinstance(value, AbstractImage):
        from wagtail.images.blocks import ImageBlock

        out.images.append((where, value, isinstance(block, ImageBlock)))
        out.texts.append(_Text(where, getattr(value, "contextual_alt_text", "") or ""))
    elif isinstance(value, AbstractDocument):
        out.documents.append((where, value))
    elif isinstance(block, TableBlock) or (isinstance(value, dict) and "data" in value):
        _collect_table(value, where, out)
    elif isinstance(value, str):
        out.texts.append(_Text(where, value))


def _is_contact_field(model_field):
    return validate_phone in getattr(model_field, "validators", [])


def _collect(page):
    from wagtail.documents.models import AbstractDocument
    from wagtail.images.models import AbstractImage

    out = _Collected()
    for model_field in page._meta.get_fields():
        if not getattr(model_field, "concrete", False) or model_field.name in SKIPPED_FIELDS:
            continue
        where = _label(model_field)
        if isinstance(model_field, StreamField):
            _collect_block(getattr(page, model_field.name), where, out)
        elif isinstance(model_field, RichTextField):
            out.html.append((where, getattr(page, model_field.name) or ""))
        elif isinstance(model_field, (models.CharField, models.TextField)):
            if model_field.choices or _is_contact_field(model_field):
                continue
            out.texts.append(_Text(where, getattr(page, model_field.name) or ""))
        elif isinstance(model_field, models.ForeignKey):
            target = model_field.related_model
            if isinstance(target, type) and issubclass(target, (AbstractImage, AbstractDocument)):
                try:
                    related = getattr(page, model_field.name)
                except target.DoesNotExist:
                    related = None
                if related is None:
                    continue
                if issubclass(target, AbstractImage):
                    out.images.append((where, related, False))
                else:
                    out.documents.append((where, related))
    return out


# --- the checks ----------------------------------------------------------------------


def _plain(source):
    return html.unescape(strip_tags(source or ""))


def _personal_data(where, text):
    problems = []
    for kind, found in find_personal_data(unicodedata.normalize("NFKC", text or "")):
        if kind == CITIZEN_ID:
            problems.append(
                Problem(
                    "personal_citizen_id",
                    format_lazy(
                        _(
                            "{where} shows a citizen ID number ({masked}). Mask it "
                            "(e.g. 3101**********1234) or remove it."
                        ),
                        where=where,
                        masked=mask_citizen_id(found),
                    ),
                    str(where),
                )
            )
        else:
            problems.append(
                Problem(
                    "personal_mobile",
                    format_lazy(
                        _(
                            "{where} shows a mobile number ({masked}). Mask it "
                            "(e.g. 138****5678) or remove it."
                        ),
                        where=where,
                        masked=mask_mobile(found),
                    ),
                    str(where),
                )
            )
    return problems


def _sensitive(where, text, words):
    lowered = (text or "").casefold()
    return [
        Problem(
            "sensitive_word",
            format_lazy(
                _("{where} contains the word “{word}” from the sensitive-words list."),
                where=where,
                word=word,
            ),
            str(where),
        )
        for word in words
        if word.casefold() in lowered
    ]


_A_TAG = re.compile(r"<a\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _attrs(tag_attrs):
    return {
        m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or "")
        for m in _ATTR.finditer(tag_attrs)
    }


def _home_url_path():
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page.url_path if site else "/"


def _path_leads_somewhere(path):
    """True when `path` (of this site) is a live page or one of the site's own views."""
    path = urlsplit(path).path or "/"
    try:
        match = resolve(path)
    except Resolver404:
        match = None
    if match is not None and match.url_name not in ("wagtail_serve", None):
        return True
    if match is None and not path.endswith("/"):
        return False
    url_path = _home_url_path().rstrip("/") + "/" + path.strip("/") + "/"
    url_path = url_path.replace("//", "/")
    return Page.objects.filter(url_path=url_path, live=True).exists()


def _links(where, source):
    from wagtail.documents import get_document_model

    problems = []
    for match in _A_TAG.finditer(source or ""):
        attrs = _attrs(match.group(1))
        linktype = attrs.get("linktype")
        if linktype == "page":
            page_id = attrs.get("id", "")
            if not (page_id.isdigit() and Page.objects.filter(pk=page_id, live=True).exists()):
                problems.append(
                    Problem(
                        "broken_page_link",
                        format_lazy(
                            _("{where} links to a page that is not published or no longer exists."),
                            where=where,
                        ),
                        str(where),
                    )
                )
        elif linktype == "document":
            doc_id = attrs.get("id", "")
            if not (doc_id.isdigit() and get_document_model().objects.filter(pk=doc_id).exists()):
                problems.append(
                    Problem(
                        "broken_document_link",
                        format_lazy(
                            _("{where} links to a document that no longer exists."), where=where
                        ),
                        str(where),
                    )
                )
        else:
            href = attrs.get("href", "")
            if href.startswith("/") and not href.startswith("//"):
                if not _path_leads_somewhere(href):
                    problems.append(
                        Problem(
                            "broken_path_link",
                            format_lazy(
                                _("{where} links to {href}, which leads to no page of this site."),
                                where=where,
                                href=href,
                            ),
                            str(where),
                        )
                    )
    return problems


def _image_problems(where, image, from_block):
    if from_block:
        if getattr(image, "decorative", False):
            return []
        alt = (getattr(image, "contextual_alt_text", "") or "").strip()
        if alt:
            return []
    elif (getattr(image, "description", "") or "").strip():
        return []
    return [
        Problem(
            "image_without_alt",
            format_lazy(
                _(
                    "{where}: the image “{title}” has no description (alt text) for readers "
                    "who cannot see it. Describe it, or mark it decorative."
                ),
                where=where,
                title=image.title,
            ),
            str(where),
        )
    ]


def _document_problems(where, document, words):
    import os

    label = format_lazy(_("{where} (file “{title}”)"), where=where, title=document.title)
    name = os.path.basename(getattr(document.file, "name", "") or "")
    problems = []
    for text in (document.title, name):
        problems += _personal_data(label, text)
        problems += _sensitive(label, text, words)
    return problems


def _replaced_by_problem(page):
    target_id = getattr(page, "replaced_by_id", None)
    if target_id and not Page.objects.filter(pk=target_id, live=True).exists():
        return [
            Problem(
                "broken_page_link",
                _("The page named as replacing this policy is not published."),
                "replaced_by",
            )
        ]
    return []


def sensitive_words_for(page):
    from .models import SiteSettings

    site = None
    if page.pk and page.path:
        site = page.get_site()
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return []
    return SiteSettings.for_site(site).sensitive_word_list()


def check_page(page) -> list:
    """The problems that keep `page` from being published (empty when it may go live)."""
    page = getattr(page, "specific", page) if isinstance(page, Page) and page.pk else page
    collected = _collect(page)
    words = sensitive_words_for(page)
    problems = []
    for item in collected.texts:
        problems += _personal_data(item.where, item.text)
        problems += _sensitive(item.where, item.text, words)
    for where, source in collected.html:
        text = _plain(source)
        problems += _personal_data(where, text)
        problems += _sensitive(where, text, words)
        problems += _links(where, source)
    for where, image, from_block in collected.images:
        problems += _image_problems(where, image, from_block)
    seen = set()
    for where, document in collected.documents:
        if document.pk in seen:
            continue
        seen.add(document.pk)
        problems += _document_problems(where, document, words)
    problems += _replaced_by_problem(page)
    # The same finding in the same place once.
    unique: list[Problem] = []
    for problem in problems:
        if (problem.code, str(problem.message)) not in {(p.code, str(p.message)) for p in unique}:
            unique.append(problem)
    return unique


def problems_text(problems):
    return "\n".join(str(p.message) for p in problems)
