"""Staff paths of the public-user app under /oa/public-users/."""

from django.urls import path

from . import views_staff

app_name = "public_staff"

urlpatterns = [
    path("", views_staff.user_list, name="list"),
    path("<int:pk>/active/", views_staff.set_active, name="set_active"),
]
