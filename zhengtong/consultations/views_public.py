"""Public pages of consultations at /hdjl/zj/.

The list and the consultation page carry no form and may be cached; the comment form
has its own page (/hdjl/zj/<id>/yj/) with a CSRF token and `Cache-Control: private,
no-store`. Published comments show personal data masked; private comments never show.
"""

import logging

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_cookie

from zhengtong.core.attachments import INLINE_EXTENSIONS, safe_content_type
from zhengtong.core.downloads import file_download
from zhengtong.core.errors import DomainError
from zhengtong.core.web import form_error
from zhengtong.public.throttle import Throttled, ip_key
from zhengtong.public.views import send_code_if_asked

from . import selectors, services
from .forms import CommentForm
from .models import ConsultationState, ModerationMode

log = logging.getLogger("zhengtong.consultations")

PAGE_SIZE = 20
PUBLIC_MAX_AGE = 60


def _public(pk):
    consultation = selectors.public_consultation(pk)
    if consultation is None:
        raise Http404()
    return consultation


@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
@vary_on_cookie  # the language cookie changes the page: caches keep one copy per cookie
@require_safe
def consultation_list(request):
    """征集意见: open consultations first, then closed ones, with dates and counts."""
    from django.core.paginator import Paginator

    rows = list(selectors.public_consultations())
    open_rows = [c for c in rows if c.public_state() == ConsultationState.OPEN]
    other = [c for c in rows if c.public_state() != ConsultationState.OPEN]
    page = Paginator(other, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "consultations/public/list.html",
        {"open_rows": open_rows, "page": page},
    )


@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
@vary_on_cookie  # the language cookie changes the page: caches keep one copy per cookie
@require_safe
def consultation_detail(request, pk):
    """The draft, its note and attachments, published comments and the summary."""
    consultation = _public(pk)
    comments = selectors.public_comment_views(consultation)
    summary = None
    if consultation.state == ConsultationState.SUMMARISED:
        summary = getattr(consultation, "summary", None)
    return render(
        request,
        "consultations/public/detail.html",
        {
            "c": consultation,
            "state": consultation.public_state(),
            "accepting": consultation.accepts_comments(),
            "draft_sections": consultation.sections.all(),
            "attachments": services.attachments_of(consultation),
            "comments": comments,
            "private": consultation.moderation == ModerationMode.PRIVATE,
            "summary": summary,
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def comment_form(request, pk):
    """The comment form (on the whole draft or one section: ?section=<id>)."""
    consultation = _public(pk)
    if not consultation.accepts_comments():
        return render(
            request,
            "consultations/public/not_open.html",
            {"c": consultation, "state": consultation.public_state()},
            status=409 if request.method == "POST" else 200,
        )
    status = 200
    retry_after = None
    if request.method == "POST":
        form = CommentForm(request.POST, request=request, consultation=consultation)
        if send_code_if_asked(request, form):
            status = 429 if getattr(form, "throttled", False) else 200
        elif form.is_spam():
            return redirect(reverse("consultations_public:thanks", args=[consultation.pk]))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.submit_comment(
                    consultation,
                    text=data["text"],
                    name=data.get("name", ""),
                    mobile=data.get("mobile", ""),
                    section=data.get("section"),
                    organisation=data.get("organisation", ""),
                    public_user=data.get("public_user"),
                    submission_key=data["submission_key"],
                    ip_key=ip_key(request),
                )
            except Throttled as exc:
                # Shown on the form, so the comment typed is not lost.
                form_error(form, exc)
                status = exc.status
                retry_after = getattr(exc, "retry_after", None)
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                return redirect(reverse("consultations_public:thanks", args=[consultation.pk]))
        else:
            status = 400
    else:
        initial = {}
        section = request.GET.get("section", "")
        if section.isdigit() and consultation.sections.filter(pk=int(section)).exists():
            initial["section"] = int(section)
        form = CommentForm(request=request, consultation=consultation, initial=initial)
    response = render(
        request,
        "consultations/public/comment.html",
        {"c": consultation, "form": form},
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(int(retry_after) + 1)
    return response


@never_cache
@require_safe
def comment_thanks(request, pk):
    consultation = _public(pk)
    return render(
        request,
        "consultations/public/thanks.html",
        {"c": consultation, "private": consultation.moderation == ModerationMode.PRIVATE},
    )


@require_safe
def attachment_download(request, pk, attachment_id):
    """A published draft's attachment, with the kernel's safe download headers."""
    consultation = _public(pk)
    attachment = services.attachments_of(consultation).filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404()
    try:
        handle = attachment.file.open("rb")
    except OSError as exc:
        log.error("Consultation attachment #%s: stored file is missing", attachment.pk)
        raise Http404(_("Not found.")) from exc
    # A published draft's file, for everyone: no personal data, no private cache rule.
    return file_download(
        handle,
        filename=attachment.original_name,
        content_type=safe_content_type(attachment.extension),
        inline=attachment.extension in INLINE_EXTENSIONS,
        personal_data=False,
        public=True,
    )
