"""REST API for incoming documents (收文, docs/conformance.md DOC-15) at /api/v1/incoming/.

The same permissions and operations as the pages (`views_incoming`): every write calls
an operation in `documents.services`, and a record is read only by someone for whom
`permissions.may(user, "documents.incoming.view", record)` holds — the receiving unit's
members, and those acting for one of them (代理). Someone who may not see a record gets
404; someone who sees it but may not take the step gets 403; a step the record's state
no longer allows gets 409; bad input gets 400 and changes nothing.
"""

import django_filters
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from zhengtong.api.fields import CodeField
from zhengtong.api.filters import YearFilter
from zhengtong.api.permissions import StaffAccountPolicy
from zhengtong.api.serializers import PersonRefSerializer, StrictSerializer, UnitRefSerializer
from zhengtong.core import attachments
from zhengtong.core.errors import DomainError, Invalid, NotFound, NotPermitted
from zhengtong.core.models import Attachment
from zhengtong.org import permissions
from zhengtong.org.models import User

from . import services
from .api import (
    ArchiveEntrySerializer,
    ArchiveSerializer,
    _person_field,
    _unit_field,
)
from .models import HandlingTask, IncomingRecord, IncomingState
from .selectors import visible_incoming

OPEN_STATES = (IncomingState.REGISTERED, IncomingState.PROPOSED, IncomingState.HANDLING)


# --- serializers --------------------------------------------------------------------------


class HandlingTaskSerializer(serializers.ModelSerializer):
    kind = CodeField(HandlingTask.Kind.choices)
    person = PersonRefSerializer(read_only=True)

    class Meta:
        model = HandlingTask
        fields = ["id", "kind", "order", "person", "done_at", "comment"]
        read_only_fields = fields


class ScanSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(
        help_text=_("Where a signed-in member of the unit downloads it on the staff site.")
    )

    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_url(self, attachment):
        return reverse("attachments:download", args=[attachment.pk])


INCOMING_LIST_FIELDS = [
    "id",
    "serial",
    "unit",
    "title",
    "source_name",
    "source_number",
    "document",
    "received_at",
    "state",
    "due_date",
    "overdue",
    "closed_at",
]


class IncomingListSerializer(serializers.ModelSerializer):
    serial = serializers.CharField(read_only=True, help_text=_("收文编号, e.g. 收〔2026〕3号."))
    unit = UnitRefSerializer(read_only=True)
    state = CodeField(IncomingState.choices)
    document = serializers.SerializerMethodField(
        help_text=_("The platform document it was signed for from; null for paper ones.")
    )
    overdue = serializers.SerializerMethodField(
        help_text=_("Still open and past its handling deadline.")
    )

    class Meta:
        model = IncomingRecord
        fields = INCOMING_LIST_FIELDS
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_document(self, record):
        return record.distribution.document_id if record.distribution_id else None

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, record):
        return bool(
            record.due_date
            and record.due_date < timezone.localdate()
            and record.state in OPEN_STATES
        )


class IncomingSerializer(IncomingListSerializer):
    """An incoming record with its handling: proposal, instruction, the handlers' and
    readers' tasks, the result and, once filed, its archive number."""

    registered_by = PersonRefSerializer(read_only=True)
    scan = ScanSerializer(read_only=True, allow_null=True)
    tasks = HandlingTaskSerializer(many=True, read_only=True)
    archive_number = serializers.CharField(
        source="archive_entry.archive_number",
        read_only=True,
        allow_null=True,
        help_text=_("档号 once archived, else null."),
    )
    archive = ArchiveEntrySerializer(source="archive_entry", read_only=True, allow_null=True)

    class Meta:
        model = IncomingRecord
        fields = [
            *INCOMING_LIST_FIELDS,
            "registered_by",
            "scan",
            "proposal",
            "instruction",
            "result",
            "tasks",
            "archive_number",
            "archive",
        ]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.BINARY)
class UploadField(serializers.FileField):
    """A file sent in a multipart request, described as binary in the schema."""


class IncomingCreateSerializer(StrictSerializer):
    """A document that came from outside the platform (paper), registered by hand."""

    unit = _unit_field(help_text=_("The receiving unit: one you are a clerk of."))
    title = serializers.CharField(max_length=200)
    source_name = serializers.CharField(
        max_length=100, help_text=_("The sending organ, e.g. 某市人民政府办公室.")
    )
    source_number = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Its document number as printed, e.g. 市政办发〔2026〕8号."),
    )
    scan = UploadField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("A PDF, OFD or image of every page (send the request as multipart)."),
    )


def _people_field(**kwargs):
    error_messages = {
        "does_not_exist": _("There is no active staff member with id {pk_value}."),
        "incorrect_type": _("A staff member is given by their numeric id."),
        "not_a_list": _("Give a list of staff ids."),
        **kwargs.pop("error_messages", {}),
    }
    return serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        many=True,
        error_messages=error_messages,
        **kwargs,
    )


def _once_each(people):
    if len({p.pk for p in people}) != len(people):
        raise serializers.ValidationError(_("Name each person once."))
    return people


class IncomingReturnSerializer(StrictSerializer):
    reason = serializers.CharField(help_text=_("The sender's clerks are told, with this reason."))


class IncomingProposeSerializer(StrictSerializer):
    proposal = serializers.CharField(help_text=_("拟办意见."))
    head = _person_field(help_text=_("The head of the unit who instructs next."))


class IncomingInstructSerializer(StrictSerializer):
    instruction = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("批办意见; empty to agree with the proposal."),
    )
    handlers = _people_field(
        allow_empty=False,
        error_messages={"empty": _("Choose at least one handler.")},
        help_text=_("承办: members of the unit, each with a handling task."),
    )
    readers = _people_field(
        required=False,
        default=list,
        help_text=_("传阅: members of the unit, who read one after another in this order."),
    )
    due_in_working_days = serializers.IntegerField(
        min_value=1,
        max_value=60,
        default=5,
        help_text=_("The handling deadline, 1 to 60 working days."),
    )

    def validate_handlers(self, value):
        return _once_each(value)

    def validate_readers(self, value):
        return _once_each(value)


class IncomingFinishSerializer(StrictSerializer):
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("What was done (needed from a handler); optional for a reader."),
    )


class IncomingCloseSerializer(StrictSerializer):
    result = serializers.CharField(help_text=_("办理结果."))
    reply_to_sender = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Reply (答复) to the sending unit with the result; platform documents only."),
    )


# --- the API ------------------------------------------------------------------------------


class IncomingFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=IncomingState.choices)
    year = YearFilter(method="filter_year", label=_("Year of receipt."))

    class Meta:
        model = IncomingRecord
        fields = ["state"]

    @extend_schema_field(OpenApiTypes.INT)
    def filter_year(self, queryset, name, value):
        if not 1 <= value <= 9999:
            raise serializers.ValidationError({"year": [_("Give a year such as 2026.")]})
        return queryset.filter(received_at__year=value)


def _register_with_scan(person, unit, data, upload):
    """Store the scan and register the document in one transaction: if registering is
    refused, the scan is not kept either."""
    stored = None
    try:
        with transaction.atomic():
            if upload is not None:
                stored = attachments.store_upload(person, upload, owner=None, unit=unit)
            return services.register_external(person, unit=unit, scan=stored, **data)
    except Exception as exc:
        if stored is not None:
            # The attachment row was rolled back; drop the file unless another
            # attachment with the same content uses it.
            attachments._remove_orphan(stored.file.storage, stored.file.name)
        if isinstance(exc, DomainError) and exc.field == "file":
            exc.field = "scan"
        raise


@extend_schema_view(
    list=extend_schema(summary="Incoming documents of my units (收文登记簿)"),
    retrieve=extend_schema(
        summary="An incoming document with its tasks, proposal, instruction and result"
    ),
)
class IncomingRecordViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Incoming documents (收文): signed for on the platform or registered by hand from
    paper, then checked and returned, or proposed (拟办) by the unit's clerk, instructed
    (批办) by its head, handled (承办) and read (传阅) by its members, closed (办结) and
    archived (归档) by the clerk."""

    permission_classes = [StaffAccountPolicy]
    filterset_class = IncomingFilter

    def get_serializer_class(self):
        if self.action == "list":
            return IncomingListSerializer
        return IncomingSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return IncomingRecord.objects.none()
        # The rule `documents.incoming.view` (members of the receiving unit), tried for
        # the user and for everyone who delegated their work to them.
        qs = (
            visible_incoming(self.request.user)
            .select_related("unit", "distribution")
            .order_by("-received_at", "-id")
        )
        if self.action != "list":
            qs = qs.select_related(
                "registered_by",
                "scan",
                "archive_entry__unit",
                "archive_entry__archived_by",
            ).prefetch_related(Prefetch("tasks", HandlingTask.objects.select_related("person")))
        return qs

    def get_object(self):
        pk = self.kwargs["pk"]
        if not pk.isascii() or not pk.isdigit() or len(pk) > 18:
            raise NotFound()
        record = self.get_queryset().filter(pk=int(pk)).first()
        # The queryset mirrors the rule; the rule itself has the last word.
        if record is None or not permissions.may(
            self.request.user, "documents.incoming.view", record
        ):
            raise NotFound()
        return record

    def _valid(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _detail(self, record, status_code=status.HTTP_200_OK):
        """The record re-read after an operation, for the response."""
        fresh = self.get_queryset().get(pk=record.pk)
        return Response(
            IncomingSerializer(fresh, context={"request": self.request}).data, status=status_code
        )

    @extend_schema(
        summary="Register a paper document by hand (登记), with its scan",
        request={
            "multipart/form-data": IncomingCreateSerializer,
            "application/json": IncomingCreateSerializer,
        },
        responses={201: IncomingSerializer},
    )
    def create(self, request):
        data = dict(self._valid(IncomingCreateSerializer))
        unit = data.pop("unit")
        upload = data.pop("scan")
        if not permissions.may(request.user, "documents.register", None, unit=unit):
            raise NotPermitted(
                _("Only a clerk of the receiving unit registers its incoming documents."),
                field="unit",
            )
        record = _register_with_scan(request.user, unit, data, upload)
        return self._detail(record, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Return it to the sender with reasons (初审: 退回)",
        request=IncomingReturnSerializer,
        responses=IncomingSerializer,
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_to_sender(self, request, pk=None):
        record = self.get_object()
        data = self._valid(IncomingReturnSerializer)
        services.return_to_sender(request.user, record, reason=data["reason"])
        return self._detail(record)

    @extend_schema(
        summary="Propose the handling and pass it to the unit head (拟办)",
        request=IncomingProposeSerializer,
        responses=IncomingSerializer,
    )
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        record = self.get_object()
        data = self._valid(IncomingProposeSerializer)
        services.propose(request.user, record, proposal=data["proposal"], head=data["head"])
        return self._detail(record)

    @extend_schema(
        summary="Instruct: handlers, readers and the deadline (批办)",
        request=IncomingInstructSerializer,
        responses=IncomingSerializer,
    )
    @action(detail=True, methods=["post"])
    def instruct(self, request, pk=None):
        record = self.get_object()
        data = self._valid(IncomingInstructSerializer)
        services.instruct(
            request.user,
            record,
            instruction=data["instruction"],
            handlers=list(data["handlers"]),
            readers=list(data["readers"]),
            due_in_working_days=data["due_in_working_days"],
        )
        return self._detail(record)

    @extend_schema(
        summary="Report my handling done, or that I have read it (承办 / 传阅)",
        request=IncomingFinishSerializer,
        responses=IncomingSerializer,
    )
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        record = self.get_object()
        data = self._valid(IncomingFinishSerializer)
        services.finish_task(request.user, record, comment=data["comment"])
        return self._detail(record)

    @extend_schema(
        summary="Close it with its result, and reply to the sender (办结)",
        request=IncomingCloseSerializer,
        responses=IncomingSerializer,
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        record = self.get_object()
        data = self._valid(IncomingCloseSerializer)
        if data["reply_to_sender"] and record.distribution_id is None:
            raise Invalid(
                _("A document registered from paper has no sender on the platform to reply to."),
                field="reply_to_sender",
            )
        services.close_incoming(
            request.user, record, result=data["result"], reply_to_sender=data["reply_to_sender"]
        )
        return self._detail(record)

    @extend_schema(
        summary="File a closed or returned document in the unit's archive (归档)",
        request=ArchiveSerializer,
        responses={201: ArchiveEntrySerializer},
    )
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        record = self.get_object()
        data = self._valid(ArchiveSerializer)
        entry = services.archive_incoming(request.user, record, retention=data["retention"])
        return Response(ArchiveEntrySerializer(entry).data, status=status.HTTP_201_CREATED)
