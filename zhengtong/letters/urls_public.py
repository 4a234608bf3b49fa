"""Public pages of the mailboxes under /hdjl/xx/ (pinyin initials, as county sites use)."""

from django.urls import path

from . import views_public as views

app_name = "letters_public"

urlpatterns = [
    path("", views.index, name="index"),
    path("xx/", views.write, name="write"),  # 写信
    path("hz/", views.receipt, name="receipt"),  # 回执
    path("cx/", views.track, name="track"),  # 查询
    path("cx/<str:code>/", views.letter_status, name="letter"),
    path("gk/", views.published_list, name="published"),  # 公开信件
    path("gk/<int:pk>/", views.published_detail, name="published_detail"),
    path("tj/", views.statistics, name="statistics"),  # 统计
]
