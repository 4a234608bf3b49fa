"""The information-disclosure catalogue (公开目录) and its 索引号, and the hand-off of
issued official documents marked 主动公开 into it (docs/conformance.md DIS-1–DIS-4).

Catalogue entries
    A page carrying `DisclosureFields` that is published with `in_catalogue` set gets a
    `CatalogueEntry` (receivers of Wagtail's `page_published` below). Its 索引号 is given
    on the first publication and never changes afterwards; later publications refresh
    the entry's title, summary, validity, topic, category, document number and date.
    Unpublishing or deleting the page hides the entry; publishing it again shows it
    again under the same number.

索引号 format
    "<publisher code>/<year>-<serial>", 18 + 1 + 4 + 1 + 5 = 29 characters, e.g.
    `11341100MB1234567X/2026-00012`. The publisher code is the publishing unit's
    18-character unified social credit code (`org.Unit.code`). A unit without one gets a
    stable stand-in: "Z" followed by its database id on 17 digits
    (`Z00000000000000042`). "Z" never begins a real credit code (GB 32100 leaves I, O,
    Z, S, V out of its character set), so a stand-in cannot collide with a real code,
    and it never changes for that unit. The year is the year of the entry's date
    (`generated_on`); the serial counts per publisher and year from 00001, taken from
    `IndexNumberCounter` under a row lock (on SQLite the IMMEDIATE transaction holds
    the write lock), so numbers are unique and never reused.

Publisher
    The page's issuing unit (policies, disclosed documents) or source unit (articles,
    interpretations), else its responsible unit (`page.unit()`), else the government
    office that owns the home page.

Hand-off from official documents
    Documents' `issue` queues a hand-off for every document marked 主动公开 and calls
    the kernel hand-off `DISCLOSURE_QUEUED` (core/handoffs.py); the website never
    imports the documents app and reads the hand-offs only through the
    `DISCLOSURE_SOURCE` that documents registers. The office's editors (and the issuing
    unit's editors) check a hand-off at /oa/website/disclosures/ and accept it:
    `accept_disclosed_document` creates a `DisclosedDocumentPage` directly under /xxgk/
    (slug `gw-<document id>`; one flat place, because the catalogue itself is browsed by
    unit, topic and year), with the document's metadata, its text as HTML and its
    GB/T 9704 PDF, publishes it — which gives the entry and its 索引号 — and marks the
    hand-off taken under that number, all in one transaction.

    Work items: each pending hand-off has one work item ("待审核公开") for the office
    (the unit owning the home page), due 20 working days after issue (Art. 26). It is
    opened right after the issuing transaction commits (`disclosure_queued`, the
    handler of `DISCLOSURE_QUEUED`) and, as a catch-up, by
    `file_disclosure_work_items()` (idempotent), run daily by the task
    `file_disclosure_items`. Accepting closes it; withdrawing the document
    (`DOCUMENT_WITHDRAWN`, handled by `document_withdrawn` inside the withdrawal)
    cancels it, and if the document is already on the website the office gets an item
    to take the page down.
"""

import logging
import re

import nh3
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from zhengtong.core import audit, counters, workitems
from zhengtong.core.errors import Conflict, Invalid
from zhengtong.core.handoffs import (
    DISCLOSURE_QUEUED,
    DISCLOSURE_SOURCE,
    DOCUMENT_WITHDRAWN,
    DisclosureQueued,
    DocumentWithdrawn,
)
from zhengtong.core.masking import mask_text
from zhengtong.core.middleware import current_request
from zhengtong.core.models import WorkItem, WorkItemState
from zhengtong.org import permissions
from zhengtong.org.models import Unit, UnitKind

from . import sitetree
from .models import (
    CatalogueEntry,
    DisclosedDocumentPage,
    DisclosureCategory,
    DisclosureFields,
    DisclosureIndexPage,
    IndexNumberCounter,
    Topic,
    Validity,
)

log = logging.getLogger("zhengtong.portal.catalogue")

DISCLOSURE_ITEM_KIND = "portal.disclosure_review"
WITHDRAWN_ITEM_KIND = "portal.disclosure_withdrawn"
# Art. 26: proactively disclosed information is published within 20 working days.
DISCLOSURE_DAYS = 20
SUMMARY_MAX = 500
INDEX_NUMBER_RE = re.compile(r"^[0-9A-Z]{18}/\d{4}-\d{5}$")

# --- 索引号 ----------------------------------------------------------------------------


def publisher_code(unit):
    """The 18-character front part of a 索引号: the unit's credit code, or its stand-in
    "Z" + 17-digit id (see the module docstring)."""
    code = (unit.code or "").strip().upper()
    if len(code) == 18:
        return code
    return f"Z{unit.pk:017d}"


def take_index_serial(unit, year):
    """The next serial of `unit` in `year`: from 1, never reused (a locked counter row,
    core/counters.py); call inside the publishing transaction."""
    return counters.take_next(
        IndexNumberCounter,
        _("Could not take an index number; please try again."),
        unit=unit,
        year=year,
    )


def format_index_number(unit, year, serial):
    return f"{publisher_code(unit)}/{year:04d}-{serial:05d}"


# --- entries ----------------------------------------------------------------------------


def government_office():
    """The unit that runs the website: the owner of the home page (None before setup)."""
    home = sitetree.home_page()
    return home.owner_unit if home is not None and home.owner_unit_id else None


def publisher_of(page):
    """Issuing or source unit, else the responsible unit, else the government office."""
    for field in ("issuing_unit", "source_unit"):
        if getattr(page, f"{field}_id", None):
            return getattr(page, field)
    unit = page.unit() if hasattr(page, "unit") else None
    if unit is None:
        unit = government_office()
    if unit is None:
        unit = Unit.objects.filter(parent__isnull=True, kind=UnitKind.COUNTY).first()
    return unit


def _generated_on(page):
    issued = getattr(page, "issued_on", None)
    if issued:
        return issued
    first = page.first_published_at or timezone.now()
    return timezone.localtime(first).date()


def _entry_fields(page):
    generated = _generated_on(page)
    summary = getattr(page, "summary", "") or page.search_description or ""
    return {
        "title": page.title[:255],
        "summary": summary,
        "doc_number": (getattr(page, "doc_number", "") or "")[:60],
        "topic": page.topic or Topic.GENERAL,
        "category": page.category or DisclosureCategory.OTHER,
        "validity": getattr(page, "validity", "") or Validity.VALID,
        "generated_on": generated,
        "year": generated.year,
    }


def _actor():
    request = current_request()
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


@transaction.atomic
def catalogue_page(page):
    """Create or refresh the catalogue entry of a just-published page. Returns the entry
    (or None for a page not listed). Called by the `page_published` receiver."""
    page = page.specific if not isinstance(page, DisclosureFields) else page
    if not isinstance(page, DisclosureFields):
        return None
    entry = CatalogueEntry.objects.select_for_update().filter(page_id=page.pk).first()
    if not page.in_catalogue:
        if entry is not None and entry.is_public:
            entry.is_public = False
            entry.save(update_fields=["is_public"])
        return entry
    fields = _entry_fields(page)
    if entry is not None:
        changed = [k for k, v in fields.items() if getattr(entry, k) != v]
        for key in changed:
            setattr(entry, key, fields[key])
        if not entry.is_public:
            entry.is_public = True
            changed.append("is_public")
        if changed:
            entry.save(update_fields=changed)
        return entry
    publisher = publisher_of(page)
    if publisher is None:
        log.warning("Page %s has no unit to publish it under: not catalogued", page.pk)
        return None
    serial = take_index_serial(publisher, fields["year"])
    entry = CatalogueEntry.objects.create(
        index_number=format_index_number(publisher, fields["year"], serial),
        page=page,
        publisher=publisher,
        published_at=page.first_published_at or timezone.now(),
        is_public=True,
        **fields,
    )
    audit.record(
        _actor(),
        "portal.catalogue.number",
        entry,
        unit=publisher,
        changes={"index_number": [None, entry.index_number], "page": [None, page.pk]},
    )
    return entry


def hide_entry(page_id):
    """Hide the entry of an unpublished or deleted page; its number stays taken."""
    return CatalogueEntry.objects.filter(page_id=page_id, is_public=True).update(is_public=False)


@receiver(page_published)
def _page_published(sender, instance, **kwargs):
    if kwargs.get("alias") or getattr(instance, "alias_of_id", None):
        return  # an alias shows the same information: it gets no number of its own
    if isinstance(instance, DisclosureFields) or issubclass(sender, DisclosureFields):
        catalogue_page(instance)


@receiver(page_unpublished)
def _page_unpublished(sender, instance, **kwargs):
    hide_entry(instance.pk)


@receiver(pre_delete)
def _page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page) and sender is Page:
        hide_entry(instance.pk)


# --- the public catalogue (read side, shared by the page and the API) ------------------


def public_entries():
    """Entries the public sees: shown, and their page live and not restricted."""
    public_pages = Page.objects.live().public().values("id")
    return CatalogueEntry.objects.filter(is_public=True, page_id__in=public_pages)


def filter_entries(queryset, *, category="", topic="", unit=None, year=None, q=""):
    """The catalogue's filters: statutory category, topic, publishing unit, year, and a
    keyword in the title or document number."""
    if category:
        queryset = queryset.filter(category=category)
    if topic:
        queryset = queryset.filter(topic=topic)
    if unit is not None:
        queryset = queryset.filter(publisher_id=getattr(unit, "pk", unit))
    if year:
        queryset = queryset.filter(year=year)
    q = (q or "").strip()
    if q:
        from django.db.models import Q

        queryset = queryset.filter(
            Q(title__icontains=q) | Q(doc_number__icontains=q) | Q(index_number=q.upper())
        )
    return queryset


# --- hand-off from official documents ---------------------------------------------------


def handoff_url(handoff):
    return f"/oa/website/disclosures/{handoff.pk}/"


def disclosure_source():
    """What the documents app offers about its hand-offs (core/handoffs.py); None when
    that app is not installed."""
    return DISCLOSURE_SOURCE.get()


def _source():
    return DISCLOSURE_SOURCE.require()


def file_disclosure_work_items(handoffs=None):
    """Open the office's "待审核公开" work item for every pending hand-off that has no
    open item yet. Idempotent; run daily (`file_disclosure_items`) and right after a
    document is issued. Returns the items opened."""
    source = disclosure_source()
    if source is None:
        return []
    office = government_office()
    if office is None:
        log.warning("No home page owner (government office): disclosure items not filed")
        return []
    pending = source.pending()
    if handoffs is not None:
        pending = pending.filter(pk__in=[getattr(h, "pk", h) for h in handoffs])
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(pending.model)
    already = set(
        WorkItem.objects.filter(
            kind=DISCLOSURE_ITEM_KIND, state=WorkItemState.OPEN, subject_type=content_type
        ).values_list("subject_id", flat=True)
    )
    opened = []
    for handoff in pending:
        if str(handoff.pk) in already:
            continue
        document = source.describe(handoff)
        issued = timezone.localtime(document.issued_at or document.queued_at).date()
        with transaction.atomic():
            opened.append(
                workitems.open_work_item(
                    None,
                    kind=DISCLOSURE_ITEM_KIND,
                    title=_("To check for disclosure: %(number)s %(title)s")
                    % {"number": document.number, "title": document.title},
                    assignee_unit=office,
                    subject=handoff,
                    url=handoff_url(handoff),
                    due_in_working_days=DISCLOSURE_DAYS,
                    due_from=issued,
                    unit=office,
                )
            )
    return opened


@task()
def file_disclosure_items():
    """Daily job: the catch-up run of `file_disclosure_work_items`."""
    return len(file_disclosure_work_items())


def disclosure_queued(payload: DisclosureQueued) -> None:
    """Hand-off handler (after the issue commits): file the hand-off's work item now;
    the daily run catches up if this fails."""
    try:
        file_disclosure_work_items([payload.handoff_id])
    except Exception:
        log.exception("Could not file the disclosure work item of hand-off %s", payload.handoff_id)


def document_withdrawn(payload: DocumentWithdrawn) -> None:
    """Hand-off handler (inside the withdrawal): a withdrawn document leaves the queue
    (its item is cancelled); if it is already on the website, the office is asked to
    take the page down."""
    source = disclosure_source()
    handoff = source.for_document(payload.document_id) if source is not None else None
    if handoff is None:
        return
    workitems.close_items_for(handoff, kind=DISCLOSURE_ITEM_KIND, state="cancelled")
    page = DisclosedDocumentPage.objects.filter(document_id=payload.document_id, live=True).first()
    office = government_office()
    if page is None or office is None:
        return
    if WorkItem.objects.filter(
        kind=WITHDRAWN_ITEM_KIND, subject_id=str(handoff.pk), state=WorkItemState.OPEN
    ).exists():
        return
    workitems.open_work_item(
        None,
        kind=WITHDRAWN_ITEM_KIND,
        title=_("Withdrawn document still on the website: %(title)s") % {"title": page.title},
        assignee_unit=office,
        subject=handoff,
        url=f"/cms/pages/{page.pk}/edit/",
        due_in_working_days=1,
        unit=office,
        closes_by_hand=True,
    )


def connect_handoffs():
    """Register the website's handlers of documents' hand-offs (PortalConfig.ready)."""
    DISCLOSURE_QUEUED.connect(disclosure_queued)
    DOCUMENT_WITHDRAWN.connect(document_withdrawn)


# Headings of the four levels, paragraphs and tables of an official document's text
# (documents' BODY_TAGS), as the website's rich text stores them.
_PAGE_BODY_TAGS = {"h2", "h3", "h4", "p", "br", "b", "table", "thead", "tbody", "tr", "th", "td"}


def document_html(handoff):
    """The hand-off's document's text as safe HTML for the page: the sanitised body with 主送机关
    line, attachments note, signature, date and 附注 as on paper; h5 (the fourth-level
    heading "（1）") becomes a paragraph, <strong> becomes <b> (the rich-text format)."""
    from django.utils.html import escape

    texts = _source().texts(handoff)
    body = texts.body
    body = re.sub(r"<(/?)strong>", r"<\1b>", body)
    body = re.sub(r"<(/?)h5>", r"<\1p>", body)
    parts = []
    if texts.recipients:
        parts.append(f"<p>{escape(texts.recipients)}</p>")
    parts.append(body)
    if texts.attachments:
        lines = [f"{escape(num)}{escape(name)}" for num, name in texts.attachments]
        parts.append("<p>" + escape(_("Attachments: ")) + "<br>".join(lines) + "</p>")
    if texts.signatures:
        parts.append("<p>" + "<br>".join(escape(s) for s in texts.signatures) + "</p>")
    if texts.has_date:
        parts.append(f"<p>{escape(texts.date)}</p>")
    if texts.note:
        parts.append(f"<p>{escape(texts.note)}</p>")
    # Citizen ID and mobile numbers are masked on the public page (core.masking); the
    # check page warns the editor that the PDF shows them whole.
    return nh3.clean(
        mask_text("".join(parts)),
        tags=_PAGE_BODY_TAGS,
        attributes={"td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}},
    )


def disclosure_parent():
    """Where accepted documents go: the information disclosure section (/xxgk/)."""
    parent = sitetree.section("xxgk")
    if not isinstance(parent, DisclosureIndexPage):
        raise Invalid(
            _("The website has no information disclosure section (/xxgk/); ask the IT centre."),
            code="no_section",
        )
    return parent


def _pdf_of(handoff):
    return _source().pdf(handoff)


def _store_pdf(document, pdf_bytes, acting):
    """Store the PDF of `document` (a core.handoffs.DisclosedDocument) as a Wagtail
    document."""
    from wagtail.documents import get_document_model

    model = get_document_model()
    pdf = model(
        title=f"{document.number} {document.title}".strip()[:255],
        uploaded_by_user=getattr(acting, "person", acting),
    )
    pdf.file.save(f"gw-{document.document_id}.pdf", ContentFile(pdf_bytes), save=False)
    pdf.file_size = len(pdf_bytes)
    pdf.save()
    return pdf


def _clean_accept_fields(topic, category, summary):
    if topic not in Topic.values:
        raise Invalid(_("Choose a topic from the list."), field="topic")
    if category not in DisclosureCategory.values:
        raise Invalid(_("Choose a statutory category from the list."), field="category")
    summary = (summary or "").strip()
    if not summary:
        raise Invalid(_("Write a short summary of the document."), field="summary")
    if len(summary) > SUMMARY_MAX:
        raise Invalid(
            _("The summary may be at most %(max)d characters.") % {"max": SUMMARY_MAX},
            field="summary",
        )
    return summary


def _check_pending(handoff):
    document = _source().describe(handoff)
    if document.taken_at is not None:
        raise Conflict(
            _("This document is already in the catalogue (%(ref)s).") % {"ref": document.taken_ref},
            code="already_taken",
        )
    if not document.issued:
        raise Conflict(
            _("This document is no longer issued (it was withdrawn) and cannot be disclosed."),
            code="not_issued",
        )


def get_handoff(pk):
    """One hand-off (ObjectDoesNotExist when there is none)."""
    return _source().get(pk)


def describe(handoff):
    """The hand-off's document's metadata (a core.handoffs.DisclosedDocument)."""
    return _source().describe(handoff)


def accept_disclosed_document(actor, handoff, *, topic, category, summary):
    """Take an issued document marked 主动公开 into the website: a published
    DisclosedDocumentPage under /xxgk/ with its metadata, text and PDF, its catalogue
    entry and 索引号, the hand-off marked taken under that number and its work item
    closed — all or nothing. Returns the page."""
    source = _source()
    handoff = get_handoff(handoff.pk)
    permissions.require(actor, "portal.accept_disclosure", handoff)
    _check_pending(handoff)
    summary = _clean_accept_fields(topic, category, summary)
    parent = disclosure_parent()
    # The layout takes a moment: render before the transaction takes the write lock.
    pdf_bytes = _pdf_of(handoff)
    stored_file = None
    try:
        with transaction.atomic():
            handoff = source.get(handoff.pk, lock=True)
            acting = permissions.require(actor, "portal.accept_disclosure", handoff)
            _check_pending(handoff)
            document = source.describe(handoff)
            if DisclosedDocumentPage.objects.filter(document_id=document.document_id).exists():
                raise Conflict(
                    _("This document already has a page on the website."), code="already_taken"
                )
            pdf = _store_pdf(document, pdf_bytes, acting)
            stored_file = pdf.file.name
            signed = document.signed_at or document.issued_at
            page = DisclosedDocumentPage(
                title=document.title,
                slug=f"gw-{document.document_id}",
                owner_unit_id=document.issuing_unit_id,
                document_id=document.document_id,
                doc_number=document.number,
                issuing_unit_id=document.issuing_unit_id,
                issued_on=timezone.localtime(signed).date() if signed else None,
                validity=Validity.VALID,
                summary=summary,
                search_description=summary,
                body_html=document_html(handoff),
                pdf=pdf,
                in_catalogue=True,
                topic=topic,
                category=category,
            )
            # The website's pre-publication checks (sensitive words, personal data,
            # links) apply here as they do to every page published in /cms/.
            from .checks import check_page, problems_text

            problems = check_page(page)
            if problems:
                raise Invalid(problems_text(problems), code="checks")
            try:
                parent.add_child(instance=page)
            except ValidationError as exc:
                raise Conflict(
                    _("A page for this document already exists at /xxgk/gw-%(id)s/.")
                    % {"id": document.document_id},
                    code="slug_taken",
                ) from exc
            revision = page.save_revision(user=acting.person)
            # Our own rule allowed it above; Wagtail's group permissions are not used.
            revision.publish(user=acting.person, skip_permission_checks=True)
            entry = CatalogueEntry.objects.filter(page_id=page.pk).first()
            if entry is None:
                raise Conflict(_("The catalogue entry could not be created; nothing was saved."))
            source.mark_taken(handoff, ref=entry.index_number)
            workitems.close_items_for(handoff, kind=DISCLOSURE_ITEM_KIND, actor=acting)
            audit.record(
                acting,
                "portal.disclosure.accept",
                page,
                unit=page.issuing_unit,
                changes={
                    "document": [None, document.document_id],
                    "index_number": [None, entry.index_number],
                    "topic": [None, topic],
                    "category": [None, category],
                },
            )
    except BaseException:
        if stored_file:
            try:
                from django.core.files.storage import default_storage

                default_storage.delete(stored_file)
            except Exception:
                log.exception("Could not remove %s after a failed accept", stored_file)
        raise
    page.refresh_from_db()
    return page


def disclosure_queue_for(person):
    """The documents of the pending hand-offs this person may accept (office editors:
    all; an issuing unit's editors: their unit's), as core.handoffs.DisclosedDocument."""
    source = disclosure_source()
    if source is None:
        return []
    return [
        source.describe(h)
        for h in source.pending().order_by("queued_at", "pk")
        if permissions.may(person, "portal.accept_disclosure", h)
    ]


def is_index_number(text):
    return bool(INDEX_NUMBER_RE.match(text or ""))
