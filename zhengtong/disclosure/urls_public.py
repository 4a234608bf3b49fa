"""Public paths under /xxgk/ysq/ (依申请公开)."""

from django.urls import path

from . import public_views

app_name = "disclosure"

urlpatterns = [
    path("", public_views.guide, name="guide"),
    path("sq/", public_views.apply, name="apply"),
    path("hz/", public_views.receipt, name="receipt"),
    path("cx/", public_views.lookup, name="lookup"),
    path("cx/<int:pk>/", public_views.status_page, name="status"),
    path("cx/<int:pk>/dfs.pdf", public_views.reply_download, name="reply_pdf"),
]
