"""Versions and their differences, withdrawal, the disclosure hand-off, the archive and
the statistics."""

import pytest
from django.utils import timezone

from zhengtong.core.errors import Conflict, Invalid, NotPermitted
from zhengtong.core.models import Notification, WorkItem
from zhengtong.documents import services
from zhengtong.documents.models import DocState, Retention

from .conftest import draft, through_sign_off


def test_every_change_of_the_text_is_a_version_and_the_difference_is_shown(office):
    document = draft(office, body="<p>第一段。</p><p>第二段。</p>")
    services.update_draft(office.drafter, document, body="<p>第一段。</p><p>第二段，已修改。</p>")
    services.update_draft(office.drafter, document, note="此件公开发布")  # no text change
    v1, v2 = document.versions.all()
    assert (v1.number, v2.number) == (1, 2)
    diff = services.version_diff(v1, v2)
    assert ("removed", "第二段。") in diff and ("added", "第二段，已修改。") in diff
    assert ("same", "第一段。") in diff


def test_withdrawing_keeps_the_number_taken_and_tells_the_recipients(office):
    document = services.issue(office.drafter, through_sign_off(office, draft(office)))
    number = document.number
    with pytest.raises(NotPermitted):
        services.withdraw(office.drafter, document, reason="有误")
    with pytest.raises(Invalid):
        services.withdraw(office.head_a, document, reason="")
    services.withdraw(office.head_a, document, reason="内容有误，重新发文")
    document.refresh_from_db()
    assert document.state == DocState.WITHDRAWN and document.number == number
    assert Notification.objects.filter(
        recipient=office.town_clerk, body="内容有误，重新发文"
    ).exists()
    assert not WorkItem.objects.filter(
        kind="documents.sign_for", state="open", subject_id=str(document.pk)
    ).exists()
    # The next document does not reuse the number.
    nxt = services.issue(office.drafter, through_sign_off(office, draft(office, title="重新发文")))
    assert nxt.number_seq == document.number_seq + 1


def test_a_proactively_disclosed_document_waits_for_the_website(office):
    document = services.issue(office.drafter, through_sign_off(office, draft(office)))
    (handoff,) = services.pending_disclosures()
    assert handoff.document == document
    services.mark_disclosure_taken(handoff, ref="11330000000000000X/2026-00001")
    assert not services.pending_disclosures().exists()
    with pytest.raises(Conflict):
        services.mark_disclosure_taken(handoff, ref="again")


def test_the_issuing_unit_archives_the_original_once(office):
    document = services.issue(office.drafter, through_sign_off(office, draft(office)))
    with pytest.raises(Invalid):
        services.archive_document(office.drafter, document, retention="forever")
    entry = services.archive_document(office.drafter, document, retention=Retention.YEARS_30)
    year = timezone.localdate().year
    assert entry.is_original and entry.item_number == 1
    assert entry.archive_number.endswith(f"-{year}-D30-0001")
    with pytest.raises(Conflict):
        services.archive_document(office.drafter, document, retention=Retention.YEARS_30)
    with pytest.raises(Conflict):
        services.withdraw(office.head_a, document, reason="已归档后不得撤回")


def test_a_draft_cannot_be_archived(office):
    with pytest.raises(Conflict):
        services.archive_document(office.drafter, draft(office), retention=Retention.YEARS_10)


def test_the_receiving_unit_archives_a_copy_after_closing(received):
    record = received.record
    with pytest.raises(Conflict):
        services.archive_incoming(received.town_clerk, record, retention=Retention.YEARS_10)
    services.return_to_sender(received.town_clerk, record, reason="不属于本镇")
    entry = services.archive_incoming(received.town_clerk, record, retention=Retention.YEARS_10)
    assert entry.is_original is False and entry.unit == received.county.town


def test_statistics_count_what_was_sent_received_and_signed_for_on_time(received):
    year = timezone.localdate().year
    issuer = services.unit_statistics(received.county.a, year)
    town = services.unit_statistics(received.county.town, year)
    assert issuer["sent"] == 1
    assert town["received"] == 1 and town["signed_for"] == 1 and town["signed_for_on_time"] == 1


def test_documents_are_found_by_words_only_by_those_who_may_see_them(office):
    from zhengtong.search import engine

    document = draft(
        office, title="关于推进一网通办改革的通知", body="<p>各乡镇要推进政务服务一网通办。</p>"
    )
    found = engine.search("一网通办", person=office.head_a, object_type="documents.document")
    assert [h.entry.object_id for h in found] == [str(document.pk)]
    assert engine.search("一网通办", person=office.town_clerk) == []
    services.issue(office.drafter, through_sign_off(office, document))
    (hit,) = engine.search("一网通办", person=office.town_clerk)
    assert hit.entry.title.startswith("教发〔")
    assert engine.search("一网通办", public_only=True) == []


def test_a_years_archive_exports_as_pdfs_and_a_metadata_sheet(office, client, login):
    import io
    import zipfile

    document = services.issue(office.drafter, through_sign_off(office, draft(office)))
    entry = services.archive_document(office.drafter, document, retention=Retention.PERMANENT)
    year = entry.year
    content = services.export_archive(office.drafter, office.county.a, year)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        assert f"{entry.archive_number}.pdf" in names
        assert archive.read(f"{entry.archive_number}.pdf").startswith(b"%PDF")
        (sheet,) = [n for n in names if n.endswith(".csv")]
        text = archive.read(sheet).decode("utf-8-sig")
    assert entry.archive_number in text and document.number in text and "原件" in text
    with pytest.raises(NotPermitted):
        services.export_archive(office.outsider, office.county.a, year)
    response = login(office.drafter).get(
        f"/oa/documents/archive/export/?unit={office.county.a.pk}&year={year}"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert (
        login(office.outsider)
        .get(f"/oa/documents/archive/export/?unit={office.county.a.pk}&year={year}")
        .status_code
        == 403
    )
