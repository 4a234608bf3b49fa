"""Declared hand-offs between subsystems (docs/architecture.md, the dependency rule).

A subsystem never imports another one. Where one must act on another's event (an issued
document becomes a website page), the receiving app registers a handler here in its
`AppConfig.ready()`, and the sending app's operation calls the hand-off explicitly, with a
small frozen payload of plain fields (never a model instance of the sender):

    DISCLOSURE_QUEUED.connect(file_item)                      # portal/apps.py
    DISCLOSURE_QUEUED.send_on_commit(DisclosureQueued(...))   # documents' issue()

Where the receiver needs to read or act on the sender's records, the sender registers a
provider (a named slot holding one object or function), which the receiver asks for:

    DISCLOSURE_SOURCE.register(DocumentsDisclosureSource())   # documents/apps.py
    source = DISCLOSURE_SOURCE.get()                          # portal/catalogue.py

Only the names declared below exist; an app that is not installed simply leaves its
handlers and providers out (a hand-off with no handler does nothing).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from django.db import transaction
from django.db.models import Model, QuerySet

log = logging.getLogger("zhengtong.core.handoffs")

P = TypeVar("P")
T = TypeVar("T")


class HandOff(Generic[P]):
    """A named event one subsystem sends and others receive, with payload type `P`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._handlers: list[Callable[[P], None]] = []

    def __repr__(self) -> str:
        return f"<HandOff {self.name}>"

    def connect(self, handler: Callable[[P], None]) -> None:
        """Register `handler` (in the receiving app's `AppConfig.ready()`); registering
        the same function again does nothing (ready() may run twice in tests)."""
        if handler not in self._handlers:
            self._handlers.append(handler)

    def disconnect(self, handler: Callable[[P], None]) -> None:
        if handler in self._handlers:
            self._handlers.remove(handler)

    def handlers(self) -> list[Callable[[P], None]]:
        return list(self._handlers)

    def send(self, payload: P) -> None:
        """Call every handler now, inside the sender's transaction: a handler's error
        rolls the sender's operation back."""
        for handler in list(self._handlers):
            handler(payload)

    def send_on_commit(self, payload: P) -> None:
        """Call every handler once the sender's transaction has committed (nothing is
        sent if it rolls back)."""
        for handler in list(self._handlers):
            transaction.on_commit(_bound(handler, payload))


def _bound(handler: Callable[[P], None], payload: P) -> Callable[[], None]:
    def call() -> None:
        handler(payload)

    return call


class Provider(Generic[T]):
    """A named slot that one subsystem fills (in its `AppConfig.ready()`) with what
    another may ask of it; empty while that subsystem is not installed."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._value: T | None = None

    def __repr__(self) -> str:
        return f"<Provider {self.name}>"

    def register(self, value: T) -> None:
        """Fill the slot (registering again replaces the value)."""
        self._value = value

    def get(self) -> T | None:
        """The registered value, or None when no app provides it."""
        return self._value

    def require(self) -> T:
        """The registered value; a configuration error when no app provides it."""
        if self._value is None:
            raise LookupError(f"No application provides {self.name!r}.")
        return self._value


# --- documents → website: issued documents marked 主动公开 --------------------------------


@dataclass(frozen=True)
class DisclosureQueued:
    """An issued document marked 主动公开 is waiting for the website's catalogue."""

    handoff_id: int
    document_id: int


@dataclass(frozen=True)
class DocumentWithdrawn:
    """A document was withdrawn (it may already be on the website)."""

    document_id: int


@dataclass(frozen=True)
class DocumentTexts:
    """An official document's text as laid out on paper, for a web page."""

    recipients: str
    body: str
    attachments: tuple[tuple[str, str], ...]
    signatures: tuple[str, ...]
    date: str
    has_date: bool
    note: str


@dataclass(frozen=True)
class DisclosedDocument:
    """What the website takes from an issued document: its metadata, plain fields."""

    document_id: int
    handoff_id: int
    title: str
    number: str
    issuing_unit_id: int
    issuing_unit_name: str
    doc_type_label: str
    disclosure_label: str
    issued: bool
    signed_at: datetime.datetime | None
    issued_at: datetime.datetime | None
    queued_at: datetime.datetime
    taken_at: datetime.datetime | None
    taken_ref: str
    plain_text: str  # title, body and attachment note, to look for personal data


class DisclosureSource(Protocol):
    """What the documents app offers the website about its disclosure hand-offs. A
    hand-off row is an opaque model instance to the receiver (a work item's subject);
    everything it reads about the document comes as a `DisclosedDocument`."""

    def pending(self) -> QuerySet[Any]:
        """Hand-offs not yet taken whose document is still issued, oldest first."""

    def get(self, pk: int, *, lock: bool = False) -> Model:
        """One hand-off (raises `ObjectDoesNotExist`); `lock` takes its row lock."""

    def for_document(self, document_id: int) -> Model | None:
        """The hand-off of a document, if it has one."""

    def describe(self, handoff: Model) -> DisclosedDocument:
        """The document's metadata."""

    def texts(self, handoff: Model) -> DocumentTexts:
        """The document's text as on paper."""

    def pdf(self, handoff: Model) -> bytes:
        """The document's GB/T 9704 PDF."""

    def mark_taken(self, handoff: Model, *, ref: str) -> None:
        """The website has taken the document under `ref` (its 索引号)."""


DISCLOSURE_QUEUED: HandOff[DisclosureQueued] = HandOff("documents.disclosure_queued")
DOCUMENT_WITHDRAWN: HandOff[DocumentWithdrawn] = HandOff("documents.withdrawn")
DISCLOSURE_SOURCE: Provider[DisclosureSource] = Provider("documents.disclosure_source")


# --- disclosure → website: the annual report's request table ------------------------------

# (year, organ unit id or None for all organs) → [(heading, count)] in the report's order.
AnnualRequestTable = Callable[[int, int | None], list[tuple[str, int]]]

ANNUAL_REQUEST_TABLE: Provider[AnnualRequestTable] = Provider("disclosure.annual_request_table")
