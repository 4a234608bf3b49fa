"""Public, read-only API of the disclosure catalogue at /api/v1/catalogue/ (the same
entries and filters as /xxgk/ml/): the list, and one entry by its 索引号
(/api/v1/catalogue/<18-character code>/<year>-<serial>/).

Wire it in zhengtong/api/urls.py with `register(router)` (or add `router_urls`).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny

from zhengtong.org.models import Unit

from . import catalogue
from .models import CatalogueEntry, DisclosureCategory, Topic


class CatalogueEntrySerializer(serializers.ModelSerializer):
    publisher = serializers.SerializerMethodField(help_text="Name of the publishing unit.")
    publisher_id = serializers.IntegerField(read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    topic_label = serializers.CharField(source="get_topic_display", read_only=True)
    validity_label = serializers.CharField(source="get_validity_display", read_only=True)
    url = serializers.SerializerMethodField(help_text="The page on the public website.")

    class Meta:
        model = CatalogueEntry
        fields = [
            "index_number",
            "title",
            "summary",
            "publisher",
            "publisher_id",
            "generated_on",
            "published_at",
            "doc_number",
            "category",
            "category_label",
            "topic",
            "topic_label",
            "validity",
            "validity_label",
            "year",
            "url",
        ]
        read_only_fields = fields

    def get_publisher(self, entry) -> str:
        return entry.publisher.name

    def get_url(self, entry) -> str:
        request = self.context.get("request")
        if not entry.page_id:
            return ""
        return entry.page.get_full_url(request) or ""


FILTER_PARAMETERS = [
    OpenApiParameter(
        "category",
        OpenApiTypes.STR,
        enum=DisclosureCategory.values,
        description="Statutory category (信息公开条例 Art. 20–21).",
    ),
    OpenApiParameter("topic", OpenApiTypes.STR, enum=Topic.values, description="Topic (主题分类)."),
    OpenApiParameter("unit", OpenApiTypes.INT, description="Publishing unit id."),
    OpenApiParameter("year", OpenApiTypes.INT, description="Year of the entry's date."),
    OpenApiParameter(
        "q", OpenApiTypes.STR, description="Keyword in the title or the document number."
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="The disclosure catalogue (公开目录)",
        parameters=FILTER_PARAMETERS,
        tags=["catalogue"],
    ),
    retrieve=extend_schema(
        summary="One catalogue entry by its index number (索引号)",
        parameters=[
            OpenApiParameter(
                "index_number",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="索引号, e.g. 11341100MB1234567X/2026-00012.",
            )
        ],
        tags=["catalogue"],
    ),
)
class CatalogueViewSet(viewsets.ReadOnlyModelViewSet):
    """Publicly disclosed government information: live, public entries only."""

    serializer_class = CatalogueEntrySerializer
    permission_classes = [AllowAny]
    authentication_classes = []
    filter_backends = []
    lookup_field = "index_number"
    lookup_value_regex = r"[0-9A-Za-z]{18}/[0-9]{4}-[0-9]{5}"

    def get_queryset(self):
        queryset = catalogue.public_entries().select_related("publisher", "page")
        if self.action != "list":
            return queryset
        params = self.request.query_params
        errors, filters = {}, {}
        for name, choices in (("category", DisclosureCategory), ("topic", Topic)):
            value = params.get(name, "")
            if value and value not in choices.values:
                errors[name] = [str(_("Not one of the listed values."))]
            elif value:
                filters[name] = value
        for name in ("unit", "year"):
            value = params.get(name, "")
            if value and not value.isdigit():
                errors[name] = [str(_("Enter a whole number."))]
            elif value:
                filters[name] = int(value)
        if "unit" in filters and not Unit.objects.filter(pk=filters["unit"]).exists():
            errors["unit"] = [str(_("There is no such publishing unit."))]
        q = params.get("q", "")
        if len(q) > 100:
            errors["q"] = [str(_("At most 100 characters."))]
        elif q:
            filters["q"] = q
        if errors:
            raise ValidationError(errors)
        return catalogue.filter_entries(queryset, **filters)

    def get_object(self):
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()


def register(router):
    """Add the catalogue to the API router (zhengtong/api/urls.py)."""
    router.register("catalogue", CatalogueViewSet, basename="catalogue")
