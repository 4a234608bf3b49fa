"""The hand-off to the website is an explicit call of a kernel registry with a plain
payload (docs/architecture.md, the dependency rule): no save signals across apps."""

import pytest

from zhengtong.core import handoffs
from zhengtong.documents import services
from zhengtong.documents.models import DisclosureHandoff
from zhengtong.documents.tests.conftest import draft, through_sign_off


@pytest.fixture
def received_payloads():
    got = []
    handoffs.DISCLOSURE_QUEUED.connect(got.append)
    handoffs.DOCUMENT_WITHDRAWN.connect(got.append)
    yield got
    handoffs.DISCLOSURE_QUEUED.disconnect(got.append)
    handoffs.DOCUMENT_WITHDRAWN.disconnect(got.append)


def test_issuing_for_disclosure_hands_the_document_over_after_commit_with_plain_fields(
    office, received_payloads, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = services.issue(
            office.drafter, through_sign_off(office, draft(office), countersign=False)
        )
    assert received_payloads == []  # nothing before the commit
    for callback in callbacks:
        callback()
    handoff = DisclosureHandoff.objects.get(document=document)
    assert received_payloads == [
        handoffs.DisclosureQueued(handoff_id=handoff.pk, document_id=document.pk)
    ]


def test_withdrawing_tells_the_receivers_inside_the_withdrawal(office, received_payloads):
    document = services.issue(
        office.drafter, through_sign_off(office, draft(office), countersign=False)
    )
    services.withdraw(office.head_a, document, reason="内容有误")
    assert handoffs.DocumentWithdrawn(document_id=document.pk) in received_payloads


def test_the_documents_app_provides_the_websites_disclosure_source(office):
    document = services.issue(
        office.drafter, through_sign_off(office, draft(office), countersign=False)
    )
    source = handoffs.DISCLOSURE_SOURCE.require()
    handoff = source.for_document(document.pk)
    described = source.describe(handoff)
    assert described.document_id == document.pk and described.number == document.number
    assert described.issued and described.taken_at is None
    assert list(source.pending()) == [handoff]
