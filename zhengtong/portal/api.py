"""The website's public, read-only API at /api/v1/public/: news, notices, policies
(with validity, what replaced them and their interpretations), interpretations and
investment projects, for the mobile app, the provincial platform and anyone else.

Only live pages the public may see are listed or read (a draft or a page behind a
password is 404 to everyone, staff included); fields are plain data, the body is
rendered to HTML the way the page shows it (Wagtail keeps rich text to its allow-list
of elements). Lists are paginated and filter by `section` (a section's slug inside the
endpoint's part of the site), `unit` (the responsible, source or issuing unit) and
`year` (of first publication).
"""

from typing import Any

import django_filters
from django import forms
from django.db.models import Q
from django.template import TemplateDoesNotExist
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny

from . import models as m
from .sitetree import section as find_section

# --- helpers ----------------------------------------------------------------------------


def page_url(page, request):
    """The page's absolute URL on the host the request came to."""
    parts = page.get_url_parts(request)
    if parts is None:
        return None
    return request.build_absolute_uri(parts[2]) if request is not None else parts[2]


def render_body(stream, request=None):
    """A StreamField value as HTML: each block with its page template, or Wagtail's
    basic rendering when that template is missing."""
    if not stream:
        return ""
    out = []
    for child in stream:
        try:
            out.append(child.render(context={"request": request}))
        except TemplateDoesNotExist:
            out.append(child.block.render_basic(child.value, context={"request": request}))
    return mark_safe("\n".join(str(piece) for piece in out))  # noqa: S308 - Wagtail-rendered


def live_ref(page, request):
    if page is None or not page.live or page.get_view_restrictions().exists():
        return None
    return {"id": page.pk, "title": page.title, "url": page_url(page, request)}


# --- serializers --------------------------------------------------------------------------


class PublicUnitRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PublicPageRef(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.URLField()


class PublicPageSerializer(serializers.Serializer):
    """What every public page has."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField()
    first_published_at = serializers.DateTimeField(read_only=True)
    last_published_at = serializers.DateTimeField(read_only=True)
    unit = serializers.SerializerMethodField()
    summary = serializers.CharField(read_only=True, default="")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, page):
        return page_url(page, self.context.get("request"))

    @extend_schema_field(PublicUnitRef(allow_null=True))
    def get_unit(self, page):
        unit = page.unit()
        return {"id": unit.pk, "name": unit.name} if unit else None


class BodyMixin(serializers.Serializer):
    body = serializers.SerializerMethodField(help_text="The page's body as HTML.")

    @extend_schema_field(OpenApiTypes.STR)
    def get_body(self, page):
        request = self.context.get("request")
        if hasattr(page, "body_html"):
            from wagtail.rich_text import expand_db_html

            return expand_db_html(page.body_html or "")
        return str(render_body(getattr(page, "body", None), request))


class ArticleSerializer(PublicPageSerializer):
    source = serializers.CharField(read_only=True, help_text="Where the article comes from.")  # type: ignore[assignment]  # named like Field.source


class ArticleDetailSerializer(BodyMixin, ArticleSerializer):
    attachments = serializers.SerializerMethodField()

    @extend_schema_field(PublicPageRef(many=True))
    def get_attachments(self, page):
        return _attachments(page, self.context.get("request"))


def _attachments(page, request):
    """The files of the page's attachment blocks: title and download URL."""
    files = []
    for child in getattr(page, "body", None) or []:
        if child.block_type != "attachments":
            continue
        for doc in child.value.get("files") or []:
            if doc is None:
                continue
            url = doc.url
            files.append(
                {
                    "id": doc.pk,
                    "title": doc.title,
                    "url": request.build_absolute_uri(url) if request is not None else url,
                }
            )
    return files


class PolicySerializer(PublicPageSerializer):
    doc_number = serializers.CharField(read_only=True)
    issuing_unit = serializers.SerializerMethodField()
    issued_on = serializers.DateField(read_only=True, allow_null=True)
    validity = serializers.CharField(
        read_only=True,
        help_text="One of " + ", ".join(f"`{v}`" for v in m.Validity.values) + ".",
    )
    validity_label = serializers.CharField(source="get_validity_display", read_only=True)
    replaced_by = serializers.SerializerMethodField()

    @extend_schema_field(PublicUnitRef(allow_null=True))
    def get_issuing_unit(self, page):
        unit = page.issuing_unit
        return {"id": unit.pk, "name": unit.name} if unit else None

    @extend_schema_field(PublicPageRef(allow_null=True))
    def get_replaced_by(self, page):
        return live_ref(page.replaced_by, self.context.get("request"))


class PolicyDetailSerializer(BodyMixin, PolicySerializer):
    interpretations = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()

    @extend_schema_field(PublicPageRef(many=True))
    def get_interpretations(self, page):
        request = self.context.get("request")
        pages = m.InterpretationPage.objects.live().public().filter(policy=page).order_by("path")
        return [live_ref(p, request) for p in pages]

    @extend_schema_field(PublicPageRef(many=True))
    def get_attachments(self, page):
        return _attachments(page, self.context.get("request"))


class InterpretationSerializer(PublicPageSerializer):
    policy = serializers.SerializerMethodField()

    @extend_schema_field(PublicPageRef(allow_null=True))
    def get_policy(self, page):
        return live_ref(page.policy, self.context.get("request"))


class InterpretationDetailSerializer(BodyMixin, InterpretationSerializer):
    pass


class ProjectSerializer(PublicPageSerializer):
    sector = serializers.CharField(
        read_only=True, help_text="One of " + ", ".join(f"`{v}`" for v in m.Sector.values) + "."
    )
    sector_label = serializers.CharField(source="get_sector_display", read_only=True)
    location = serializers.CharField(read_only=True)
    investment = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        read_only=True,
        help_text="Total investment, in 10,000 yuan.",
    )
    land_area = serializers.DecimalField(
        max_digits=10, decimal_places=2, read_only=True, allow_null=True, help_text="In mu."
    )
    project_status = serializers.CharField(
        source="status",
        read_only=True,
        help_text="One of " + ", ".join(f"`{v}`" for v in m.ProjectStatus.values) + ".",
    )
    project_status_label = serializers.CharField(source="get_status_display", read_only=True)
    contact_name = serializers.CharField(read_only=True)
    contact_phone = serializers.CharField(read_only=True)


class ProjectDetailSerializer(BodyMixin, ProjectSerializer):
    pass


# --- filters and pagination -------------------------------------------------------------


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class PublicPageFilter(django_filters.FilterSet):
    section = django_filters.CharFilter(
        method="by_section",
        max_length=80,
        label="Slug of a section inside this part of the site",
    )
    unit = YearFilter(method="by_unit", label="Responsible, source or issuing unit (id)")
    year = YearFilter(
        method="by_year", min_value=1990, max_value=2100, label="Year of first publication"
    )

    class Meta:
        model = m.ArticlePage  # each view has its own subclass (filter_for)
        fields: list[str] = []

    def by_section(self, queryset, name, value):
        view = (getattr(self.request, "parser_context", None) or {}).get("view")
        root = find_section(view.section_slug) if view is not None else None
        if root is None or value == root.slug:
            return queryset
        target = root.get_descendants().live().public().filter(slug=value).first()
        if target is None:
            raise ValidationError(
                {"section": [_("There is no section “%(slug)s” here.") % {"slug": value}]}
            )
        return queryset.descendant_of(target)

    def by_unit(self, queryset, name, value):
        fields = {f.name for f in queryset.model._meta.get_fields()}
        q = Q(owner_unit_id=value)
        for field in ("source_unit", "issuing_unit"):
            if field in fields:
                q |= Q(**{f"{field}_id": value})
        return queryset.filter(q)

    def by_year(self, queryset, name, value):
        return queryset.filter(first_published_at__year=value)


def filter_for(model):
    """The public filters for a view of `model` (django-filter wants the models equal)."""
    meta = type("Meta", (), {"model": model, "fields": []})
    return type(f"Public{model.__name__}Filter", (PublicPageFilter,), {"Meta": meta})


class PublicPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


# --- views --------------------------------------------------------------------------------


class PublicPageViewSet(viewsets.ReadOnlyModelViewSet):
    """Live public pages of one model below one section of the site."""

    permission_classes = [AllowAny]
    authentication_classes = []
    pagination_class = PublicPagination
    filterset_class = PublicPageFilter
    model: Any = None
    section_slug: str | None = None
    detail_serializer_class: Any = None
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        if self.action == "retrieve":
            return self.detail_serializer_class
        return self.serializer_class

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        pages = self.model.objects.live().public()
        root = find_section(self.section_slug)
        if root is None or not root.live:
            return pages.none()
        return pages.descendant_of(root).order_by("-first_published_at", "-pk")


class NewsViewSet(PublicPageViewSet):
    """News (政务动态, /zwdt/)."""

    model = m.ArticlePage
    filterset_class = filter_for(m.ArticlePage)
    section_slug = "zwdt"
    serializer_class = ArticleSerializer
    detail_serializer_class = ArticleDetailSerializer


class NoticeViewSet(PublicPageViewSet):
    """Notices (通知公告, /tzgg/)."""

    model = m.ArticlePage
    filterset_class = filter_for(m.ArticlePage)
    section_slug = "tzgg"
    serializer_class = ArticleSerializer
    detail_serializer_class = ArticleDetailSerializer


class PolicyViewSet(PublicPageViewSet):
    """Policies (政策文件, /zcfg/) with their validity, what replaced them and their
    interpretations."""

    model = m.PolicyPage
    filterset_class = filter_for(m.PolicyPage)
    section_slug = "zcfg"
    serializer_class = PolicySerializer
    detail_serializer_class = PolicyDetailSerializer


class InterpretationViewSet(PublicPageViewSet):
    """Interpretations of policies (政策解读)."""

    model = m.InterpretationPage
    filterset_class = filter_for(m.InterpretationPage)
    section_slug = "zcfg"
    serializer_class = InterpretationSerializer
    detail_serializer_class = InterpretationDetailSerializer


class ProjectViewSet(PublicPageViewSet):
    """Projects offered to investors (招商引资, /zsyz/)."""

    model = m.ProjectPage
    filterset_class = filter_for(m.ProjectPage)
    section_slug = "zsyz"
    serializer_class = ProjectSerializer
    detail_serializer_class = ProjectDetailSerializer


def register(router):
    """Add the public endpoints to the API's router (api/urls.py)."""
    router.register("public/news", NewsViewSet, basename="public-news")
    router.register("public/notices", NoticeViewSet, basename="public-notice")
    router.register("public/policies", PolicyViewSet, basename="public-policy")
    router.register("public/interpretations", InterpretationViewSet, basename="public-interp")
    router.register("public/projects", ProjectViewSet, basename="public-project")
