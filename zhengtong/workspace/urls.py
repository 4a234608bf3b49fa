from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("items/<int:pk>/done/", views.workitem_done, name="workitem_done"),
    path("messages/", views.inbox, name="notifications"),
    path("messages/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("it/", views.dashboard, name="dashboard"),
]
