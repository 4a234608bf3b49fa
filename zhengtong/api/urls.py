from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from zhengtong.consultations import api as consultations_api
from zhengtong.disclosure import api as disclosure_api
from zhengtong.documents.api import DocumentViewSet
from zhengtong.documents.api_incoming import IncomingRecordViewSet
from zhengtong.letters import api as letters_api
from zhengtong.portal import api as portal_api
from zhengtong.portal import api_catalogue
from zhengtong.public import api as public_api
from zhengtong.services import api as services_api

from . import views

router = DefaultRouter()
router.register("units", views.UnitViewSet, basename="unit")
router.register("staff", views.StaffViewSet, basename="staff")
router.register("work-items", views.WorkItemViewSet, basename="workitem")
router.register("documents", DocumentViewSet, basename="document")
router.register("incoming", IncomingRecordViewSet, basename="incoming")
portal_api.register(router)  # /api/v1/public/...: the website, read-only, for everyone
api_catalogue.register(router)  # /api/v1/catalogue/: the disclosure catalogue, read-only
letters_api.register(router)  # /api/v1/letters/...
disclosure_api.register(router)  # /api/v1/disclosure-requests/...
consultations_api.register(router)  # /api/v1/consultations/...
public_api.register(router)  # /api/v1/public-users/...
services_api.register(router)  # /api/v1/service-items/, applications, cases

urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/auth/token/", views.ObtainToken.as_view(), name="api-token"),
    path("v1/calendar/add-working-days/", views.add_working_days, name="api-add-working-days"),
    path(
        "v1/calendar/working-days-between/",
        views.working_days_between,
        name="api-working-days-between",
    ),
    path("v1/calendar/is-working-day/", views.is_working_day, name="api-is-working-day"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI sets inline styles on its elements; its script is served as a file.
    path(
        "docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
]
