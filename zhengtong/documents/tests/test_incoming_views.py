"""The pages of incoming documents (收文) and the archive (归档): the incoming book,
registering a paper document, the record page and each action on it (return, propose,
instruct, finish a task, close, archive), the statistics, and archiving an issued
document — for the person who may, with bad input, for someone without the permission
and for another unit."""

import datetime
import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zhengtong.conftest import make_delegation, make_user
from zhengtong.core.models import Attachment, Notification
from zhengtong.documents import services
from zhengtong.documents.models import (
    ArchiveEntry,
    HandlingTask,
    IncomingRecord,
    IncomingState,
    Retention,
)
from zhengtong.documents.tests.conftest import closed, handled, instructed, proposed

# The fixtures come from the service tests; pytest passes them by name.

LIST = "/oa/documents/incoming/"
REGISTER = "/oa/documents/incoming/register/"
STATS = "/oa/documents/incoming/stats/"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def url(record, action=""):
    return f"/oa/documents/incoming/{record.pk}/" + (f"{action}/" if action else "")


def archive_url(document):
    return f"/oa/documents/incoming/archive/{document.pk}/"


def text(response):
    return response.content.decode()


def fresh(record):
    return IncomingRecord.objects.get(pk=record.pk)


def pdf(name="scan.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- the incoming book --------------------------------------------------------------------


def test_the_book_needs_a_signed_in_person(client, received):
    response = client.get(LIST)
    assert response.status_code == 302
    assert "/oa/login/" in response["Location"]


def test_the_book_lists_my_units_records(client, login, received, english):
    login(received.town_clerk)
    response = client.get(LIST)
    assert response.status_code == 200
    page = text(response)
    record = received.record
    assert record.serial in page and record.title in page
    assert record.source_name in page and record.source_number in page
    assert "Registered (登记)" in page
    assert url(record) in page
    assert "Register a paper document" in page


def test_another_units_person_sees_an_empty_book(client, login, received):
    login(received.outsider)
    response = client.get(LIST)
    assert response.status_code == 200
    assert received.record.title not in text(response)
    assert not response.context["rows"]
    assert not response.context["can_register"]


def test_the_book_filters_by_state_and_year(client, login, received):
    login(received.town_clerk)
    year = timezone.localdate().year
    rows = client.get(LIST, {"state": IncomingState.REGISTERED, "year": year}).context["rows"]
    assert [r["record"] for r in rows] == [received.record]
    assert not client.get(LIST, {"state": IncomingState.CLOSED}).context["rows"]
    earlier = timezone.now() - datetime.timedelta(days=800)
    IncomingRecord.objects.filter(pk=received.record.pk).update(received_at=earlier)
    assert not client.get(LIST, {"year": year}).context["rows"]
    response = client.get(LIST, {"year": timezone.localtime(earlier).year})
    assert [r["record"] for r in response.context["rows"]] == [received.record]


def test_bad_filters_are_shown_not_a_crash(client, login, received):
    login(received.town_clerk)
    response = client.get(LIST, {"state": "nonsense", "year": "abc", "page": "x"})
    assert response.status_code == 200
    assert response.context["filters"].errors
    assert len(response.context["rows"]) == 1


def test_an_overdue_record_is_marked(client, login, received, english):
    record = instructed(received)
    IncomingRecord.objects.filter(pk=record.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    login(received.town_clerk)
    response = client.get(LIST)
    assert response.context["rows"][0]["overdue"]
    assert "Overdue" in text(response)
    assert "Overdue" in text(client.get(url(record)))


def test_the_book_is_paginated_by_30(client, login, received):
    for n in range(30):
        services.register_external(
            received.town_clerk,
            unit=received.county.town,
            title=f"来文{n}",
            source_name="某市人民政府办公室",
        )
    login(received.town_clerk)
    first = client.get(LIST)
    assert len(first.context["rows"]) == 30
    second = client.get(LIST, {"page": 2})
    assert len(second.context["rows"]) == 1
    assert "page=2" in text(first)


# --- registering a paper document ---------------------------------------------------------


def register_post(received, **overrides):
    data = {
        "unit": received.county.town.pk,
        "source_name": "某市人民政府办公室",
        "source_number": "市政办发〔2026〕8号",
        "title": "关于做好防汛工作的通知",
        "scan": pdf(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_clerk_registers_a_paper_document_with_its_scan(client, login, received, english):
    login(received.town_clerk)
    assert client.get(REGISTER).status_code == 200
    response = client.post(REGISTER, register_post(received))
    record = IncomingRecord.objects.get(title="关于做好防汛工作的通知")
    assert response.status_code == 302 and response["Location"] == url(record)
    assert record.distribution is None and record.unit == received.county.town
    assert record.source_number == "市政办发〔2026〕8号"
    assert record.scan.original_name == "scan.pdf"
    sha256 = record.scan.sha256
    assert record.scan.file.name == f"attachments/{sha256[:2]}/{sha256}"
    assert record.scan.unit == received.county.town and not record.scan.owner_id
    page = text(client.get(url(record)))
    assert f"/files/{record.scan.pk}/" in page
    assert record.serial in page
    # Another member of the town downloads the scan.
    login(received.handler)
    assert client.get(f"/files/{record.scan.pk}/").status_code == 200


def test_registering_without_the_sender_or_the_scan_is_refused(client, login, received):
    login(received.town_clerk)
    response = client.post(REGISTER, register_post(received, source_name=""))
    assert response.status_code == 200
    assert response.context["form"].errors["source_name"]
    response = client.post(REGISTER, register_post(received, scan=None))
    assert response.context["form"].errors["scan"]
    assert IncomingRecord.objects.count() == 1
    assert not Attachment.objects.exists()


def test_a_scan_that_is_not_a_document_is_refused_on_its_field(client, login, received):
    login(received.town_clerk)
    program = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    response = client.post(REGISTER, register_post(received, scan=program))
    assert response.status_code == 200
    assert response.context["form"].errors["scan"]
    assert IncomingRecord.objects.count() == 1
    assert not Attachment.objects.exists()


def test_a_classified_paper_document_is_refused_and_its_scan_not_kept(
    client, login, received, english
):
    login(received.town_clerk)
    content = PDF + b"% classified-test\n"
    scan = pdf(content=content)
    response = client.post(REGISTER, register_post(received, title="机密★ 某文件", scan=scan))
    assert response.status_code == 200
    assert "Classified documents" in text(response)
    assert IncomingRecord.objects.count() == 1
    assert not Attachment.objects.exists()
    # Nor is the file left behind in the store.
    sha256 = hashlib.sha256(content).hexdigest()
    storage = Attachment._meta.get_field("file").storage
    assert not storage.exists(f"attachments/{sha256[:2]}/{sha256}")


def test_only_a_clerk_registers(client, login, received):
    login(received.handler)
    assert client.get(REGISTER).status_code == 403
    assert client.post(REGISTER, register_post(received)).status_code == 403
    assert IncomingRecord.objects.count() == 1


def test_a_clerk_cannot_register_for_another_unit(client, login, received):
    login(received.drafter)  # the clerk of department A
    response = client.post(REGISTER, register_post(received))
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert IncomingRecord.objects.count() == 1


# --- the record page ----------------------------------------------------------------------


def test_the_record_page_shows_the_record_and_the_clerks_actions(client, login, received, english):
    login(received.town_clerk)
    response = client.get(url(received.record))
    assert response.status_code == 200
    page = text(response)
    record = received.record
    assert record.serial in page and record.source_number in page
    assert f'href="/oa/documents/{record.distribution.document_id}/"' in page
    for action in ("propose", "return"):
        assert f'action="{url(record, action)}"' in page
    assert f'action="{url(record, "instruct")}"' not in page


def test_a_member_without_a_part_sees_no_actions(client, login, received):
    login(received.handler)
    response = client.get(url(received.record))
    assert response.status_code == 200
    assert not response.context["any_action"]
    assert '<form method="post" action="/oa/documents/incoming/' not in text(response)


def test_another_units_person_gets_not_found(client, login, received):
    login(received.outsider)
    assert client.get(url(received.record)).status_code == 404
    login(received.town_clerk)
    assert client.get("/oa/documents/incoming/999999/").status_code == 404


# --- return to the sender ----------------------------------------------------------------


def test_the_clerk_returns_it_to_the_sender(client, login, received):
    login(received.town_clerk)
    response = client.post(url(received.record, "return"), {"reason": "不属于本镇职责"})
    assert response.status_code == 302 and response["Location"] == url(received.record)
    assert fresh(received.record).state == IncomingState.RETURNED
    assert Notification.objects.filter(
        recipient=received.issuer_clerk, body="不属于本镇职责"
    ).exists()
    page = text(client.get(url(received.record)))
    assert "不属于本镇职责" in page


def test_returning_without_a_reason_changes_nothing(client, login, received):
    login(received.town_clerk)
    response = client.post(url(received.record, "return"), {"reason": "  "})
    assert response.status_code == 200
    assert response.context["return_form"].errors["reason"]
    assert fresh(received.record).state == IncomingState.REGISTERED


def test_only_the_clerk_returns(client, login, received):
    login(received.handler)
    assert client.post(url(received.record, "return"), {"reason": "x"}).status_code == 403
    login(received.outsider)
    assert client.post(url(received.record, "return"), {"reason": "x"}).status_code == 404
    assert fresh(received.record).state == IncomingState.REGISTERED
    assert client.get(url(received.record, "return")).status_code == 405


# --- propose ------------------------------------------------------------------------------


def test_the_clerk_proposes_the_handling_to_the_head(client, login, received, english):
    login(received.town_clerk)
    response = client.post(
        url(received.record, "propose"),
        {"proposal": "请孙干事办理。", "head": received.town_head.pk},
        follow=True,
    )
    assert response.status_code == 200
    assert "Proposed: Town_Head instructs next." in text(response)
    record = fresh(received.record)
    assert record.state == IncomingState.PROPOSED and record.proposal == "请孙干事办理。"


def test_a_proposal_needs_its_text_and_a_head_of_the_unit(client, login, received):
    login(received.town_clerk)
    response = client.post(
        url(received.record, "propose"), {"proposal": "", "head": received.town_head.pk}
    )
    assert response.context["propose_form"].errors["proposal"]
    response = client.post(
        url(received.record, "propose"), {"proposal": "办理", "head": received.handler.pk}
    )
    assert response.status_code == 200
    assert response.context["propose_form"].errors["head"]
    assert fresh(received.record).state == IncomingState.REGISTERED


def test_proposing_twice_shows_why_and_changes_nothing(client, login, received, english):
    proposed(received)
    login(received.town_clerk)
    response = client.post(
        url(received.record, "propose"), {"proposal": "再拟", "head": received.town_head.pk}
    )
    assert response.status_code == 200
    assert "not at that step" in text(response)
    assert fresh(received.record).proposal == "请孙干事办理。"


def test_only_the_clerk_proposes(client, login, received):
    data = {"proposal": "办理", "head": received.town_head.pk}
    login(received.town_head)
    assert client.post(url(received.record, "propose"), data).status_code == 403
    login(received.outsider)
    assert client.post(url(received.record, "propose"), data).status_code == 404
    assert fresh(received.record).state == IncomingState.REGISTERED


# --- instruct -----------------------------------------------------------------------------


def instruct_post(received, **overrides):
    data = {
        "instruction": "同意，请抓紧办理。",
        "handlers": [received.handler.pk],
        "readers": [received.reader.pk],
        "due_in_working_days": 5,
    }
    data.update(overrides)
    return data


def test_the_head_sees_the_instruction_form(client, login, received, english):
    proposed(received)
    login(received.town_head)
    response = client.get(url(received.record))
    page = text(response)
    assert f'action="{url(received.record, "instruct")}"' in page
    assert "请孙干事办理。" in page
    form = response.context["instruct_form"]
    members = set(form.fields["handlers"].queryset)
    assert received.handler in members and received.outsider not in members


def test_the_head_instructs_a_handler_and_a_reader(client, login, received):
    proposed(received)
    login(received.town_head)
    response = client.post(url(received.record, "instruct"), instruct_post(received))
    assert response.status_code == 302
    record = fresh(received.record)
    assert record.state == IncomingState.HANDLING and record.due_date is not None
    assert record.instruction == "同意，请抓紧办理。"
    kinds = {(t.kind, t.person_id) for t in record.tasks.all()}
    assert kinds == {
        (HandlingTask.Kind.HANDLE, received.handler.pk),
        (HandlingTask.Kind.READ, received.reader.pk),
    }


def test_an_instruction_without_a_handler_or_with_a_bad_deadline_changes_nothing(
    client, login, received
):
    proposed(received)
    login(received.town_head)
    response = client.post(url(received.record, "instruct"), instruct_post(received, handlers=[]))
    assert response.context["instruct_form"].errors["handlers"]
    response = client.post(
        url(received.record, "instruct"), instruct_post(received, due_in_working_days=0)
    )
    assert response.context["instruct_form"].errors["due_in_working_days"]
    response = client.post(
        url(received.record, "instruct"), instruct_post(received, handlers=[received.outsider.pk])
    )
    assert response.context["instruct_form"].errors["handlers"]
    assert fresh(received.record).state == IncomingState.PROPOSED
    assert not HandlingTask.objects.exists()


def test_only_the_head_instructs(client, login, received):
    proposed(received)
    login(received.town_clerk)
    assert client.post(url(received.record, "instruct"), instruct_post(received)).status_code == 403
    login(received.head_b)
    assert client.post(url(received.record, "instruct"), instruct_post(received)).status_code == 404
    assert fresh(received.record).state == IncomingState.PROPOSED


def test_a_deputy_instructs_for_the_absent_head(client, login, received, english):
    proposed(received)
    make_delegation(received.town_head, received.reader)
    login(received.reader)
    page = text(client.get(url(received.record)))
    assert "You are acting for Town_Head" in page
    response = client.post(url(received.record, "instruct"), instruct_post(received, readers=[]))
    assert response.status_code == 302
    assert fresh(received.record).state == IncomingState.HANDLING


# --- finish a task ------------------------------------------------------------------------


def test_the_reader_reads_and_the_handler_reports_done(client, login, received, english):
    record = instructed(received)
    login(received.reader)
    response = client.post(url(record, "finish"), {"comment": "已阅"}, follow=True)
    assert "Marked as read." in text(response)
    login(received.handler)
    page = text(client.get(url(record)))
    assert "Report the handling done" in page and "已阅" in page
    response = client.post(url(record, "finish"), {"comment": "已完成排查。"}, follow=True)
    assert "Reported done." in text(response)
    assert not record.tasks.filter(done_at__isnull=True).exists()
    assert "已完成排查。" in text(response)


def test_a_handler_must_say_what_was_done(client, login, received):
    record = instructed(received)
    login(received.handler)
    response = client.post(url(record, "finish"), {"comment": ""})
    assert response.status_code == 200
    assert response.context["finish_form"].errors["comment"]
    assert not record.tasks.filter(done_at__isnull=False).exists()


def test_nobody_else_finishes_a_task(client, login, received):
    record = instructed(received, readers=[received.reader, received.town_head])
    login(received.town_clerk)
    assert client.post(url(record, "finish"), {"comment": "x"}).status_code == 403
    login(received.town_head)  # the second reader: not their turn yet
    assert client.post(url(record, "finish"), {"comment": "x"}).status_code == 403
    login(received.outsider)
    assert client.post(url(record, "finish"), {"comment": "x"}).status_code == 404
    assert not record.tasks.filter(done_at__isnull=False).exists()


def test_finishing_before_the_instruction_shows_why(client, login, received, english):
    login(received.handler)
    response = client.post(url(received.record, "finish"), {"comment": "x"})
    assert response.status_code == 200
    assert "not at that step" in text(response)


# --- close --------------------------------------------------------------------------------


def test_the_clerk_closes_with_a_reply_to_the_sender(client, login, received, english):
    record = handled(received)
    login(received.town_clerk)
    page = text(client.get(url(record)))
    assert "Reply to the sender" in page
    response = client.post(
        url(record, "close"), {"result": "已按要求完成。", "reply_to_sender": "on"}, follow=True
    )
    assert "Closed, and the result was sent to the sender." in text(response)
    record = fresh(record)
    assert record.state == IncomingState.CLOSED and record.result == "已按要求完成。"
    assert Notification.objects.filter(
        recipient=received.issuer_clerk, body="已按要求完成。"
    ).exists()


def test_closing_without_a_result_changes_nothing(client, login, received):
    record = handled(received)
    login(received.town_clerk)
    response = client.post(url(record, "close"), {"result": ""})
    assert response.context["close_form"].errors["result"]
    assert fresh(record).state == IncomingState.HANDLING


def test_closing_before_the_handler_finishes_shows_why(client, login, received, english):
    record = instructed(received)
    login(received.town_clerk)
    assert "close_form" not in client.get(url(record)).context
    response = client.post(url(record, "close"), {"result": "完成"})
    assert response.status_code == 200
    assert "A handler has not finished yet." in text(response)
    assert fresh(record).state == IncomingState.HANDLING


def test_only_the_clerk_closes(client, login, received):
    record = handled(received)
    login(received.handler)
    assert client.post(url(record, "close"), {"result": "完成"}).status_code == 403
    login(received.outsider)
    assert client.post(url(record, "close"), {"result": "完成"}).status_code == 404
    assert fresh(record).state == IncomingState.HANDLING


def test_a_paper_document_is_closed_without_a_reply_choice(client, login, received):
    record = services.register_external(
        received.town_clerk, unit=received.county.town, title="来文", source_name="某机关"
    )
    services.propose(received.town_clerk, record, proposal="办理", head=received.town_head)
    services.instruct(received.town_head, record, instruction="", handlers=[received.handler])
    services.finish_task(received.handler, record, comment="已办")
    login(received.town_clerk)
    form = client.get(url(record)).context["close_form"]
    assert "reply_to_sender" not in form.fields


# --- archive an incoming record ---------------------------------------------------------


def test_the_clerk_archives_a_closed_record(client, login, received, english):
    record = closed(received)
    login(received.town_clerk)
    response = client.post(url(record, "archive"), {"retention": Retention.YEARS_10}, follow=True)
    entry = ArchiveEntry.objects.get(incoming=record)
    assert not entry.is_original  # the issuer keeps the original
    page = text(response)
    assert f"Archived as {entry.archive_number}." in page
    assert entry.archive_number in page and "-D10-" in entry.archive_number
    assert "archive_form" not in response.context


def test_archiving_with_no_retention_changes_nothing(client, login, received):
    record = closed(received)
    login(received.town_clerk)
    response = client.post(url(record, "archive"), {"retention": "forever"})
    assert response.status_code == 200
    assert response.context["archive_form"].errors["retention"]
    assert not ArchiveEntry.objects.exists()


def test_archiving_an_open_record_shows_why(client, login, received, english):
    login(received.town_clerk)
    response = client.post(url(received.record, "archive"), {"retention": Retention.PERMANENT})
    assert response.status_code == 200
    assert "Close the document before archiving it." in text(response)
    assert not ArchiveEntry.objects.exists()


def test_only_the_clerk_archives(client, login, received):
    record = closed(received)
    login(received.handler)
    assert client.post(url(record, "archive"), {"retention": "10y"}).status_code == 403
    login(received.outsider)
    assert client.post(url(record, "archive"), {"retention": "10y"}).status_code == 404
    assert not ArchiveEntry.objects.exists()


# --- statistics ---------------------------------------------------------------------------


def test_the_statistics_of_my_unit(client, login, received, english):
    handled(received)
    login(received.town_clerk)
    response = client.get(STATS)
    assert response.status_code == 200
    rows = {str(label): (number, rate) for label, number, rate in response.context["rows"]}
    assert rows["Documents received"] == (1, None)
    assert rows["Signed for"][0] == 1 and rows["Signed for on time"] == (1, 100)
    assert rows["Handled on time"] == (1, 100)
    page = text(response)
    assert "<caption>" in page and 'scope="row"' in page
    assert "Hexi Town" in page


def test_the_statistics_of_another_year_and_a_bad_year(client, login, received):
    login(received.town_clerk)
    year = timezone.localdate().year
    response = client.get(STATS, {"year": year})
    assert response.context["year"] == year
    response = client.get(STATS, {"year": "abc"})
    assert response.status_code == 200
    assert response.context["year"] == year and response.context["form"].errors


def test_someone_without_a_unit_has_no_statistics(client, login, received):
    login(make_user("nobody"))
    assert client.get(STATS).status_code == 403


# --- archive an issued document (the issuing side) ----------------------------------------


def test_the_issuing_clerk_archives_an_issued_document(client, login, received, english):
    document = received.record.distribution.document
    login(received.issuer_clerk)
    assert client.get(archive_url(document)).status_code == 200
    response = client.post(archive_url(document), {"retention": Retention.PERMANENT})
    assert response.status_code == 302
    assert response["Location"] == f"/oa/documents/{document.pk}/"
    entry = ArchiveEntry.objects.get(document=document, unit=received.county.a)
    assert entry.is_original
    page = text(client.get(archive_url(document)))
    assert entry.archive_number in page


def test_archiving_a_document_with_no_retention_or_twice_changes_nothing(
    client, login, received, english
):
    document = received.record.distribution.document
    login(received.issuer_clerk)
    response = client.post(archive_url(document), {"retention": ""})
    assert response.status_code == 200 and response.context["form"].errors["retention"]
    assert not ArchiveEntry.objects.exists()
    services.archive_document(received.issuer_clerk, document, retention=Retention.YEARS_30)
    response = client.post(archive_url(document), {"retention": Retention.PERMANENT})
    assert response.status_code == 200
    assert "already archived" in text(response)
    assert ArchiveEntry.objects.count() == 1


def test_only_the_issuing_clerk_archives_a_document(client, login, received):
    document = received.record.distribution.document
    login(received.head_a)  # a head, not the clerk
    assert client.get(archive_url(document)).status_code == 403
    assert client.post(archive_url(document), {"retention": "10y"}).status_code == 403
    login(received.town_clerk)  # sees the document as a recipient, may not archive it
    assert client.post(archive_url(document), {"retention": "10y"}).status_code == 403
    login(received.outsider)
    assert client.post(archive_url(document), {"retention": "10y"}).status_code == 404
    assert client.get("/oa/documents/incoming/archive/999999/").status_code == 404
    assert not ArchiveEntry.objects.exists()


def test_the_document_page_links_to_the_incoming_record_and_offers_archiving(
    client, login, received
):
    document = received.record.distribution.document
    page = login(received.town_clerk).get(f"/oa/documents/{document.pk}/").content.decode()
    assert f"/oa/documents/incoming/{received.record.pk}/" in page
    page = login(received.drafter).get(f"/oa/documents/{document.pk}/").content.decode()
    assert f"/oa/documents/incoming/archive/{document.pk}/" in page
    assert (
        "/oa/documents/incoming/" in login(received.drafter).get("/oa/documents/").content.decode()
    )
