"""Public paths under /bsfw/ (the section page /bsfw/ itself is the website's)."""

from django.urls import path

from . import views_public as views
from . import views_public_apply as apply

app_name = "services_public"
urlpatterns = [
    path("sx/", views.catalogue, name="catalogue"),
    path("sx/<str:code>/", views.guide, name="guide"),
    path("sx/<str:code>/files/<int:pk>/", views.guide_file, name="file"),
    path("sx/<str:code>/sq/", apply.apply_start, name="apply"),
    path("sq/<int:pk>/", apply.application, name="application"),
    path("sq/<int:pk>/summary/", apply.summary, name="summary"),
    path("sq/<int:pk>/copy/", apply.copy, name="copy"),
    path("sq/<int:pk>/materials/<int:material_pk>/", apply.upload, name="upload"),
    path("sq/<int:pk>/supply/", apply.supply, name="supply"),
    path("sq/<int:pk>/rate/", apply.rate, name="rate"),
    path("sq/<int:pk>/withdraw/", apply.withdraw, name="withdraw"),
    path("sq/<int:pk>/receipt.pdf", apply.receipt, name="receipt"),
    path("sq/<int:pk>/result.pdf", apply.certificate, name="certificate"),
    path("cx/", apply.progress, name="progress"),
    path("cx/<int:pk>/", apply.progress_detail, name="progress_detail"),
    path("gs/", apply.completed, name="completed"),
    path("pj/", apply.ratings, name="ratings"),
]
