"""Public paths under /bsfw/ (the section page /bsfw/ itself is the website's)."""

from django.urls import path

from . import views_public as views

app_name = "services_public"
urlpatterns = [
    path("sx/", views.catalogue, name="catalogue"),
    path("sx/<str:code>/", views.guide, name="guide"),
    path("sx/<str:code>/files/<int:pk>/", views.guide_file, name="file"),
]
