"""Public pages of the mailboxes at /hdjl/xx/: write, receipt, tracking (with rating,
reopening and supplying information), the published letters and the statistics.

Pages with a form carry a CSRF token and are never cached; the published letters and
the statistics are cacheable. A letter's tracking page opens only after its code and
query password were given in this session (or for the signed-in account that wrote
it); a wrong password gets the same answer as an unknown code and is rate-limited.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_cookie

from zhengtong.core.errors import DomainError
from zhengtong.core.web import form_error
from zhengtong.public import lookup, throttle
from zhengtong.public.session import current_public_user
from zhengtong.public.views import send_code_if_asked, throttled_response

from . import forms, selectors, services
from .models import Letter, LetterState, Mailbox

RECEIPT_KEY = "letters_receipt"
TRACKED_KEY = "letters_tracked"
TRACK_SCOPE = "letters.track"  # the throttle counter of wrong codes and passwords
PUBLIC_CACHE = cache_control(public=True, max_age=300)


def _grant(request, letter):
    tracked = request.session.get(TRACKED_KEY, [])
    if letter.pk not in tracked:
        request.session[TRACKED_KEY] = [*tracked[-19:], letter.pk]


def _may_track(request, letter):
    if letter.pk in request.session.get(TRACKED_KEY, []):
        return True
    user = current_public_user(request)
    return user is not None and letter.public_user_id == user.pk


@require_safe
@PUBLIC_CACHE
@vary_on_cookie  # the language cookie changes the page: caches keep one copy per cookie
def index(request):
    """互动交流 · 信箱: the mailboxes, how to write, the latest published letters."""
    return render(
        request,
        "letters/public/index.html",
        {
            "mailboxes": Mailbox.objects.filter(is_active=True).select_related("owner_unit"),
            "latest": selectors.published_letters()[:10],
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def write(request):
    """写信: the letter form."""
    status = 200
    if request.method == "POST":
        form = forms.LetterForm(request.POST, request.FILES, request=request)
        if send_code_if_asked(request, form):
            status = 429 if getattr(form, "throttled", False) else 200
        elif form.is_spam():
            return redirect(reverse("letters_public:receipt"))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                throttle.hit_submission(request, "letters", mobile=data.get("mobile"))
                result = services.submit_letter(
                    None,
                    mailbox=data["mailbox"],
                    category=data["category"],
                    title=data["title"],
                    content=data["content"],
                    name=data["name"],
                    mobile=data["mobile"],
                    may_publish=data["may_publish"],
                    company_name=data["company_name"],
                    credit_code=data["credit_code"],
                    public_user=data["public_user"],
                    attachments=data["attachments"],
                    submission_key=data["submission_key"],
                )
            except throttle.Throttled as exc:
                return throttled_response(request, exc)
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                _grant(request, result.letter)
                lookup.remember_receipt(request, RECEIPT_KEY, result.letter, result.password)
                return redirect(reverse("letters_public:receipt"))
        else:
            status = 400
    else:
        initial = {}
        box = request.GET.get("mailbox", "")
        if box.isdigit():
            initial["mailbox"] = int(box)
        form = forms.LetterForm(request=request, initial=initial)
    return render(request, "letters/public/write.html", {"form": form}, status=status)


@never_cache
@require_safe
def receipt(request):
    """The tracking code and query password, shown once after writing."""
    return lookup.receipt_page(
        request,
        session_key=RECEIPT_KEY,
        queryset=Letter.objects.all(),
        template="letters/public/receipt.html",
        name="letter",
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def track(request):
    """查询: code and password open the letter's tracking page."""

    def found(letter, _data):
        _grant(request, letter)
        return redirect(reverse("letters_public:letter", args=[letter.tracking_code]))

    return lookup.lookup_page(
        request,
        form_class=forms.TrackForm,
        scope=TRACK_SCOPE,
        find=lambda data: services.find_for_tracking(data["code"], data["password"]),
        found=found,
        code_of=lambda data: services.normalise_code(data["code"]),
        not_found_message=_("No letter matches this tracking code and password. Check both."),
        template="letters/public/track.html",
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def letter_status(request, code):
    """The writer's view of the letter: each public step with its date, the pause,
    the reply; rating, reopening and supplying information."""
    letter = (
        Letter.objects.select_related("mailbox", "lead_unit")
        .filter(tracking_code=services.normalise_code(code))
        .first()
    )
    if letter is None or not _may_track(request, letter):
        # Someone else's code shows nothing: back to the lookup form.
        return redirect(reverse("letters_public:track"))
    status = 200
    rate_form = forms.RateForm(prefix="rate")
    reopen_form = forms.ReopenForm(prefix="reopen")
    supply_form = forms.SupplyForm(prefix="supply")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "rate":
                rate_form = forms.RateForm(request.POST, prefix="rate")
                if rate_form.is_valid():
                    services.rate_letter(None, letter, **rate_form.cleaned_data)
                    messages.success(request, _("Thank you for your rating."))
                    return redirect(request.path)
            elif action == "reopen":
                reopen_form = forms.ReopenForm(request.POST, prefix="reopen")
                if reopen_form.is_valid():
                    services.request_reopen(None, letter, **reopen_form.cleaned_data)
                    messages.success(request, _("Your letter has been reopened."))
                    return redirect(request.path)
            elif action == "supply":
                supply_form = forms.SupplyForm(request.POST, request.FILES, prefix="supply")
                if supply_form.is_valid():
                    services.information_supplied(None, letter, **supply_form.cleaned_data)
                    messages.success(request, _("Thank you: the information was added."))
                    return redirect(request.path)
        except DomainError as exc:
            target = {"rate": rate_form, "reopen": reopen_form, "supply": supply_form}.get(action)
            if target is not None:
                form_error(target, exc)
            status = exc.status
        else:
            status = 400
        letter.refresh_from_db()
    reply = letter.sent_reply()
    last_rating = letter.ratings.order_by("-id").first()
    can_rate = letter.state == LetterState.REPLIED and reply and not hasattr(reply, "rating")
    can_reopen = (
        letter.reopened_count == 0
        and last_rating is not None
        and last_rating.is_unsatisfied
        and letter.state in (LetterState.RATED, LetterState.CLOSED)
    )
    return render(
        request,
        "letters/public/letter.html",
        {
            "letter": letter,
            "steps": selectors.public_timeline(letter),
            "reply": reply,
            "rating": last_rating,
            "rate_form": rate_form if can_rate else None,
            "reopen_form": reopen_form if can_reopen else None,
            "supply_form": supply_form if letter.state == LetterState.WAITING else None,
        },
        status=status,
    )


@require_safe
@PUBLIC_CACHE
@vary_on_cookie  # the language cookie changes the page: caches keep one copy per cookie
def published_list(request):
    """公开信件: published letters, newest first; personal data masked."""
    page = Paginator(selectors.published_letters(), 20).get_page(request.GET.get("page"))
    return render(request, "letters/public/published_list.html", {"page": page})


@require_safe
@PUBLIC_CACHE
@vary_on_cookie  # the language cookie changes the page: caches keep one copy per cookie
def published_detail(request, pk):
    letter = selectors.published_letters().filter(pk=pk).first()
    if letter is None:
        raise Http404()
    reply = letter.sent_reply()
    return render(
        request,
        "letters/public/published_detail.html",
        {"letter": letter, "reply": reply},
    )


@require_safe
@PUBLIC_CACHE
@vary_on_cookie  # the language cookie changes the page: caches keep one copy per cookie
def statistics(request):
    """Public statistics: received, replied, on-time rate and average reply time, by
    unit and month."""
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate().year
    return render(
        request,
        "letters/public/statistics.html",
        {"stats": selectors.statistics(year=year), "year": year},
    )
