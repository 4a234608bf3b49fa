"""Public paths of the public-user app under /grzx/ (个人中心)."""

from django.urls import path

from . import views, views_account

app_name = "public"

urlpatterns = [
    path("", views_account.centre, name="centre"),
    path("zc/", views_account.register, name="register"),
    path("dl/", views_account.sign_in, name="sign_in"),
    path("tc/", views_account.sign_out, name="sign_out"),
    path("zhmm/", views_account.reset_password, name="reset_password"),
    path("mm/", views_account.change_password, name="change_password"),
    path("zl/", views_account.profile, name="profile"),
    path("yzm/<str:token>.png", views.captcha_picture, name="captcha"),
    path("yzm/<str:token>.wav", views.captcha_audio, name="captcha_audio"),
]
