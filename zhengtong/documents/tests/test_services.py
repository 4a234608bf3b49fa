"""Official documents, as the county's rules say they must behave (docs/conformance.md DOC)."""

import threading
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone

from zhengtong.conftest import make_delegation, make_unit, make_user
from zhengtong.core.errors import Conflict, Invalid, NotFound, NotPermitted
from zhengtong.core.models import AuditRecord, WorkItem
from zhengtong.documents import services
from zhengtong.documents.models import (
    Disclosure,
    DocState,
    DocType,
    Document,
    NumberCounter,
    StepState,
)
from zhengtong.documents.tests.conftest import draft, through_sign_off
from zhengtong.org.models import Role, UnitKind

# --- drafting -----------------------------------------------------------------------


def test_a_draft_keeps_only_the_markup_the_layout_supports(office):
    document = draft(office)
    assert "<script>" not in document.body
    assert "<p>各乡镇：</p>" in document.body
    assert document.state == DocState.DRAFT
    assert AuditRecord.objects.filter(action="documents.draft", object_id=str(document.pk)).exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"classification": "secret"},
        {"title": "机密★1年 关于某事项的通知"},
        {"body": "<p>秘密 ★ 10年</p><p>正文</p>"},
    ],
)
def test_a_classified_document_is_refused_and_nothing_is_saved(office, fields):
    with pytest.raises(Invalid) as caught:
        draft(office, **fields)
    assert caught.value.code == "classified"
    assert "classified" in str(caught.value.message).lower()
    assert not Document.objects.exists()


def test_only_members_of_the_unit_draft_in_its_name(office):
    with pytest.raises(NotPermitted):
        services.create_draft(
            office.outsider, issuing_unit=office.county.a, doc_type=DocType.NOTICE, title="越权起草"
        )


def test_an_internal_section_cannot_issue_documents(office):
    section = make_unit("Teaching Section", UnitKind.SECTION, office.county.a)
    member = make_user("section_member", section)
    with pytest.raises(NotPermitted):
        services.create_draft(
            member, issuing_unit=section, doc_type=DocType.NOTICE, title="内设机构发文"
        )


def test_a_request_goes_upward_whatever_the_drafter_says(office):
    document = draft(
        office,
        doc_type=DocType.REQUEST,
        direction="down",
        main_recipients=[office.county.government],
    )
    assert document.direction == "up"


# --- 行文规则 ----------------------------------------------------------------------


def test_a_request_has_exactly_one_main_recipient(office):
    document = draft(
        office,
        doc_type=DocType.REQUEST,
        main_recipients=[office.county.government, office.county.b],
    )
    with pytest.raises(Invalid, match="exactly one main recipient"):
        services.submit(office.drafter, document, reviewer=office.head_a, signer=office.head_a)


def test_a_request_is_never_copied_to_a_subordinate_unit(office):
    county = office.county
    gov_doc = services.create_draft(
        make_user("gov_clerk", county.government, roles=[Role.CLERK]),
        issuing_unit=county.government,
        doc_type=DocType.REQUEST,
        title="关于某事的请示",
        main_recipients=[county.root],
        copy_recipients=[county.a],
    )
    with pytest.raises(Invalid, match="subordinate"):
        services.check_elements(gov_doc, signer=office.head_a)


def test_the_reviewer_must_head_the_issuing_unit(office):
    document = draft(office)
    with pytest.raises(Invalid) as caught:
        services.submit(office.drafter, document, reviewer=office.head_b, signer=office.head_a)
    assert caught.value.field == "reviewer"
    document.refresh_from_db()
    assert document.state == DocState.DRAFT and not document.route.exists()


def test_a_signer_without_authority_is_refused(office):
    document = draft(office)
    with pytest.raises(Invalid) as caught:
        services.submit(office.drafter, document, reviewer=office.head_a, signer=office.drafter)
    assert caught.value.field == "signer"


# --- the route --------------------------------------------------------------------


def test_a_notice_goes_through_review_countersign_and_sign_off(office):
    document = draft(office)
    services.submit(
        office.drafter,
        document,
        reviewer=office.head_a,
        signer=office.head_a,
        countersigners=[(office.county.b, office.head_b)],
    )
    assert (
        WorkItem.objects.filter(
            kind="documents.review", assignee_user=office.head_a, state="open"
        ).count()
        == 1
    )
    # The countersigner is not asked before the review is done.
    with pytest.raises(NotPermitted):
        services.approve(office.head_b, document)
    services.approve(office.head_a, document, opinion="同意")
    assert WorkItem.objects.filter(
        kind="documents.countersign", assignee_user=office.head_b, state="open"
    ).exists()
    services.approve(office.head_b, document, opinion="同意会签")
    signed = services.approve(office.head_a, document, disclosure=Disclosure.PROACTIVE)
    assert signed.state == DocState.SIGNED
    assert signed.signer == office.head_a
    assert signed.route.get(kind="sign_off").opinion  # 圈阅 recorded as consent
    assert not WorkItem.objects.filter(
        subject_id=str(document.pk),
        state="open",
        kind__in=["documents.review", "documents.countersign", "documents.sign_off"],
    ).exists()
    actions = list(document.trail.values_list("action", flat=True))
    assert actions == ["draft", "submit", "review", "countersign", "sign_off"]


def test_sign_off_requires_a_disclosure_decision(office):
    document = draft(office)
    services.submit(office.drafter, document, reviewer=office.head_a, signer=office.head_a)
    services.approve(office.head_a, document)
    with pytest.raises(Invalid) as caught:
        services.approve(office.head_a, document)
    assert caught.value.field == "disclosure"
    with pytest.raises(Invalid):
        services.approve(office.head_a, document, disclosure=Disclosure.NOT_DISCLOSED)


def test_a_second_sign_off_is_refused(office):
    document = through_sign_off(office, draft(office))
    with pytest.raises(Conflict):
        services.approve(office.head_a, document, disclosure=Disclosure.PROACTIVE)


def test_sending_back_returns_the_draft_with_reasons_and_cancels_the_open_steps(office):
    document = draft(office)
    services.submit(
        office.drafter,
        document,
        reviewer=office.head_a,
        signer=office.head_a,
        countersigners=[(office.county.b, office.head_b)],
    )
    services.approve(office.head_a, document)
    services.send_back(office.head_b, document, reason="请补充经费来源")
    document.refresh_from_db()
    assert document.state == DocState.DRAFT
    assert document.route.filter(state=StepState.SKIPPED, kind="sign_off").exists()
    assert WorkItem.objects.filter(
        kind="documents.revise", assignee_user=office.drafter, state="open"
    ).exists()
    # After revision it is submitted again, in a new round.
    services.update_draft(office.drafter, document, body="<p>已补充。</p>")
    services.submit(office.drafter, document, reviewer=office.head_a, signer=office.head_a)
    assert document.route.filter(round=2).count() == 2


def test_sending_back_needs_a_reason(office):
    document = draft(office)
    services.submit(office.drafter, document, reviewer=office.head_a, signer=office.head_a)
    with pytest.raises(Invalid):
        services.send_back(office.head_a, document, reason=" ")


def test_a_signed_document_cannot_be_edited(office):
    document = through_sign_off(office, draft(office))
    with pytest.raises(Conflict):
        services.update_draft(office.drafter, document, title="改标题")


def test_a_delegate_signs_off_and_the_trail_says_for_whom(office):
    deputy = make_user("deputy_a", office.county.a, real_name="副局长")
    make_delegation(office.head_a, deputy)
    document = draft(office)
    services.submit(office.drafter, document, reviewer=office.head_a, signer=office.head_a)
    services.approve(deputy, document, opinion="同意")
    step = document.route.get(kind="review")
    assert step.acted_by == deputy and step.on_behalf_of == office.head_a
    entry = document.trail.get(action="review")
    assert entry.actor == deputy and entry.on_behalf_of == office.head_a


# --- numbering, issue, sign-for -----------------------------------------------------


def test_issuing_numbers_from_one_each_year_without_leading_zeros(office):
    first = services.issue(office.drafter, through_sign_off(office, draft(office)))
    second = services.issue(office.drafter, through_sign_off(office, draft(office, title="第二件")))
    year = timezone.localdate().year
    assert first.number == f"教发〔{year}〕1号"
    assert second.number == f"教发〔{year}〕2号"


def test_issuing_distributes_to_every_recipient_with_a_sign_for_item(office):
    county = office.county
    document = through_sign_off(office, draft(office, copy_recipients=[county.b]))
    services.issue(office.drafter, document)
    assert set(document.distributions.values_list("unit_id", "kind")) == {
        (county.town.pk, "main"),
        (county.b.pk, "copy"),
    }
    assert WorkItem.objects.filter(
        kind="documents.sign_for", assignee_unit=county.town, state="open"
    ).exists()


def test_issuing_twice_is_refused_and_takes_no_second_number(office):
    document = services.issue(office.drafter, through_sign_off(office, draft(office)))
    with pytest.raises(Conflict):
        services.issue(office.drafter, document)
    assert NumberCounter.objects.get(prefix="教发").last == 1


def test_a_failure_while_issuing_takes_no_number(office, monkeypatch):
    document = through_sign_off(office, draft(office))

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.Distribution.objects, "create", broken)
    with pytest.raises(RuntimeError):
        services.issue(office.drafter, document)
    document.refresh_from_db()
    assert document.state == DocState.SIGNED and document.number_seq is None
    assert not NumberCounter.objects.filter(prefix="教发", last__gt=0).exists()


def test_only_the_issuing_units_clerk_issues(office):
    document = through_sign_off(office, draft(office))
    with pytest.raises(NotPermitted):
        services.issue(office.town_clerk, document)


def test_a_recipient_signs_for_once_and_the_time_is_kept(office):
    document = services.issue(office.drafter, through_sign_off(office, draft(office)))
    distribution = document.distributions.get(unit=office.county.town)
    services.sign_for(office.town_clerk, distribution)
    distribution.refresh_from_db()
    assert (
        distribution.signed_for_at is not None and distribution.signed_for_by == office.town_clerk
    )
    assert not WorkItem.objects.filter(
        kind="documents.sign_for", assignee_unit=office.county.town, state="open"
    ).exists()
    with pytest.raises(Conflict):
        services.sign_for(office.town_clerk, distribution)


def test_another_unit_cannot_sign_for_it(office):
    document = services.issue(office.drafter, through_sign_off(office, draft(office)))
    with pytest.raises(NotPermitted):
        services.sign_for(office.outsider, document.distributions.get(unit=office.county.town))


def test_a_document_of_another_unit_is_not_found(office):
    document = draft(office)
    with pytest.raises(NotFound):
        services.get_document(office.outsider, document.pk)
    assert services.get_document(office.head_a, document.pk) == document


def test_recipients_see_the_document_only_once_it_is_issued(office):
    document = through_sign_off(office, draft(office))
    with pytest.raises(NotFound):
        services.get_document(office.town_clerk, document.pk)
    services.issue(office.drafter, document)
    assert services.get_document(office.town_clerk, document.pk) == document


@pytest.mark.django_db(transaction=True)
def test_simultaneous_issues_get_consecutive_numbers_never_twice(county):
    """Several clerks issue at the same moment: numbers 1..N, none repeated or missing
    (the counter row is locked; on SQLite the write lock serialises the transactions)."""
    county.a.doc_prefix = "并发"
    county.a.save()
    head = make_user("head_c", county.a, roles=[Role.UNIT_HEAD])
    clerk = make_user("clerk_c", county.a, roles=[Role.CLERK])
    office = SimpleNamespace(county=county, drafter=clerk, head_a=head)
    documents = [
        through_sign_off(office, draft(office, title=f"并发{i}"), countersign=False)
        for i in range(8)
    ]
    errors = []
    barrier = threading.Barrier(len(documents))

    def issue_one(document):
        try:
            barrier.wait(10)
            services.issue(clerk, document)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue_one, args=(d,)) for d in documents]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    numbers = sorted(
        Document.objects.filter(number_prefix="并发").values_list("number_seq", flat=True)
    )
    assert numbers == list(range(1, len(documents) + 1))


def test_a_draft_change_is_checked_like_a_new_draft(office):
    document = draft(office)
    for bad in (
        {"doc_type": "memo"},
        {"urgency": "whenever"},
        {"title": "  "},
        {"direction": "sideways"},
    ):
        with pytest.raises(Invalid):
            services.update_draft(office.drafter, document, **bad)
    with pytest.raises(Invalid) as caught:
        services.update_draft(office.drafter, document, note="秘密★ 附注")
    assert caught.value.code == "classified"
    document.refresh_from_db()
    assert document.doc_type == DocType.NOTICE and document.note == ""


def test_a_unit_countersigns_only_once(office):
    document = draft(office)
    with pytest.raises(Invalid):
        services.submit(
            office.drafter,
            document,
            reviewer=office.head_a,
            signer=office.head_a,
            countersigners=[(office.county.b, office.head_b), (office.county.b, office.head_b)],
        )


def test_a_circle_mark_is_stored_as_such_whatever_the_language(office):
    from django.utils import translation

    document = draft(office)
    services.submit(office.drafter, document, reviewer=office.head_a, signer=office.head_a)
    with translation.override("en"):
        services.approve(office.head_a, document)
    assert document.route.get(kind="review").opinion == "圈阅"


def test_a_joint_document_is_signed_off_by_every_issuing_unit_and_dated_by_the_last(office):
    county = office.county
    document = draft(office, joint_units=[county.b])
    with pytest.raises(Invalid) as caught:
        services.submit(office.drafter, document, reviewer=office.head_a, signer=office.head_a)
    assert caught.value.field == "joint_signers"
    services.submit(
        office.drafter,
        document,
        reviewer=office.head_a,
        signer=office.head_a,
        joint_signers=[(county.b, office.head_b)],
    )
    services.approve(office.head_a, document)  # review
    services.approve(office.head_a, document, disclosure=Disclosure.PROACTIVE)  # lead sign-off
    document.refresh_from_db()
    assert document.state == DocState.IN_ROUTE  # waiting for the finance bureau's leader
    services.approve(office.head_b, document, opinion="同意联合发文")
    document.refresh_from_db()
    assert document.state == DocState.SIGNED
    last = document.route.get(kind="sign_off", unit=county.b)
    assert document.signed_at == last.acted_at
    assert document.signer == office.head_a


def test_the_lead_unit_cannot_be_its_own_joint_unit(office):
    with pytest.raises(Invalid):
        draft(office, joint_units=[office.county.a])


def test_a_change_after_sign_off_goes_back_to_the_signer(office):
    document = through_sign_off(office, draft(office))
    with pytest.raises(Invalid):
        services.amend_signed(office.drafter, document, reason="", body="<p>改</p>")
    with pytest.raises(NotPermitted):
        services.amend_signed(office.outsider, document, reason="改正文", body="<p>改</p>")
    services.amend_signed(
        office.drafter, document, reason="补充经费标准", body="<p>补充后的正文。</p>"
    )
    document.refresh_from_db()
    assert document.state == DocState.IN_ROUTE and document.signed_at is None
    pending = document.route.get(state=StepState.PENDING)
    assert pending.kind == "sign_off" and pending.assignee == office.head_a and pending.round == 2
    assert not WorkItem.objects.filter(
        kind="documents.issue", state="open", subject_id=str(document.pk)
    ).exists()
    with pytest.raises(Conflict):
        services.issue(office.drafter, document)
    services.approve(office.head_a, document, disclosure=Disclosure.PROACTIVE)
    issued = services.issue(office.drafter, document)
    assert issued.number_seq == 1 and "补充后的正文" in issued.body
    assert "amend" in list(document.trail.values_list("action", flat=True))


def test_an_issued_document_cannot_be_amended(office):
    document = services.issue(office.drafter, through_sign_off(office, draft(office)))
    with pytest.raises(Conflict):
        services.amend_signed(office.drafter, document, reason="晚了", body="<p>x</p>")


def test_a_units_usual_route_is_offered_first(office, client, login):
    from zhengtong.documents.forms import SubmitForm

    deputy_head = make_user("deputy_head", office.county.a, roles=[Role.UNIT_HEAD])
    with pytest.raises(NotPermitted):
        services.set_route_default(office.drafter, office.county.a, reviewer=deputy_head)
    with pytest.raises(Invalid):
        services.set_route_default(office.head_a, office.county.a, signer=office.drafter)
    services.set_route_default(
        office.head_a, office.county.a, reviewer=deputy_head, signer=office.head_a
    )
    services.set_route_default(
        office.head_a,
        office.county.a,
        doc_type=DocType.NOTICE,
        reviewer=office.head_a,
        signer=deputy_head,
    )
    notice = draft(office)
    form = SubmitForm(notice)
    assert form.fields["reviewer"].initial == office.head_a.pk
    assert form.fields["signer"].initial == deputy_head.pk
    letter = draft(office, doc_type=DocType.LETTER, title="关于商请支持的函")
    assert SubmitForm(letter).fields["reviewer"].initial == deputy_head.pk
