"""Who may write service guides (docs/conformance.md SRV-1): the clerk or the website editor
of the implementing unit, its head for publishing and withdrawing, and the staff of the
county government office (政府办), which keeps the county's catalogue, for every unit."""

from typing import Any

from zhengtong.org.models import Role, UnitKind
from zhengtong.org.permissions import has_role, is_member, rule, unit_ids_of


def in_government_office(person: Any) -> bool:
    """A member of the government's general office (政府办)."""
    from zhengtong.org.models import Unit

    mine = unit_ids_of(person)
    if not mine:
        return False
    return Unit.objects.filter(
        pk__in=mine, kind=UnitKind.OFFICE, parent__kind=UnitKind.GOVERNMENT
    ).exists()


def _writer_of(person, unit):
    return unit is not None and (
        has_role(person, Role.CLERK, unit) or has_role(person, Role.EDITOR, unit)
    )


@rule("services.create_item")
def create_item(person, obj, unit):
    """A clerk or editor of the implementing unit, or the government office's staff."""
    return _writer_of(person, unit) or in_government_office(person)


@rule("services.edit_item")
def edit_item(person, item, unit):
    """A clerk or editor of the item's unit, or the government office's staff."""
    return _writer_of(person, item.unit_id) or in_government_office(person)


@rule("services.publish_item")
def publish_item(person, item, unit):
    """Publishing and withdrawing: the writers, and the head of the item's unit."""
    return (
        _writer_of(person, item.unit_id)
        or has_role(person, Role.UNIT_HEAD, item.unit_id)
        or in_government_office(person)
    )


@rule("services.serviceitem.view")
def view_item(person, item, unit):
    """Staff: the unit's members and the government office; anyone once published
    (also answers for the item's attachments, see core.view_attachment)."""
    return (
        item.state == "published" or is_member(person, item.unit_id) or in_government_office(person)
    )


# --- applications and cases (办件) -----------------------------------------------------
# Staff of the item's implementing unit handle its cases; nobody else sees them (the
# applicant's side is checked in cases.py: a public user sees only their own).

CASE_ROLES = (Role.CLERK, Role.UNIT_HEAD, Role.REVIEWER)


def _case_staff(person, unit_id):
    return any(has_role(person, role, unit_id) for role in CASE_ROLES)


@rule("services.application.view")
def view_application(person, application, unit):
    """Any member of the unit that handles the case."""
    return application is not None and is_member(person, application.unit_id)


@rule("services.handle_case")
def handle_case(person, application, unit):
    """Intake, one-time notice, special steps, delivery: the unit's clerks, head and
    reviewers."""
    return _case_staff(person, application.unit_id)


@rule("services.review_case")
def review_case(person, application, unit):
    """The substantive check: the unit's clerks, head and reviewers (two different
    people, enforced by the operation)."""
    return _case_staff(person, application.unit_id)


@rule("services.decide_case")
def decide_case(person, application, unit):
    """The decision: the unit's head or its clerks authorised to sign (clerk)."""
    return has_role(person, Role.UNIT_HEAD, application.unit_id) or has_role(
        person, Role.CLERK, application.unit_id
    )


@rule("services.extend_case")
def extend_case(person, application, unit):
    """Extending the time limit: the head of the unit only (行政许可法 Art. 42)."""
    return has_role(person, Role.UNIT_HEAD, application.unit_id)


@rule("services.rectify")
def rectify(person, application, unit):
    """Following up a bad rating: the unit's clerks and head."""
    return has_role(person, Role.CLERK, application.unit_id) or has_role(
        person, Role.UNIT_HEAD, application.unit_id
    )


@rule("services.edit_form")
def edit_form(person, item, unit):
    """The online form: whoever may write the item's guide."""
    return _writer_of(person, item.unit_id) or in_government_office(person)
