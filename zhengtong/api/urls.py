from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views
from .registry import add_registered_routes

router = DefaultRouter()
router.register("units", views.UnitViewSet, basename="unit")
router.register("staff", views.StaffViewSet, basename="staff")
router.register("work-items", views.WorkItemViewSet, basename="workitem")
# Then every app's own endpoints (documents, the website, letters …), registered from
# their AppConfig.ready() (api/registry.py).
add_registered_routes(router)

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
