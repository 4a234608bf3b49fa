"""好差评: the applicant's rating of a completed case, the rectification of a bad
rating, and the statistics per unit and item."""

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengtong.core import workitems
from zhengtong.core.errors import Conflict, Invalid
from zhengtong.core.ratings import BAD_LEVELS, Satisfaction
from zhengtong.org import permissions
from zhengtong.org.models import User
from zhengtong.public.models import PublicUser

from ..models import (
    COMPLETED_STATES,
    RATING_DIMENSIONS,
    Application,
    CaseRating,
    CaseStepKind,
    Rectification,
)
from .common import (
    KIND_RECTIFY,
    _audit,
    _lock,
    _own,
    _step,
    _text,
    case_url,
)

# The rectification period of a bad rating is set locally (§7.3: 5 to 15 working days
# in the provinces' plans); the county uses the shorter one.
RECTIFY_DAYS = 5


def _level(value: object, field: str) -> Satisfaction:
    try:
        return Satisfaction(int(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise Invalid(_("Choose a rating from 1 to 5."), field=field) from None


@transaction.atomic
def rate(
    public_user: PublicUser | None,
    application: Application | int,
    *,
    overall: object,
    efficiency: object,
    guide_accuracy: object,
    convenience: object,
    comment: str = "",
) -> CaseRating:
    """一事一评: the applicant rates a completed case once, on the national dimensions.
    A bad rating (不满意 or 非常不满意 on any dimension) opens a rectification work item
    for the unit."""
    application = _own(public_user, application)
    if application.state not in COMPLETED_STATES:
        raise Conflict(_("A case can be rated once it is completed."), code="wrong_state")
    if CaseRating.objects.filter(application=application).exists():
        raise Conflict(_("You have already rated this case."), code="rated")
    values = {
        "overall": _level(overall, "overall"),
        "efficiency": _level(efficiency, "efficiency"),
        "guide_accuracy": _level(guide_accuracy, "guide_accuracy"),
        "convenience": _level(convenience, "convenience"),
    }
    rating = CaseRating.objects.create(
        application=application,
        item=application.item,
        unit=application.unit,
        comment=_text(comment, "comment", required=False),
        at=timezone.now(),
        **values,
    )
    _step(application, CaseStepKind.RATED, public_text=str(Satisfaction(values["overall"]).label))
    if rating.is_bad:
        workitems.open_work_item(
            None,
            kind=KIND_RECTIFY,
            title=_("Rectify the bad rating of %(number)s") % {"number": application.number},
            assignee_unit=application.unit,
            subject=application,
            url=case_url(application),
            due_in_working_days=RECTIFY_DAYS,
            unit=application.unit,
        )
    _audit(None, "rate", application, {d: int(values[d]) for d in RATING_DIMENSIONS})
    return rating


@transaction.atomic
def record_rectification(
    actor: User, application: Application | int, *, call_back: str, result: str
) -> Rectification:
    """整改: the unit called the applicant back (record kept internal) and states the
    result, which the applicant is shown. Closes the rectification work item."""
    application = _lock(application)
    acting = permissions.require(actor, "services.rectify", application)
    call_back = _text(call_back, "call_back", message=_("Record the call-back."))
    result = _text(result, "result", message=_("State the result for the applicant."))
    rating = CaseRating.objects.filter(application=application).first()
    if rating is None or not rating.is_bad:
        raise Conflict(_("There is no bad rating to rectify."), code="wrong_state")
    if Rectification.objects.filter(rating=rating).exists():
        raise Conflict(_("The rectification has already been recorded."), code="rectified")
    rectification = Rectification.objects.create(
        rating=rating,
        call_back=call_back,
        result=result,
        recorded_by=acting.person,
        at=timezone.now(),
    )
    workitems.close_items_for(application, kind=KIND_RECTIFY, actor=acting)
    _step(application, CaseStepKind.RECTIFIED, actor=acting, public_text=result, internal=call_back)
    _audit(acting, "rectify", application)
    return rectification


def rating_statistics(queryset: QuerySet[CaseRating] | None = None) -> list[dict[str, Any]]:
    """Per unit and item: number of ratings, average overall, share of bad ratings and
    of rectified bad ratings (for the public statistics)."""
    from django.db.models import Avg, Count, Q

    qs = queryset if queryset is not None else CaseRating.objects.all()
    bad = Q()
    for d in RATING_DIMENSIONS:
        bad |= Q(**{f"{d}__in": [int(x) for x in BAD_LEVELS]})
    rows = (
        qs.values("unit_id", "unit__name", "item_id", "item__name", "item__implementation_code")
        .annotate(
            count=Count("id"),
            average=Avg("overall"),
            bad=Count("id", filter=bad),
            rectified=Count("id", filter=bad & Q(rectification__isnull=False)),
        )
        .order_by("unit__name", "item__name")
    )
    return [dict(row) for row in rows]
