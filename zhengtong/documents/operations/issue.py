"""Issue (登记 + 分发): number and distribute a signed-off document, sign for it (签收),
withdraw it, and the disclosure hand-off to the website (core/handoffs.py).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengtong.core import audit, handoffs, workitems
from zhengtong.core.errors import Conflict, Invalid
from zhengtong.core.models import WorkItem
from zhengtong.org import permissions
from zhengtong.org.models import User

from ..models import (
    Disclosure,
    DisclosureHandoff,
    Distribution,
    DocState,
    Document,
    RecipientKind,
    StepState,
    Urgency,
)
from ..search import index_document
from .common import SIGN_FOR_KIND, _trail, document_url, take_number
from .incoming import _register

# --- numbering and issue ------------------------------------------------------------


def sign_for_days(urgency: str) -> int:
    days = getattr(settings, "DOCUMENT_SIGN_FOR_DAYS", 3)
    if urgency == Urgency.EXTRA_URGENT:
        return 0
    if urgency == Urgency.URGENT:
        return 1
    return days


@transaction.atomic
def issue(actor: Any, document: Document) -> Document:
    """Number (登记) and distribute (分发) a signed-off document (§1.5 Art. 25). Either
    the document is fully issued, or no number is taken."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    acting = permissions.require(actor, "documents.issue", document)
    if document.state != DocState.SIGNED:
        raise Conflict(
            _("Only a signed-off document can be issued (it may have been issued already).")
        )
    prefix = document.issuing_unit.doc_prefix
    if not prefix:
        raise Invalid(
            _("The issuing unit has no document-number prefix (代字); ask the IT centre.")
        )
    year = timezone.localdate().year
    document.number_prefix, document.number_year = prefix, year
    document.number_seq = take_number(prefix, year)
    document.state = DocState.ISSUED
    document.issued_at = timezone.now()
    document.save(
        update_fields=[
            "number_prefix",
            "number_year",
            "number_seq",
            "state",
            "issued_at",
            "updated_at",
        ]
    )
    workitems.close_items_for(document, kind="documents.issue", actor=acting)
    days = sign_for_days(document.urgency)
    recipients = [(u, RecipientKind.MAIN) for u in document.main_recipients.all()]
    recipients += [(u, RecipientKind.COPY) for u in document.copy_recipients.all()]
    seen = set()
    for unit, kind in recipients:
        if unit.pk in seen:
            continue
        seen.add(unit.pk)
        item = workitems.open_work_item(
            None,
            kind=SIGN_FOR_KIND,
            title=_("Sign for: %(number)s %(title)s")
            % {"number": document.number, "title": document.title},
            assignee_unit=unit,
            subject=document,
            url=document_url(document),
            due_in_working_days=days,
            unit=unit,
        )
        Distribution.objects.create(document=document, unit=unit, kind=kind, due_date=item.due_date)
    if document.disclosure == Disclosure.PROACTIVE:
        handoff = DisclosureHandoff.objects.create(document=document)
        # The website opens its "to check" item once the issue is committed.
        handoffs.DISCLOSURE_QUEUED.send_on_commit(
            handoffs.DisclosureQueued(handoff_id=handoff.pk, document_id=document.pk)
        )
    index_document(document)  # now with its number
    _trail(document, "issue", acting, unit=document.issuing_unit, opinion=document.number)
    audit.record(
        acting,
        "documents.issue",
        document,
        unit=document.issuing_unit,
        changes={"number": [None, document.number], "recipients": [None, len(seen)]},
    )
    return document


@transaction.atomic
def sign_for(actor: Any, distribution: Distribution) -> Distribution:
    """A recipient unit's clerk signs for the document (签收), time recorded (§1.5)."""
    distribution = (
        Distribution.objects.select_for_update(of=("self",))
        .select_related("document", "unit")
        .get(pk=distribution.pk)
    )
    acting = permissions.require(actor, "documents.sign_for", distribution, unit=distribution.unit)
    if distribution.signed_for_at is not None:
        raise Conflict(_("This document has already been signed for."))
    distribution.signed_for_at = timezone.now()
    distribution.signed_for_by = acting.person
    distribution.save(update_fields=["signed_for_at", "signed_for_by"])
    document = distribution.document
    workitems.close_items_for(
        document, kind=SIGN_FOR_KIND, actor=acting, assignee_unit=distribution.unit
    )
    _trail(document, "sign_for", acting, unit=distribution.unit)
    # Signing for registers it in the unit's incoming book (签收 → 登记, Art. 24).
    record = _register(
        acting,
        unit=distribution.unit,
        title=document.title,
        source_name=document.issuing_unit.name,
        source_number=document.number,
        distribution=distribution,
    )
    audit.record(
        acting,
        "documents.sign_for",
        document,
        unit=distribution.unit,
        changes={
            "signed_for_at": [None, distribution.signed_for_at],
            "serial": [None, record.serial],
        },
    )
    return distribution


# --- withdrawal -----------------------------------------------------------------------


@transaction.atomic
def withdraw(actor: Any, document: Document, *, reason: str) -> Document:
    """Withdraw a document (before or after issue). Its number, if it has one, stays
    taken and is listed as withdrawn; recipients are told; open items are cancelled."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    acting = permissions.require(actor, "documents.withdraw", document)
    if document.state == DocState.WITHDRAWN:
        raise Conflict(_("This document has already been withdrawn."))
    if document.archive_entries.exists():
        raise Conflict(_("An archived document cannot be withdrawn."))
    if not (reason or "").strip():
        raise Invalid(_("Say why it is withdrawn."), field="reason")
    before = document.state
    document.state = DocState.WITHDRAWN
    document.save(update_fields=["state", "updated_at"])
    # The website drops it from its queue (or asks for its page to come down) in this
    # same transaction.
    handoffs.DOCUMENT_WITHDRAWN.send(handoffs.DocumentWithdrawn(document_id=document.pk))
    for item in WorkItem.objects.filter(
        subject_id=str(document.pk), state="open", kind__startswith="documents."
    ):
        workitems.close_items_for(document, kind=item.kind, actor=acting, state="cancelled")
    document.route.filter(state__in=[StepState.WAITING, StepState.PENDING]).update(
        state=StepState.SKIPPED
    )
    from zhengtong.core.notifications import notify

    for distribution in document.distributions.select_related("unit"):
        for clerk in User.objects.filter(
            role_assignments__role="clerk", role_assignments__unit=distribution.unit, is_active=True
        ):
            notify(
                clerk,
                _("Withdrawn: %(number)s %(title)s")
                % {"number": document.number, "title": document.title},
                body=reason.strip(),
                url=document_url(document),
            )
    _trail(document, "withdraw", acting, unit=document.issuing_unit, opinion=reason.strip())
    audit.record(
        acting,
        "documents.withdraw",
        document,
        unit=document.issuing_unit,
        changes={"state": [before, DocState.WITHDRAWN], "reason": [None, reason.strip()]},
    )
    return document


@transaction.atomic
def mark_disclosure_taken(handoff: DisclosureHandoff, *, ref: str) -> DisclosureHandoff:
    """The website has put the document in its catalogue under `ref` (its 索引号)."""
    handoff = DisclosureHandoff.objects.select_for_update().get(pk=handoff.pk)
    if handoff.taken_at is not None:
        raise Conflict(_("This document is already in the catalogue."))
    handoff.taken_at = timezone.now()
    handoff.taken_ref = ref[:100]
    handoff.save(update_fields=["taken_at", "taken_ref"])
    audit.record(
        None,
        "documents.disclosure.taken",
        handoff.document,
        unit=handoff.document.issuing_unit,
        changes={"ref": [None, handoff.taken_ref]},
    )
    return handoff
