"""Read-side queries of service items, shared by the public pages, the API and the
staff pages, so each shows the same rows."""

import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils.functional import Promise

from zhengtong.org import permissions
from zhengtong.org.models import Unit, User
from zhengtong.public.models import PublicUser

from . import search
from .models import ItemState, ServiceEvent, ServiceItem
from .rules import in_government_office

if TYPE_CHECKING:
    from zhengtong.public.registry import MyItem

    from .models import Application


def public_items() -> QuerySet[ServiceItem]:
    """Published items only: the public never sees a draft or a withdrawn guide."""
    return ServiceItem.objects.filter(state=ItemState.PUBLISHED).select_related("unit")


def filter_items(
    queryset: QuerySet[ServiceItem],
    *,
    unit: Unit | None = None,
    item_type: str = "",
    event: ServiceEvent | None = None,
    audience: str = "",
    q: str = "",
) -> QuerySet[ServiceItem]:
    """The catalogue's filters; `q` goes through the platform's search (segmented
    Chinese words), with the name and codes matched directly as well."""
    if unit is not None:
        queryset = queryset.filter(unit=unit)
    if item_type:
        queryset = queryset.filter(item_type=item_type)
    if event is not None:
        queryset = queryset.filter(events=event)
    if audience:
        queryset = queryset.filter(audience__in=[audience, "both"])
    if q:
        ids = search.matching_ids(q)
        queryset = queryset.filter(
            Q(pk__in=ids)
            | Q(name__icontains=q)
            | Q(implementation_code__iexact=q)
            | Q(basic_code__iexact=q)
        )
    return queryset.distinct()


def public_item(code: str) -> ServiceItem | None:
    """The published item with this implementation code, or None."""
    return public_items().filter(implementation_code=code).first()


def units_with_items() -> QuerySet[Unit]:
    """Units with published items, with how many (the "by unit" panel)."""
    return (
        Unit.objects.filter(service_items__state=ItemState.PUBLISHED)
        .annotate(item_count=Count("service_items", filter=Q(service_items__state="published")))
        .order_by("sort_order", "id")
    )


def events_with_items(kind: str) -> QuerySet[ServiceEvent]:
    """The events of `kind` (life or business events), with their published items' count."""
    return (
        ServiceEvent.objects.filter(kind=kind)
        .annotate(item_count=Count("items", filter=Q(items__state=ItemState.PUBLISHED)))
        .order_by("sort_order", "id")
    )


def types_with_items() -> list[tuple[str, "str | Promise", int]]:
    """(type, label, count) of the item types that have published items."""
    from .models import ItemType

    counts = dict(public_items().values_list("item_type").annotate(n=Count("id")).order_by())
    return [(value, label, counts[value]) for value, label in ItemType.choices if counts.get(value)]


def staff_items(person: User) -> QuerySet[ServiceItem]:
    """Items a staff member works on: their units' (all units for the government
    office), every state."""
    queryset = ServiceItem.objects.select_related("unit")
    if in_government_office(person):
        return queryset
    return queryset.filter(unit_id__in=permissions.unit_ids_of(person))


def writable_units(person: User) -> QuerySet[Unit]:
    """Units for which the person may create items."""
    if in_government_office(person):
        return Unit.objects.filter(is_active=True).exclude(kind__in=["county", "section"])
    ids = [
        uid
        for uid in permissions.unit_ids_of(person)
        if permissions.may(person, "services.create_item", unit=uid)
    ]
    return Unit.objects.filter(pk__in=ids)


def public_attachment_ids(item: ServiceItem) -> set[int]:
    """Attachments a published guide shows: flow chart, result sample, materials' forms."""
    ids = {item.flow_chart_id, item.result_sample_id}
    for blank, sample in item.materials.values_list("blank_form_id", "sample_id"):
        ids |= {blank, sample}
    return {i for i in ids if i is not None}


# --- applications and cases ---------------------------------------------------------


def my_applications(public_user: PublicUser) -> list["MyItem"]:
    """The personal centre's lines: the public user's applications and their state."""
    from zhengtong.public.registry import MyItem

    from .models import Application

    rows = (
        Application.objects.filter(applicant=public_user)
        .select_related("item")
        .order_by("-created_at")[:100]
    )
    return [
        MyItem(
            title=f"{a.number or ''} {a.item.name}".strip(),
            url=f"/bsfw/sq/{a.pk}/",
            status=a.get_state_display(),
            date=(a.submitted_at or a.created_at).date(),
        )
        for a in rows
    ]


def unit_cases(
    person: User, *, state: str = "", overdue: bool = False, today: datetime.date | None = None
) -> QuerySet["Application"]:
    """The cases of the units `person` belongs to (drafts never shown), newest first.
    `overdue`: open cases past their statutory decision date (or intake date)."""
    from django.utils import timezone

    from .models import OPEN_STATES, Application, ApplicationState

    units = list(permissions.unit_ids_of(person))
    qs = (
        Application.objects.filter(unit_id__in=units)
        .exclude(state=ApplicationState.DRAFT)
        .select_related("item", "unit")
    )
    if state:
        qs = qs.filter(state=state)
    if overdue:
        today = today or timezone.localdate()
        qs = qs.filter(state__in=list(OPEN_STATES)).filter(
            Q(decision_due__lt=today) | Q(decision_due__isnull=True, intake_due__lt=today)
        )
    return qs.order_by("-submitted_at", "-id")


def completed_cases() -> QuerySet["Application"]:
    """办件公示: completed cases, most recently decided first."""
    from .models import Application, ApplicationState

    return (
        Application.objects.filter(state__in=[ApplicationState.DELIVERED, ApplicationState.REFUSED])
        .select_related("item", "unit")
        .order_by("-decided_at", "-id")
    )
