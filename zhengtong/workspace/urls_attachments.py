from django.urls import path

from . import views_attachments as views

app_name = "attachments"
urlpatterns = [
    path("<int:pk>/", views.download, name="download"),
]
