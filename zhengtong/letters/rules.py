"""Who may do what with letters from the public.

The receiving office of a mailbox (its clerks, head and reviewers) accepts, declines,
routes, approves, sends and publishes; a unit the letter is routed to sees it and, as
lead unit, drafts the reply; county leaders and the supervision office see every
letter, leaders add instructions (批示), the office and the supervision office issue
supervision orders (督办). Members of other units see nothing of a letter.
"""

from zhengtong.org.models import Role
from zhengtong.org.permissions import has_role, is_member, rule
from zhengtong.public.reception import is_reception_staff

from .models import RoutingRole, RoutingState

UNIT_ROLES = (Role.CLERK, Role.UNIT_HEAD)


def _any_role(person, roles, unit_id):
    return any(has_role(person, role, unit_id) for role in roles)


def is_office_staff(person, mailbox):
    """A clerk, head or reviewer of the mailbox's office: a reception office of the
    public (`public.reception`)."""
    return is_reception_staff(person, mailbox.office_unit_id)


def _county_wide_reader(person):
    return has_role(person, Role.COUNTY_LEADER) or has_role(person, Role.SUPERVISOR)


@rule("letters.letter.view")
def view(person, letter, unit):
    """The mailbox's office, every unit the letter was ever routed to, county leaders
    and the supervision office."""
    if letter is None:
        return False
    if _county_wide_reader(person) or is_member(person, letter.mailbox.office_unit_id):
        return True
    return any(is_member(person, r.unit_id) for r in letter.routings.all())


@rule("letters.handle")
def handle(person, letter, unit):
    """受理 / 分办 / 转办 and the other office steps: the mailbox's office staff."""
    return is_office_staff(person, letter.mailbox)


@rule("letters.create_for_writer")
def create_for_writer(person, mailbox, unit):
    """Enter a letter received by telephone (12345) or post: the mailbox's office."""
    return mailbox is not None and is_office_staff(person, mailbox)


@rule("letters.approve_reply")
def approve_reply(person, letter, unit):
    """The office's head or reviewer approves a reply before it goes out."""
    office = letter.mailbox.office_unit_id
    return has_role(person, Role.UNIT_HEAD, office) or has_role(person, Role.REVIEWER, office)


def _routing_holds(person, routing, role):
    return (
        routing is not None
        and routing.role == role
        and routing.state == RoutingState.ACTIVE
        and _any_role(person, UNIT_ROLES, routing.unit_id)
    )


@rule("letters.reply")
def reply(person, routing, unit):
    """The lead unit's clerk or head drafts the reply, hands the letter back or records
    the follow-up of a poor rating."""
    return _routing_holds(person, routing, RoutingRole.LEAD)


@rule("letters.assist")
def assist(person, routing, unit):
    """An assisting unit's clerk or head gives its opinion to the lead unit."""
    return _routing_holds(person, routing, RoutingRole.ASSIST)


@rule("letters.follow_up")
def follow_up(person, letter, unit):
    """The unit that replied records what it did about a poor rating."""
    return letter.lead_unit_id is not None and _any_role(person, UNIT_ROLES, letter.lead_unit_id)


@rule("letters.instruct")
def instruct(person, letter, unit):
    """County leaders, and the head of the mailbox's office, add instructions (批示)."""
    return has_role(person, Role.COUNTY_LEADER) or has_role(
        person, Role.UNIT_HEAD, letter.mailbox.office_unit_id
    )


@rule("letters.supervise")
def supervise(person, letter, unit):
    """The mailbox's office and the supervision office issue supervision orders (督办)."""
    return has_role(person, Role.SUPERVISOR) or is_office_staff(person, letter.mailbox)


@rule("letters.view_statistics")
def view_statistics(person, obj, unit):
    """Any staff member sees the statistics (the public sees the same figures)."""
    return person.is_authenticated


@rule("letters.manage_settings", delegable=False)
def manage_settings(person, obj, unit):
    """Mailboxes, deadlines, decline reasons and standard replies: the IT centre."""
    return has_role(person, Role.SYSTEM_ADMIN)
