"""Who may write service guides (STANDARDS.md §7.2): the clerk or the website editor
of the implementing unit, its head for publishing and withdrawing, and the staff of the
county government office (政府办), which keeps the county's catalogue, for every unit."""

from zhengtong.org.models import Role, UnitKind
from zhengtong.org.permissions import has_role, is_member, rule, unit_ids_of


def in_government_office(person):
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
