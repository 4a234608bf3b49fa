"""Staff pages of consultations (/oa/consultations/)."""

from django.urls import path

from . import views_staff as views

app_name = "consultations"
urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("new/", views.consultation_create, name="create"),
    path("<int:pk>/", views.consultation_detail, name="detail"),
    path("<int:pk>/edit/", views.consultation_edit, name="edit"),
    path("<int:pk>/attach/", views.consultation_attach, name="attach"),
    path(
        "<int:pk>/attachments/<int:attachment_id>/remove/",
        views.consultation_detach,
        name="detach",
    ),
    path("<int:pk>/open/", views.consultation_open, name="open"),
    path("<int:pk>/close/", views.consultation_close, name="close"),
    path("<int:pk>/moderate/", views.moderation_queue, name="moderate"),
    path("<int:pk>/summary/", views.summary_form, name="summary"),
]
