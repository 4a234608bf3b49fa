"""What every side of a case shares: the time limits, the work items' kinds, the
state machine's moves, the timeline, the audit, the locks and the work items kept in
step with the state (`_sync_items`)."""

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from zhengtong.core import audit, calendar, workitems
from zhengtong.core.errors import Conflict, Message, NotFound
from zhengtong.core.models import WorkItem, WorkItemState
from zhengtong.core.notifications import send_sms
from zhengtong.core.text import clean_text
from zhengtong.org.models import User
from zhengtong.org.permissions import Acting
from zhengtong.public.models import PublicUser

from ..models import (
    APPLICATION_TRANSITIONS,
    Application,
    ApplicationState,
    CaseStep,
)

S = ApplicationState

# Time limits in working days (行政许可法, docs/conformance.md SRV-5–SRV-8).
INTAKE_DAYS = 5  # Art. 32: the one-time notice on the spot or within 5 days
REVIEWERS_NEEDED = 2  # Art. 34: two or more staff for a substantive check
NOTE_MAX = 2000

# The kinds of the case's work items (core.workitems).
KIND_INTAKE = "services.intake"
KIND_REVIEW = "services.review"
KIND_DECIDE = "services.decide"
KIND_SPECIAL = "services.special_step"
KIND_DELIVER = "services.deliver"
KIND_RECTIFY = "services.rectify"
STEP_KINDS = (KIND_INTAKE, KIND_REVIEW, KIND_DECIDE, KIND_SPECIAL, KIND_DELIVER)


def case_url(application: Application) -> str:
    """The case's staff page (work items link to it)."""
    return f"/oa/services/cases/{application.pk}/"


def _site_language(text: str | Promise) -> str:
    """A text kept on the case in the site's language, whatever the request's."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def _today() -> datetime.date:
    return timezone.localdate()


def _due(start: datetime.date, days: int) -> datetime.date:
    return calendar.add_working_days(start, days).date


def _own(
    public_user: PublicUser | None, application: Application | int, *, lock: bool = True
) -> Application:
    """The application, locked, if it belongs to `public_user`; else NotFound."""
    qs = Application.objects.select_related("item", "unit")
    if lock:
        qs = qs.select_for_update(of=("self",))
    found = qs.filter(pk=getattr(application, "pk", application)).first()
    if found is None or public_user is None or found.applicant_id != public_user.pk:
        raise NotFound(_("There is no such application in your account."))
    return found


def _lock(application: Application | int) -> Application:
    try:
        return (
            Application.objects.select_for_update(of=("self",))
            .select_related("item", "unit")
            .get(pk=getattr(application, "pk", application))
        )
    except Application.DoesNotExist as exc:
        raise NotFound() from exc


def _move(application: Application, new_state: str) -> str:
    if new_state not in APPLICATION_TRANSITIONS.get(S(application.state), set()):
        raise Conflict(
            _("This cannot be done while the application is “%(state)s”.")
            % {"state": S(application.state).label},
            code="wrong_state",
        )
    old = application.state
    application.state = new_state
    return old


def _step(
    application: Application,
    kind: str,
    *,
    actor: Acting | User | None = None,
    public_text: str = "",
    internal: str = "",
) -> CaseStep:
    person: Any = getattr(actor, "person", actor)
    return CaseStep.objects.create(
        application=application,
        at=timezone.now(),
        kind=kind,
        public_text=public_text,
        internal_note=internal,
        actor=person if getattr(person, "pk", None) else None,
    )


def _audit(
    actor: Acting | None,
    action: str,
    application: Application,
    changes: dict[str, Any] | None = None,
) -> None:
    audit.record(
        actor, f"services.case.{action}", application, unit=application.unit, changes=changes
    )


def _text(
    value: str | None,
    field: str,
    *,
    required: bool = True,
    maximum: int = NOTE_MAX,
    message: Message | None = None,
) -> str:
    return clean_text(value, field, maximum=maximum, required=required, message=message)


def _decision_due(application: Application) -> datetime.date:
    """The decision date, which every case past intake has (set at acceptance)."""
    due = application.decision_due
    assert due is not None, "a case past intake has its decision date"
    return due


def _review_due(application: Application) -> datetime.date | None:
    dates = [d for d in (application.promised_due, application.decision_due) if d]
    return min(dates) if dates else None


def _items_for_state(application: Application) -> list[tuple[str, datetime.date | None, str]]:
    """The step items a case in its current state needs: (kind, due, title)."""
    st = application.state
    if st == S.SUBMITTED:
        return [(KIND_INTAKE, application.intake_due, _("Intake of application %(number)s"))]
    if st in (S.ACCEPTED, S.IN_REVIEW):
        if application.reviews.values("reviewer").distinct().count() >= REVIEWERS_NEEDED:
            return [(KIND_DECIDE, _review_due(application), _("Decide application %(number)s"))]
        return [(KIND_REVIEW, _review_due(application), _("Review application %(number)s"))]
    if st == S.SUSPENDED:
        step = application.special_steps.filter(ended_on__isnull=True).last()
        due = _due(step.started_on, step.planned_days) if step else None
        return [(KIND_SPECIAL, due, _("Special step of application %(number)s"))]
    if st == S.APPROVED:
        return [(KIND_DELIVER, application.delivery_due, _("Deliver the result of %(number)s"))]
    return []


def _sync_items(
    actor: Acting | None, application: Application, *, state: str = WorkItemState.DONE
) -> None:
    """Close the case's step items and open those of its current state."""
    open_items = WorkItem.objects.filter(
        state=WorkItemState.OPEN,
        subject_type=ContentType.objects.get_for_model(Application),
        subject_id=str(application.pk),
        kind__in=STEP_KINDS,
    )
    wanted = _items_for_state(application)
    wanted_kinds = {(k, due) for k, due, _t in wanted}
    kept = set()
    for item in open_items:
        if (item.kind, item.due_date) in wanted_kinds:
            kept.add(item.kind)
        else:
            workitems.close_items_for(application, kind=item.kind, state=state, actor=actor)
    for kind, due, title in wanted:
        if kind in kept:
            continue
        workitems.open_work_item(
            actor,
            kind=kind,
            title=title % {"number": application.number},
            assignee_unit=application.unit,
            subject=application,
            url=case_url(application),
            due_date=due,
            unit=application.unit,
        )


def _tell_applicant(application: Application, text: str) -> None:
    if application.applicant_mobile:
        send_sms(application.applicant_mobile, text)
