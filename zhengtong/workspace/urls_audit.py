from django.urls import path

from . import views_audit as views

app_name = "audit"
urlpatterns = [
    path("", views.record_list, name="list"),
    path("export/", views.export, name="export"),
]
