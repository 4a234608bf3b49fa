"""Permission rules of the website (registered in org's one registry).

A page belongs to its responsible unit (CountyPage.unit(): its own or the nearest
ancestor's `owner_unit`). The unit's editors edit it; the review (三审三校) is done by
the unit's reviewer (level 1), the unit's head (level 2) and a reviewer of the
government office, the home page's unit (level 3). The IT centre's system administrator
runs the site and may publish directly.
"""

from zhengtong.org.models import Role
from zhengtong.org.permissions import has_role, rule


def responsible_unit(page):
    """The page's responsible unit (or None), for any Page object."""
    page = getattr(page, "specific", page)
    finder = getattr(page, "unit", None)
    return finder() if callable(finder) else None


def office_unit():
    """The government office: the home page's responsible unit."""
    from .sitetree import home_page

    home = home_page()
    return responsible_unit(home) if home is not None else None


def reviewer_role_and_unit(page, level):
    """(role, unit) whose holders review `page` at `level`; unit may be None."""
    if level == 1:
        return Role.REVIEWER, responsible_unit(page)
    if level == 2:
        return Role.UNIT_HEAD, responsible_unit(page)
    if level == 3:
        return Role.REVIEWER, office_unit()
    return None, None


def _reviews(person, page, level):
    role, unit = reviewer_role_and_unit(page, level)
    return role is not None and unit is not None and has_role(person, role, unit)


@rule("portal.review_level_1")
def review_level_1(person, page, unit):
    return _reviews(person, page, 1)


@rule("portal.review_level_2")
def review_level_2(person, page, unit):
    return _reviews(person, page, 2)


@rule("portal.review_level_3")
def review_level_3(person, page, unit):
    return _reviews(person, page, 3)


@rule("portal.edit_page", delegable=False)
def edit_page(person, page, unit):
    """Editors of the page's responsible unit (and the IT centre) edit it. Not
    delegable: the right to edit comes with the Wagtail groups of one's own roles."""
    if has_role(person, Role.SYSTEM_ADMIN):
        return True
    owner = responsible_unit(page)
    return owner is not None and has_role(person, Role.EDITOR, owner)


@rule("portal.publish_directly", delegable=False)
def publish_directly(person, page, unit):
    """Only the IT centre publishes without the review (e.g. an urgent correction)."""
    return has_role(person, Role.SYSTEM_ADMIN)
