"""The unit's handling of a case: intake (accept, refuse, the one-time notice, deemed
acceptance), the substantive review, the extension, special steps, the decision, the
delivery, and the daily escalation of overdue cases."""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengtong.core import calendar, escalation
from zhengtong.core.attachments import store_upload
from zhengtong.core.errors import Conflict, Invalid
from zhengtong.core.models import Attachment, WorkItem, WorkItemState
from zhengtong.org import permissions
from zhengtong.org.models import User
from zhengtong.org.permissions import Acting

from ..models import (
    Application,
    ApplicationMaterial,
    CaseStepKind,
    Decision,
    DeliveryWay,
    OneTimeNotice,
    Recommendation,
    Review,
    SpecialStep,
    SpecialStepKind,
    Verdict,
)
from .common import (
    NOTE_MAX,
    REVIEWERS_NEEDED,
    S,
    _audit,
    _decision_due,
    _due,
    _lock,
    _move,
    _site_language,
    _step,
    _sync_items,
    _tell_applicant,
    _text,
    _today,
)

DEFAULT_DECISION_DAYS = 20  # Art. 42
EXTENSION_DAYS = 10  # Art. 42: once, with the head's approval
DELIVERY_DAYS = 10  # Art. 44: the certificate within 10 days of the decision
MAX_SPECIAL_DAYS = 120
REMEDY_NOTICE = gettext_lazy(
    "If you do not agree with this decision, you may apply for administrative "
    "reconsideration to the County People's Government within 60 days of receiving it, "
    "or bring an administrative lawsuit before the people's court within 6 months."
)


def _keep_pdf(
    actor: Acting | None, application: Application, content: bytes, name: str
) -> Attachment:
    """Keep a generated document (receipt, certificate) as the case's attachment."""
    from django.core.files.base import ContentFile

    return store_upload(
        actor,
        ContentFile(content, name=name),
        unit=application.unit,
        owner=application,
        allowed={"pdf"},
        contains_personal_data=True,
    )


def _issue_receipt(actor: Acting | None, application: Application) -> None:
    """The dated receipt of acceptance or refusal with the unit's seal (Art. 32)."""
    from ..pdf import receipt_pdf

    application.receipt = _keep_pdf(
        actor, application, receipt_pdf(application), f"{application.number}-回执.pdf"
    )
    application.save(update_fields=["receipt"])


def _start_decision_clock(application: Application, received_on: datetime.date) -> None:
    """Acceptance: the statutory time limit (the item's, 20 working days by default)
    and the promised one count from the day of acceptance."""
    item = application.item
    application.accepted_on = received_on
    application.decision_due = _due(received_on, item.statutory_limit or DEFAULT_DECISION_DAYS)
    promised = item.promised_limit
    application.promised_due = _due(received_on, promised) if promised else None


@transaction.atomic
def accept(actor: User, application: Application | int, *, note: str = "") -> Application:
    """受理: the application is complete and conforming. Starts the decision clock and
    produces the dated acceptance receipt with the unit's seal (kept as `receipt`)."""
    application = _lock(application)
    acting = permissions.require(actor, "services.handle_case", application)
    _move(application, S.ACCEPTED)
    _start_decision_clock(application, _today())
    application.materials.filter(verdict=Verdict.PENDING).update(verdict=Verdict.OK)
    application.save()
    _issue_receipt(acting, application)
    _step(
        application,
        CaseStepKind.ACCEPTED,
        actor=acting,
        internal=_text(note, "note", required=False),
    )
    _sync_items(acting, application)
    _audit(acting, "accept", application, {"state": [S.SUBMITTED, S.ACCEPTED]})
    _tell_applicant(
        application,
        _("Your application %(number)s has been accepted; decision by %(date)s.")
        % {
            "number": application.number,
            "date": (application.promised_due or _decision_due(application)).isoformat(),
        },
    )
    return application


@transaction.atomic
def refuse_at_intake(
    actor: User, application: Application | int, *, reasons: str, right_unit: str = ""
) -> Application:
    """不予受理: written reasons; when the matter is outside the unit's competence,
    `right_unit` names the unit to apply to. Produces the dated refusal receipt."""
    application = _lock(application)
    acting = permissions.require(actor, "services.handle_case", application)
    reasons = _text(reasons, "reasons", message=_("Give the reasons for not accepting."))
    right_unit = _text(right_unit, "right_unit", required=False, maximum=200)
    _move(application, S.REFUSED_AT_INTAKE)
    application.refusal_reasons = reasons
    application.right_unit = right_unit
    application.decided_at = timezone.now()
    application.save()
    _issue_receipt(acting, application)
    public = reasons
    if right_unit:
        public += "\n" + _("Please apply to: %(unit)s") % {"unit": right_unit}
    _step(application, CaseStepKind.REFUSED_AT_INTAKE, actor=acting, public_text=public)
    _sync_items(acting, application)
    _audit(acting, "refuse_at_intake", application, {"state": [S.SUBMITTED, application.state]})
    _tell_applicant(
        application,
        _("Your application %(number)s was not accepted; see the reasons online.")
        % {"number": application.number},
    )
    return application


@transaction.atomic
def send_one_time_notice(
    actor: User,
    application: Application | int,
    *,
    problems: Iterable[Mapping[str, Any]] | None,
    note: str = "",
) -> Application:
    """一次告知: in ONE notice, every missing or wrong material (and anything else to
    correct) with what to do. `problems`: [{material: slot id or None, problem:
    "missing"|"wrong", what_to_do}]. Only one notice per application (Art. 32)."""
    application = _lock(application)
    acting = permissions.require(actor, "services.handle_case", application)
    if OneTimeNotice.objects.filter(application=application).exists():
        raise Conflict(
            _("The one-time notice has already been sent: everything must be in one notice."),
            code="notice_sent",
        )
    slots = {m.pk: m for m in application.item.materials.all()}
    items: list[dict[str, Any]] = []
    for n, raw in enumerate(problems or [], start=1):
        given = str(raw.get("material") or "")
        material = int(given) if given.isdigit() else None
        if material is not None and material not in slots:
            raise Invalid(_("Choose one of the guide's materials."), field="problems")
        problem = raw.get("problem") or Verdict.MISSING
        if problem not in (Verdict.MISSING, Verdict.WRONG):
            raise Invalid(_("Say whether the material is missing or wrong."), field="problems")
        what = (raw.get("what_to_do") or "").strip()
        if not what:
            raise Invalid(
                _("Problem %(n)d: say what the applicant must do.") % {"n": n}, field="problems"
            )
        items.append(
            {
                "material": material,
                "name": slots[material].name if material else "",
                "problem": problem,
                "what_to_do": what[:NOTE_MAX],
            }
        )
    if not items:
        raise Invalid(_("List every material that is missing or wrong."), field="problems")
    note = _text(note, "note", required=False)
    _move(application, S.NOTICE_SENT)
    application.save()
    OneTimeNotice.objects.create(
        application=application,
        items=items,
        note=note,
        sent_at=timezone.now(),
        sent_by=acting.person,
    )
    for i in items:
        if i["material"]:
            row, _c = ApplicationMaterial.objects.get_or_create(
                application=application,
                material_id=i["material"],
                defaults={"name": i["name"]},
            )
            row.verdict = i["problem"]
            row.note = i["what_to_do"]
            row.save(update_fields=["verdict", "note"])
    lines = [f"{i['name'] or _('Other')}: {i['what_to_do']}" for i in items]
    _step(application, CaseStepKind.NOTICE, actor=acting, public_text="\n".join(lines))
    _sync_items(acting, application)
    _audit(acting, "notice", application, {"problems": len(items)})
    _tell_applicant(
        application,
        _("Application %(number)s: materials are missing or wrong; see the one-time notice online.")
        % {"number": application.number},
    )
    return application


def deem_accepted(today: datetime.date | None = None) -> int:
    """Daily (§7.1, Art. 32): an application still waiting for intake after the notice
    period, without a notice, counts as accepted from the day its materials were
    received. Returns the number deemed accepted."""
    today = today or _today()
    count = 0
    ids = list(
        Application.objects.filter(state=S.SUBMITTED, intake_due__lt=today).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        with transaction.atomic():
            application = _lock(pk)
            due = application.intake_due
            if application.state != S.SUBMITTED or due is None or due >= today:
                continue
            notice = OneTimeNotice.objects.filter(application=application).first()
            received = timezone.localdate(
                notice.supplied_at if notice and notice.supplied_at else application.submitted_at
            )
            _move(application, S.ACCEPTED)
            application.deemed_accepted = True
            _start_decision_clock(application, received)
            application.save()
            _issue_receipt(None, application)
            _step(application, CaseStepKind.DEEMED_ACCEPTED)
            _sync_items(None, application)
            _audit(None, "deemed_accepted", application, {"accepted_on": received})
            count += 1
    return count


@transaction.atomic
def review(
    actor: User, application: Application | int, *, opinion: str, recommendation: str
) -> Application:
    """One reviewer's opinion in the substantive check. A person reviews a case once;
    the decision needs REVIEWERS_NEEDED different reviewers (Art. 34)."""
    application = _lock(application)
    acting = permissions.require(actor, "services.review_case", application)
    opinion = _text(opinion, "opinion", message=_("Write your opinion."))
    if recommendation not in Recommendation.values:
        raise Invalid(_("Recommend approval or refusal."), field="recommendation")
    if application.state not in (S.ACCEPTED, S.IN_REVIEW):
        raise Conflict(
            _("This cannot be done while the application is “%(state)s”.")
            % {"state": S(application.state).label},
            code="wrong_state",
        )
    if application.reviews.filter(reviewer=acting.person).exists():
        raise Conflict(
            _("You have already reviewed this case; a second reviewer must be someone else."),
            code="same_reviewer",
        )
    Review.objects.create(
        application=application,
        reviewer=acting.person,
        opinion=opinion,
        recommendation=recommendation,
        at=timezone.now(),
    )
    first = application.state == S.ACCEPTED
    if first:
        _move(application, S.IN_REVIEW)
        application.save()
        _step(application, CaseStepKind.REVIEW, actor=acting)
    _sync_items(acting, application)
    _audit(acting, "review", application, {"recommendation": recommendation})
    return application


@transaction.atomic
def extend(actor: User, application: Application | int, *, reason: str) -> Application:
    """Extend the decision time limit once by EXTENSION_DAYS working days: the unit head
    only, with the reason shown to the applicant (Art. 42)."""
    application = _lock(application)
    acting = permissions.require(actor, "services.extend_case", application)
    reason = _text(reason, "reason", message=_("Give the reason, which the applicant is shown."))
    if application.state not in (S.ACCEPTED, S.IN_REVIEW, S.SUSPENDED):
        raise Conflict(_("Only a case under way can be extended."), code="wrong_state")
    if application.extended:
        raise Conflict(_("The time limit can be extended only once."), code="extended")
    old = _decision_due(application)
    application.decision_due = _due(old, EXTENSION_DAYS)
    if application.promised_due:
        application.promised_due = min(
            _due(application.promised_due, EXTENSION_DAYS), application.decision_due
        )
    application.extended = True
    application.extension_reason = reason
    application.save()
    _step(
        application,
        CaseStepKind.EXTENDED,
        actor=acting,
        public_text=_("New decision date: %(date)s. Reason: %(reason)s")
        % {"date": application.decision_due.isoformat(), "reason": reason},
    )
    _sync_items(acting, application)
    _audit(acting, "extend", application, {"decision_due": [old, application.decision_due]})
    _tell_applicant(
        application,
        _("The time limit of application %(number)s was extended to %(date)s.")
        % {"number": application.number, "date": application.decision_due.isoformat()},
    )
    return application


@transaction.atomic
def start_special_step(
    actor: User,
    application: Application | int,
    *,
    kind: str,
    reason: str,
    planned_days: int | str,
) -> Application:
    """特殊环节 (hearing, inspection, expert review …): the clock pauses, and the
    applicant is told how long it is planned to take (Art. 45)."""
    application = _lock(application)
    acting = permissions.require(actor, "services.handle_case", application)
    if kind not in SpecialStepKind.values:
        raise Invalid(_("Choose the kind of special step."), field="kind")
    reason = _text(reason, "reason", message=_("Say why the special step is needed."))
    try:
        planned_days = int(planned_days)
    except (TypeError, ValueError):
        raise Invalid(_("Enter a whole number of working days."), field="planned_days") from None
    if not 1 <= planned_days <= MAX_SPECIAL_DAYS:
        raise Invalid(
            _("Plan between 1 and %(max)d working days.") % {"max": MAX_SPECIAL_DAYS},
            field="planned_days",
        )
    before = _move(application, S.SUSPENDED)
    application.state_before_pause = before
    application.save()
    SpecialStep.objects.create(
        application=application,
        kind=kind,
        reason=reason,
        planned_days=planned_days,
        started_on=_today(),
        started_by=acting.person,
    )
    label = SpecialStepKind(kind).label
    _step(
        application,
        CaseStepKind.SPECIAL_STARTED,
        actor=acting,
        public_text=_(
            "%(kind)s, planned to take %(days)d working days; not counted in the time limit. %(reason)s"
        )
        % {"kind": label, "days": planned_days, "reason": reason},
    )
    _sync_items(acting, application)
    _audit(acting, "special_start", application, {"kind": kind, "planned_days": planned_days})
    _tell_applicant(
        application,
        _(
            "Application %(number)s: %(kind)s, about %(days)d working days, not counted in the time limit."
        )
        % {"number": application.number, "kind": label, "days": planned_days},
    )
    return application


@transaction.atomic
def end_special_step(
    actor: User, application: Application | int, *, result: str = ""
) -> Application:
    """The special step is over: the clock runs again, the deadlines moved by the
    working days it took."""
    application = _lock(application)
    acting = permissions.require(actor, "services.handle_case", application)
    step = application.special_steps.filter(ended_on__isnull=True).last()
    if application.state != S.SUSPENDED or step is None:
        raise Conflict(_("No special step is under way."), code="wrong_state")
    today = _today()
    paused = max(0, calendar.working_days_between(step.started_on, today).count)
    step.ended_on = today
    step.paused_days = paused
    step.save(update_fields=["ended_on", "paused_days"])
    application.state = application.state_before_pause or S.IN_REVIEW
    if application.state not in (S.ACCEPTED, S.IN_REVIEW):
        application.state = S.IN_REVIEW
    application.state_before_pause = ""
    application.paused_days += paused
    if paused:
        application.decision_due = _due(_decision_due(application), paused)
        if application.promised_due:
            application.promised_due = _due(application.promised_due, paused)
    application.save()
    _step(
        application,
        CaseStepKind.SPECIAL_ENDED,
        actor=acting,
        public_text=_text(result, "result", required=False)
        or _("New decision date: %(date)s.") % {"date": _decision_due(application).isoformat()},
    )
    _sync_items(acting, application)
    _audit(acting, "special_end", application, {"paused_days": paused})
    return application


@transaction.atomic
def decide(
    actor: User,
    application: Application | int,
    *,
    outcome: str,
    reasons: str = "",
    expected_state: str | None = None,
) -> Application:
    """The decision, after at least two different reviewers (Art. 34). Approve: the
    result document (certificate) is generated from the template (`certificate_pdf`,
    WeasyPrint), kept as the decision's document, and the result is to be delivered
    within DELIVERY_DAYS. Refuse: reasons required,
    with the notice of the right to reconsideration or litigation (Art. 38).
    The row is locked and its state checked: of two staff deciding at the same moment
    one wins and the other gets Conflict."""
    application = _lock(application)
    acting = permissions.require(actor, "services.decide_case", application)
    if expected_state and application.state != expected_state:
        raise Conflict(
            _("Someone else has changed this case meanwhile; open it again."), code="stale"
        )
    if outcome not in Recommendation.values:
        raise Invalid(_("Choose approval or refusal."), field="outcome")
    reasons = _text(
        reasons,
        "reasons",
        required=outcome == Recommendation.REFUSE,
        message=_("Give the reasons for the refusal."),
    )
    if (
        application.state not in (S.ACCEPTED, S.IN_REVIEW)
        or Decision.objects.filter(application=application).exists()
    ):
        raise Conflict(
            _("This case has already been decided or cannot be decided now."),
            code="wrong_state",
        )
    reviewers = application.reviews.values("reviewer").distinct().count()
    if reviewers < REVIEWERS_NEEDED:
        raise Conflict(
            _("A substantive check needs at least %(n)d different reviewers first.")
            % {"n": REVIEWERS_NEEDED},
            code="reviews_needed",
        )
    new_state = S.APPROVED if outcome == Recommendation.APPROVE else S.REFUSED
    _move(application, new_state)
    now = timezone.now()
    application.decided_at = now
    application.decided_on_time = timezone.localdate(now) <= _decision_due(application)
    if new_state == S.APPROVED:
        application.delivery_due = _due(timezone.localdate(now), DELIVERY_DAYS)
    application.save()
    decision = Decision.objects.create(
        application=application,
        outcome=outcome,
        reasons=reasons,
        remedy_notice=_site_language(REMEDY_NOTICE) if outcome == Recommendation.REFUSE else "",
        decided_by=acting.person,
        decided_at=now,
    )
    if new_state == S.APPROVED:
        from ..pdf import certificate_pdf

        # The result document, from the template, kept as the decision's document.
        decision.document = _keep_pdf(
            acting, application, certificate_pdf(application), f"{application.number}.pdf"
        )
        decision.save(update_fields=["document"])
        _step(application, CaseStepKind.APPROVED, actor=acting, public_text=reasons)
    else:
        _step(
            application,
            CaseStepKind.REFUSED,
            actor=acting,
            public_text=f"{reasons}\n{_site_language(REMEDY_NOTICE)}",
        )
    _sync_items(acting, application)
    _audit(acting, "decide", application, {"outcome": outcome})
    _tell_applicant(
        application,
        _("A decision has been made on application %(number)s; see it online.")
        % {"number": application.number},
    )
    return application


@transaction.atomic
def deliver(
    actor: User, application: Application | int, *, way: str, note: str = ""
) -> Application:
    """送达: the result was downloaded, posted or collected; the case is completed."""
    application = _lock(application)
    acting = permissions.require(actor, "services.handle_case", application)
    if way not in DeliveryWay.values:
        raise Invalid(_("Choose how the result was delivered."), field="way")
    note = _text(
        note,
        "note",
        required=way == DeliveryWay.POST,
        maximum=200,
        message=_("Give the postal tracking number."),
    )
    _move(application, S.DELIVERED)
    application.delivered_at = timezone.now()
    application.delivery_way = way
    application.delivery_note = note
    application.save()
    _step(
        application, CaseStepKind.DELIVERED, actor=acting, public_text=str(DeliveryWay(way).label)
    )
    _sync_items(acting, application)
    _audit(acting, "deliver", application, {"way": way})
    return application


def escalate_overdue(today: datetime.date | None = None) -> int:
    """Daily: escalate the cases' overdue work items one level at a time, as for
    letters — the unit's clerks (overdue), its head (escalation.ESCALATE_TO_HEAD_DAYS
    working days late), the supervision office (seriously overdue); see
    core/escalation.py. Each level once per item. Returns the number of escalations made."""
    today = today or _today()
    items = WorkItem.objects.filter(
        state=WorkItemState.OPEN,
        subject_type=ContentType.objects.get_for_model(Application),
        due_date__lt=today,
        kind__startswith="services.",
    )

    def record(item: WorkItem, application: Application, level: int) -> bool:
        created = escalation.record(item, application, level)
        if created:
            _audit(None, "escalate", application, {"work_item": item.pk, "level": level})
        return created

    return escalation.escalate(
        items,
        today,
        subject_of=lambda item: (
            Application.objects.filter(pk=item.subject_id).select_related("unit").first()
        ),
        record=record,
    )
