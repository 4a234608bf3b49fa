"""The hand-off of issued official documents marked 主动公开 into the disclosure
catalogue: accepted without retyping, with the PDF, under a 索引号, all or nothing."""

from types import SimpleNamespace

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from zhengtong.conftest import make_user
from zhengtong.core.errors import Conflict, Invalid, NotPermitted
from zhengtong.core.models import WorkItem
from zhengtong.documents import services as doc_services
from zhengtong.documents.models import DisclosureHandoff
from zhengtong.documents.tests.conftest import draft, through_sign_off
from zhengtong.org.models import Role
from zhengtong.portal import catalogue
from zhengtong.portal import models as pm

FAKE_PDF = b"%PDF-1.4\n% fake for tests\n%%EOF\n"
ACCEPT = {
    "topic": pm.Topic.EDUCATION,
    "category": pm.DisclosureCategory.LIVELIHOOD,
    "summary": "部署秋季学期学校安全工作。",
}


@pytest.fixture
def office(county, site):
    county.a.doc_prefix = "教发"
    county.a.save()
    return SimpleNamespace(
        county=county,
        head_a=make_user("head_a", county.a, roles=[Role.UNIT_HEAD], real_name="李局长"),
        head_b=make_user("head_b", county.b, roles=[Role.UNIT_HEAD], real_name="王局长"),
        drafter=make_user("drafter_a", county.a, roles=[Role.CLERK], real_name="张文书"),
        town_clerk=make_user("town_clerk", county.town, roles=[Role.CLERK]),
        # The government office runs the website (it owns the home page).
        web_editor=make_user("web_editor", county.government, roles=[Role.EDITOR]),
        web_reviewer=make_user("web_reviewer", county.government, roles=[Role.REVIEWER]),
        unit_editor=make_user("unit_editor_a", county.a, roles=[Role.EDITOR]),
        other_editor=make_user("unit_editor_b", county.b, roles=[Role.EDITOR]),
    )


@pytest.fixture
def handoff(office):
    body = (
        "<p>各乡镇：</p><h2>一、总体要求</h2><p>确保师生安全。</p>"
        "<h5>（1）排查隐患</h5><p>联系人：张三，电话：13812345678。</p>"
        "<script>alert(1)</script>"
    )
    document = doc_services.issue(
        office.drafter, through_sign_off(office, draft(office, body=body), countersign=False)
    )
    return DisclosureHandoff.objects.get(document=document)


@pytest.fixture
def fake_pdf(monkeypatch):
    monkeypatch.setattr(catalogue, "_pdf_of", lambda document: FAKE_PDF)


def test_an_accepted_document_is_published_with_its_metadata_and_pdf_without_retyping(
    office, handoff
):
    document = handoff.document
    page = catalogue.accept_disclosed_document(office.web_editor, handoff, **ACCEPT)

    assert page.live and page.get_parent().specific == catalogue.disclosure_parent()
    assert page.url == f"/xxgk/gw-{document.pk}/"
    assert page.title == document.title
    assert page.doc_number == document.number == f"教发〔{timezone.localdate().year}〕1号"
    assert page.issuing_unit == office.county.a
    assert page.issued_on == timezone.localtime(document.signed_at).date()
    assert page.document == document
    assert (page.topic, page.category, page.summary) == (
        ACCEPT["topic"],
        ACCEPT["category"],
        ACCEPT["summary"],
    )
    # The text as safe HTML: headings kept, scripts gone, personal data masked.
    assert "<h2>一、总体要求</h2>" in page.body_html
    assert "<p>（1）排查隐患</p>" in page.body_html
    assert "script" not in page.body_html
    assert "138****5678" in page.body_html and "13812345678" not in page.body_html
    # The GB/T 9704 PDF, as a document of the site's library.
    with page.pdf.file.open("rb") as f:
        assert f.read(5) == b"%PDF-"
    # The catalogue entry and its number; the hand-off taken under it.
    entry = pm.CatalogueEntry.objects.get(page_id=page.pk)
    assert entry.publisher == office.county.a
    assert entry.doc_number == document.number
    assert entry.generated_on == page.issued_on
    handoff.refresh_from_db()
    assert handoff.taken_at is not None and handoff.taken_ref == entry.index_number


def test_a_second_accept_of_the_same_document_is_refused(office, handoff, fake_pdf):
    catalogue.accept_disclosed_document(office.web_editor, handoff, **ACCEPT)
    with pytest.raises(Conflict) as refused:
        catalogue.accept_disclosed_document(office.web_reviewer, handoff, **ACCEPT)
    assert refused.value.code == "already_taken"
    assert pm.DisclosedDocumentPage.objects.count() == 1
    assert pm.CatalogueEntry.objects.count() == 1


def test_a_failure_half_way_leaves_the_hand_off_pending_and_no_page(
    office, handoff, fake_pdf, monkeypatch
):
    stored = []
    real_store = catalogue._store_pdf

    def store(*args):
        pdf = real_store(*args)
        stored.append(pdf.file.name)
        return pdf

    def crash(*args, **kwargs):
        raise RuntimeError("the documents side fell over")

    monkeypatch.setattr(catalogue, "_store_pdf", store)
    monkeypatch.setattr(doc_services, "mark_disclosure_taken", crash)
    with pytest.raises(RuntimeError):
        catalogue.accept_disclosed_document(office.web_editor, handoff, **ACCEPT)

    handoff.refresh_from_db()
    assert handoff.taken_at is None
    assert list(doc_services.pending_disclosures()) == [handoff]
    assert not pm.DisclosedDocumentPage.objects.exists()
    assert not pm.CatalogueEntry.objects.exists()
    assert not pm.IndexNumberCounter.objects.filter(last__gt=0).exists()
    assert stored and not default_storage.exists(stored[0])  # no orphaned PDF


def test_the_issuing_units_editor_may_accept_its_own_document(office, handoff, fake_pdf):
    page = catalogue.accept_disclosed_document(office.unit_editor, handoff, **ACCEPT)
    assert page.live


@pytest.mark.parametrize("who", ["drafter", "head_a", "other_editor", "town_clerk"])
def test_only_website_editors_may_accept(office, handoff, fake_pdf, who):
    with pytest.raises(NotPermitted):
        catalogue.accept_disclosed_document(getattr(office, who), handoff, **ACCEPT)
    handoff.refresh_from_db()
    assert handoff.taken_at is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"summary": "  "}, "summary"),
        ({"summary": "长" * 501}, "summary"),
        ({"topic": "nonsense"}, "topic"),
        ({"category": "a99_99"}, "category"),
    ],
)
def test_bad_accept_input_is_refused_with_the_field_named(office, handoff, fake_pdf, change, field):
    with pytest.raises(Invalid) as refused:
        catalogue.accept_disclosed_document(office.web_editor, handoff, **(ACCEPT | change))
    assert refused.value.field == field
    assert not pm.DisclosedDocumentPage.objects.exists()


def test_the_websites_pre_publication_checks_apply(office, handoff, fake_pdf):
    from wagtail.models import Site

    settings = pm.SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.sensitive_words = "学校安全"
    settings.save()
    with pytest.raises(Invalid) as refused:
        catalogue.accept_disclosed_document(office.web_editor, handoff, **ACCEPT)
    assert refused.value.code == "checks"
    handoff.refresh_from_db()
    assert handoff.taken_at is None and not pm.DisclosedDocumentPage.objects.exists()


def test_a_withdrawn_document_cannot_be_disclosed(office, handoff, fake_pdf):
    catalogue.file_disclosure_work_items()
    doc_services.withdraw(office.head_a, handoff.document, reason="内容有误")
    handoff.refresh_from_db()
    with pytest.raises(Conflict):
        catalogue.accept_disclosed_document(office.web_editor, handoff, **ACCEPT)
    assert disclosure_items(state="cancelled").count() == 1


def test_withdrawing_a_disclosed_document_asks_the_office_to_take_the_page_down(
    office, handoff, fake_pdf
):
    page = catalogue.accept_disclosed_document(office.web_editor, handoff, **ACCEPT)
    doc_services.withdraw(office.head_a, handoff.document, reason="内容有误")
    item = WorkItem.objects.get(kind=catalogue.WITHDRAWN_ITEM_KIND, state="open")
    assert item.assignee_unit == office.county.government
    assert item.url == f"/cms/pages/{page.pk}/edit/"


# --- work items --------------------------------------------------------------------------


def disclosure_items(**filters):
    return WorkItem.objects.filter(kind=catalogue.DISCLOSURE_ITEM_KIND, **filters)


def test_issuing_a_document_for_disclosure_gives_the_office_one_work_item(
    office, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = doc_services.issue(
            office.drafter, through_sign_off(office, draft(office), countersign=False)
        )
    item = disclosure_items().get()
    assert item.assignee_unit == office.county.government
    assert item.subject_id == str(document.handoff.pk)
    assert item.url == f"/oa/website/disclosures/{document.handoff.pk}/"
    assert item.due_date is not None and item.due_date > timezone.localdate()


def test_the_daily_run_files_missing_items_once(office, handoff):
    disclosure_items().delete()
    assert len(catalogue.file_disclosure_work_items()) == 1
    assert catalogue.file_disclosure_work_items() == []
    assert disclosure_items(state="open").count() == 1


def test_accepting_closes_the_work_item(office, handoff, fake_pdf):
    catalogue.file_disclosure_work_items()
    catalogue.accept_disclosed_document(office.web_editor, handoff, **ACCEPT)
    assert disclosure_items(state="open").count() == 0
    assert disclosure_items(state="done").count() == 1


# --- staff pages ---------------------------------------------------------------------------


def test_the_office_editor_sees_the_waiting_documents(login, office, handoff):
    response = login(office.web_editor).get("/oa/website/disclosures/")
    assert response.status_code == 200
    assert handoff.document.title in response.content.decode()


def test_another_units_editor_sees_an_empty_list_and_cannot_open_the_document(
    login, office, handoff
):
    client = login(office.other_editor)
    response = client.get("/oa/website/disclosures/")
    assert response.status_code == 200
    assert handoff.document.title not in response.content.decode()
    assert client.get(f"/oa/website/disclosures/{handoff.pk}/").status_code == 403
    response = client.post(f"/oa/website/disclosures/{handoff.pk}/", ACCEPT)
    assert response.status_code == 403
    assert not pm.DisclosedDocumentPage.objects.exists()


def test_a_clerk_without_the_editor_role_is_refused(login, office, handoff):
    client = login(office.drafter)
    assert client.get("/oa/website/disclosures/").status_code == 403
    assert client.post(f"/oa/website/disclosures/{handoff.pk}/", ACCEPT).status_code == 403


def test_the_check_page_shows_the_metadata_and_warns_of_personal_data(login, office, handoff):
    response = login(office.web_editor).get(f"/oa/website/disclosures/{handoff.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert handoff.document.number in html and office.county.a.name in html
    assert "13812345678" in html  # named in the warning, for the editor only


def test_accepting_on_the_page_publishes_and_says_the_index_number(
    login, office, handoff, fake_pdf
):
    client = login(office.web_editor)
    response = client.post(f"/oa/website/disclosures/{handoff.pk}/", ACCEPT, follow=True)
    entry = pm.CatalogueEntry.objects.get()
    assert entry.index_number in response.content.decode()
    assert client.get(f"/xxgk/gw-{handoff.document.pk}/").status_code == 200


def test_bad_input_on_the_page_gets_a_message_and_changes_nothing(login, office, handoff, fake_pdf):
    client = login(office.web_editor)
    response = client.post(f"/oa/website/disclosures/{handoff.pk}/", ACCEPT | {"summary": ""})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    response = client.post(f"/oa/website/disclosures/{handoff.pk}/", ACCEPT | {"topic": "x"})
    assert response.status_code == 400
    assert not pm.DisclosedDocumentPage.objects.exists()


def test_accepting_twice_on_the_page_is_a_clear_conflict(login, office, handoff, fake_pdf):
    client = login(office.web_editor)
    client.post(f"/oa/website/disclosures/{handoff.pk}/", ACCEPT)
    response = client.post(f"/oa/website/disclosures/{handoff.pk}/", ACCEPT)
    assert response.status_code == 409
    entry = pm.CatalogueEntry.objects.get()
    assert entry.index_number in response.content.decode()  # "already in the catalogue"
    assert pm.DisclosedDocumentPage.objects.count() == 1


def test_an_unknown_hand_off_is_not_found(login, office):
    assert login(office.web_editor).get("/oa/website/disclosures/999999/").status_code == 404
