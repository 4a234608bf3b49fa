"""REST endpoints of the consultations app under /api/v1/.

- /api/v1/public/consultations/ (everyone, read only): what the public pages show —
  published consultations with their sections, counts and summary, and
  .../<id>/comments/ the published comments with personal data masked.
- /api/v1/consultations/ (staff): the person's units' consultations; create, edit,
  open, close, moderate and publish the summary through the same operations and
  rules as the staff pages.
- /api/v1/consultations/public-comments/ (staff, e.g. the 12345 hotline's system
  account): enter a comment received by telephone or post for the commenter.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from zhengtong.api.permissions import StaffAccountPolicy
from zhengtong.core.masking import mask_mobile
from zhengtong.org import permissions
from zhengtong.org.models import Unit

from . import selectors, services
from .models import Adoption, Comment, Consultation, ConsultationState, ModerationMode

# --- serializers ----------------------------------------------------------------------


class SectionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.IntegerField(required=False)
    heading = serializers.CharField(required=False, allow_blank=True, max_length=200)
    text = serializers.CharField(max_length=services.SECTION_MAX, trim_whitespace=False)


class PointSerializer(serializers.Serializer):
    number = serializers.IntegerField(read_only=True)
    point = serializers.CharField(max_length=services.COMMENT_MAX)
    decision = serializers.ChoiceField(choices=Adoption.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class SummarySerializer(serializers.Serializer):
    overview = serializers.CharField()
    published_at = serializers.DateTimeField(read_only=True)
    points = PointSerializer(many=True, required=False)


class AttachmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    size = serializers.IntegerField()


class ConsultationListSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name")
    state = serializers.SerializerMethodField()

    class Meta:
        model = Consultation
        fields = [
            "id",
            "title",
            "unit",
            "state",
            "moderation",
            "opens_at",
            "closes_at",
            "comments_received",
            "comments_published",
        ]

    def get_state(self, obj) -> str:
        return obj.public_state()


class ConsultationDetailSerializer(ConsultationListSerializer):
    sections = SectionSerializer(many=True, source="sections.all")
    attachments = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()

    class Meta(ConsultationListSerializer.Meta):
        fields = [
            *ConsultationListSerializer.Meta.fields,
            "explanatory_note",
            "closed_early_reason",
            "sections",
            "attachments",
            "summary",
        ]

    def get_attachments(self, obj) -> list[dict]:
        return AttachmentRefSerializer(services.attachments_of(obj), many=True).data  # type: ignore[return-value]  # many=True gives a list; the stubs type .data as a dict

    def get_summary(self, obj) -> dict | None:
        if obj.state != ConsultationState.SUMMARISED or not hasattr(obj, "summary"):
            return None
        summary = obj.summary
        return {
            "overview": summary.overview,
            "published_at": summary.published_at,
            "points": PointSerializer(summary.points.all(), many=True).data,
        }


class PublicCommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    section = serializers.IntegerField(allow_null=True)
    text = serializers.CharField()
    name = serializers.CharField()
    organisation = serializers.CharField()
    date = serializers.DateTimeField()


class StaffCommentSerializer(serializers.ModelSerializer):
    section = serializers.IntegerField(source="section.number", allow_null=True, default=None)
    mobile = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = [
            "id",
            "section",
            "text",
            "name",
            "mobile",
            "organisation",
            "state",
            "reject_reason",
            "created_at",
        ]

    def get_mobile(self, obj) -> str:
        return mask_mobile(obj.mobile)


class DraftSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False)
    title = serializers.CharField(max_length=services.TITLE_MAX)
    explanatory_note = serializers.CharField(
        required=False, allow_blank=True, max_length=services.NOTE_MAX
    )
    opens_at = serializers.DateTimeField(required=False, allow_null=True)
    closes_at = serializers.DateTimeField()
    moderation = serializers.ChoiceField(
        choices=ModerationMode.choices, default=ModerationMode.PRE_MODERATED
    )
    sections = SectionSerializer(many=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=services.REASON_MAX)


class ModerateSerializer(serializers.Serializer):
    comment = serializers.IntegerField()
    approve = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class CommentForPublicSerializer(serializers.Serializer):
    consultation = serializers.IntegerField()
    section = serializers.IntegerField(required=False, allow_null=True, default=None)
    text = serializers.CharField(max_length=services.COMMENT_MAX)
    name = serializers.CharField(max_length=services.NAME_MAX)
    mobile = serializers.CharField(max_length=20)
    organisation = serializers.CharField(
        max_length=services.ORGANISATION_MAX, required=False, allow_blank=True, default=""
    )
    submission_key = serializers.RegexField(
        r"^[A-Za-z0-9_-]{16,64}$", required=False, allow_null=True, default=None
    )


class CommentReceivedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    consultation = serializers.IntegerField()
    section = serializers.IntegerField(allow_null=True)
    state = serializers.CharField()
    created = serializers.BooleanField()


# --- public, read only ----------------------------------------------------------------


class PublicConsultationViewSet(viewsets.ReadOnlyModelViewSet):
    """Published consultations (open, closed, summarised), newest first."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def get_queryset(self):
        return selectors.public_consultations()

    def get_serializer_class(self):
        return ConsultationDetailSerializer if self.action != "list" else ConsultationListSerializer

    @extend_schema(
        summary="Published comments (masked)", responses=PublicCommentSerializer(many=True)
    )
    @action(detail=True, methods=["get"])
    def comments(self, request, pk=None):
        consultation = self.get_object()
        rows = selectors.public_comment_views(consultation)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(PublicCommentSerializer(page, many=True).data)


# --- staff ----------------------------------------------------------------------------


class ConsultationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The person's units' consultations (drafts included) and their operations."""

    permission_classes = [StaffAccountPolicy]
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_queryset(self):
        return selectors.staff_consultations(self.request.user)

    def get_serializer_class(self):
        if self.action in ("create", "update"):
            return DraftSerializer
        if self.action == "list":
            return ConsultationListSerializer
        return ConsultationDetailSerializer

    def _valid(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _detail(self, consultation, status=200):
        fresh = Consultation.objects.select_related("unit").get(pk=consultation.pk)
        return Response(ConsultationDetailSerializer(fresh).data, status=status)

    def _draft_values(self, data):
        return {
            "title": data["title"],
            "explanatory_note": data.get("explanatory_note", ""),
            "opens_at": data.get("opens_at"),
            "closes_at": data["closes_at"],
            "moderation": data["moderation"],
            "sections": [dict(s) for s in data["sections"]],
        }

    @extend_schema(
        summary="Draft a consultation",
        request=DraftSerializer,
        responses={201: ConsultationDetailSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = self._valid(DraftSerializer)
        unit = data.get("unit")
        if unit is None:
            serializers_error = {"unit": ["This field is required."]}
            raise serializers.ValidationError(serializers_error)
        consultation = services.create_consultation(
            request.user, unit=unit, **self._draft_values(data)
        )
        return self._detail(consultation, status=201)

    @extend_schema(
        summary="Change a draft", request=DraftSerializer, responses=ConsultationDetailSerializer
    )
    def update(self, request, *args, **kwargs):
        consultation = self.get_object()
        data = self._valid(DraftSerializer)
        consultation = services.edit_consultation(
            request.user, consultation, **self._draft_values(data)
        )
        return self._detail(consultation)

    @extend_schema(
        summary="Publish the draft for comment",
        request=None,
        responses=ConsultationDetailSerializer,
    )
    @action(detail=True, methods=["post"], url_path="open")
    def open_for_comment(self, request, pk=None):
        return self._detail(services.open_consultation(request.user, self.get_object()))

    @extend_schema(
        summary="Close early, with the reason",
        request=ReasonSerializer,
        responses=ConsultationDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        consultation = self.get_object()
        data = self._valid(ReasonSerializer)
        return self._detail(
            services.close_consultation(request.user, consultation, reason=data["reason"])
        )

    @extend_schema(
        summary="Every comment (staff view)",
        request=None,
        responses=StaffCommentSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="comments")
    def comments(self, request, pk=None):
        consultation = self.get_object()
        rows = consultation.comments.select_related("section").order_by("created_at", "pk")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(StaffCommentSerializer(page, many=True).data)

    @extend_schema(
        summary="Publish or reject a waiting comment",
        request=ModerateSerializer,
        responses=StaffCommentSerializer,
    )
    @action(detail=True, methods=["post"])
    def moderate(self, request, pk=None):
        consultation = self.get_object()
        data = self._valid(ModerateSerializer)
        comment = consultation.comments.filter(pk=data["comment"]).first()
        if comment is None:
            from zhengtong.core.errors import NotFound

            raise NotFound()
        comment = services.moderate_comment(
            request.user, comment, approve=data["approve"], reason=data.get("reason", "")
        )
        return Response(StaffCommentSerializer(comment).data)

    @extend_schema(
        summary="Publish the feedback summary",
        request=SummarySerializer,
        responses=ConsultationDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def summary(self, request, pk=None):
        consultation = self.get_object()
        data = self._valid(SummarySerializer)
        services.publish_summary(
            request.user,
            consultation,
            overview=data["overview"],
            points=[dict(p) for p in data.get("points", [])],
        )
        return self._detail(consultation)

    @extend_schema(
        summary="Enter a comment for a caller (12345 hotline, post)",
        description=(
            "A comment received by telephone or post, entered with the commenter's name "
            "and mobile number, on the whole draft or one section (`section`: the "
            "section's id). Any published consultation, not only the account's units': "
            "rule consultations.comment_for_public (the consultation's unit, or the "
            "office that enters letters for callers). The public form's rules apply: "
            "409 once the consultation is closed. The same `submission_key` (the "
            "hotline ticket) twice returns the first comment with 200."
        ),
        request=CommentForPublicSerializer,
        responses={201: CommentReceivedSerializer, 200: CommentReceivedSerializer},
    )
    @action(detail=False, methods=["post"], url_path="public-comments")
    def public_comments(self, request):
        from zhengtong.core.errors import NotFound

        data = self._valid(CommentForPublicSerializer)
        consultation = selectors.public_consultations().filter(pk=data["consultation"]).first()
        if consultation is None:
            raise NotFound()
        comment, created = services.record_comment_for_public(
            request.user,
            consultation,
            text=data["text"],
            name=data["name"],
            mobile=data["mobile"],
            section=data["section"],
            organisation=data["organisation"],
            submission_key=data["submission_key"],
        )
        body = {
            "id": comment.pk,
            "consultation": consultation.pk,
            "section": comment.section_id,
            "state": comment.state,
            "created": created,
        }
        return Response(CommentReceivedSerializer(body).data, status=201 if created else 200)

    def get_object(self):
        consultation = super().get_object()
        # The list is the unit's members; the rule is asked once more for the object.
        permissions.require(self.request.user, "consultations.consultation.view", consultation)
        return consultation


def register(router):
    """Add this app's viewsets to the API router."""
    router.register(
        "public/consultations", PublicConsultationViewSet, basename="public-consultation"
    )
    router.register("consultations", ConsultationViewSet, basename="consultation")
