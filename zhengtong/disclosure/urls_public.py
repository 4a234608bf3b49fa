"""Public paths under /xxgk/ysq/ (依申请公开)."""

from django.urls import path

from . import views_public as views

app_name = "disclosure"

urlpatterns = [
    path("", views.guide, name="guide"),
    path("sq/", views.apply, name="apply"),
    path("hz/", views.receipt, name="receipt"),
    path("cx/", views.lookup, name="lookup"),
    path("cx/<int:pk>/", views.status_page, name="status"),
    path("cx/<int:pk>/dfs.pdf", views.reply_download, name="reply_pdf"),
]
