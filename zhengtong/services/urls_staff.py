"""Staff paths under /oa/services/."""

from django.urls import path

from . import views_staff as views
from . import views_staff_cases as cases

app_name = "services"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("new/", views.item_new, name="new"),
    path("<int:pk>/", views.item_detail, name="detail"),
    path("<int:pk>/edit/", views.item_edit, name="edit"),
    path("<int:pk>/publish/", views.item_publish, name="publish"),
    path("<int:pk>/withdraw/", views.item_withdraw, name="withdraw"),
    path("<int:pk>/files/", views.item_attach, name="attach"),
    path("<int:pk>/form/", cases.form_builder, name="form"),
    path("cases/", cases.case_list, name="cases"),
    path("cases/<int:pk>/", cases.case_detail, name="case"),
    path("cases/<int:pk>/receipt.pdf", cases.case_receipt, name="case_receipt"),
    path("cases/<int:pk>/result.pdf", cases.case_certificate, name="case_certificate"),
    path("cases/<int:pk>/files/<int:material_pk>/", cases.case_file, name="case_file"),
    path("cases/<int:pk>/<str:action>/", cases.case_action, name="case_action"),
]
