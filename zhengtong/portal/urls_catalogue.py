"""Paths of the disclosure catalogue, the investor enquiry form and their staff pages
(included at the site root from portal/urls.py):

    /xxgk/ml/                          public catalogue (公开目录); ?category ?unit ?topic ?year ?q
    /zsyz/zxly/                        investor enquiry form (投资咨询); ?project=<page id>
    /zsyz/zxly/thanks/                 its thank-you page
    /oa/website/disclosures/           issued documents marked 主动公开 waiting for the website
    /oa/website/disclosures/<id>/      check and accept one
    /oa/website/enquiries/             investor enquiries of the answering unit
    /oa/website/enquiries/<id>/        one enquiry; mark it answered
"""

from django.urls import path

from . import views_catalogue, views_enquiries, views_staff

app_name = "catalogue"
urlpatterns = [
    path("xxgk/ml/", views_catalogue.catalogue_index, name="index"),
    path("zsyz/zxly/", views_enquiries.enquiry_form, name="enquiry"),
    path("zsyz/zxly/thanks/", views_enquiries.enquiry_thanks, name="enquiry_thanks"),
    path("oa/website/disclosures/", views_staff.disclosure_list, name="disclosures"),
    path(
        "oa/website/disclosures/<int:pk>/",
        views_staff.disclosure_detail,
        name="disclosure",
    ),
    path("oa/website/enquiries/", views_staff.enquiry_list, name="enquiries"),
    path("oa/website/enquiries/<int:pk>/", views_staff.enquiry_detail, name="enquiry_detail"),
]
