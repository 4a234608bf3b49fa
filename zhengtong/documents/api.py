"""REST API for official documents (公文) at /api/v1/documents/.

The same permissions and operations as the pages: every write calls an operation in
`documents.services`, and a document is read only by someone for whom
`permissions.may(user, "documents.document.view", document)` holds. The list is one
query built from the same facts as that rule (`visible_q`), delegation included.
"""

import django_filters
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from zhengtong.api.fields import CodeField
from zhengtong.api.files import DOCX_TYPE, file_response
from zhengtong.api.filters import YearFilter
from zhengtong.api.permissions import StaffAccountPolicy
from zhengtong.api.serializers import PersonRefSerializer, StrictSerializer, UnitRefSerializer
from zhengtong.core.errors import Conflict, Invalid, NotFound, NotPermitted
from zhengtong.org import permissions
from zhengtong.org.models import Unit, User

from . import services
from .models import (
    ArchiveEntry,
    Classification,
    Direction,
    Disclosure,
    Distribution,
    DocState,
    DocType,
    Document,
    RecipientKind,
    Retention,
    RouteStep,
    StepKind,
    StepState,
    TrailEntry,
    Urgency,
)
from .selectors import people_and_units as _people_and_units
from .selectors import visible_q

# --- serializers --------------------------------------------------------------------------


class RouteStepSerializer(serializers.ModelSerializer):
    kind = CodeField(StepKind.choices)
    state = CodeField(StepState.choices)
    unit = UnitRefSerializer(read_only=True)
    assignee = PersonRefSerializer(read_only=True)
    acted_by = PersonRefSerializer(read_only=True, allow_null=True)
    on_behalf_of = PersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = RouteStep
        fields = [
            "id",
            "round",
            "order",
            "kind",
            "unit",
            "assignee",
            "state",
            "acted_at",
            "acted_by",
            "on_behalf_of",
            "opinion",
        ]
        read_only_fields = fields


class TrailEntrySerializer(serializers.ModelSerializer):
    actor = PersonRefSerializer(read_only=True, allow_null=True)
    on_behalf_of = PersonRefSerializer(read_only=True, allow_null=True)
    unit = UnitRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = TrailEntry
        fields = ["id", "at", "action", "actor", "on_behalf_of", "unit", "opinion"]
        read_only_fields = fields


class DistributionSerializer(serializers.ModelSerializer):
    kind = CodeField(RecipientKind.choices)
    unit = UnitRefSerializer(read_only=True)
    signed_for_by = PersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Distribution
        fields = ["id", "unit", "kind", "sent_at", "due_date", "signed_for_at", "signed_for_by"]
        read_only_fields = fields


LIST_FIELDS = [
    "id",
    "number",
    "doc_type",
    "direction",
    "title",
    "issuing_unit",
    "drafter",
    "urgency",
    "state",
    "signed_at",
    "issued_at",
    "created_at",
    "updated_at",
]


class DocumentListSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True, help_text=_("发文字号, empty until issued."))
    state = CodeField(DocState.choices)
    issuing_unit = UnitRefSerializer(read_only=True)
    drafter = PersonRefSerializer(read_only=True)

    class Meta:
        model = Document
        fields = LIST_FIELDS
        read_only_fields = fields


class DocumentSerializer(DocumentListSerializer):
    """A document with its route, trail and distribution."""

    signer = PersonRefSerializer(read_only=True, allow_null=True)
    joint_units = UnitRefSerializer(many=True, read_only=True)
    main_recipients = UnitRefSerializer(many=True, read_only=True)
    copy_recipients = UnitRefSerializer(many=True, read_only=True)
    route = RouteStepSerializer(many=True, read_only=True)
    trail = TrailEntrySerializer(many=True, read_only=True)
    distributions = DistributionSerializer(many=True, read_only=True)

    class Meta:
        model = Document
        fields = [
            *LIST_FIELDS,
            "body",
            "joint_units",
            "main_recipients",
            "copy_recipients",
            "attachment_note",
            "note",
            "signer",
            "disclosure",
            "disclosure_reason",
            "number_prefix",
            "number_year",
            "number_seq",
            "route",
            "trail",
            "distributions",
        ]
        read_only_fields = fields


def _unit_field(**kwargs):
    return serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(),
        error_messages={
            "does_not_exist": _("There is no unit with id {pk_value}."),
            "incorrect_type": _("A unit is given by its numeric id."),
        },
        **kwargs,
    )


def _recipients_field():
    # The units a document may be addressed to, as on the page (active units; not the
    # county root, not internal sections).
    return serializers.PrimaryKeyRelatedField(
        queryset=services.units_for_choice(),
        many=True,
        required=False,
        error_messages={
            "does_not_exist": _("There is no unit with id {pk_value} that can receive documents."),
            "incorrect_type": _("A unit is given by its numeric id."),
        },
    )


def _person_field(**kwargs):
    return serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        error_messages={
            "does_not_exist": _("There is no active staff member with id {pk_value}."),
            "incorrect_type": _("A staff member is given by their numeric id."),
        },
        **kwargs,
    )


class DraftFieldsSerializer(StrictSerializer):
    doc_type = serializers.ChoiceField(choices=DocType.choices)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text=_("Cleaned HTML.")
    )
    direction = serializers.ChoiceField(
        choices=Direction.choices,
        required=False,
        allow_blank=True,
        help_text=_("Fixed for 报告, 请示, 议案 and 函; the type's usual direction if empty."),
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, allow_blank=True)
    classification = serializers.ChoiceField(
        choices=Classification.choices,
        required=False,
        allow_blank=True,
        help_text=_(
            "Classified documents are refused (code `classified`): they belong on the "
            "classified channel, never on this system."
        ),
    )
    main_recipients = _recipients_field()
    copy_recipients = _recipients_field()
    joint_units = _recipients_field()
    attachment_note = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class DocumentCreateSerializer(DraftFieldsSerializer):
    issuing_unit = _unit_field(
        help_text=_("One of your units, in whose name the document is drafted.")
    )


class DocumentUpdateSerializer(DraftFieldsSerializer):
    """A partial change of a draft: only the fields given change."""

    direction = serializers.ChoiceField(
        choices=Direction.choices,
        required=False,
        help_text=_("Ignored for 报告, 请示, 议案 and 函, whose direction is fixed."),
    )


class CountersignerSerializer(StrictSerializer):
    unit = _unit_field()
    person = _person_field()


class SubmitSerializer(StrictSerializer):
    reviewer = _person_field(help_text=_("核稿: a head of the issuing unit."))
    signer = _person_field(help_text=_("签发: the issuing unit's head, or a county leader."))
    countersigners = CountersignerSerializer(many=True, required=False, default=list)
    office_reviewer = _person_field(
        required=False, allow_null=True, default=None, help_text=_("复核: a member of an office.")
    )
    joint_signers = CountersignerSerializer(
        many=True,
        required=False,
        default=list,
        help_text=_("联合行文: one signer for each joint issuing unit."),
    )

    def validate_countersigners(self, value):
        units = [c["unit"].pk for c in value]
        if len(units) != len(set(units)):
            raise serializers.ValidationError(_("Each unit countersigns once."))
        return value


class ApproveSerializer(StrictSerializer):
    opinion = serializers.CharField(required=False, allow_blank=True, default="")
    disclosure = serializers.ChoiceField(
        choices=Disclosure.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Needed at sign-off."),
    )
    disclosure_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=200,
        help_text=_("Needed when not disclosed."),
    )


class SendBackSerializer(StrictSerializer):
    reason = serializers.CharField()


class SignForSerializer(StrictSerializer):
    unit = _unit_field(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Which of your units signs for it; needed only if several are recipients."),
    )


class WithdrawSerializer(StrictSerializer):
    reason = serializers.CharField(
        help_text=_("Why it is withdrawn; the recipient units' clerks are told.")
    )


class ArchiveSerializer(StrictSerializer):
    retention = serializers.ChoiceField(
        choices=Retention.choices,
        help_text=_("保管期限: `permanent` (永久), `30y` (定期30年) or `10y` (定期10年)."),
    )


class ArchiveEntrySerializer(serializers.ModelSerializer):
    """An item filed in a unit's archive (归档)."""

    archive_number = serializers.CharField(
        read_only=True, help_text=_("档号 (DA/T 22-2015): 全宗号-年度-保管期限-件号.")
    )
    unit = UnitRefSerializer(read_only=True)
    retention = CodeField(Retention.choices)
    archived_by = PersonRefSerializer(read_only=True)

    class Meta:
        model = ArchiveEntry
        fields = [
            "id",
            "archive_number",
            "unit",
            "fonds",
            "year",
            "retention",
            "item_number",
            "title",
            "is_original",
            "document",
            "incoming",
            "archived_at",
            "archived_by",
        ]
        read_only_fields = fields


class ArchiveExportSerializer(serializers.Serializer):
    """The query of an archive export."""

    unit = _unit_field(help_text=_("One of your units (you are its clerk or head)."))
    year = serializers.IntegerField(
        min_value=1,
        max_value=9999,
        help_text=_("The archive year (the year the items were issued or received)."),
        error_messages={
            "invalid": _("Give a year such as 2026."),
            "min_value": _("Give a year such as 2026."),
            "max_value": _("Give a year such as 2026."),
        },
    )


# --- the API ------------------------------------------------------------------------------


class DocumentFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=DocState.choices)
    doc_type = django_filters.ChoiceFilter(choices=DocType.choices)
    year = YearFilter(
        method="filter_year",
        label=_("Year of the document number; for documents not yet numbered, of drafting."),
    )
    box = django_filters.ChoiceFilter(
        method="filter_box",
        choices=[
            ("awaiting", _("Awaiting my review, countersignature or sign-off")),
            ("to_sign_for", _("Issued to one of my units and not yet signed for")),
        ],
    )

    class Meta:
        model = Document
        fields = ["state", "doc_type"]

    @extend_schema_field(OpenApiTypes.INT)
    def filter_year(self, queryset, name, value):
        if not 1 <= value <= 9999:
            raise serializers.ValidationError({"year": [_("Give a year such as 2026.")]})
        return queryset.filter(
            Q(number_year=value) | Q(number_year__isnull=True, created_at__year=value)
        )

    def filter_box(self, queryset, name, value):
        people, _units = _people_and_units(self.request.user)
        if value == "awaiting":
            waiting = RouteStep.objects.filter(
                document=OuterRef("pk"), assignee_id__in=people, state=StepState.PENDING
            )
            return queryset.filter(Exists(waiting), state=DocState.IN_ROUTE)
        # As on the page: the user's own units (a delegate signs for the delegator's
        # unit from the document itself).
        unsigned = Distribution.objects.filter(
            document=OuterRef("pk"),
            unit_id__in=permissions.unit_ids_of(self.request.user),
            signed_for_at__isnull=True,
        )
        return queryset.filter(Exists(unsigned), state=DocState.ISSUED)


def _detail(document, request):
    return DocumentSerializer(document, context={"request": request}).data


@extend_schema_view(
    list=extend_schema(summary="Documents I may see"),
    retrieve=extend_schema(summary="A document with its route, trail and distribution"),
)
class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Official documents (公文): draft, submit along a route, review, countersign,
    office review, sign off, issue and sign for. Someone who may not see a document
    gets 404; someone who sees it but may not do the action gets 403; an action the
    document's state no longer allows gets 409."""

    permission_classes = [StaffAccountPolicy]
    filterset_class = DocumentFilter
    # Actions that answer with a file rather than JSON.
    file_actions = ("pdf", "docx", "archive_export")

    def perform_content_negotiation(self, request, force=False):
        """A download answers with its own type whatever the Accept header asks (a client
        asking for application/pdf gets the PDF); its errors are JSON."""
        return super().perform_content_negotiation(
            request, force=force or self.action in self.file_actions
        )

    def get_serializer_class(self):
        if self.action == "list":
            return DocumentListSerializer
        return DocumentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Document.objects.none()
        qs = (
            Document.objects.filter(visible_q(self.request.user))
            .select_related("issuing_unit", "drafter")
            .order_by("-created_at", "-id")
        )
        if self.action == "list":
            qs = qs.defer("body")
        else:
            qs = qs.select_related("signer").prefetch_related(
                "joint_units",
                "main_recipients",
                "copy_recipients",
                Prefetch(
                    "route",
                    RouteStep.objects.select_related(
                        "unit", "assignee", "acted_by", "on_behalf_of"
                    ),
                ),
                Prefetch(
                    "trail",
                    TrailEntry.objects.select_related("actor", "on_behalf_of", "unit"),
                ),
                Prefetch(
                    "distributions",
                    Distribution.objects.select_related("unit", "signed_for_by"),
                ),
            )
        return qs

    def get_object(self):
        pk = self.kwargs["pk"]
        if not pk.isascii() or not pk.isdigit() or len(pk) > 18:
            raise NotFound()
        document = self.get_queryset().filter(pk=int(pk)).first()
        # The queryset mirrors the rule; the rule itself has the last word.
        if document is None or not permissions.may(
            self.request.user, "documents.document.view", document
        ):
            raise NotFound()
        return document

    def _fresh(self, document):
        """The document re-read after an operation, for the response."""
        return self.get_queryset().get(pk=document.pk)

    def _valid(self, serializer_class, **kwargs):
        serializer = serializer_class(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(
        summary="Start a draft (拟稿)",
        request=DocumentCreateSerializer,
        responses={201: DocumentSerializer},
    )
    def create(self, request):
        data = dict(self._valid(DocumentCreateSerializer))
        unit = data.pop("issuing_unit")
        if not permissions.may(request.user, "documents.draft", None, unit=unit):
            raise NotPermitted(
                _(
                    "You may draft only in the name of one of your own units "
                    "(internal sections do not issue documents)."
                ),
                field="issuing_unit",
            )
        document = services.create_draft(request.user, issuing_unit=unit, **data)
        return Response(_detail(self._fresh(document), request), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a draft", request=DocumentUpdateSerializer, responses=DocumentSerializer
    )
    def partial_update(self, request, pk=None):
        document = self.get_object()
        data = dict(self._valid(DocumentUpdateSerializer, partial=True))
        document = services.update_draft(request.user, document, **data)
        return Response(_detail(self._fresh(document), request))

    @extend_schema(
        summary="Submit a draft along its route",
        request=SubmitSerializer,
        responses=DocumentSerializer,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        document = self.get_object()
        data = self._valid(SubmitSerializer)
        countersigners = [(c["unit"], c["person"]) for c in data["countersigners"]]
        document = services.submit(
            request.user,
            document,
            reviewer=data["reviewer"],
            signer=data["signer"],
            countersigners=countersigners,
            office_reviewer=data["office_reviewer"],
            joint_signers=[(c["unit"], c["person"]) for c in data["joint_signers"]],
        )
        return Response(_detail(self._fresh(document), request))

    @extend_schema(
        summary="Approve the step waiting for me (review, countersign, office review, sign-off)",
        request=ApproveSerializer,
        responses=DocumentSerializer,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        document = self.get_object()
        data = self._valid(ApproveSerializer)
        document = services.approve(request.user, document, **data)
        return Response(_detail(self._fresh(document), request))

    @extend_schema(
        summary="Send the draft back to the drafting unit",
        request=SendBackSerializer,
        responses=DocumentSerializer,
    )
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        document = self.get_object()
        data = self._valid(SendBackSerializer)
        document = services.send_back(request.user, document, reason=data["reason"])
        return Response(_detail(self._fresh(document), request))

    @extend_schema(
        summary="Number and distribute a signed-off document",
        request=None,
        responses=DocumentSerializer,
    )
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        document = self.get_object()
        document = services.issue(request.user, document)
        return Response(_detail(self._fresh(document), request))

    @extend_schema(
        summary="Sign for an issued document on behalf of my unit (签收)",
        request=SignForSerializer,
        responses=DocumentSerializer,
    )
    @action(detail=True, methods=["post"], url_path="sign-for")
    def sign_for(self, request, pk=None):
        document = self.get_object()
        data = self._valid(SignForSerializer)
        distribution = _distribution_to_sign(request.user, document, data["unit"])
        services.sign_for(request.user, distribution)
        return Response(_detail(self._fresh(document), request))

    @extend_schema(
        summary="Withdraw a document (撤回); its number stays taken",
        request=WithdrawSerializer,
        responses=DocumentSerializer,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        document = self.get_object()
        data = self._valid(WithdrawSerializer)
        document = services.withdraw(request.user, document, reason=data["reason"])
        return Response(_detail(self._fresh(document), request))

    @extend_schema(
        summary="File an issued document in the issuing unit's archive (归档)",
        request=ArchiveSerializer,
        responses={201: ArchiveEntrySerializer},
    )
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        document = self.get_object()
        data = self._valid(ArchiveSerializer)
        entry = services.archive_document(request.user, document, retention=data["retention"])
        return Response(ArchiveEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The document as a PDF in the national layout (GB/T 9704-2012)",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        from . import layout

        document = self.get_object()
        name = document.number or document.title
        return file_response(layout.render_pdf(document), f"{name}.pdf", "application/pdf")

    @extend_schema(
        summary="The document as an editable Word file in the national layout",
        responses={(200, DOCX_TYPE): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def docx(self, request, pk=None):
        from . import layout

        document = self.get_object()
        name = document.number or document.title
        return file_response(layout.render_docx(document), f"{name}.docx", DOCX_TYPE)

    @extend_schema(
        summary="A year's archive of one of my units: a zip of PDFs and the 目录 sheet",
        parameters=[ArchiveExportSerializer],
        responses={(200, "application/zip"): OpenApiTypes.BINARY},
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="archive-export",
        filter_backends=[],
        pagination_class=None,
    )
    def archive_export(self, request):
        query = ArchiveExportSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        unit, year = query.validated_data["unit"], query.validated_data["year"]
        content = services.export_archive(request.user, unit, year)
        return file_response(content, f"{services.fonds_of(unit)}-{year}.zip", "application/zip")


def _distribution_to_sign(user, document, unit):
    """The distribution `user` signs for: to one of their units (or a delegator's), the
    unit named when there are several still open."""
    if document.state != DocState.ISSUED:
        raise Conflict(_("Only an issued document is signed for."))
    _people, units = _people_and_units(user)
    mine = [
        d
        for d in document.distributions.all()
        if d.unit_id in units and permissions.may(user, "documents.sign_for", d, unit=d.unit)
    ]
    if unit is not None:
        mine = [d for d in mine if d.unit_id == unit.pk]
        if not mine:
            raise NotPermitted(
                _("%(unit)s is not a recipient you can sign for.") % {"unit": unit.name},
                field="unit",
            )
    if not mine:
        raise NotPermitted(_("None of your units is a recipient of this document."))
    unsigned = [d for d in mine if d.signed_for_at is None]
    if len(unsigned) > 1:
        raise Invalid(
            _("Several of your units received this document: say which one signs for it."),
            field="unit",
        )
    # When all are signed for already, the operation answers 409.
    return unsigned[0] if unsigned else mine[0]
