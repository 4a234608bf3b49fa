from django.urls import path

from . import views_calendar as views

app_name = "calendar"
urlpatterns = [
    path("", views.YearView.as_view(), name="year"),
    path("<int:year>/", views.YearView.as_view(), name="year"),
]
