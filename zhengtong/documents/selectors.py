"""Reads of official documents, filtered by what the person may see: the API's
visibility filter, the pages' boxes and incoming book, one document or incoming
record, the units to choose from, the pending disclosure hand-offs, a unit's
statistics. Pages and API read through here, so both show the same things.

"Whom does this person act for" is the kernel's one answer,
`org.permissions.acting_scope` (the person, their delegators, and all their units).
"""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast

from zhengtong.core.errors import NotFound
from zhengtong.core.models import WorkItem
from zhengtong.org import permissions
from zhengtong.org.models import Role, RoleAssignment, Unit, UnitKind, User

from .models import (
    DisclosureHandoff,
    Distribution,
    DocState,
    Document,
    IncomingRecord,
    RouteStep,
    StepState,
    Urgency,
)
from .operations.common import HANDLE_KIND, SIGN_FOR_KIND

# --- who sees what ------------------------------------------------------------------------


def people_and_units(person: Any) -> tuple[list[int], list[int]]:
    """The ids of the person and everyone who delegated their work to them (the view
    rule is delegable), and of the units all of them belong to (cached per request by
    `acting_scope`)."""
    scope = permissions.acting_scope(person)
    return list(scope.people_ids), list(scope.unit_ids)


def visible_q(person: Any) -> Q:
    """Documents `person` may see, as one filter: the rule `documents.document.view`
    (issuing unit's members and the drafter, everyone on the route, and once issued the
    members of the recipient units), tried for the person and their delegators."""
    people, units = people_and_units(person)
    on_route = RouteStep.objects.filter(document=OuterRef("pk"), assignee_id__in=people)
    received = Distribution.objects.filter(document=OuterRef("pk"), unit_id__in=units)
    return (
        Q(issuing_unit_id__in=units)
        | Q(drafter_id__in=people)
        | Exists(on_route)
        | (Q(state__in=[DocState.ISSUED, DocState.WITHDRAWN]) & Exists(received))
    )


def visible_documents(person: Any) -> QuerySet[Document]:
    """Every document `person` may see (`visible_q`)."""
    return Document.objects.filter(visible_q(person))


def visible_incoming(person: Any) -> QuerySet[IncomingRecord]:
    """Incoming records `person` may see: the rule `documents.incoming.view` (members of
    the receiving unit), tried for the person and their delegators."""
    _people, units = people_and_units(person)
    return IncomingRecord.objects.filter(unit_id__in=units)


def unit_incoming(person: Any) -> QuerySet[IncomingRecord]:
    """The incoming book of the person's own units (the page's list)."""
    return IncomingRecord.objects.filter(unit_id__in=permissions.unit_ids_of(person))


def urgency_rank(prefix: str = "") -> Case:
    """Extra urgent first, then urgent, then the rest (an ordering expression)."""
    field = f"{prefix}urgency"
    return Case(
        When(**{field: Urgency.EXTRA_URGENT}, then=Value(0)),
        When(**{field: Urgency.URGENT}, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def box_querysets(person: Any) -> dict[str, QuerySet[Any]]:
    """The boxes of the documents page: steps awaiting the person (or someone they act
    for), distributions to sign for, drafts, sent and received documents of their own
    units (a delegate signs for the delegator's unit from the document itself)."""
    mine = permissions.unit_ids_of(person)
    acting_for = permissions.acting_scope(person).people_ids
    return {
        "awaiting": RouteStep.objects.filter(
            assignee_id__in=acting_for,
            state=StepState.PENDING,
            document__state=DocState.IN_ROUTE,
        )
        .select_related("document", "document__issuing_unit", "assignee", "unit")
        .order_by(urgency_rank("document__"), "document__created_at", "pk"),
        "to_sign_for": Distribution.objects.filter(
            unit_id__in=mine, signed_for_at__isnull=True, document__state=DocState.ISSUED
        )
        .select_related("document", "document__issuing_unit", "unit")
        .order_by(urgency_rank("document__"), "due_date", "sent_at", "pk"),
        "drafts": Document.objects.filter(
            Q(issuing_unit_id__in=mine) | Q(drafter=person),
            state__in=[DocState.DRAFT, DocState.IN_ROUTE, DocState.SIGNED],
        )
        .select_related("issuing_unit", "drafter")
        .order_by("-updated_at", "-pk"),
        "sent": Document.objects.filter(
            issuing_unit_id__in=mine,
            state__in=[DocState.ISSUED, DocState.WITHDRAWN],
            number_seq__isnull=False,
        )
        .select_related("issuing_unit")
        .order_by("-issued_at", "-pk"),
        "received": Distribution.objects.filter(unit_id__in=mine)
        .select_related("document", "document__issuing_unit", "unit", "signed_for_by")
        .order_by("-sent_at", "-pk"),
    }


def registering_units(person: Any) -> list[Unit]:
    """The units in whose name the person may register a paper document (their clerk
    units, and those of anyone they act for)."""
    people = permissions.acting_scope(person).people
    ids = set(
        RoleAssignment.objects.filter(
            user__in=people, role=Role.CLERK, unit__isnull=False
        ).values_list("unit_id", flat=True)
    )
    ids |= set(permissions.unit_ids_of(person))
    units = Unit.objects.filter(pk__in=ids, is_active=True).order_by("sort_order", "pk")
    return [u for u in units if permissions.may(person, "documents.register", None, unit=u)]


# --- one object ---------------------------------------------------------------------------


def get_document(actor: Any, pk: int) -> Document:
    """A document the person may see, or NotFound (also when they may not)."""
    document = (
        Document.objects.filter(pk=pk).select_related("issuing_unit", "drafter", "signer").first()
    )
    if document is None or not permissions.may(actor, "documents.document.view", document):
        raise NotFound()
    return document


def get_incoming(actor: Any, pk: int) -> IncomingRecord:
    """An incoming record the person may see, or NotFound (also when they may not)."""
    record = IncomingRecord.objects.filter(pk=pk).select_related("unit", "distribution").first()
    if record is None or not permissions.may(actor, "documents.incoming.view", record):
        raise NotFound()
    return record


def units_for_choice() -> QuerySet[Unit]:
    """Units a document may be addressed to or issued with (no county, no sections)."""
    return Unit.objects.filter(is_active=True).exclude(kind__in=[UnitKind.COUNTY, UnitKind.SECTION])


def unit_members(unit: Unit) -> QuerySet[User]:
    """Active members of `unit`, by name."""
    return (
        User.objects.filter(is_active=True, memberships__unit=unit)
        .distinct()
        .order_by("real_name", "pk")
    )


# --- disclosure hand-off to the website -------------------------------------------------


def pending_disclosures() -> QuerySet[DisclosureHandoff]:
    """Issued documents marked 主动公开 that the website has not taken yet, oldest first."""
    return DisclosureHandoff.objects.filter(
        taken_at__isnull=True, document__state=DocState.ISSUED
    ).select_related("document", "document__issuing_unit")


# --- statistics ---------------------------------------------------------------------


def unit_statistics(unit: Unit, year: int) -> dict[str, int]:
    """Per unit and year: documents sent, received, signed for on time, and incoming
    documents handled on time — read from the work items, as assessment does."""
    sent = Document.objects.filter(
        issuing_unit=unit, state=DocState.ISSUED, number_year=year
    ).count()
    received = Distribution.objects.filter(unit=unit, sent_at__year=year)
    sign_for_items = WorkItem.objects.filter(
        kind=SIGN_FOR_KIND, assignee_unit=unit, created_at__year=year, state="done"
    )
    on_time = sign_for_items.filter(
        Q(due_date__isnull=True) | Q(closed_at__date__lte=F("due_date"))
    )
    # WorkItem.subject_id is text (it holds any object's key): compare text with text.
    record_keys = (
        IncomingRecord.objects.filter(unit=unit).annotate(key=Cast("pk", CharField())).values("key")
    )
    handle_items = WorkItem.objects.filter(
        kind=HANDLE_KIND, created_at__year=year, state="done", subject_id__in=record_keys
    )
    handled_on_time = handle_items.filter(
        Q(due_date__isnull=True) | Q(closed_at__date__lte=F("due_date"))
    )
    return {
        "sent": sent,
        "received": received.count(),
        "signed_for": sign_for_items.count(),
        "signed_for_on_time": on_time.count(),
        "handled": handle_items.count(),
        "handled_on_time": handled_on_time.count(),
    }
