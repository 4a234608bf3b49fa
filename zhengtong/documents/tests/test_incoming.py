"""Incoming documents (收文, docs/conformance.md DOC-15): sign for, register, check,
propose, instruct, handle, circulate, close, reply."""

import pytest

from zhengtong.core.errors import Conflict, Invalid, NotFound, NotPermitted
from zhengtong.core.models import Notification, WorkItem
from zhengtong.documents import services
from zhengtong.documents.models import IncomingState


def open_items(kind, **filters):
    return WorkItem.objects.filter(kind=kind, state="open", **filters)


def test_signing_for_registers_the_document_with_a_serial_number(received):
    record = received.record
    assert record.serial.startswith("收〔") and record.serial.endswith("1号")
    assert record.source_number == record.distribution.document.number
    assert record.state == IncomingState.REGISTERED
    assert open_items(services.PROPOSE_KIND, assignee_unit=received.county.town).exists()


def test_the_whole_incoming_flow(received):
    record = received.record
    services.propose(
        received.town_clerk, record, proposal="请孙干事办理，周副镇长阅。", head=received.town_head
    )
    assert open_items(services.INSTRUCT_KIND, assignee_user=received.town_head).exists()
    services.instruct(
        received.town_head,
        record,
        instruction="同意",
        handlers=[received.handler],
        readers=[received.reader, received.town_head],
        due_in_working_days=5,
    )
    record.refresh_from_db()
    assert record.state == IncomingState.HANDLING and record.due_date is not None
    assert open_items(services.HANDLE_KIND, assignee_user=received.handler).exists()
    # Circulation in order: the second reader waits for the first.
    assert open_items(services.READ_KIND, assignee_user=received.reader).exists()
    assert not open_items(services.READ_KIND, assignee_user=received.town_head).exists()
    with pytest.raises(NotPermitted):
        services.finish_task(received.town_head, record, comment="已阅")
    services.finish_task(received.reader, record, comment="已阅")
    assert open_items(services.READ_KIND, assignee_user=received.town_head).exists()
    services.finish_task(received.handler, record, comment="已完成排查，报告已报送。")
    assert open_items(services.CLOSE_KIND, assignee_unit=received.county.town).exists()
    services.close_incoming(
        received.town_clerk, record, result="已按要求完成。", reply_to_sender=True
    )
    record.refresh_from_db()
    assert record.state == IncomingState.CLOSED
    # The reply reaches the issuing unit's clerk; no item of the record stays open.
    assert Notification.objects.filter(
        recipient=received.issuer_clerk, body="已按要求完成。"
    ).exists()
    assert (
        not WorkItem.objects.filter(
            subject_id=str(record.pk), state="open", kind__startswith="documents."
        )
        .exclude(kind="documents.sign_for")
        .exists()
    )


def test_a_handler_must_say_what_was_done(received):
    record = received.record
    services.propose(received.town_clerk, record, proposal="办理", head=received.town_head)
    services.instruct(received.town_head, record, instruction="", handlers=[received.handler])
    with pytest.raises(Invalid):
        services.finish_task(received.handler, record, comment="")


def test_closing_before_the_handlers_finish_is_refused(received):
    record = received.record
    services.propose(received.town_clerk, record, proposal="办理", head=received.town_head)
    services.instruct(received.town_head, record, instruction="", handlers=[received.handler])
    with pytest.raises(Conflict):
        services.close_incoming(received.town_clerk, record, result="完成")


def test_returning_to_the_sender_needs_reasons_and_tells_the_sender(received):
    with pytest.raises(Invalid):
        services.return_to_sender(received.town_clerk, received.record, reason="")
    services.return_to_sender(received.town_clerk, received.record, reason="不属于本镇职责")
    received.record.refresh_from_db()
    assert received.record.state == IncomingState.RETURNED
    assert Notification.objects.filter(
        recipient=received.issuer_clerk, body="不属于本镇职责"
    ).exists()


def test_only_the_units_head_instructs_and_handlers_come_from_the_unit(received):
    record = received.record
    services.propose(received.town_clerk, record, proposal="办理", head=received.town_head)
    with pytest.raises(NotPermitted):
        services.instruct(received.town_clerk, record, instruction="", handlers=[received.handler])
    with pytest.raises(Invalid):
        services.instruct(received.town_head, record, instruction="", handlers=[received.head_b])


def test_the_head_proposed_to_must_head_the_unit(received):
    with pytest.raises(Invalid):
        services.propose(
            received.town_clerk, received.record, proposal="办理", head=received.handler
        )


def test_a_step_out_of_order_is_refused(received):
    with pytest.raises(Conflict):
        services.close_incoming(received.town_clerk, received.record, result="完成")


def test_another_unit_cannot_see_or_touch_the_record(received):
    with pytest.raises(NotFound):
        services.get_incoming(received.outsider, received.record.pk)
    with pytest.raises(NotPermitted):
        services.propose(received.outsider, received.record, proposal="x", head=received.town_head)


def test_a_paper_document_is_registered_by_hand_and_follows_the_same_flow(received):
    record = services.register_external(
        received.town_clerk,
        unit=received.county.town,
        title="关于做好防汛工作的通知",
        source_name="某市人民政府办公室",
        source_number="市政办发〔2026〕8号",
    )
    assert record.serial.endswith("2号")  # the town's second registration this year
    assert record.distribution is None
    services.propose(received.town_clerk, record, proposal="办理", head=received.town_head)


def test_registering_by_hand_needs_the_sender_and_refuses_classified_material(received):
    with pytest.raises(Invalid):
        services.register_external(
            received.town_clerk, unit=received.county.town, title="通知", source_name=""
        )
    with pytest.raises(Invalid) as caught:
        services.register_external(
            received.town_clerk,
            unit=received.county.town,
            title="机密★ 某文件",
            source_name="某机关",
        )
    assert caught.value.code == "classified"


def test_only_a_clerk_registers_by_hand(received):
    with pytest.raises(NotPermitted):
        services.register_external(
            received.handler, unit=received.county.town, title="通知", source_name="某机关"
        )
