from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("2fa/setup/", views.otp_setup, name="otp_setup"),
    path("2fa/verify/", views.otp_verify, name="otp_verify"),
    path("me/", views.account, name="account"),
    path("me/delegations/<int:pk>/revoke/", views.delegation_revoke, name="delegation_revoke"),
    path("directory/", views.directory, name="directory"),
    path("directory/import/", views.staff_import, name="staff_import"),
    path("staff/new/", views.staff_new, name="staff_new"),
    path("staff/<int:pk>/", views.staff_manage, name="staff_manage"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
]
