"""Incoming documents (收文) and the archive (归档), under /oa/documents/incoming/."""

from django.urls import path

from . import views_staff_incoming as views

app_name = "incoming"
urlpatterns = [
    path("", views.incoming_list, name="list"),
    path("register/", views.register, name="register"),
    path("stats/", views.stats, name="stats"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/return/", views.return_to_sender, name="return"),
    path("<int:pk>/propose/", views.propose, name="propose"),
    path("<int:pk>/instruct/", views.instruct, name="instruct"),
    path("<int:pk>/finish/", views.finish, name="finish"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/archive/", views.archive, name="archive"),
    # The issuing side files an issued document (归档 of the original).
    path("archive/<int:pk>/", views.archive_document, name="archive_document"),
]
