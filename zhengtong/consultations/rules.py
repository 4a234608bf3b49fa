"""Who may do what with consultations (意见征集).

A unit manages only its own consultations: its editors and clerks draft, open,
moderate, close and write the feedback summary; every member of the unit may look at
them. Comments come from the public, who are not staff: that operation has no rule.
A comment received by telephone (the 12345 hotline) or post is entered for the
commenter by staff, under `consultations.comment_for_public`.
"""

from zhengtong.org.models import Role
from zhengtong.org.permissions import has_role, is_member, rule
from zhengtong.public.reception import answers_for_public


def _manages(person, unit_id):
    return unit_id is not None and (
        has_role(person, Role.EDITOR, unit_id) or has_role(person, Role.CLERK, unit_id)
    )


def _unit_id(obj, unit):
    if obj is not None:
        return getattr(obj, "unit_id", None)
    return getattr(unit, "pk", unit)


@rule("consultations.create")
def create(person, obj, unit):
    """An editor or clerk of the unit puts a draft out for comment in its name."""
    return _manages(person, _unit_id(None, unit))


@rule("consultations.manage")
def manage(person, consultation, unit):
    """Edit, open, moderate, close and summarise: an editor or clerk of the
    consultation's own unit."""
    return consultation is not None and _manages(person, consultation.unit_id)


@rule("consultations.consultation.view")
def view(person, consultation, unit):
    """Staff view (drafts, every comment with contact details): the unit's members.
    Also asked by `core.view_attachment` for the draft's attachments."""
    return consultation is not None and is_member(person, consultation.unit_id)


@rule("consultations.comment_for_public")
def comment_for_public(person, consultation, unit):
    """Enter a comment received by telephone (12345) or post for the commenter: an
    editor or clerk of the consultation's unit, or the staff of a reception office of
    the public (`public.reception`: a mailbox's office, who enter letters for callers
    too; the hotline system's account), for any published consultation."""
    if consultation is None:
        return False
    return _manages(person, consultation.unit_id) or answers_for_public(person)
