"""Who may do what with official documents (docs/conformance.md DOC-5–DOC-17)."""

from zhengtong.org.models import Role, UnitKind
from zhengtong.org.permissions import has_role, is_member, rule, unit_ids_of

from .models import DocState, StepState


@rule("documents.draft")
def draft(person, obj, unit):
    """Any member of a unit drafts in that unit's name (internal sections excepted:
    they may not issue documents externally, §1.3)."""
    return unit is not None and unit.kind != UnitKind.SECTION and is_member(person, unit)


@rule("documents.edit")
def edit(person, document, unit):
    """The drafter, or a clerk of the issuing unit, edits and submits a draft."""
    return document.drafter_id == person.pk or has_role(
        person, Role.CLERK, document.issuing_unit_id
    )


@rule("documents.act_on_step")
def act_on_step(person, step, unit):
    return step.state == StepState.PENDING and step.assignee_id == person.pk


@rule("documents.issue")
def issue(person, document, unit):
    """The issuing unit's clerk numbers and sends the signed-off document."""
    return has_role(person, Role.CLERK, document.issuing_unit_id)


@rule("documents.sign_for")
def sign_for(person, distribution, unit):
    """A member of the recipient unit signs for it (usually its clerk)."""
    return is_member(person, distribution.unit_id)


@rule("documents.document.view")
def view(person, document, unit):
    """The issuing unit's members, everyone on its route, and — once issued — the
    members of its recipient units."""
    if is_member(person, document.issuing_unit_id) or document.drafter_id == person.pk:
        return True
    if document.route.filter(assignee=person).exists():
        return True
    if document.state in (DocState.ISSUED, DocState.WITHDRAWN):
        mine = unit_ids_of(person)
        return document.distributions.filter(unit_id__in=mine).exists()
    return False


# --- who may be chosen for a step (asked when the route is set) ---------------------


@rule("documents.can_review", delegable=False)
def can_review(person, document, unit):
    """核稿: a head of the issuing unit."""
    return person.is_active and has_role(person, Role.UNIT_HEAD, unit)


@rule("documents.can_countersign", delegable=False)
def can_countersign(person, document, unit):
    """会签: each countersigning unit's head signs in its own right."""
    return has_role(person, Role.UNIT_HEAD, unit)


@rule("documents.can_office_review", delegable=False)
def can_office_review(person, document, unit):
    """复核: a member of an office (办公室) checks the draft before sign-off (Art. 20)."""
    return person.is_active and person.units.filter(kind=UnitKind.OFFICE).exists()


@rule("documents.can_sign_off", delegable=False)
def can_sign_off(person, document, unit):
    """签发: the issuing unit's head; for the committee, government and their offices a
    county leader (Art. 22: the organ's leader signs)."""
    if has_role(person, Role.UNIT_HEAD, unit):
        return True
    county_organs = (UnitKind.COMMITTEE, UnitKind.GOVERNMENT, UnitKind.OFFICE)
    return unit.kind in county_organs and has_role(person, Role.COUNTY_LEADER)


# --- incoming documents ---------------------------------------------------------------


@rule("documents.register")
def register(person, obj, unit):
    """A unit's clerk registers what arrives from outside the platform."""
    return unit is not None and has_role(person, Role.CLERK, unit)


@rule("documents.propose")
def propose(person, record, unit):
    """The receiving unit's clerk checks (初审), proposes (拟办) and closes (办结)."""
    return has_role(person, Role.CLERK, record.unit_id)


@rule("documents.instruct")
def instruct(person, record, unit):
    """The receiving unit's head instructs (批办)."""
    return has_role(person, Role.UNIT_HEAD, record.unit_id)


@rule("documents.finish_task")
def finish_task(person, task, unit):
    return task.person_id == person.pk


@rule("documents.incoming.view")
def incoming_view(person, record, unit):
    """Members of the receiving unit."""
    return is_member(person, record.unit_id)


@rule("documents.withdraw", delegable=False)
def withdraw(person, document, unit):
    """The issuing unit's head withdraws a document."""
    return has_role(person, Role.UNIT_HEAD, document.issuing_unit_id)


@rule("documents.archive")
def archive(person, document, unit):
    """The issuing unit's clerk files its documents."""
    return has_role(person, Role.CLERK, document.issuing_unit_id)


@rule("documents.export_archive")
def export_archive(person, obj, unit):
    """A unit's clerk or head exports its archive."""
    return unit is not None and (
        has_role(person, Role.CLERK, unit) or has_role(person, Role.UNIT_HEAD, unit)
    )


@rule("documents.set_route_default", delegable=False)
def set_route_default(person, obj, unit):
    """The unit's head or unit administrator sets who usually reviews and signs."""
    return unit is not None and (
        has_role(person, Role.UNIT_HEAD, unit) or has_role(person, Role.UNIT_ADMIN, unit)
    )
