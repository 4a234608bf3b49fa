"""The personal centre's "my comments" list (public registry, /grzx/)."""

from django.utils import timezone


def my_comments(public_user):
    """The public user's comments on consultations, newest first."""
    from zhengtong.public.registry import MyItem

    from .selectors import comments_of_public_user

    return [
        MyItem(
            title=comment.consultation.title,
            url=comment.consultation.get_public_url(),
            status=str(comment.get_state_display()),
            date=timezone.localdate(comment.created_at),
        )
        for comment in comments_of_public_user(public_user)[:200]
    ]
