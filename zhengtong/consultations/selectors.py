"""Read-side queries shared by the pages, the API and the personal centre, so they
show the same rows."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from zhengtong.core.masking import mask_name
from zhengtong.org import permissions
from zhengtong.org.models import User
from zhengtong.public.models import PublicUser
from zhengtong.public.publication import keep_words, mask_for_publication

from .models import Comment, CommentState, Consultation, ConsultationState, ModerationMode

PUBLIC_STATES = (ConsultationState.OPEN, ConsultationState.CLOSED, ConsultationState.SUMMARISED)


def public_consultations(now: datetime.datetime | None = None) -> QuerySet[Consultation]:
    """Consultations the public sees: opened (and their period begun), closed or
    summarised; newest first."""
    now = now or timezone.now()
    return (
        Consultation.objects.filter(state__in=PUBLIC_STATES, opens_at__lte=now)
        .select_related("unit")
        .order_by("-opens_at", "-pk")
    )


def public_consultation(pk: int, now: datetime.datetime | None = None) -> Consultation | None:
    """One consultation as the public may see it, or None."""
    return public_consultations(now).filter(pk=pk).first()


def published_comments(consultation: Consultation) -> QuerySet[Comment]:
    """Comments shown to the public: approved ones, in the pre-moderated mode only
    (private comments are never shown, whatever their state)."""
    if consultation.moderation != ModerationMode.PRE_MODERATED:
        return Comment.objects.none()
    return (
        consultation.comments.filter(state=CommentState.APPROVED)
        .select_related("section")
        .order_by("created_at", "pk")
    )


def public_comment_views(consultation: Consultation) -> list[dict[str, Any]]:
    """The published comments of a consultation as the public sees them."""
    comments = list(published_comments(consultation))
    keep = keep_words() if comments else ()
    return [public_comment_view(c, keep=keep) for c in comments]


def public_comment_view(comment: Comment, keep: Iterable[str] | None = None) -> dict[str, Any]:
    """What the public sees of a comment: personal data in the text masked
    (`public.publication`: ID and mobile numbers, the commenter's and other people's
    names, the detailed part of addresses), the name masked; the organisation (not
    personal) as given. `keep` (the county's unit and place names, `keep_words()`) is
    taken once by callers showing many comments."""
    return {
        "id": comment.pk,
        "section": comment.section.number if comment.section is not None else None,
        "section_label": str(comment.section) if comment.section_id else "",
        "text": mask_for_publication(comment.text, names=[comment.name], keep=keep),
        "name": mask_name(comment.name),
        "organisation": comment.organisation,
        "date": comment.created_at,
    }


def staff_consultations(person: User) -> QuerySet[Consultation]:
    """Consultations of the person's units (drafts included); the same facts as the
    rule `consultations.consultation.view`, delegators included."""
    return (
        Consultation.objects.filter(unit_id__in=permissions.acting_scope(person).unit_ids)
        .select_related("unit")
        .order_by("-created_at", "-pk")
    )


def comments_of_public_user(public_user: PublicUser) -> QuerySet[Comment]:
    """A public user's comments: made signed in, or with their confirmed mobile."""
    return (
        Comment.objects.filter(
            Q(public_user=public_user) | Q(mobile_index=public_user.mobile_index)
        )
        .select_related("consultation")
        .order_by("-created_at")
    )
