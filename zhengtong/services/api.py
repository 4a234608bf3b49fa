"""REST endpoints of the services app under /api/v1/.

/api/v1/service-items/ — the service catalogue, read-only and public (no sign-in):
published items only, filtered by unit, type, event, audience and q (the same
selectors as /bsfw/sx/); one item by its implementation code, with its whole guide.

Staff (signed in, same rules as the pages) write through the same operations:
POST /api/v1/service-items/ (a draft), PATCH /api/v1/service-items/<code>/,
POST /api/v1/service-items/<code>/publish/ and /withdraw/ ({"reason": ...}).

/api/v1/service-applications/ — applications and their cases (办件), for staff only
(e.g. the provincial service platform's exchange account): the cases of the caller's
units, by number, filtered by state and overdue; each case step is a POST to
/api/v1/service-applications/<number>/<action>/ through the same operations
(`cases.py`) and rules as the pages. Another unit's case answers 404.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS, AllowAny
from rest_framework.response import Response

from zhengtong.api.permissions import StaffAccountPolicy
from zhengtong.core.errors import Invalid, NotFound
from zhengtong.org.models import Unit

from . import cases, selectors, services
from .models import (
    ApplicationState,
    Audience,
    ItemType,
    ServiceEvent,
    ServiceFAQ,
    ServiceItem,
    ServiceMaterial,
    ServiceStep,
)


def _file_url(item, attachment_id):
    if not attachment_id:
        return ""
    return f"{item.get_absolute_url()}files/{attachment_id}/"


class MaterialSerializer(serializers.ModelSerializer):
    blank_form_url = serializers.SerializerMethodField()
    sample_url = serializers.SerializerMethodField()

    class Meta:
        model = ServiceMaterial
        fields = [
            "name",
            "form",
            "copies",
            "medium",
            "source",
            "required",
            "note",
            "blank_form_url",
            "sample_url",
        ]
        read_only_fields = fields

    def get_blank_form_url(self, material) -> str:
        return _file_url(material.item, material.blank_form_id)

    def get_sample_url(self, material) -> str:
        return _file_url(material.item, material.sample_id)


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceStep
        fields = ["name", "description"]
        read_only_fields = fields


class FAQSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceFAQ
        fields = ["question", "answer"]
        read_only_fields = fields


class ServiceItemSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name", read_only=True)
    unit_id = serializers.IntegerField(read_only=True)
    item_type_label = serializers.CharField(source="get_item_type_display", read_only=True)
    events: "serializers.SlugRelatedField[ServiceEvent]" = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    url = serializers.SerializerMethodField(help_text="The guide on the public website.")

    class Meta:
        model = ServiceItem
        fields = [
            "implementation_code",
            "basic_code",
            "name",
            "item_type",
            "item_type_label",
            "unit",
            "unit_id",
            "audience",
            "events",
            "statutory_limit",
            "promised_limit",
            "online_depth",
            "visits",
            "version",
            "published_at",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, item) -> str:
        request = self.context.get("request")
        path = item.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class ServiceGuideSerializer(ServiceItemSerializer):
    materials = MaterialSerializer(many=True, read_only=True)
    steps = StepSerializer(many=True, read_only=True)
    faqs = FAQSerializer(many=True, read_only=True)
    result_sample_url = serializers.SerializerMethodField()
    flow_chart_url = serializers.SerializerMethodField()

    class Meta(ServiceItemSerializer.Meta):
        fields = [
            *ServiceItemSerializer.Meta.fields,
            "legal_basis",
            "conditions",
            "materials",
            "steps",
            "flow_chart_url",
            "special_steps",
            "fee_charged",
            "fees",
            "fee_basis",
            "place",
            "hours",
            "phone",
            "complaint_channel",
            "result_name",
            "result_delivery",
            "result_sample_url",
            "faqs",
        ]
        read_only_fields = fields

    def get_result_sample_url(self, item) -> str:
        return _file_url(item, item.result_sample_id)

    def get_flow_chart_url(self, item) -> str:
        return _file_url(item, item.flow_chart_id)


FILTERS = [
    OpenApiParameter("unit", OpenApiTypes.INT, description="Implementing unit id."),
    OpenApiParameter("type", OpenApiTypes.STR, enum=ItemType.values, description="Item type."),
    OpenApiParameter("event", OpenApiTypes.STR, description="Life or business event code."),
    OpenApiParameter(
        "audience", OpenApiTypes.STR, enum=["citizens", "businesses"], description="Who it serves."
    ),
    OpenApiParameter("q", OpenApiTypes.STR, description="Search words (at most 50 characters)."),
]


@extend_schema_view(
    list=extend_schema(
        summary="The service catalogue (政务服务事项)", parameters=FILTERS, tags=["services"]
    ),
    retrieve=extend_schema(
        summary="One service guide (办事指南) by its implementation code", tags=["services"]
    ),
)
class ServiceItemViewSet(viewsets.ReadOnlyModelViewSet):
    """Published service items and their guides; open to everyone. Staff write
    through the operations (services.py), with the same rules as the pages."""

    filter_backends = []
    lookup_field = "implementation_code"
    lookup_value_regex = r"[0-9A-Za-z\-]+"

    def get_authenticators(self):
        # Reading is anonymous (and never varies by who asks); writing needs staff.
        if self.request is not None and self.request.method in SAFE_METHODS:
            return []
        return super().get_authenticators()

    def get_permissions(self):
        if self.request.method in SAFE_METHODS:
            return [AllowAny()]
        return [StaffAccountPolicy()]

    def get_serializer_class(self):
        return ServiceGuideSerializer if self.action == "retrieve" else ServiceItemSerializer

    def get_queryset(self):
        queryset = selectors.public_items().prefetch_related("events")
        if self.action != "list":
            return queryset.prefetch_related("materials__item", "steps", "faqs")
        params = self.request.query_params
        errors, filters = {}, {}
        unit = params.get("unit", "")
        if unit:
            found = Unit.objects.filter(pk=int(unit)).first() if unit.isdigit() else None
            if found is None:
                errors["unit"] = [str(_("There is no such unit; choose one from the list."))]
            filters["unit"] = found
        item_type = params.get("type", "")
        if item_type and item_type not in ItemType.values:
            errors["type"] = [str(_("Not one of the listed values."))]
        filters["item_type"] = item_type
        event = params.get("event", "")
        if event:
            filters["event"] = ServiceEvent.objects.filter(slug=event).first()
            if filters["event"] is None:
                errors["event"] = [str(_("There is no such event; choose one from the list."))]
        audience = params.get("audience", "")
        if audience and audience not in (Audience.CITIZENS, Audience.BUSINESSES):
            errors["audience"] = [str(_("Not one of the listed values."))]
        filters["audience"] = audience
        q = " ".join(params.get("q", "").split())
        if len(q) > 50:
            errors["q"] = [str(_("At most 50 characters."))]
        filters["q"] = q
        if errors:
            raise ValidationError(errors)
        return selectors.filter_items(queryset, **filters).order_by(
            "unit__sort_order", "unit_id", "name"
        )


WRITABLE = set(services.EDITABLE) | {"materials", "steps", "faqs"}


def _write_fields(data):
    unknown = set(data) - WRITABLE - {"unit", "events", "revision"}
    if unknown:
        raise Invalid(_("Unknown field: %(name)s.") % {"name": ", ".join(sorted(unknown))})
    fields = {k: v for k, v in data.items() if k in WRITABLE}
    for name in ("materials", "steps", "faqs"):
        if name in fields and not (
            isinstance(fields[name], list) and all(isinstance(r, dict) for r in fields[name])
        ):
            raise Invalid(_("Give a list of rows."), field=name)
    if "events" in data:
        slugs = data["events"] if isinstance(data["events"], list) else [data["events"]]
        events = list(ServiceEvent.objects.filter(slug__in=[str(s) for s in slugs]))
        if len(events) != len(set(slugs)):
            raise Invalid(_("There is no such event; choose one from the list."), field="events")
        fields["events"] = events
    return fields


def _staff_item(request, code):
    item = selectors.staff_items(request.user).filter(implementation_code=code).first()
    if item is None:
        raise NotFound()
    return item


def _guide(request, item, code=status.HTTP_200_OK):
    item = ServiceItem.objects.get(pk=item.pk)
    data = ServiceGuideSerializer(item, context={"request": request}).data
    data["state"] = item.state
    data["revision"] = item.revision
    return Response(data, status=code)


class GuideWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why the guide is withdrawn (shown in the trail).")


class ServiceItemWriteMixin:
    @extend_schema(
        summary="Write a new service item (draft)",
        tags=["services"],
        request=OpenApiTypes.OBJECT,
        responses={201: ServiceGuideSerializer},
    )
    def create(self, request):
        data = dict(request.data.items())
        unit_id = str(data.get("unit", ""))
        unit = Unit.objects.filter(pk=int(unit_id)).first() if unit_id.isdigit() else None
        if unit is None:
            raise Invalid(_("There is no such unit; choose one from the list."), field="unit")
        item = services.create_item(request.user, unit=unit, **_write_fields(data))
        return _guide(request, item, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a service item's guide",
        tags=["services"],
        request=OpenApiTypes.OBJECT,
        responses=ServiceGuideSerializer,
    )
    def partial_update(self, request, implementation_code=None):
        item = _staff_item(request, implementation_code)
        data = dict(request.data.items())
        fields = _write_fields(data)
        item = services.update_item(request.user, item, revision=data.get("revision"), **fields)
        return _guide(request, item)

    @extend_schema(
        summary="Publish a guide (refused while a key element is missing)",
        tags=["services"],
        request=None,
        responses=ServiceGuideSerializer,
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, implementation_code=None):
        item = services.publish_item(request.user, _staff_item(request, implementation_code))
        return _guide(request, item)

    @extend_schema(
        summary="Withdraw a published guide",
        tags=["services"],
        request=GuideWithdrawSerializer,
        responses=ServiceGuideSerializer,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, implementation_code=None):
        item = _staff_item(request, implementation_code)
        item = services.withdraw_item(request.user, item, reason=request.data.get("reason", ""))
        return _guide(request, item)


class ServiceItemAPI(ServiceItemWriteMixin, ServiceItemViewSet):
    pass


def register(router):
    """Add this app's viewsets to the API router."""
    router.register("service-items", ServiceItemAPI, basename="service-item")
    router.register("service-applications", ApplicationAPI, basename="service-application")


# --- applications and cases -------------------------------------------------------------


class CaseStepSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    label = serializers.CharField(source="get_kind_display")  # type: ignore[assignment]
    public_text = serializers.CharField()
    internal_note = serializers.CharField()


class ApplicationSerializer(serializers.Serializer):
    number = serializers.CharField()
    item = serializers.CharField(source="item.implementation_code")
    item_name = serializers.CharField(source="item.name")
    unit = serializers.IntegerField(source="unit_id")
    state = serializers.CharField()
    applicant_kind = serializers.CharField()
    applicant_name = serializers.CharField()
    applicant_id_number = serializers.CharField()
    applicant_mobile = serializers.CharField()
    company_name = serializers.CharField()
    credit_code = serializers.CharField()
    form_version = serializers.IntegerField()
    answers = serializers.JSONField()
    submitted_at = serializers.DateTimeField()
    intake_due = serializers.DateField()
    accepted_on = serializers.DateField()
    deemed_accepted = serializers.BooleanField()
    decision_due = serializers.DateField()
    promised_due = serializers.DateField()
    extended = serializers.BooleanField()
    paused_days = serializers.IntegerField()
    decided_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField()
    delivery_way = serializers.CharField()


class ApplicationDetailSerializer(ApplicationSerializer):
    materials = serializers.SerializerMethodField()
    steps = CaseStepSerializer(many=True)

    def get_materials(self, app) -> list:
        return [
            {
                "name": m.name,
                "material": m.material_id,
                "file": m.attachment.original_name if m.attachment_id else "",
                "verdict": m.verdict,
                "note": m.note,
            }
            for m in app.materials.select_related("attachment")
        ]


CASE_ACTIONS = {
    "accept": (cases.accept, {"note"}),
    "refuse": (cases.refuse_at_intake, {"reasons", "right_unit"}),
    "notice": (cases.send_one_time_notice, {"problems", "note"}),
    "review": (cases.review, {"opinion", "recommendation"}),
    "extend": (cases.extend, {"reason"}),
    "special-start": (cases.start_special_step, {"kind", "reason", "planned_days"}),
    "special-end": (cases.end_special_step, {"result"}),
    "decide": (cases.decide, {"outcome", "reasons", "expected_state"}),
    "deliver": (cases.deliver, {"way", "note"}),
    "rectify": (cases.record_rectification, {"call_back", "result"}),
}


@extend_schema_view(
    list=extend_schema(
        summary="The cases of my units (办件)",
        tags=["services"],
        parameters=[
            OpenApiParameter("state", str, description="Only cases in this state"),
            OpenApiParameter("overdue", bool, description="Only open cases past their date"),
        ],
    ),
    retrieve=extend_schema(summary="One case by its application number", tags=["services"]),
)
class ApplicationAPI(viewsets.ReadOnlyModelViewSet):
    """Staff only: the same cases and rules as /oa/services/cases/."""

    permission_classes = [StaffAccountPolicy]
    lookup_field = "number"
    lookup_value_regex = r"[0-9]+"

    def get_serializer_class(self):
        return ApplicationDetailSerializer if self.action == "retrieve" else ApplicationSerializer

    def get_queryset(self):
        params = self.request.query_params
        state = params.get("state", "")
        if state and (state not in ApplicationState.values or state == ApplicationState.DRAFT):
            raise ValidationError({"state": [str(_("Not one of the listed values."))]})
        overdue = params.get("overdue", "") in ("1", "true", "yes")
        qs = selectors.unit_cases(self.request.user, state=state, overdue=overdue)
        if self.action == "retrieve":
            qs = qs.prefetch_related("steps")
        return qs

    def _case(self, number):
        app = self.get_queryset().filter(number=number).first()
        if app is None:
            raise NotFound()
        return app

    def _act(self, request, number, name):
        operation, allowed = CASE_ACTIONS[name]
        data = request.data if isinstance(request.data, dict) else {}
        unknown = set(data) - allowed
        if unknown:
            raise Invalid(_("Unknown field: %(name)s.") % {"name": ", ".join(sorted(unknown))})
        # Every parameter is passed (a missing one as empty), so the operation itself
        # says which is required, with the field named.
        values = {
            k: data.get(k, [] if k == "problems" else None if k == "planned_days" else "")
            for k in allowed
        }
        if not isinstance(values.get("problems", []), list):
            raise Invalid(_("Give a list of rows."), field="problems")
        operation(request.user, self._case(number), **values)
        app = self._case(number)
        return Response(ApplicationDetailSerializer(app).data)


def _case_action(name):
    def act(self, request, number=None):
        return self._act(request, number, name)

    act.__name__ = name.replace("-", "_")
    return extend_schema(
        summary=f"Case step: {name}",
        tags=["services"],
        request=OpenApiTypes.OBJECT,
        responses=ApplicationDetailSerializer,
    )(action(detail=True, methods=["post"], url_path=name)(act))


for _name in CASE_ACTIONS:
    setattr(ApplicationAPI, _name.replace("-", "_"), _case_action(_name))
