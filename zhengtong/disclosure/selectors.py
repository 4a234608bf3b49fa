"""Read-side queries of disclosure requests, with the permission filtering, shared by
the staff pages, the API and the annual report: a unit sees only the requests
addressed to it (rule `disclosure.view`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from zhengtong.org import permissions
from zhengtong.org.models import Unit, User
from zhengtong.public.models import PublicUser

from .models import CLOSED_STATES, OPEN_STATES, DisclosureRequest, ReplyKind, State


def visible_requests(person: User) -> QuerySet[DisclosureRequest]:
    """Requests addressed to one of the person's units or their delegators' units."""
    return DisclosureRequest.objects.filter(
        unit_id__in=permissions.acting_scope(person).unit_ids
    ).select_related("unit")


def awaiting(person: User) -> QuerySet[DisclosureRequest]:
    """Open requests of the person's units, soonest due first (paused ones last)."""
    from django.db.models import F

    return (
        visible_requests(person)
        .filter(state__in=OPEN_STATES)
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )


def get_visible(person: User, pk: int | str) -> DisclosureRequest | None:
    """One request the person may see, or None."""
    try:
        number = int(pk)
    except (TypeError, ValueError):
        return None
    req = DisclosureRequest.objects.select_related("unit").filter(pk=number).first()
    if req is None or not permissions.may(person, "disclosure.view", req):
        return None
    return req


def of_public_user(public_user: PublicUser) -> QuerySet[DisclosureRequest]:
    return DisclosureRequest.objects.filter(public_user=public_user).select_related("unit")


# --- the annual report's request table (docs/conformance.md DIS-14) ----------------------

# Rows of the national template's table 三 (国办公开办函〔2021〕30号), as the platform's
# outcomes map onto them: (row key, outcome). Provided + partial is 部分公开.
REPORT_ROWS = (
    "received",
    "carried_over",
    "disclosed",
    "partly_disclosed",
    "not_disclosed",
    "cannot_provide",
    "not_handled",
    "other",
    "total_handled",
    "carried_forward",
)


def report_columns() -> list[tuple[str, str]]:
    """(row key, heading) of the annual report's request table (§3.4)."""
    return [
        ("received", _("Received this year")),
        ("carried_over", _("Carried over from last year")),
        ("disclosed", _("Disclosed")),
        ("partly_disclosed", _("Partly disclosed")),
        ("not_disclosed", _("Not disclosed")),
        ("cannot_provide", _("Cannot be provided")),
        ("not_handled", _("Not handled")),
        ("other", _("Other (withdrawn, not corrected)")),
        ("total_handled", _("Total handled")),
        ("carried_forward", _("Carried forward to next year")),
    ]


@dataclass
class AnnualCounts:
    """Figures of one year (and one organ, or all): requests received in the year,
    carried over from the year before, closed in the year by outcome, and still open
    at the year's end (carried forward)."""

    year: int
    received: int = 0
    carried_over: int = 0
    by_kind: dict[str, int] = field(
        default_factory=dict
    )  # ReplyKind value -> count (replied in year)
    partial: int = 0  # of by_kind["provided"], those partly disclosed
    withdrawn: int = 0
    abandoned: int = 0
    carried_forward: int = 0

    @property
    def replied(self) -> int:
        return sum(self.by_kind.values())

    @property
    def total_handled(self) -> int:
        return self.replied + self.withdrawn + self.abandoned

    def report_rows(self) -> dict[str, int]:
        """The national template's rows: {row key: count}. 予以公开 counts information
        already public and provided in full; 无法提供 counts "does not exist" and "not
        held"; 不予处理 repeated requests and other routes; 其他处理 withdrawn and
        abandoned requests."""
        k = self.by_kind
        return {
            "received": self.received,
            "carried_over": self.carried_over,
            "disclosed": k.get(ReplyKind.ALREADY_PUBLIC, 0)
            + k.get(ReplyKind.PROVIDED, 0)
            - self.partial,
            "partly_disclosed": self.partial,
            "not_disclosed": k.get(ReplyKind.NOT_DISCLOSED, 0),
            "cannot_provide": k.get(ReplyKind.NOT_EXIST, 0) + k.get(ReplyKind.NOT_HELD, 0),
            "not_handled": k.get(ReplyKind.REPEAT, 0) + k.get(ReplyKind.OTHER_ROUTE, 0),
            "other": self.withdrawn + self.abandoned,
            "total_handled": self.total_handled,
            "carried_forward": self.carried_forward,
        }


def annual_counts(year: int | str, unit: Unit | int | None = None) -> AnnualCounts:
    """The §3.4 request table of `year` for one organ (`unit`) or for all organs.

    Received = received in the year; carried over = received before the year and not
    closed before 1 January; handled = closed in the year (replied by type, withdrawn,
    abandoned); carried forward = received by 31 December and not closed by then.
    By construction carried_over + received = total_handled + carried_forward."""
    year = int(year)
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    qs = DisclosureRequest.objects.all()
    if unit is not None:
        qs = qs.filter(unit=unit)
    open_at_end = Q(closed_on__isnull=True) | Q(closed_on__gt=last)
    counts = AnnualCounts(
        year=year,
        received=qs.filter(received_on__range=(first, last)).count(),
        carried_over=qs.filter(received_on__lt=first)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=first))
        .count(),
        carried_forward=qs.filter(received_on__lte=last).filter(open_at_end).count(),
    )
    closed = qs.filter(state__in=CLOSED_STATES, closed_on__range=(first, last))
    for state, kind, partial in closed.values_list("state", "reply__kind", "reply__is_partial"):
        if state == State.WITHDRAWN:
            counts.withdrawn += 1
        elif state == State.ABANDONED:
            counts.abandoned += 1
        else:
            counts.by_kind[kind] = counts.by_kind.get(kind, 0) + 1
            if kind == ReplyKind.PROVIDED and partial:
                counts.partial += 1
    return counts
