"""The kernel asks its permission and role questions through `core.access`, answered by
`org` (docs/adr/0010-core-below-org.md)."""

import pytest

from zhengtong.core import access
from zhengtong.org import permissions
from zhengtong.org.models import Role, RoleAssignment, User


def test_the_roles_the_kernel_names_are_roles_of_org():
    assert access.KERNEL_ROLES <= set(Role.values)


def test_org_answers_for_the_kernel():
    assert access._answering() is permissions


def test_the_acting_value_is_the_kernels():
    assert permissions.Acting is access.Acting


@pytest.mark.django_db
def test_people_holding_a_role_are_found_in_their_unit_or_anywhere():
    from zhengtong.org.models import Unit, UnitKind

    unit = Unit.objects.create(name="县政府办公室", kind=UnitKind.OFFICE)
    clerk = User.objects.create(username="clerk")
    RoleAssignment.objects.create(user=clerk, role=Role.CLERK, unit=unit)
    gone = User.objects.create(username="gone", is_active=False)
    RoleAssignment.objects.create(user=gone, role=Role.CLERK, unit=unit)
    assert access.people_holding_in([access.CLERK], unit.pk) == [clerk]
    assert access.people_holding_in([access.CLERK], None) == []
    assert access.people_holding([access.CLERK]) == [clerk]
