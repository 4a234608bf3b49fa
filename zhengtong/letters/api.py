"""REST endpoints of the letters app under /api/v1/letters/.

The same rules and operations as the pages. Staff (or a system account such as the
12345 hotline's, with an API token, holding a clerk role in a mailbox's office) create
letters for writers (`letters.create_for_writer`), read the letters they may see, and
take the steps their rules allow; a letter someone may not see answers 404, an action
they may not take 403, an action the letter's state does not allow 409. `track`
serves the writer's own view (code + query password), rate-limited like the page.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from zhengtong.api.fields import CodeField
from zhengtong.api.permissions import StaffAccountPolicy
from zhengtong.api.serializers import UnitRefSerializer
from zhengtong.core.errors import Invalid, NotPermitted
from zhengtong.core.masking import mask_mobile, mask_name
from zhengtong.org import permissions
from zhengtong.org.models import Unit

from . import selectors, services
from .models import (
    CONTENT_MAX,
    RATING_CHOICES,
    REPLY_MAX,
    TITLE_MAX,
    Category,
    DeclineReason,
    FollowUp,
    Letter,
    LetterRouting,
    LetterState,
    LetterStep,
    Mailbox,
    Reply,
    ReplyState,
    RoutingRole,
    RoutingState,
    StepKind,
)

# --- serializers ------------------------------------------------------------------------


class LetterRoutingSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    role = CodeField(RoutingRole.choices)
    state = CodeField(RoutingState.choices)

    class Meta:
        model = LetterRouting
        fields = ["id", "unit", "role", "state", "routed_at", "hand_back_reason", "opinion"]
        read_only_fields = fields


class LetterStepSerializer(serializers.ModelSerializer):
    kind = CodeField(StepKind.choices)
    # A field named like Field.label: the stubs take it for the attribute.
    label = serializers.CharField(source="get_kind_display", read_only=True)  # type: ignore[assignment]
    unit = UnitRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = LetterStep
        fields = ["at", "kind", "label", "unit", "public_note", "internal_comment"]
        read_only_fields = fields


class LetterPublicStepSerializer(LetterStepSerializer):
    class Meta(LetterStepSerializer.Meta):
        fields = ["at", "kind", "label", "unit", "public_note"]
        read_only_fields = fields


class LetterReplySerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    state = CodeField(ReplyState.choices)

    class Meta:
        model = Reply
        fields = ["id", "text", "unit", "state", "drafted_at", "approved_at", "sent_at"]
        read_only_fields = fields


class LetterMailboxRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Mailbox
        fields = ["id", "name"]
        read_only_fields = fields


class LetterListSerializer(serializers.ModelSerializer):
    category = CodeField(Category.choices)
    state = CodeField(LetterState.choices)
    mailbox = LetterMailboxRefSerializer(read_only=True)
    lead_unit = UnitRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Letter
        fields = [
            "id",
            "tracking_code",
            "mailbox",
            "category",
            "title",
            "state",
            "received_at",
            "accept_due",
            "reply_due",
            "replied_at",
            "is_petition",
            "lead_unit",
        ]
        read_only_fields = fields


class LetterSerializer(LetterListSerializer):
    writer_name = serializers.SerializerMethodField()
    writer_mobile = serializers.SerializerMethodField()
    routings = LetterRoutingSerializer(many=True, read_only=True)
    steps = LetterStepSerializer(many=True, read_only=True)
    replies = LetterReplySerializer(many=True, read_only=True)

    class Meta(LetterListSerializer.Meta):
        fields = [
            *LetterListSerializer.Meta.fields,
            "content",
            "source",
            "may_publish",
            "published_at",
            "accepted_at",
            "closed_at",
            "paused_at",
            "info_request",
            "company_name",
            "credit_code",
            "writer_name",
            "writer_mobile",
            "routings",
            "steps",
            "replies",
        ]
        read_only_fields = fields

    def _sees_contact(self, letter):
        user = self.context["request"].user
        cache = self.context.setdefault("_contact", {})
        if letter.pk not in cache:
            cache[letter.pk] = bool(
                permissions.may(user, "letters.handle", letter)
                or services.routing_for(user, letter) is not None
            )
        return cache[letter.pk]

    def get_writer_name(self, letter) -> str:
        name = letter.writer_name
        return name if self._sees_contact(letter) else mask_name(name)

    def get_writer_mobile(self, letter) -> str:
        mobile = letter.writer_mobile
        return mobile if self._sees_contact(letter) else mask_mobile(mobile)


class LetterCreateSerializer(serializers.Serializer):
    mailbox = serializers.PrimaryKeyRelatedField(queryset=Mailbox.objects.all())
    category = serializers.ChoiceField(Category.choices)
    title = serializers.CharField(max_length=TITLE_MAX)
    content = serializers.CharField(max_length=CONTENT_MAX)
    name = serializers.CharField(max_length=services.NAME_MAX)
    mobile = serializers.CharField(max_length=20)
    may_publish = serializers.BooleanField(default=False)
    company_name = serializers.CharField(max_length=200, required=False, default="")
    credit_code = serializers.CharField(max_length=18, required=False, default="")
    # A field named like Field.source: the stubs take it for the attribute.
    source = serializers.ChoiceField([("12345", "12345"), ("post", "post"), ("phone", "phone")])  # type: ignore[assignment]
    submission_key = serializers.RegexField(
        r"^[A-Za-z0-9_-]{16,64}$", required=False, allow_null=True, default=None
    )


class LetterCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_code = serializers.CharField()
    query_password = serializers.CharField()
    created = serializers.BooleanField()


class LetterTrackSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    password = serializers.CharField(max_length=20)


class LetterPublicStatusSerializer(serializers.ModelSerializer):
    """What the writer sees: no internal comments, no staff names."""

    category = CodeField(Category.choices)
    state = CodeField(LetterState.choices)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    steps = serializers.SerializerMethodField()
    reply = serializers.SerializerMethodField()

    class Meta:
        model = Letter
        fields = [
            "tracking_code",
            "category",
            "title",
            "state",
            "state_label",
            "received_at",
            "reply_due",
            "replied_at",
            "paused_at",
            "info_request",
            "steps",
            "reply",
        ]
        read_only_fields = fields

    def get_steps(self, letter) -> list[dict]:
        return LetterPublicStepSerializer(selectors.public_timeline(letter), many=True).data  # type: ignore[return-value]  # many=True gives a list; the stubs type .data as a dict

    def get_reply(self, letter) -> dict | None:
        reply = letter.sent_reply()
        if reply is None:
            return None
        return {"text": reply.text, "unit": reply.unit.name, "sent_at": reply.sent_at}


def _note(required=True, maximum=services.NOTE_MAX):
    if required:
        return serializers.CharField(max_length=maximum)
    return serializers.CharField(max_length=maximum, required=False, allow_blank=True, default="")


class LetterCommentSerializer(serializers.Serializer):
    comment = _note(required=False)


class LetterDeclineSerializer(serializers.Serializer):
    reason = serializers.PrimaryKeyRelatedField(
        queryset=DeclineReason.objects.filter(is_active=True)
    )
    note = _note(required=False)


class LetterRouteSerializer(serializers.Serializer):
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    assisting_units = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(is_active=True), many=True, required=False, default=list
    )
    comment = _note(required=False)


class LetterReasonSerializer(serializers.Serializer):
    reason = _note()


class LetterQuestionSerializer(serializers.Serializer):
    question = _note()


class LetterTextSerializer(serializers.Serializer):
    text = _note(maximum=REPLY_MAX)


class LetterOpinionSerializer(serializers.Serializer):
    opinion = _note(maximum=REPLY_MAX)


class LetterSupervisionSerializer(serializers.Serializer):
    text = _note()
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    due_in_working_days = serializers.IntegerField(min_value=1, max_value=60, default=3)


class LetterFollowUpSerializer(serializers.Serializer):
    action = serializers.ChoiceField(FollowUp.Action.choices)
    note = _note()


class LetterDuplicateSerializer(serializers.Serializer):
    earlier = serializers.CharField(max_length=20, help_text="Tracking code of the earlier letter")


class LetterPublishSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX)
    content = serializers.CharField(max_length=CONTENT_MAX)
    reply = serializers.CharField(max_length=REPLY_MAX)


class LetterRateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    password = serializers.CharField(max_length=20)
    level = serializers.ChoiceField(RATING_CHOICES)
    comment = _note(required=False)


# --- the viewset --------------------------------------------------------------------------


class LetterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Letters from the public (县长信箱 / 部门信箱)."""

    permission_classes = [StaffAccountPolicy]

    def get_permissions(self):
        if self.action in ("track", "rate"):
            return [AllowAny()]
        return super().get_permissions()

    def get_serializer_class(self):
        if self.action == "list":
            return LetterListSerializer
        return LetterSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Letter.objects.none()
        qs = selectors.visible_letters(self.request.user).order_by("-received_at", "-id")
        state = self.request.query_params.get("state")
        if state in LetterState.values:
            qs = qs.filter(state=state)
        if self.action != "list":
            qs = qs.prefetch_related("routings__unit", "steps__unit", "replies__unit")
        return qs

    def get_object(self):
        pk = str(self.kwargs["pk"])
        if not pk.isascii() or not pk.isdigit() or len(pk) > 18:
            raise NotFound()
        letter = self.get_queryset().filter(pk=int(pk)).first()
        if letter is None or not permissions.may(self.request.user, "letters.letter.view", letter):
            raise NotFound()
        return letter

    def _valid(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _answer(self, letter):
        fresh = self.get_queryset().filter(pk=letter.pk).first() or letter
        return Response(LetterSerializer(fresh, context={"request": self.request}).data)

    @extend_schema(
        summary="Enter a letter for a writer (12345 hotline, post)",
        request=LetterCreateSerializer,
        responses={201: LetterCreatedSerializer},
    )
    def create(self, request):
        data = self._valid(LetterCreateSerializer)
        result = services.submit_letter(request.user, **data)
        body = {
            "id": result.letter.pk,
            "tracking_code": result.letter.tracking_code,
            "query_password": result.password,
            "created": result.created,
        }
        return Response(body, status=status.HTTP_201_CREATED if result.created else 200)

    @extend_schema(
        summary="A letter's status by tracking code", responses=LetterPublicStatusSerializer
    )
    @action(detail=False, methods=["get"], url_path=r"by-code/(?P<code>[A-Za-z0-9-]{1,20})")
    def by_code(self, request, code=None):
        letter = self.get_queryset().filter(tracking_code=services.normalise_code(code)).first()
        if letter is None or not permissions.may(request.user, "letters.letter.view", letter):
            raise NotFound()
        return Response(LetterPublicStatusSerializer(letter).data)

    @extend_schema(
        summary="The writer's view, with tracking code and query password",
        request=LetterTrackSerializer,
        responses=LetterPublicStatusSerializer,
    )
    @action(detail=False, methods=["post"])
    def track(self, request):
        data = self._valid(LetterTrackSerializer)
        letter = self._tracked(request, data)
        return Response(LetterPublicStatusSerializer(letter).data)

    @extend_schema(
        summary="The writer rates the reply",
        request=LetterRateSerializer,
        responses=LetterPublicStatusSerializer,
    )
    @action(detail=False, methods=["post"])
    def rate(self, request):
        data = self._valid(LetterRateSerializer)
        letter = self._tracked(request, data)
        services.rate_letter(None, letter, level=data["level"], comment=data["comment"])
        letter.refresh_from_db()
        return Response(LetterPublicStatusSerializer(letter).data)

    def _tracked(self, request, data):
        from zhengtong.public import lookup, throttle

        from .views_public import TRACK_SCOPE

        # The same throttles as the tracking page (per address and per code): wrong
        # guesses count on both.
        lookup.check_address(request, TRACK_SCOPE)
        code = services.normalise_code(data["code"])
        try:
            lookup.check_code(TRACK_SCOPE, code)
        except throttle.Throttled:
            lookup.count_wrong_guess(request, TRACK_SCOPE)
            raise
        letter = services.find_for_tracking(data["code"], data["password"])
        if letter is None:
            lookup.count_wrong_guess(request, TRACK_SCOPE)
            lookup.count_wrong_code(TRACK_SCOPE, code)
            raise NotFound()
        return letter

    # --- staff operations ------------------------------------------------------------

    def _op(self, serializer_class, operation, **extra):
        letter = self.get_object()
        data = self._valid(serializer_class) if serializer_class else {}
        operation(self.request.user, letter, **data, **extra)
        return self._answer(letter)

    def _routing_op(self, serializer_class, operation, role=RoutingRole.LEAD):
        letter = self.get_object()
        data = self._valid(serializer_class)
        routing = services.routing_for(self.request.user, letter, role)
        if routing is None:
            raise NotPermitted()
        operation(self.request.user, routing, **data)
        return self._answer(letter)

    @extend_schema(
        summary="Accept (受理)", request=LetterCommentSerializer, responses=LetterSerializer
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._op(LetterCommentSerializer, services.accept_letter)

    @extend_schema(
        summary="Decline (不予受理)", request=LetterDeclineSerializer, responses=LetterSerializer
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._op(LetterDeclineSerializer, services.decline_letter)

    @extend_schema(
        summary="Route or reroute (分办/转办)",
        request=LetterRouteSerializer,
        responses=LetterSerializer,
    )
    @action(detail=True, methods=["post"])
    def route(self, request, pk=None):
        return self._op(LetterRouteSerializer, services.route_letter)

    @extend_schema(
        summary="Hand back to the office (退回)",
        request=LetterReasonSerializer,
        responses=LetterSerializer,
    )
    @action(detail=True, methods=["post"], url_path="hand-back")
    def hand_back(self, request, pk=None):
        return self._routing_op(LetterReasonSerializer, services.hand_back_letter)

    @extend_schema(
        summary="Register as a petition (信访事项)",
        request=LetterCommentSerializer,
        responses=LetterSerializer,
    )
    @action(detail=True, methods=["post"])
    def petition(self, request, pk=None):
        return self._op(LetterCommentSerializer, services.register_as_petition)

    @extend_schema(
        summary="Extend a petition's handling period",
        request=LetterReasonSerializer,
        responses=LetterSerializer,
    )
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        return self._op(LetterReasonSerializer, services.extend_petition)

    @extend_schema(
        summary="Ask the writer for information (pauses the clock)",
        request=LetterQuestionSerializer,
        responses=LetterSerializer,
    )
    @action(detail=True, methods=["post"], url_path="request-information")
    def request_information(self, request, pk=None):
        return self._op(LetterQuestionSerializer, services.request_more_information)

    @extend_schema(
        summary="Record the information supplied",
        request=LetterTextSerializer,
        responses=LetterSerializer,
    )
    @action(detail=True, methods=["post"], url_path="information-supplied")
    def information_supplied(self, request, pk=None):
        return self._op(LetterTextSerializer, services.information_supplied)

    @extend_schema(
        summary="Draft the reply (lead unit)",
        request=LetterTextSerializer,
        responses=LetterSerializer,
    )
    @action(detail=True, methods=["post"], url_path="draft-reply")
    def draft_reply(self, request, pk=None):
        return self._routing_op(LetterTextSerializer, services.draft_reply)

    @extend_schema(
        summary="Give an assisting unit's opinion",
        request=LetterOpinionSerializer,
        responses=LetterSerializer,
    )
    @action(detail=True, methods=["post"])
    def assist(self, request, pk=None):
        return self._routing_op(
            LetterOpinionSerializer, services.submit_assist_opinion, RoutingRole.ASSIST
        )

    @extend_schema(
        summary="Approve the reply", request=LetterCommentSerializer, responses=LetterSerializer
    )
    @action(detail=True, methods=["post"], url_path="approve-reply")
    def approve_reply(self, request, pk=None):
        return self._op(LetterCommentSerializer, services.approve_reply)

    @extend_schema(
        summary="Return the reply for revision",
        request=LetterReasonSerializer,
        responses=LetterSerializer,
    )
    @action(detail=True, methods=["post"], url_path="return-reply")
    def return_reply(self, request, pk=None):
        return self._op(LetterReasonSerializer, services.return_reply)

    @extend_schema(summary="Send the approved reply", request=None, responses=LetterSerializer)
    @action(detail=True, methods=["post"], url_path="send-reply")
    def send_reply(self, request, pk=None):
        return self._op(None, services.send_reply)

    @extend_schema(
        summary="Publish with masked texts",
        request=LetterPublishSerializer,
        responses=LetterSerializer,
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._op(LetterPublishSerializer, services.publish_letter)

    @extend_schema(
        summary="Add a leader's instruction (批示)",
        request=LetterTextSerializer,
        responses=LetterSerializer,
    )
    @action(detail=True, methods=["post"])
    def instruct(self, request, pk=None):
        return self._op(LetterTextSerializer, services.add_instruction)

    @extend_schema(
        summary="Issue a supervision order (督办)",
        request=LetterSupervisionSerializer,
        responses=LetterSerializer,
    )
    @action(detail=True, methods=["post"])
    def supervise(self, request, pk=None):
        return self._op(LetterSupervisionSerializer, services.issue_supervision_order)

    @extend_schema(
        summary="Record the follow-up of a poor rating",
        request=LetterFollowUpSerializer,
        responses=LetterSerializer,
    )
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        return self._op(LetterFollowUpSerializer, services.record_follow_up)

    @extend_schema(
        summary="Link to an earlier letter on the same matter",
        request=LetterDuplicateSerializer,
        responses=LetterSerializer,
    )
    @action(detail=True, methods=["post"], url_path="link-duplicate")
    def link_duplicate(self, request, pk=None):
        letter = self.get_object()
        data = self._valid(LetterDuplicateSerializer)
        code = services.normalise_code(data["earlier"])
        earlier = self.get_queryset().filter(tracking_code=code).first()
        if earlier is None:
            raise Invalid(_("No letter you may see has this tracking code."), field="earlier")
        services.link_duplicate(request.user, letter, earlier=earlier)
        return self._answer(letter)


def register(router):
    """Add this app's viewsets to the API router."""
    router.register("letters", LetterViewSet, basename="letter")
