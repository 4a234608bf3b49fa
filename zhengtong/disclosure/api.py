"""REST endpoints of the disclosure app under /api/v1/disclosure-requests/.

Staff only, with the same rules and operations as the pages: a unit's members read the
requests addressed to it (others get 404); each action calls the operation in
`services`, which checks its own rule (403), state (409) and input (400)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from zhengtong.api.fields import CodeField
from zhengtong.api.files import file_response
from zhengtong.api.permissions import StaffAccountPolicy
from zhengtong.api.serializers import StrictSerializer, UnitRefSerializer
from zhengtong.core.errors import Invalid, NotFound, NotPermitted
from zhengtong.core.masking import mask_citizen_id
from zhengtong.org import permissions
from zhengtong.org.models import Unit

from . import selectors, services
from .models import (
    OPEN_STATES,
    ApplicantKind,
    Channel,
    CorrectionNotice,
    DeliveryForm,
    DeliveryWay,
    DisclosureRequest,
    Extension,
    Opinion,
    Reply,
    ReplyKind,
    State,
    ThirdPartyConsultation,
)


def _values(choices):
    return "One of " + ", ".join(f"`{v}`" for v, _label in choices) + "."


# --- output ---------------------------------------------------------------------------


class CorrectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CorrectionNotice
        fields = ["items", "issued_on", "answer_due", "answer", "answered_on"]
        read_only_fields = fields


class ExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Extension
        fields = ["days", "reason", "approved_on", "old_due", "new_due"]
        read_only_fields = fields


class ConsultationSerializer(serializers.ModelSerializer):
    opinion = CodeField(Opinion.choices)

    class Meta:
        model = ThirdPartyConsultation
        fields = [
            "third_party",
            "matter",
            "started_on",
            "answer_due",
            "finished_on",
            "opinion",
            "opinion_text",
            "paused_days",
        ]
        read_only_fields = fields


class ReplySerializer(serializers.ModelSerializer):
    kind = CodeField(ReplyKind.choices)
    has_pdf = serializers.SerializerMethodField()

    class Meta:
        model = Reply
        fields = [
            "kind",
            "body",
            "where_public",
            "information",
            "is_partial",
            "reason",
            "legal_basis",
            "right_organ",
            "right_organ_contact",
            "earlier_number",
            "other_route",
            "drafted_at",
            "approved_at",
            "returned_reason",
            "sent_at",
            "delivery_note",
            "has_pdf",
        ]
        read_only_fields = fields

    def get_has_pdf(self, reply) -> bool:
        return reply.pdf_id is not None


class RequestListSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    state = CodeField(State.choices)

    class Meta:
        model = DisclosureRequest
        fields = ["id", "number", "unit", "name", "received_on", "due_date", "state", "closed_on"]
        read_only_fields = fields


class RequestSerializer(RequestListSerializer):
    channel = CodeField(Channel.choices)
    applicant_kind = CodeField(ApplicantKind.choices)
    delivery_form = CodeField(DeliveryForm.choices)
    delivery_way = CodeField(DeliveryWay.choices)
    id_number_masked = serializers.SerializerMethodField()
    correction = serializers.SerializerMethodField()
    extension = serializers.SerializerMethodField()
    consultations = ConsultationSerializer(many=True, read_only=True)
    reply = serializers.SerializerMethodField()

    class Meta:
        model = DisclosureRequest
        fields = [
            *RequestListSerializer.Meta.fields,
            "channel",
            "applicant_kind",
            "id_number_masked",
            "credit_code",
            "contact_person",
            "mobile",
            "address",
            "postcode",
            "email",
            "description",
            "document_ref",
            "purpose",
            "delivery_form",
            "delivery_way",
            "clock_start",
            "due_fallback",
            "extension_days",
            "paused_days",
            "close_reason",
            "correction",
            "extension",
            "consultations",
            "reply",
        ]
        read_only_fields = fields

    def get_id_number_masked(self, req) -> str:
        return mask_citizen_id(req.id_number) if req.id_number else ""

    @extend_schema_field(CorrectionSerializer(allow_null=True))
    def get_correction(self, req):
        return _related(req, "correction", CorrectionSerializer)

    @extend_schema_field(ExtensionSerializer(allow_null=True))
    def get_extension(self, req):
        return _related(req, "extension", ExtensionSerializer)

    @extend_schema_field(ReplySerializer(allow_null=True))
    def get_reply(self, req):
        return _related(req, "reply", ReplySerializer)


def _related(req, name, serializer_class):
    """A reverse one-to-one as data, or None while it does not exist."""
    obj = getattr(req, name, None) if hasattr(req, name) else None
    return serializer_class(obj).data if obj is not None else None


# --- input ------------------------------------------------------------------------------


class PaperRequestSerializer(StrictSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    channel = serializers.CharField(
        help_text=_values([c for c in Channel.choices if c[0] != "online"])
    )
    received_on = serializers.DateField(required=False, allow_null=True, default=None)
    applicant_kind = serializers.CharField(help_text=_values(ApplicantKind.choices))
    name = serializers.CharField(max_length=100)
    id_number = serializers.CharField(required=False, allow_blank=True, default="")
    credit_code = serializers.CharField(required=False, allow_blank=True, default="")
    contact_person = serializers.CharField(required=False, allow_blank=True, default="")
    mobile = serializers.CharField()
    address = serializers.CharField(required=False, allow_blank=True, default="")
    postcode = serializers.CharField(required=False, allow_blank=True, default="")
    email = serializers.CharField(required=False, allow_blank=True, default="")
    description = serializers.CharField()
    document_ref = serializers.CharField(required=False, allow_blank=True, default="")
    purpose = serializers.CharField(required=False, allow_blank=True, default="")
    delivery_form = serializers.CharField(help_text=_values(DeliveryForm.choices))
    delivery_way = serializers.CharField(help_text=_values(DeliveryWay.choices))


class CorrectionInput(StrictSerializer):
    items = serializers.CharField()
    period_days = serializers.IntegerField(default=services.DEFAULT_CORRECTION_PERIOD)


class ReceiveCorrectionInput(StrictSerializer):
    text = serializers.CharField()
    received_on = serializers.DateField(required=False, allow_null=True, default=None)


class ExtendInput(StrictSerializer):
    days = serializers.IntegerField()
    reason = serializers.CharField()


class ConsultInput(StrictSerializer):
    third_party = serializers.CharField(max_length=200)
    matter = serializers.CharField()


class FinishConsultInput(StrictSerializer):
    opinion = serializers.CharField(help_text=_values(Opinion.choices))
    opinion_text = serializers.CharField(required=False, allow_blank=True, default="")


class ReplyInput(StrictSerializer):
    kind = serializers.CharField(help_text=_values(ReplyKind.choices))
    body = serializers.CharField(required=False, allow_blank=True, default="")
    where_public = serializers.CharField(required=False, allow_blank=True, default="")
    information = serializers.CharField(required=False, allow_blank=True, default="")
    is_partial = serializers.BooleanField(required=False, default=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    legal_basis = serializers.CharField(required=False, allow_blank=True, default="")
    right_organ = serializers.CharField(required=False, allow_blank=True, default="")
    right_organ_contact = serializers.CharField(required=False, allow_blank=True, default="")
    earlier_number = serializers.CharField(required=False, allow_blank=True, default="")
    other_route = serializers.CharField(required=False, allow_blank=True, default="")
    upload = serializers.FileField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The information provided, as a file (multipart upload)."),
    )


class ReasonInput(StrictSerializer):
    reason = serializers.CharField()


class SendInput(StrictSerializer):
    delivery_note = serializers.CharField(required=False, allow_blank=True, default="")


class StatisticsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    unit = serializers.IntegerField(allow_null=True)
    rows = serializers.DictField(child=serializers.IntegerField())


# --- the viewset ---------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Disclosure requests addressed to my units"),
    retrieve=extend_schema(summary="A disclosure request with its steps and reply"),
)
class DisclosureRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """依申请公开: requests for government information. Someone outside the organ asked
    gets 404; an action the person's role does not allow gets 403; one the request's
    state no longer allows gets 409."""

    permission_classes = [StaffAccountPolicy]
    file_actions = ("reply_pdf",)

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(
            request, force=force or self.action in self.file_actions
        )

    def get_serializer_class(self):
        return RequestListSerializer if self.action == "list" else RequestSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DisclosureRequest.objects.none()
        qs = selectors.visible_requests(self.request.user)
        state = self.request.query_params.get("state")
        if state == "open":
            qs = qs.filter(state__in=OPEN_STATES)
        elif state:
            qs = qs.filter(state=state)
        return qs.order_by("-received_on", "-id")

    def get_object(self):
        pk = self.kwargs["pk"]
        if not str(pk).isdigit() or len(str(pk)) > 18:
            raise NotFound()
        req = selectors.get_visible(self.request.user, pk)
        if req is None:
            raise NotFound()
        return req

    def _valid(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _answer(self, req, code=status.HTTP_200_OK):
        fresh = selectors.get_visible(self.request.user, req.pk)
        return Response(self.serializer_repr(fresh), status=code)

    def serializer_repr(self, req):
        return RequestSerializer(req, context={"request": self.request}).data

    def retrieve(self, request, pk=None):
        return Response(self.serializer_repr(self.get_object()))

    @extend_schema(
        summary="Register a request received in person, by post or fax",
        request=PaperRequestSerializer,
        responses={201: RequestSerializer},
    )
    def create(self, request):
        data = self._valid(PaperRequestSerializer)
        unit, channel = data.pop("unit"), data.pop("channel")
        req, password = services.register_paper_request(
            request.user, unit=unit, channel=channel, **data
        )
        body = self.serializer_repr(req)
        body["query_password"] = password
        return Response(body, status=status.HTTP_201_CREATED)

    def _operation(self, serializer_class, operation):
        req = self.get_object()
        data = self._valid(serializer_class) if serializer_class else {}
        req = operation(self.request.user, req, **data)
        return self._answer(req)

    @extend_schema(
        summary="Issue the one correction notice (补正)",
        request=CorrectionInput,
        responses=RequestSerializer,
    )
    @action(detail=True, methods=["post"])
    def correction(self, request, pk=None):
        return self._operation(CorrectionInput, services.issue_correction_notice)

    @extend_schema(
        summary="Record the corrected request",
        request=ReceiveCorrectionInput,
        responses=RequestSerializer,
    )
    @action(detail=True, methods=["post"], url_path="receive-correction")
    def receive_correction(self, request, pk=None):
        return self._operation(ReceiveCorrectionInput, services.receive_correction)

    @extend_schema(
        summary="Close a request not corrected in time", request=None, responses=RequestSerializer
    )
    @action(detail=True, methods=["post"])
    def abandon(self, request, pk=None):
        return self._operation(None, services.close_as_abandoned)

    @extend_schema(
        summary="Extend the reply period once (unit head)",
        request=ExtendInput,
        responses=RequestSerializer,
    )
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        return self._operation(ExtendInput, services.extend_deadline)

    @extend_schema(
        summary="Consult a third party (the clock pauses)",
        request=ConsultInput,
        responses=RequestSerializer,
    )
    @action(detail=True, methods=["post"])
    def consult(self, request, pk=None):
        return self._operation(ConsultInput, services.start_consultation)

    @extend_schema(
        summary="Record the third party's answer",
        request=FinishConsultInput,
        responses=RequestSerializer,
    )
    @action(detail=True, methods=["post"], url_path="finish-consultation")
    def finish_consultation(self, request, pk=None):
        return self._operation(FinishConsultInput, services.finish_consultation)

    @extend_schema(
        summary="Draft the reply for the head's approval",
        request=ReplyInput,
        responses=RequestSerializer,
    )
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        return self._operation(ReplyInput, services.draft_reply)

    @extend_schema(
        summary="Send the draft reply back (unit head)",
        request=ReasonInput,
        responses=RequestSerializer,
    )
    @action(detail=True, methods=["post"], url_path="return-reply")
    def return_reply(self, request, pk=None):
        return self._operation(ReasonInput, services.return_reply)

    @extend_schema(
        summary="Approve the reply (unit head); makes the PDF",
        request=None,
        responses=RequestSerializer,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._operation(None, services.approve_reply)

    @extend_schema(
        summary="Send the approved reply and record the delivery",
        request=SendInput,
        responses=RequestSerializer,
    )
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        return self._operation(SendInput, services.send_reply)

    @extend_schema(
        summary="The reply as a PDF",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], url_path="reply-pdf")
    def reply_pdf(self, request, pk=None):
        req = self.get_object()
        reply = req.reply if hasattr(req, "reply") else None
        if reply is None or reply.pdf is None:
            raise NotFound(_("There is no approved reply yet."))
        with reply.pdf.file.open("rb") as handle:
            content = handle.read()
        return file_response(
            content,
            reply.pdf.original_name,
            "application/pdf",
            personal_data=reply.pdf.contains_personal_data,
            actor=request.user,
            obj=reply.pdf,
            unit=reply.pdf.unit,
        )

    @extend_schema(
        summary="The annual report's request table (§3.4) for one of my units, or all",
        parameters=[
            OpenApiParameter("year", int, required=False),
            OpenApiParameter("unit", int, required=False),
        ],
        responses=StatisticsSerializer,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def statistics(self, request):
        params = request.query_params
        try:
            year = int(params.get("year") or timezone.localdate().year)
            unit_id = int(params["unit"]) if params.get("unit") else None
        except ValueError:
            raise Invalid(_("Give a year such as 2026 and a unit by its numeric id.")) from None
        if not 2000 <= year <= 9999:
            raise Invalid(_("Give a year such as 2026."), field="year")
        see_all = bool(permissions.may(request.user, "disclosure.statistics_all"))
        unit = None
        if unit_id is not None:
            unit = Unit.objects.filter(pk=unit_id).first()
            if unit is None:
                raise NotFound()
            if not see_all and not permissions.may(
                request.user, "disclosure.view", None, unit=unit
            ):
                raise NotPermitted()
        elif not see_all:
            raise NotPermitted(_("Give one of your units."), field="unit")
        rows = selectors.annual_counts(year, unit=unit).report_rows()
        return Response({"year": year, "unit": unit_id, "rows": rows})


def register(router):
    """Add this app's viewsets to the API router."""
    router.register("disclosure-requests", DisclosureRequestViewSet, basename="disclosure-request")
