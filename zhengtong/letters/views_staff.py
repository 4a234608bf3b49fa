"""Staff pages of the letters at /oa/letters/: what awaits my unit, every letter I may
see, a letter with the actions allowed to me (and the reply preview), publishing,
statistics. Every change goes through `services`; every list through `selectors`."""

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from zhengtong.core.errors import DomainError, Invalid, NotPermitted
from zhengtong.core.masking import mask_mobile, mask_name
from zhengtong.core.web import form_error
from zhengtong.org import permissions

from . import forms, selectors, services
from .models import (
    ANSWERED_STATES,
    FINISHED_STATES,
    UNSATISFIED_LEVELS,
    Letter,
    LetterState,
    ReplyState,
    RoutingRole,
    StandardReply,
)

S = LetterState


@login_required
@require_safe
def awaiting(request):
    """待办信件: the open work items on letters of my units, soonest due first."""
    page = Paginator(selectors.awaiting_my_unit(request.user), 30).get_page(request.GET.get("page"))
    letters = selectors.letters_for_items(page)
    today = timezone.localdate()
    rows = [
        (item, letters.get(int(item.subject_id)), services.grade(item.due_date, today))
        for item in page
    ]
    return render(request, "letters/staff/awaiting.html", {"page": page, "rows": rows})


@login_required
@require_safe
def all_letters(request):
    """Every letter I may see, newest first; filter by state or tracking code."""
    qs = selectors.visible_letters(request.user)
    state = request.GET.get("state", "")
    if state in S.values:
        qs = qs.filter(state=state)
    code = services.normalise_code(request.GET.get("q", ""))
    if code:
        qs = qs.filter(tracking_code__startswith=code[:12])
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in (("state", state), ("q", code)) if v)
    return render(
        request,
        "letters/staff/list.html",
        {"page": page, "states": S.choices, "state": state, "q": code, "query_string": query},
    )


def _letter_for(request, pk):
    letter = Letter.objects.select_related("mailbox", "lead_unit", "duplicate_of").filter(pk=pk)
    letter = letter.first()
    if letter is None:
        raise Http404()
    if not permissions.may(request.user, "letters.letter.view", letter):
        # Another unit's letter: it does not exist for this person.
        raise Http404()
    return letter


def _earlier(user, cleaned):
    code = services.normalise_code(cleaned["earlier"])
    earlier = selectors.visible_letters(user).filter(tracking_code=code).first()
    if earlier is None:
        raise Invalid(_("No letter you may see has this tracking code."), field="earlier")
    return {"earlier": earlier}


def _office_actions(letter):
    """The office's steps (rule `letters.handle`) the letter's state allows."""
    st = letter.state
    out = {}
    if st == S.RECEIVED:
        out["accept"] = forms.AcceptForm
        out["decline"] = forms.DeclineForm
    if st in (S.RECEIVED, S.ACCEPTED, S.HANDED_BACK, S.REOPENED, S.ROUTED):
        out["route"] = forms.RouteForm
    if st in (S.RECEIVED, S.ACCEPTED, S.ROUTED):
        out["request_info"] = forms.QuestionForm
    if st == S.WAITING:
        out["info_supplied"] = forms.SupplyForm
    if st in (S.RECEIVED, S.ACCEPTED, S.HANDED_BACK):
        out["link_duplicate"] = forms.DuplicateForm
    if not letter.is_petition and st not in FINISHED_STATES and not letter.replied_at:
        out["petition"] = forms.AcceptForm
    if st == S.REPLY_APPROVED:
        out["send"] = django_forms.Form
    return out


def _approver_actions(letter):
    """The reviewer's steps (rule `letters.approve_reply`) the letter's state allows."""
    out = {}
    if letter.state == S.REPLY_DRAFTED:
        out["approve"] = forms.AcceptForm
    if letter.state in (S.REPLY_DRAFTED, S.REPLY_APPROVED):
        out["return"] = forms.ReasonForm
    if letter.is_petition and not letter.petition_extended and not letter.replied_at:
        out["extend"] = forms.ReasonForm
    return out


def _unit_actions(may, letter, lead, assist):
    """The lead and assisting units' steps on their routings."""
    out = {}
    if lead is not None and may("letters.reply", lead):
        out["draft"] = forms.ReplyForm
        if not letter.hand_back_due or timezone.localdate() <= letter.hand_back_due:
            out["hand_back"] = forms.ReasonForm
    if assist is not None and may("letters.assist", assist):
        out["assist"] = forms.OpinionForm
    return out


def _actions(user, letter):
    """The actions this person may take on the letter now, with their forms' classes."""
    may = lambda action, obj=letter: permissions.may(user, action, obj)  # noqa: E731
    st = letter.state
    out = {}
    lead = services.routing_for(user, letter) if st == S.ROUTED else None
    assist = services.routing_for(user, letter, RoutingRole.ASSIST) if st == S.ROUTED else None
    if may("letters.handle"):
        out.update(_office_actions(letter))
    if may("letters.approve_reply"):
        out.update(_approver_actions(letter))
    out.update(_unit_actions(may, letter, lead, assist))
    if (
        may("letters.follow_up")
        and letter.ratings.filter(level__in=UNSATISFIED_LEVELS, follow_ups__isnull=True).exists()
    ):
        out["follow_up"] = forms.FollowUpForm
    if may("letters.instruct"):
        out["instruct"] = forms.TextForm
    if st not in FINISHED_STATES and may("letters.supervise"):
        out["supervise"] = forms.SupervisionForm
    return out, lead, assist


def _route(user, letter, data):
    return services.route_letter(
        user,
        letter,
        lead_unit=data["lead_unit"],
        assisting_units=list(data["assisting_units"]),
        comment=data["comment"],
    )


# action name -> how its operation is called: (user, letter, form data, lead routing,
# assisting routing). Looked up in `services` at call time.
_OPERATIONS = {
    "accept": lambda u, letter, d, lead, assist: services.accept_letter(u, letter, **d),
    "decline": lambda u, letter, d, lead, assist: services.decline_letter(u, letter, **d),
    "route": lambda u, letter, d, lead, assist: _route(u, letter, d),
    "request_info": lambda u, letter, d, lead, assist: services.request_more_information(
        u, letter, **d
    ),
    "info_supplied": lambda u, letter, d, lead, assist: services.information_supplied(
        u, letter, **d
    ),
    "link_duplicate": lambda u, letter, d, lead, assist: services.link_duplicate(
        u, letter, **_earlier(u, d)
    ),
    "petition": lambda u, letter, d, lead, assist: services.register_as_petition(u, letter, **d),
    "send": lambda u, letter, d, lead, assist: services.send_reply(u, letter),
    "approve": lambda u, letter, d, lead, assist: services.approve_reply(u, letter, **d),
    "return": lambda u, letter, d, lead, assist: services.return_reply(u, letter, **d),
    "extend": lambda u, letter, d, lead, assist: services.extend_petition(u, letter, **d),
    "draft": lambda u, letter, d, lead, assist: services.draft_reply(u, lead, **d),
    "hand_back": lambda u, letter, d, lead, assist: services.hand_back_letter(u, lead, **d),
    "assist": lambda u, letter, d, lead, assist: services.submit_assist_opinion(u, assist, **d),
    "follow_up": lambda u, letter, d, lead, assist: services.record_follow_up(u, letter, **d),
    "instruct": lambda u, letter, d, lead, assist: services.add_instruction(u, letter, **d),
    "supervise": lambda u, letter, d, lead, assist: services.issue_supervision_order(
        u, letter, **d
    ),
}


def _run(user, letter, action, data, lead, assist):
    """Call the operation of `action` with the form's cleaned data."""
    operation = _OPERATIONS.get(action)
    if operation is None:
        raise NotPermitted()
    return operation(user, letter, data, lead, assist)


ACTION_LABELS = {
    "accept": gettext_lazy("Accept"),
    "decline": gettext_lazy("Decline"),
    "route": gettext_lazy("Route to a unit"),
    "request_info": gettext_lazy("Ask the writer for information (pauses the clock)"),
    "info_supplied": gettext_lazy("Record the information supplied"),
    "link_duplicate": gettext_lazy("Same matter as an earlier letter"),
    "petition": gettext_lazy("Register as a petition"),
    "approve": gettext_lazy("Approve the reply"),
    "send": gettext_lazy("Send the reply"),
    "return": gettext_lazy("Return the reply for revision"),
    "extend": gettext_lazy("Extend the handling period (petition)"),
    "draft": gettext_lazy("Draft the reply"),
    "hand_back": gettext_lazy("Hand back: not our matter"),
    "assist": gettext_lazy("Give our opinion"),
    "follow_up": gettext_lazy("Record the follow-up"),
    "instruct": gettext_lazy("Add an instruction"),
    "supervise": gettext_lazy("Issue a supervision order"),
}

DONE_MESSAGES = {
    "accept": gettext_lazy("The letter was accepted."),
    "decline": gettext_lazy("The letter was declined."),
    "route": gettext_lazy("The letter was routed."),
    "send": gettext_lazy("The reply was sent to the writer."),
    "approve": gettext_lazy("The reply was approved."),
    "draft": gettext_lazy("The reply was sent to the office for review."),
}


def _draft_initial(request, letter):
    pk = request.GET.get("standard", "")
    if pk.isdigit():
        standard = StandardReply.objects.filter(pk=int(pk)).first()
        if standard is not None:
            return {"text": standard.text}
    current = letter.current_reply()
    if current is not None and current.state in (ReplyState.RETURNED, ReplyState.DRAFT):
        return {"text": current.text}
    return {}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def detail(request, pk):
    """The letter, its timeline (internal comments included), and the forms of the
    actions allowed to me."""
    letter = _letter_for(request, pk)
    actions, lead, assist = _actions(request.user, letter)
    bound = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in actions:
            raise NotPermitted()
        form = actions[action](request.POST, prefix=action)
        bound[action] = form
        if form.is_valid():
            try:
                _run(request.user, letter, action, form.cleaned_data, lead, assist)
            except NotPermitted:
                raise
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, DONE_MESSAGES.get(action, _("Done.")))
                return redirect(reverse("letters:detail", args=[letter.pk]))
        else:
            status = 400
    action_forms = []
    for name, form_class in actions.items():
        if name in bound:
            form = bound[name]
        elif name == "draft":
            form = form_class(prefix=name, initial=_draft_initial(request, letter))
        else:
            form = form_class(prefix=name)
        action_forms.append((name, ACTION_LABELS[name], form))
    sees_contact = bool(permissions.may(request.user, "letters.handle", letter) or lead is not None)
    reply = letter.current_reply()
    return render(
        request,
        "letters/staff/detail.html",
        {
            "letter": letter,
            "forms": action_forms,
            "steps": letter.steps.select_related("unit", "actor"),
            "routings": letter.routings.select_related("unit"),
            "replies": letter.replies.select_related("unit", "drafted_by", "approved_by"),
            "reply": reply,
            "instructions": letter.instructions.select_related("leader"),
            "orders": letter.supervision_orders.select_related("unit"),
            "ratings": letter.ratings.all(),
            "attachments": _attachments(letter),
            "writer_name": letter.writer_name if sees_contact else mask_name(letter.writer_name),
            "writer_mobile": letter.writer_mobile
            if sees_contact
            else mask_mobile(letter.writer_mobile),
            "standard_replies": StandardReply.objects.filter(category__in=["", letter.category])
            if "draft" in actions
            else [],
            "preview": services.publication_preview(letter) if letter.may_publish else None,
            "grade": services.grade(letter.reply_due)
            if letter.state not in ANSWERED_STATES
            and letter.state not in FINISHED_STATES
            and not letter.is_paused
            else "",
            "can_publish": letter.may_publish
            and letter.replied_at is not None
            and permissions.may(request.user, "letters.handle", letter),
        },
        status=status,
    )


def _attachments(letter):
    from django.contrib.contenttypes.models import ContentType

    from zhengtong.core.models import Attachment

    return Attachment.objects.filter(
        owner_type=ContentType.objects.get_for_model(Letter), owner_id=str(letter.pk)
    )


@login_required
@require_safe
def preview(request, pk):
    """The reply as the writer will see it on the tracking page, and the letter as the
    public will see it once published (personal data masked)."""
    letter = _letter_for(request, pk)
    reply = letter.current_reply()
    if reply is None:
        raise Http404()
    return render(
        request,
        "letters/staff/preview.html",
        {
            "letter": letter,
            "reply": reply,
            "steps": selectors.public_timeline(letter),
            "publication": services.publication_preview(letter) if letter.may_publish else None,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def publish(request, pk):
    """Publish: the masked texts, checked and corrected by the reviewer."""
    letter = _letter_for(request, pk)
    permissions.require(request.user, "letters.handle", letter)
    status = 200
    if request.method == "POST":
        form = forms.PublishForm(request.POST)
        if form.is_valid():
            try:
                services.publish_letter(request.user, letter, **form.cleaned_data)
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("The letter was published."))
                return redirect(reverse("letters:detail", args=[letter.pk]))
        else:
            status = 400
    else:
        if letter.is_published:
            initial = {
                "title": letter.published_title,
                "content": letter.published_content,
                "reply": letter.published_reply,
            }
        else:
            p = services.publication_preview(letter)
            initial = {"title": p.title, "content": p.content, "reply": p.reply}
        form = forms.PublishForm(initial=initial)
    return render(
        request, "letters/staff/publish.html", {"letter": letter, "form": form}, status=status
    )


@login_required
@require_safe
def statistics(request):
    permissions.require(request.user, "letters.view_statistics")
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate().year
    return render(
        request,
        "letters/staff/statistics.html",
        {"stats": selectors.statistics(year=year), "year": year},
    )
