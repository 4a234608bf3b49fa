"""Public pages of consultations (/hdjl/zj/)."""

from django.urls import path

from . import views_public as views

app_name = "consultations_public"
urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("<int:pk>/", views.consultation_detail, name="detail"),
    path("<int:pk>/yj/", views.comment_form, name="comment"),
    path("<int:pk>/yj/ok/", views.comment_thanks, name="thanks"),
    path("<int:pk>/fj/<int:attachment_id>/", views.attachment_download, name="attachment"),
]
