"""Staff paths under /oa/disclosure-requests/."""

from django.urls import path

from . import views_staff as views

app_name = "disclosure_staff"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.register_request, name="register"),
    path("statistics/", views.statistics, name="statistics"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/reply.pdf", views.reply_pdf, name="reply_pdf"),
    path("<int:pk>/<slug:action>/", views.request_action, name="action"),
]
