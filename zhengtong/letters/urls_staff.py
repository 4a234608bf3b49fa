"""Staff pages of the letters under /oa/letters/."""

from django.urls import path

from . import views_staff as views

app_name = "letters"

urlpatterns = [
    path("", views.awaiting, name="awaiting"),
    path("all/", views.all_letters, name="all"),
    path("stats/", views.statistics, name="statistics"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/publish/", views.publish, name="publish"),
]
