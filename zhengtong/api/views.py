"""REST API v1: units, staff, work items, calendar. Same permission helpers and the
same operations as the pages."""

from typing import Any, cast

import django_filters
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django_otp import match_token
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from zhengtong.core import calendar, workitems
from zhengtong.core.models import WorkItem, WorkItemState
from zhengtong.org import signin
from zhengtong.org.middleware import needs_second_factor
from zhengtong.org.models import Unit, User

from . import serializers as s
from .authentication import expires_at, is_usable
from .permissions import (
    LockedOut,
    PasswordChangeRequired,
    SecondFactorRequired,
    StaffAccountPolicy,
)


class ObtainToken(ObtainAuthToken):
    """A token for the user name and password, and the 6-digit code of the
    authenticator app for accounts that use two-factor sign-in. Refused while the
    password must be changed."""

    serializer_class = s.TokenRequestSerializer

    @extend_schema(request=s.TokenRequestSerializer, responses=s.TokenSerializer)
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The ceilings on failed sign-ins (one account, one address) refuse with 429
        # before the password is checked.
        username = request.data.get("username") if isinstance(request.data, dict) else None
        signin.check(cast(HttpRequest, request), username if isinstance(username, str) else None)
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # django-axes marks the request it was given (this DRF request) when the
            # account is locked; say so rather than "wrong password".
            if getattr(request, "axes_locked_out", False):
                raise LockedOut()
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        if user.must_change_password:
            raise PasswordChangeRequired()
        required, has_device = needs_second_factor(user)
        if required or has_device:
            code = serializer.validated_data.get("otp_token") or ""
            if not code or match_token(user, code) is None:
                raise SecondFactorRequired()
        with transaction.atomic():
            token, _created = Token.objects.select_for_update().get_or_create(user=user)
            if not is_usable(token):  # expired, or older than the password
                token.delete()  # the key is the primary key: a new token, a new key
                token = Token.objects.create(user=user)
        return Response({"token": token.key, "expires": expires_at(token)})


class UnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="name contains")

    class Meta:
        model = Unit
        fields = ["kind", "parent", "is_active"]

    def search(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))


class UnitViewSet(viewsets.ReadOnlyModelViewSet[Unit]):
    """The county's units (any signed-in staff member may read them)."""

    queryset = Unit.objects.all().order_by("sort_order", "id")
    permission_classes = [StaffAccountPolicy]
    serializer_class = s.UnitSerializer
    filterset_class = UnitFilter


class StaffFilter(django_filters.FilterSet):
    unit = django_filters.NumberFilter(field_name="memberships__unit")
    q = django_filters.CharFilter(field_name="real_name", lookup_expr="icontains")

    class Meta:
        model = User
        fields = ["unit"]


class StaffViewSet(viewsets.ReadOnlyModelViewSet[User]):
    """Colleagues, as one colleague may see another."""

    serializer_class = s.StaffSerializer
    filterset_class = StaffFilter
    permission_classes = [StaffAccountPolicy]

    def get_queryset(self) -> QuerySet[User]:
        return (
            User.objects.filter(is_active=True)
            .prefetch_related("memberships__unit", "units")
            .order_by("id")
            .distinct()
        )

    @extend_schema(responses=s.MeSerializer)
    @action(detail=False, methods=["get"])
    def me(self, request: Request) -> Response:
        # StaffAccountPolicy lets only signed-in staff accounts this far.
        me = cast(User, request.user)
        return Response(s.MeSerializer(me, context={"request": request}).data)


class WorkItemViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[WorkItem]
):
    """The signed-in person's work items (theirs, their units', their delegators')."""

    serializer_class = s.WorkItemSerializer
    filterset_fields = ["state", "kind"]
    permission_classes = [StaffAccountPolicy]

    def get_queryset(self) -> QuerySet[WorkItem]:
        if getattr(self, "swagger_fake_view", False):
            return WorkItem.objects.none()
        qs = WorkItem.objects.filter(workitems.visible_items_q(self.request.user))
        # The list shows open items unless asked otherwise; an item is read (and
        # completed, answering 409 when closed already) by id whatever its state.
        if self.action == "list" and "state" not in self.request.query_params:
            qs = qs.filter(state=WorkItemState.OPEN)
        return qs.order_by("due_date", "id")

    @extend_schema(request=None, responses=s.WorkItemSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        item = workitems.complete_work_item(request.user, item)
        return Response(s.WorkItemSerializer(item).data)


def _valid(serializer_class: type[BaseSerializer[Any]], request: Request) -> dict[str, Any]:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    data: dict[str, Any] = query.validated_data
    return data


@extend_schema(parameters=[s.AddDaysQuery], responses=s.DeadlineSerializer)
@api_view(["GET"])
@permission_classes([StaffAccountPolicy])
def add_working_days(request: Request) -> Response:
    """The date N working days after a date (holidays and 调休 applied)."""
    data = _valid(s.AddDaysQuery, request)
    deadline = calendar.add_working_days(data["date"], data["days"])
    return Response(
        {"date": deadline.date, "fallback": deadline.fallback, "rule": str(deadline.rule)}
    )


@extend_schema(parameters=[s.BetweenQuery], responses=s.CountSerializer)
@api_view(["GET"])
@permission_classes([StaffAccountPolicy])
def working_days_between(request: Request) -> Response:
    """Working days after `start` up to and including `end`."""
    data = _valid(s.BetweenQuery, request)
    result = calendar.working_days_between(data["start"], data["end"])
    return Response({"count": result.count, "fallback": result.fallback})


@extend_schema(parameters=[s.DateQuery], responses=s.WorkingDaySerializer)
@api_view(["GET"])
@permission_classes([StaffAccountPolicy])
def is_working_day(request: Request) -> Response:
    data = _valid(s.DateQuery, request)
    day = data["date"]
    fallback = bool(calendar.years_without_data([day.year]))
    return Response(
        {"date": day, "is_working_day": calendar.is_working_day(day), "fallback": fallback}
    )
