"""Who may act on the disclosure hand-off and on investor enquiries (imported by
portal/apps.py so the rules are registered at startup)."""

from zhengtong.org.models import Role
from zhengtong.org.permissions import has_role, has_role_anywhere, is_member, rule


def _office_id():
    from .catalogue import government_office

    office = government_office()
    return office.pk if office is not None else None


def _office_editor(person):
    office = _office_id()
    return office is not None and (
        has_role(person, Role.EDITOR, office) or has_role(person, Role.REVIEWER, office)
    )


@rule("portal.accept_disclosure")
def accept_disclosure(person, handoff, unit):
    """An editor or reviewer of the government office (the unit owning the home page),
    or an editor of the issuing unit, checks and accepts an issued document marked
    主动公开 into the catalogue."""
    if _office_editor(person):
        return True
    if handoff is None:
        return False
    from .catalogue import describe

    return has_role(person, Role.EDITOR, describe(handoff).issuing_unit_id)


@rule("portal.disclosure_queue")
def disclosure_queue(person, obj, unit):
    """The hand-off list: the office's editors and reviewers, and editors of any unit
    (who see their own unit's documents)."""
    return _office_editor(person) or has_role_anywhere(person, Role.EDITOR)


@rule("portal.investorenquiry.view")
def view_enquiry(person, enquiry, unit):
    """Members of the unit an enquiry was sent to read it whole (phone unmasked)."""
    return enquiry is not None and is_member(person, enquiry.unit_id)


@rule("portal.answer_enquiry")
def answer_enquiry(person, enquiry, unit):
    """Members of the unit an enquiry was sent to mark it answered."""
    return enquiry is not None and is_member(person, enquiry.unit_id)


@rule("portal.enquiries")
def enquiries(person, obj, unit):
    """The enquiry list: members of the unit now answering enquiries (`unit`)."""
    return unit is not None and is_member(person, unit)
