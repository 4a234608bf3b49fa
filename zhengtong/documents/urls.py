from django.urls import path, re_path

from . import views_staff as views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("sign-for/", views.sign_for_many, name="sign_for_many"),
    path("new/", views.new, name="new"),
    path("route-defaults/", views.route_defaults, name="route_defaults"),
    path("archive/export/", views.archive_export, name="archive_export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/send-back/", views.send_back, name="send_back"),
    path("<int:pk>/issue/", views.issue, name="issue"),
    path("<int:pk>/sign-for/", views.sign_for, name="sign_for"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/amend/", views.amend, name="amend"),
    path("<int:pk>/import-word/", views.import_word, name="import_word"),
    re_path(r"^(?P<pk>\d+)/file\.(?P<fmt>pdf|docx)$", views.download, name="download"),
]
