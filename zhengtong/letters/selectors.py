"""Read-side queries on letters, with the same permission facts as `rules.py`, so the
pages, the API and any export show the same rows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import Combinable
from django.db.models.functions import TruncMonth
from django.utils import timezone

from zhengtong.core.models import WorkItem, WorkItemState
from zhengtong.org import permissions
from zhengtong.org.models import Role, User

from .models import Letter, LetterRouting, LetterState, LetterStep, Mailbox

if TYPE_CHECKING:
    from zhengtong.public.models import PublicUser
    from zhengtong.public.registry import MyItem


def _people_and_units(person: User) -> tuple[list[int], bool]:
    """All the units of the person and their delegators (the view rule is delegable),
    and whether any of them reads every letter (county leaders, the supervision office).
    Built on `org.permissions.acting_scope`, which caches the scope for the request."""
    scope = permissions.acting_scope(person)
    reads_all = any(
        permissions.has_role(p, Role.COUNTY_LEADER) or permissions.has_role(p, Role.SUPERVISOR)
        for p in scope.people
    )
    return list(scope.unit_ids), reads_all


def active_office_ids() -> set[int]:
    """The office units of the active mailboxes: the public's reception offices
    (registered with `public.reception`)."""
    return set(Mailbox.objects.filter(is_active=True).values_list("office_unit_id", flat=True))


def visible_q(person: User) -> Q | Combinable:
    """Letters the person may see (rule `letters.letter.view`): their mailbox office's,
    those routed to their units, or all for county leaders and the supervision office."""
    units, reads_all = _people_and_units(person)
    if reads_all:
        return Q()
    routed = LetterRouting.objects.filter(letter=OuterRef("pk"), unit_id__in=units)
    return Q(mailbox__office_unit_id__in=units) | Exists(routed)


def visible_letters(person: User) -> QuerySet[Letter]:
    return Letter.objects.filter(visible_q(person)).select_related("mailbox", "lead_unit")


def awaiting_my_unit(person: User) -> QuerySet[WorkItem]:
    """The open work items on letters assigned to the person's units, soonest due
    first: served by the work-item index (assignee_unit, state, due_date)."""
    units, _reads_all = _people_and_units(person)
    letter_type = ContentType.objects.get_for_model(Letter)
    return (
        WorkItem.objects.filter(
            assignee_unit_id__in=units,
            state=WorkItemState.OPEN,
            subject_type=letter_type,
        )
        .select_related("assignee_unit")
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )


def letters_for_items(items: Iterable[WorkItem]) -> dict[int, Letter]:
    """{letter id: letter} for a page of work items (one query)."""
    ids = {int(item.subject_id) for item in items if item.subject_id.isdigit()}
    return {
        letter.pk: letter
        for letter in Letter.objects.filter(pk__in=ids)
        .select_related("mailbox", "lead_unit")
        # The list shows no personal data: leave the encrypted columns undecrypted.
        .defer("writer_name", "writer_mobile", "content", "query_password")
    }


def published_letters() -> QuerySet[Letter]:
    return (
        Letter.objects.filter(published_at__isnull=False)
        .select_related("lead_unit", "mailbox")
        .order_by("-published_at", "-id")
    )


def public_timeline(letter: Letter) -> list[LetterStep]:
    """The steps the writer sees: public steps only, with date, label, note and unit."""
    from .models import INTERNAL_STEPS

    return [s for s in letter.steps.select_related("unit") if s.kind not in INTERNAL_STEPS]


def statistics(
    *, year: int | None = None, queryset: QuerySet[Letter] | None = None
) -> dict[str, Any]:
    """Received, replied, on-time rate and average reply time (working days), by
    replying unit and by month of receipt. The public page and the staff page show the
    same figures."""
    qs = queryset if queryset is not None else Letter.objects.all()
    if year:
        qs = qs.filter(received_at__year=year)
    qs = qs.exclude(state=LetterState.DECLINED)
    answered = Q(replied_at__isnull=False)

    def rows(values: list[str]) -> list[dict[str, Any]]:
        out = []
        for row in (
            qs.values(*values)
            .annotate(
                received=Count("id"),
                replied=Count("id", filter=answered),
                on_time=Count("id", filter=answered & Q(replied_on_time=True)),
                avg_days=Avg("reply_days", filter=answered),
            )
            .order_by(*values)
        ):
            out.append(_rates(row))
        return out

    totals = qs.aggregate(
        received=Count("id"),
        replied=Count("id", filter=answered),
        on_time=Count("id", filter=answered & Q(replied_on_time=True)),
        avg_days=Avg("reply_days", filter=answered),
    )
    _rates(totals)
    return {
        "by_unit": rows(["lead_unit__name"]),
        "by_month": _by_month(qs, answered),
        "totals": totals,
    }


def _rates(row: dict[str, Any]) -> dict[str, Any]:
    row["on_time_rate"] = (
        round(100 * row["on_time"] / row["replied"], 1) if row["replied"] else None
    )
    row["avg_days"] = round(row["avg_days"], 1) if row["avg_days"] is not None else None
    return row


def _by_month(qs: QuerySet[Letter], answered: Q) -> list[dict[str, Any]]:
    rows = []
    for row in (
        qs.annotate(month=TruncMonth("received_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(
            received=Count("id"),
            replied=Count("id", filter=answered),
            on_time=Count("id", filter=answered & Q(replied_on_time=True)),
            avg_days=Avg("reply_days", filter=answered),
        )
        .order_by("month")
    ):
        rows.append(_rates(dict(row)))
    return rows


def my_letters(public_user: PublicUser) -> list[MyItem]:
    """The personal centre's list (public registry): the account's letters."""
    from zhengtong.public.registry import MyItem

    items = []
    for letter in Letter.objects.filter(public_user=public_user).order_by("-received_at")[:200]:
        items.append(
            MyItem(
                title=letter.title,
                url=f"/hdjl/xx/cx/{letter.tracking_code}/",
                status=str(LetterState(letter.state).label),
                date=timezone.localdate(letter.received_at),
            )
        )
    return items
