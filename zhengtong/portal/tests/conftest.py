"""Website fixtures: the site skeleton (home + sections) on the small county, and the
people who edit and review unit A's pages."""

import pytest

from zhengtong.org.models import Role
from zhengtong.portal import models as pm
from zhengtong.portal.sitetree import ensure_site, section
from zhengtong.testing.factories import StaffFactory


@pytest.fixture
def site(county):
    """The published home page with every section; the government office owns them."""
    return ensure_site(county.root, office=county.government)


@pytest.fixture
def news(site):
    return section("zwdt")


@pytest.fixture
def editor_a(county):
    return StaffFactory(username="editor_a", unit=county.a, roles=[Role.EDITOR])


@pytest.fixture
def reviewer_a(county):
    return StaffFactory(username="reviewer_a", unit=county.a, roles=[Role.REVIEWER])


@pytest.fixture
def editor_b(county):
    return StaffFactory(username="editor_b", unit=county.b, roles=[Role.EDITOR])


def add_article(parent, title="县教育局召开秋季开学工作会议", *, unit=None, publish=True, **fields):
    """An article under `parent`, saved as a revision and (by default) published."""
    fields.setdefault("live", publish)  # Wagtail pages are live by default
    page = pm.ArticlePage(title=title, owner_unit=unit, source_unit=unit, **fields)
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
        page.refresh_from_db()
    return page
