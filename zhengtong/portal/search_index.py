"""The website in the platform's one search index (search/engine.py).

Every live, public page of the site is one entry of object type ``portal.page``: its
title, summary and all the text of its body (rich text, table cells and captions,
image captions and descriptions, video transcripts; a disclosed document's text),
public, filed under the page's responsible or source unit, dated by its first
publication, with its path as the URL. The first segment of that path is the page's
top-level section (zwdt, tzgg, ...), which is how search filters by section.

Kept in step by Wagtail's signals: publishing (also a scheduled publication, when
it goes live) re-indexes, unpublishing and deleting remove, moving re-indexes the page
and everything below it. ``manage.py reindex_website`` rebuilds the lot.
"""

import logging

from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils.html import strip_tags
from wagtail.models import Page, Site
from wagtail.rich_text import expand_db_html
from wagtail.signals import page_published, page_unpublished, post_page_move

from zhengtong.search import engine

logger = logging.getLogger(__name__)

OBJECT_TYPE = "portal.page"

# Plain-text fields shown on a page beside its body, in the order they are indexed.
TEXT_FIELDS = (
    "summary",
    "doc_number",
    "source_text",
    "position",
    "portfolio",
    "biography",
    "location",
    "contact_name",
)
RICH_TEXT_FIELDS = ("intro", "body_html")


def _rich_text(value):
    return strip_tags(expand_db_html(value or "")).strip()


def stream_text(stream):
    """All the text of a StreamField value: Wagtail's searchable content of every
    block, plus what it leaves out (a table's caption)."""
    parts = []
    for child in stream or []:
        block = child.block
        if child.block_type == "table" and isinstance(child.value, dict):
            caption = child.value.get("table_caption")
            if caption:
                parts.append(str(caption))
        try:
            parts.extend(str(p) for p in block.get_searchable_content(child.value) if p)
        except Exception:  # a broken block must not stop publishing
            logger.exception("Could not read the text of a %s block", child.block_type)
    return "\n".join(p.strip() for p in parts if p and p.strip())


def page_text(page):
    """The searchable text of a (specific) page, summary first: snippets start there."""
    parts = []
    for name in TEXT_FIELDS:
        value = getattr(page, name, None)
        if value:
            parts.append(str(value))
    for name in RICH_TEXT_FIELDS:
        value = getattr(page, name, None)
        if value:
            parts.append(_rich_text(value))
    body = getattr(page, "body", None)
    if body is not None:
        parts.append(stream_text(body))
    return "\n".join(p for p in parts if p)


def page_unit(page):
    """The unit a result is filed under: the source or issuing unit, else the
    responsible unit (the page's or its nearest ancestor's)."""
    for name in ("source_unit", "issuing_unit"):
        if getattr(page, f"{name}_id", None):
            return getattr(page, name)
    unit = getattr(page, "unit", None)
    return unit() if callable(unit) else None


def page_path(page):
    """The page's path on its site ("/zwdt/some-news/"), or None outside every site."""
    parts = page.get_url_parts()
    if parts is None:
        return None
    return parts[2]


def section_of_path(path):
    """The top-level section's slug of a site path ("zwdt" for "/zwdt/a/b/")."""
    segments = [s for s in (path or "").split("/") if s]
    return segments[0] if segments else ""


def is_public(page):
    """Live, inside a site, and not behind a password or sign-in restriction."""
    if not page.live or page.depth <= 1:
        return False
    return not page.get_view_restrictions().exists()


def index_page(page):
    """Index one page, or take it out of the index when the public cannot see it."""
    page = page.specific if type(page) is Page else page
    path = page_path(page) if is_public(page) else None
    if path is None:
        engine.remove(OBJECT_TYPE, page.pk)
        return None
    first = page.first_published_at
    return engine.index(
        OBJECT_TYPE,
        page.pk,
        title=page.title,
        text=page_text(page),
        url=path,
        unit=page_unit(page),
        public=True,
        date=first.date() if first else None,
    )


def index_tree(page):
    """Re-index a page and every page below it (after a move, its paths changed)."""
    index_page(page)
    for child in page.get_descendants().specific():
        index_page(child)


def rebuild():
    """Drop every website entry and index every public page of every site again.
    Returns the number of pages indexed."""
    from zhengtong.search.models import SearchEntry

    SearchEntry.objects.filter(object_type=OBJECT_TYPE).delete()
    count = 0
    seen = set()
    for site in Site.objects.select_related("root_page"):
        pages = site.root_page.get_descendants(inclusive=True).live().public().specific()
        for page in pages.iterator(chunk_size=200):
            if page.pk in seen:
                continue
            seen.add(page.pk)
            if index_page(page) is not None:
                count += 1
    return count


# --- receivers -------------------------------------------------------------------------


@receiver(page_published)
def _on_published(sender, instance, **kwargs):
    index_page(instance)


@receiver(page_unpublished)
def _on_unpublished(sender, instance, **kwargs):
    engine.remove(OBJECT_TYPE, instance.pk)


@receiver(post_page_move)
def _on_moved(sender, instance, url_path_before=None, url_path_after=None, **kwargs):
    if url_path_before == url_path_after:
        return
    index_tree(Page.objects.get(pk=instance.pk).specific)


@receiver(pre_delete)
def _on_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        engine.remove(OBJECT_TYPE, instance.pk)
