"""Online applications and cases: every transition and refusal, the deadlines in
working days (pause, extension, deemed acceptance), the two-reviewer rule, the
one-time notice, ratings and rectification, permissions and bad input."""

import datetime
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from zhengtong.conftest import make_user
from zhengtong.core import calendar
from zhengtong.core.errors import Conflict, Invalid, NotFound, NotPermitted
from zhengtong.core.models import WorkItem
from zhengtong.services import cases
from zhengtong.services.models import (
    Application,
    ApplicationState,
    CaseStep,
    Decision,
    ServiceForm,
)
from zhengtong.services.operations import handling

from .conftest import (
    FORM_FIELDS,
    GOOD_ANSWERS,
    accepted,
    citizen_id,
    credit_code,
    draft_with_files,
    pdf,
    reviewed,
    submitted,
)

S = ApplicationState


def open_kinds(app):
    return sorted(
        WorkItem.objects.filter(
            subject_type__model="application", subject_id=str(app.pk), state="open"
        ).values_list("kind", flat=True)
    )


# --- the form -----------------------------------------------------------------------------


def test_the_unit_defines_the_form_and_each_change_bumps_its_version(online_item, clerk_a):
    form = ServiceForm.objects.get(item=online_item)
    assert form.version == 1 and [f["key"] for f in form.fields][:2] == ["school", "birth_date"]
    cases.save_form(clerk_a, online_item, FORM_FIELDS[:3])
    form.refresh_from_db()
    assert form.version == 2 and len(form.fields) == 3
    # Saving the same fields again is no change.
    cases.save_form(clerk_a, online_item, FORM_FIELDS[:3])
    form.refresh_from_db()
    assert form.version == 2


@pytest.mark.parametrize(
    "fields",
    [
        [{"key": "Bad Key", "label": "x"}],
        [{"key": "a", "label": "x"}, {"key": "a", "label": "y"}],
        [{"key": "a", "label": ""}],
        [{"key": "a", "label": "x", "type": "colour"}],
        [{"key": "a", "label": "x", "type": "choice", "choices": []}],
        [{"key": "a", "label": "x", "type": "table"}],
        [{"key": "a", "label": "x", "show_if": {"field": "b", "equals": "1"}}],
        "not a list",
    ],
)
def test_a_broken_form_definition_is_refused(online_item, clerk_a, fields):
    with pytest.raises(Invalid) as caught:
        cases.save_form(clerk_a, online_item, fields)
    assert caught.value.field == "fields"


def test_only_the_items_unit_defines_its_form(online_item, clerk_b):
    with pytest.raises(NotPermitted):
        cases.save_form(clerk_b, online_item, FORM_FIELDS)


def test_the_application_keeps_the_form_it_was_filled_with(online_item, clerk_a, citizen):
    app = cases.save_draft(citizen, online_item, answers={"school": "一中"})
    cases.save_form(clerk_a, online_item, FORM_FIELDS[:1])
    app.refresh_from_db()
    assert app.form_version == 1 and len(app.form_fields) == len(FORM_FIELDS)


# --- draft, resume, submit ----------------------------------------------------------------


def test_save_resume_and_submit_gives_a_number_and_an_intake_item(online_item, citizen):
    app = cases.save_draft(citizen, online_item, answers={"school": "一中"})
    assert app.state == S.DRAFT and app.number is None
    resumed = cases.get_own(citizen, app.pk)
    assert resumed.answers == {"school": "一中"}
    cases.save_draft(citizen, online_item, application=app, answers=GOOD_ANSWERS)
    for material in online_item.materials.all():
        cases.upload_material(citizen, app, material, pdf())
    app = cases.submit(citizen, app, submission_key="k-1")
    assert app.state == S.SUBMITTED
    year = timezone.localdate().year
    assert app.number.startswith(f"{year}{online_item.unit_id:04d}")
    assert app.intake_due == calendar.add_working_days(timezone.localdate(), 5).date
    assert open_kinds(app) == [cases.KIND_INTAKE]
    # The applicant's data is kept encrypted with its blind indexes.
    assert app.applicant_name == "李小红" and app.id_number_index and app.mobile_index
    # The same submission key again: the same application, not a second one.
    assert cases.submit(citizen, app, submission_key="k-1").pk == app.pk
    assert Application.objects.count() == 1


def test_numbers_are_consecutive_and_never_reused(online_item, citizen):
    first = submitted(citizen, online_item)
    second = submitted(citizen, online_item)
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


def test_submit_reports_every_bad_answer_and_keeps_them(online_item, citizen):
    answers = {
        **GOOD_ANSWERS,
        "birth_date": "2010-02-30",
        "guardian_id": "341125199003070010",
        "phone": "12345",
        "hardship": "other",  # makes hardship_detail shown and required
    }
    app = cases.save_draft(
        citizen, online_item, answers=answers, applicant={"applicant_mobile": "1390000"}
    )
    with pytest.raises(cases.FormErrors) as caught:
        cases.submit(citizen, app)
    errors = caught.value.errors
    assert set(errors) >= {"birth_date", "guardian_id", "phone", "hardship_detail"}
    assert "applicant_mobile" in errors
    assert any(k.startswith("materials[") for k in errors)
    app.refresh_from_db()
    assert app.state == S.DRAFT and app.number is None
    assert app.answers["school"] == GOOD_ANSWERS["school"]
    assert app.answers["birth_date"] == "2010-02-30"  # kept as typed, to be corrected


def test_a_conditional_field_is_required_only_when_shown(online_item, citizen):
    fields = ServiceForm.objects.get(item=online_item).fields
    _cleaned, errors = cases.clean_answers(fields, {**GOOD_ANSWERS, "hardship": "low income"})
    assert errors == {}
    cleaned, errors = cases.clean_answers(
        fields, {**GOOD_ANSWERS, "hardship": "low income", "hardship_detail": "ignored"}
    )
    assert "hardship_detail" not in cleaned
    _cleaned, errors = cases.clean_answers(fields, {**GOOD_ANSWERS, "hardship": "other"})
    assert list(errors) == ["hardship_detail"]


def test_the_kernel_validators_check_id_numbers_credit_codes_and_phones():
    fields = [
        {"key": "id", "label": "ID", "type": "id_number", "required": True},
        {"key": "code", "label": "Code", "type": "credit_code", "required": True},
        {"key": "tel", "label": "Tel", "type": "phone", "required": True},
        {"key": "n", "label": "N", "type": "number", "required": True},
    ]
    good = {"id": citizen_id().lower(), "code": credit_code(), "tel": "0551-12345678", "n": "3.5"}
    cleaned, errors = cases.clean_answers(fields, good)
    assert errors == {} and cleaned["id"] == citizen_id() and cleaned["n"] == "3.5"
    bad = {"id": "341125199003070011", "code": "91341125MA2TY0K1XX", "tel": "999", "n": "abc"}
    _cleaned, errors = cases.clean_answers(fields, bad)
    assert set(errors) == {"id", "code", "tel", "n"}


def test_a_disguised_upload_is_refused_for_its_slot_and_the_answers_stay(online_item, citizen):
    app = cases.save_draft(citizen, online_item, answers=GOOD_ANSWERS)
    material = online_item.materials.first()
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    with pytest.raises(Invalid) as caught:
        cases.upload_material(citizen, app, material, fake)
    assert caught.value.field == f"materials[{material.pk}]"
    app.refresh_from_db()
    assert app.answers["school"] == GOOD_ANSWERS["school"] and not app.materials.exists()


def test_an_oversized_upload_is_refused(online_item, citizen, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    app = cases.save_draft(citizen, online_item, answers=GOOD_ANSWERS)
    with pytest.raises(Invalid) as caught:
        cases.upload_material(citizen, app, online_item.materials.first(), pdf())
    assert caught.value.code == "too_large"


def test_a_business_applies_only_with_a_valid_credit_code(online_item, clerk_a):
    from zhengtong.public.models import PublicUser

    online_item.audience = "both"
    online_item.save()
    business = PublicUser(
        kind="business",
        mobile="13700001111",
        company_name="禾溪茶业有限公司",
        credit_code=credit_code(),
    )
    business.set_password("x")
    business.save()
    app = draft_with_files(business, online_item, applicant_name="张经理")
    app = cases.submit(business, app)
    assert app.state == S.SUBMITTED and app.credit_code == credit_code()
    PublicUser.objects.filter(pk=business.pk).update(credit_code="91341125MA2TY0K1XX")
    business.refresh_from_db()
    with pytest.raises(Invalid) as caught:
        cases.save_draft(business, online_item, answers={})
    assert caught.value.field == "credit_code"


def test_an_item_without_online_form_cannot_be_applied_for(county, clerk_a, citizen):
    from .conftest import make_item

    item = make_item(clerk_a, county.a)
    with pytest.raises(Invalid):
        cases.save_draft(citizen, item, answers={})


# --- intake -----------------------------------------------------------------------------


def test_accept_starts_the_statutory_and_promised_clocks(online_item, citizen, clerk_a):
    app = accepted(citizen, online_item, clerk_a)
    today = timezone.localdate()
    assert app.state == S.ACCEPTED and app.accepted_on == today
    assert app.decision_due == calendar.add_working_days(today, 20).date
    assert app.promised_due == calendar.add_working_days(today, 10).date
    assert open_kinds(app) == [cases.KIND_REVIEW]


def test_refuse_at_intake_names_the_right_unit(online_item, citizen, clerk_a):
    app = submitted(citizen, online_item)
    with pytest.raises(Invalid):
        cases.refuse_at_intake(clerk_a, app, reasons=" ")
    app = cases.refuse_at_intake(
        clerk_a, app, reasons="Outside our competence.", right_unit="County Market Bureau"
    )
    assert app.state == S.REFUSED_AT_INTAKE and open_kinds(app) == []
    step = CaseStep.objects.get(application=app, kind="refused_at_intake")
    assert "County Market Bureau" in step.public_text
    with pytest.raises(Conflict):
        cases.accept(clerk_a, app)


def test_the_one_time_notice_lists_everything_once_and_the_supply_returns_to_intake(
    online_item, citizen, clerk_a
):
    app = submitted(citizen, online_item)
    first, second = list(online_item.materials.all())
    with pytest.raises(Invalid):
        cases.send_one_time_notice(clerk_a, app, problems=[])
    app = cases.send_one_time_notice(
        clerk_a,
        app,
        problems=[
            {"material": first.pk, "problem": "wrong", "what_to_do": "Sign the form."},
            {"material": second.pk, "problem": "missing", "what_to_do": "Upload the ID card."},
        ],
    )
    assert app.state == S.NOTICE_SENT and open_kinds(app) == []
    assert len(app.notice.items) == 2
    # Supplying without new files is refused, naming each listed material.
    with pytest.raises(cases.FormErrors) as caught:
        cases.supply_after_notice(citizen, app)
    assert set(caught.value.errors) == {f"materials[{first.pk}]", f"materials[{second.pk}]"}
    for material in (first, second):
        cases.upload_material(citizen, app, material, pdf("new.pdf"))
    app = cases.supply_after_notice(citizen, app)
    assert app.state == S.SUBMITTED and open_kinds(app) == [cases.KIND_INTAKE]
    # There is only ever one notice.
    with pytest.raises(Conflict) as caught:
        cases.send_one_time_notice(
            clerk_a, app, problems=[{"material": first.pk, "what_to_do": "Again."}]
        )
    assert caught.value.code == "notice_sent"
    assert cases.accept(clerk_a, app).state == S.ACCEPTED


def test_without_intake_in_the_notice_period_the_application_counts_as_accepted(
    online_item, citizen
):
    app = submitted(citizen, online_item)
    assert cases.deem_accepted(today=app.intake_due) == 0
    later = app.intake_due + datetime.timedelta(days=1)
    assert cases.deem_accepted(today=later) == 1
    app.refresh_from_db()
    received = timezone.localdate(app.submitted_at)
    assert app.state == S.ACCEPTED and app.deemed_accepted and app.accepted_on == received
    assert app.decision_due == calendar.add_working_days(received, 20).date
    assert cases.deem_accepted(today=later) == 0


# --- review, decision, deadlines ---------------------------------------------------------


def test_the_decision_needs_two_different_reviewers(online_item, citizen, clerk_a, head_a):
    app = accepted(citizen, online_item, clerk_a)
    cases.review(clerk_a, app, opinion="OK", recommendation="approve")
    with pytest.raises(Conflict) as caught:
        cases.review(clerk_a, app, opinion="OK again", recommendation="approve")
    assert caught.value.code == "same_reviewer"
    with pytest.raises(Conflict) as caught:
        cases.decide(head_a, app, outcome="approve")
    assert caught.value.code == "reviews_needed"
    cases.review(head_a, app, opinion="Agreed", recommendation="approve")
    app.refresh_from_db()
    assert app.state == S.IN_REVIEW and open_kinds(app) == [cases.KIND_DECIDE]
    app = cases.decide(head_a, app, outcome="approve")
    assert app.state == S.APPROVED and app.decided_on_time
    assert open_kinds(app) == [cases.KIND_DELIVER]
    app = cases.deliver(clerk_a, app, way="online")
    assert app.state == S.DELIVERED and open_kinds(app) == []


def test_a_refusal_needs_reasons_and_tells_of_the_remedies(
    online_item, citizen, clerk_a, reviewer_a, head_a
):
    app = reviewed(citizen, online_item, clerk_a, reviewer_a, "refuse")
    with pytest.raises(Invalid):
        cases.decide(head_a, app, outcome="refuse", reasons="")
    app = cases.decide(head_a, app, outcome="refuse", reasons="Income above the limit.")
    assert app.state == S.REFUSED
    assert Decision.objects.get(application=app).remedy_notice == cases._site_language(
        cases.REMEDY_NOTICE
    )
    with pytest.raises(Conflict):
        cases.deliver(clerk_a, app, way="online")


def test_the_extension_is_once_by_the_head_with_a_reason(online_item, citizen, clerk_a, head_a):
    app = accepted(citizen, online_item, clerk_a)
    with pytest.raises(NotPermitted):
        cases.extend(clerk_a, app, reason="Complex matter.")
    with pytest.raises(Invalid):
        cases.extend(head_a, app, reason="")
    due = app.decision_due
    app = cases.extend(head_a, app, reason="Complex matter.")
    assert app.decision_due == calendar.add_working_days(due, 10).date
    step = CaseStep.objects.get(application=app, kind="extended")
    assert "Complex matter." in step.public_text
    with pytest.raises(Conflict) as caught:
        cases.extend(head_a, app, reason="Again.")
    assert caught.value.code == "extended"


def test_a_special_step_pauses_the_clock_by_its_working_days(
    online_item, citizen, clerk_a, monkeypatch
):
    app = accepted(citizen, online_item, clerk_a)
    due, promised = app.decision_due, app.promised_due
    with pytest.raises(Invalid):
        cases.start_special_step(clerk_a, app, kind="hearing", reason="x", planned_days=0)
    app = cases.start_special_step(
        clerk_a, app, kind="expert_review", reason="Expert opinion needed.", planned_days=5
    )
    assert app.state == S.SUSPENDED and open_kinds(app) == [cases.KIND_SPECIAL]
    told = CaseStep.objects.get(application=app, kind="special_started").public_text
    assert "5" in told
    later = calendar.add_working_days(timezone.localdate(), 3).date
    monkeypatch.setattr(handling, "_today", lambda: later)
    app = cases.end_special_step(clerk_a, app)
    assert app.state == S.ACCEPTED and app.paused_days == 3
    assert app.decision_due == calendar.add_working_days(due, 3).date
    assert app.promised_due == calendar.add_working_days(promised, 3).date
    assert open_kinds(app) == [cases.KIND_REVIEW]
    with pytest.raises(Conflict):
        cases.end_special_step(clerk_a, app)


def test_a_late_decision_is_recorded_as_late(online_item, citizen, clerk_a, reviewer_a, head_a):
    app = reviewed(citizen, online_item, clerk_a, reviewer_a)
    Application.objects.filter(pk=app.pk).update(
        decision_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    app = cases.decide(head_a, app, outcome="approve")
    assert app.decided_on_time is False


def test_overdue_work_items_escalate_once_per_level(
    online_item, citizen, clerk_a, head_a, reviewer_a
):
    from zhengtong.core.models import Notification

    app = submitted(citizen, online_item)
    late = calendar.add_working_days(app.intake_due, 3).date
    made = cases.escalate_overdue(today=late)
    assert made == 2  # level 1 (clerks) and level 2 (the head)
    assert Notification.objects.filter(recipient=head_a).exists()
    assert cases.escalate_overdue(today=late) == 0


def test_the_applicant_may_withdraw_before_the_decision(online_item, citizen, clerk_a):
    app = accepted(citizen, online_item, clerk_a)
    app = cases.withdraw(citizen, app, reason="No longer needed.")
    assert app.state == S.WITHDRAWN and open_kinds(app) == []


# --- concurrency ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_staff_deciding_at_the_same_moment_one_wins(
    online_item, citizen, clerk_a, reviewer_a, head_a
):
    app = reviewed(citizen, online_item, clerk_a, reviewer_a)
    results, barrier = [], threading.Barrier(2)

    def decide(person, outcome):
        try:
            barrier.wait(10)
            cases.decide(person, app, outcome=outcome, reasons="Decided.")
            results.append("ok")
        except Conflict:
            results.append("conflict")
        except Exception as exc:  # pragma: no cover - reported below
            results.append(repr(exc))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(head_a, "approve")),
        threading.Thread(target=decide, args=(clerk_a, "refuse")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results) == ["conflict", "ok"]
    assert Decision.objects.filter(application=app).count() == 1


def test_a_decision_on_a_case_changed_meanwhile_is_a_conflict(
    online_item, citizen, clerk_a, reviewer_a, head_a
):
    app = reviewed(citizen, online_item, clerk_a, reviewer_a)
    cases.decide(head_a, app, outcome="approve")
    with pytest.raises(Conflict):
        cases.decide(clerk_a, app, outcome="refuse", reasons="Too late.")


# --- permissions ------------------------------------------------------------------------


def test_another_applicant_never_sees_or_touches_the_application(
    online_item, citizen, other_citizen
):
    app = draft_with_files(citizen, online_item)
    for call in (
        lambda: cases.get_own(other_citizen, app.pk),
        lambda: cases.save_draft(other_citizen, online_item, application=app, answers={}),
        lambda: cases.submit(other_citizen, app),
        lambda: cases.upload_material(other_citizen, app, online_item.materials.first(), pdf()),
        lambda: cases.withdraw(other_citizen, app),
    ):
        with pytest.raises(NotFound):
            call()
    assert list(cases.applications_of(other_citizen)) == []


def test_staff_of_another_unit_cannot_handle_the_case(online_item, citizen, clerk_b, county):
    app = submitted(citizen, online_item)
    for call in (
        lambda: cases.accept(clerk_b, app),
        lambda: cases.refuse_at_intake(clerk_b, app, reasons="x"),
        lambda: cases.send_one_time_notice(clerk_b, app, problems=[]),
    ):
        with pytest.raises(NotPermitted):
            call()
    no_role = make_user("no_role_a", county.a)
    with pytest.raises(NotPermitted):
        cases.accept(no_role, app)


# --- ratings ----------------------------------------------------------------------------


def test_a_bad_rating_opens_a_rectification_shown_to_the_applicant(
    online_item, citizen, clerk_a, reviewer_a, head_a, clerk_b
):
    app = reviewed(citizen, online_item, clerk_a, reviewer_a)
    with pytest.raises(Conflict):
        cases.rate(citizen, app, overall=2, efficiency=2, guide_accuracy=3, convenience=3)
    cases.decide(head_a, app, outcome="approve")
    cases.deliver(clerk_a, app, way="collection")
    with pytest.raises(Invalid):
        cases.rate(citizen, app, overall=9, efficiency=2, guide_accuracy=3, convenience=3)
    rating = cases.rate(
        citizen, app, overall=2, efficiency=1, guide_accuracy=3, convenience=3, comment="Slow."
    )
    assert rating.is_bad and open_kinds(app) == [cases.KIND_RECTIFY]
    with pytest.raises(Conflict):
        cases.rate(citizen, app, overall=5, efficiency=5, guide_accuracy=5, convenience=5)
    with pytest.raises(NotPermitted):
        cases.record_rectification(clerk_b, app, call_back="x", result="y")
    cases.record_rectification(
        clerk_a, app, call_back="Called on 1 Dec.", result="Window hours extended."
    )
    assert open_kinds(app) == []
    step = CaseStep.objects.get(application=app, kind="rectified")
    assert step.public_text == "Window hours extended." and step.internal_note.startswith("Called")
    stats = cases.rating_statistics()
    assert stats[0]["count"] == 1 and stats[0]["bad"] == 1 and stats[0]["rectified"] == 1


def test_a_good_rating_opens_nothing(online_item, citizen, clerk_a, reviewer_a, head_a):
    app = reviewed(citizen, online_item, clerk_a, reviewer_a)
    cases.decide(head_a, app, outcome="approve")
    cases.deliver(clerk_a, app, way="online")
    cases.rate(citizen, app, overall=5, efficiency=4, guide_accuracy=4, convenience=5)
    assert open_kinds(app) == []


# --- lookup and documents ----------------------------------------------------------------


def test_progress_lookup_by_number_and_id_or_mobile(online_item, citizen):
    app = submitted(citizen, online_item)
    assert cases.find_for_progress(app.number, citizen_id("34112519900307001")) == app
    assert cases.find_for_progress(app.number, "139 0000 1111") == app
    assert cases.find_for_progress(app.number, "13900003333") is None
    assert cases.find_for_progress("2020000000000", "13900001111") is None
    assert cases.find_for_progress(app.number, "garbage") is None


def test_the_receipt_and_the_certificate_are_pdfs_with_a_seal(
    online_item, citizen, clerk_a, reviewer_a, head_a
):
    from zhengtong.services import pdf as case_pdf

    seal = case_pdf.draw_seal_image("禾溪县教育局")
    assert seal.startswith(b"\x89PNG")
    app = reviewed(citizen, online_item, clerk_a, reviewer_a)
    receipt = case_pdf.receipt_pdf(app)
    assert receipt.startswith(b"%PDF") and b"/Subtype /Image" in receipt
    app = cases.decide(head_a, app, outcome="approve")
    assert case_pdf.certificate_pdf(app).startswith(b"%PDF")
    # Both are kept as the case's attachments when issued.
    app.refresh_from_db()
    assert app.receipt.extension == "pdf" and app.receipt.original_name.endswith("回执.pdf")
    assert Decision.objects.get(application=app).document.extension == "pdf"


def test_refusal_at_intake_and_deemed_acceptance_issue_a_receipt(online_item, citizen, clerk_a):
    refused = cases.refuse_at_intake(clerk_a, submitted(citizen, online_item), reasons="No.")
    assert refused.receipt_id
    waiting = submitted(citizen, online_item)
    cases.deem_accepted(today=waiting.intake_due + datetime.timedelta(days=1))
    waiting.refresh_from_db()
    assert waiting.deemed_accepted and waiting.receipt_id


def test_the_personal_centre_lists_the_applications(online_item, citizen, other_citizen):
    from zhengtong.services.selectors import my_applications

    app = submitted(citizen, online_item)
    lines = my_applications(citizen)
    assert len(lines) == 1 and app.number in lines[0].title
    assert my_applications(other_citizen) == []


def test_the_daily_jobs_are_registered_with_the_scheduler():
    from zhengtong.core import scheduler

    names = {job.name for job in scheduler.JOBS}
    assert {"services_deemed_acceptance", "services_escalation"} <= names


def test_the_personal_centre_has_a_my_applications_section():
    from zhengtong.public.registry import registered_keys

    assert "services" in registered_keys()


def test_blank_table_rows_are_not_kept(online_item, citizen):
    app = cases.save_draft(
        citizen,
        online_item,
        answers={
            "household": [{"name": "李明", "relation": "父亲"}, {"name": " ", "relation": ""}]
        },
    )
    assert app.answers["household"] == [{"name": "李明", "relation": "父亲"}]
