"""Units edit their own sections only: Wagtail permissions kept in step with the
units and roles (portal/cms_permissions.py, the hooks of wagtail_hooks.py)."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import GroupPagePermission

from zhengtong.conftest import make_user
from zhengtong.org.models import Role, RoleAssignment
from zhengtong.portal.cms_permissions import sync_all, unit_subtree_roots
from zhengtong.portal.models_workflow import CmsGroup, CmsGroupKind
from zhengtong.portal.tests.test_workflow import draft, edit_url, unit_section


@pytest.fixture
def sections(site, news, county):
    return {
        "a": unit_section(news, county.a, "教育局动态", "jyj"),
        "b": unit_section(news, county.b, "财政局动态", "czj"),
    }


def can_open(client, page):
    return client.get(edit_url(page)).status_code == 200


def test_an_editor_edits_their_units_section_and_not_another(sections, editor_a, client):
    client.force_login(editor_a)
    assert can_open(client, sections["a"])
    assert not can_open(client, sections["b"])


def test_an_editor_of_b_cannot_see_a_draft_of_a(sections, editor_b, client):
    page = draft(sections["a"], "教育局内部稿件")
    client.force_login(editor_b)
    assert not can_open(client, page)
    preview = client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))
    assert preview.status_code != 200
    explorer = client.get(reverse("wagtailadmin_explore", args=[sections["a"].pk]))
    assert "教育局内部稿件" not in explorer.content.decode()


def test_an_editor_cannot_add_pages_outside_their_unit(sections, editor_a, client):
    client.force_login(editor_a)
    add_in_a = reverse("wagtailadmin_pages:add", args=["portal", "articlepage", sections["a"].pk])
    add_in_b = reverse("wagtailadmin_pages:add", args=["portal", "articlepage", sections["b"].pk])
    assert client.get(add_in_a).status_code == 200
    assert client.get(add_in_b).status_code != 200


def test_the_offices_editor_cannot_edit_a_units_page_inside_the_offices_section(
    sections, county, client, news
):
    office_editor = make_user("office_editor", county.government, roles=[Role.EDITOR])
    client.force_login(office_editor)
    assert can_open(client, news)  # the office's own section
    assert not can_open(client, sections["a"])  # Wagtail's inheritance would allow it


def test_a_clerk_without_the_editor_role_cannot_enter_the_cms(site, clerk_a, client):
    client.force_login(clerk_a)
    response = client.get("/cms/")
    assert response.status_code == 302
    assert response.url.startswith("/oa/login/")


def test_losing_the_editor_role_takes_the_access_away(sections, editor_a, client):
    RoleAssignment.objects.filter(user=editor_a, role=Role.EDITOR).delete()
    editor_a.refresh_from_db()
    client.force_login(editor_a)
    assert not can_open(client, sections["a"])
    assert client.get("/cms/").status_code == 302


def test_handing_a_section_to_another_unit_moves_the_permission(
    sections, county, editor_a, editor_b, client
):
    page = sections["a"]
    page.owner_unit = county.b
    page.save()
    client.force_login(editor_b)
    assert can_open(client, page)
    client.force_login(editor_a)
    assert not can_open(client, page)


def test_each_unit_gets_permissions_on_the_roots_of_its_subtrees_only(sections, county, news):
    inner = unit_section(sections["a"], county.a, "教育局通知", "tz")
    roots = unit_subtree_roots()
    assert roots[county.a.pk] == {sections["a"].pk}
    assert inner.pk not in roots[county.a.pk]
    assert roots[county.government.pk] >= {news.get_parent().pk}
    group = CmsGroup.objects.get(kind=CmsGroupKind.UNIT_EDITORS, unit=county.a).group
    perms = set(
        GroupPagePermission.objects.filter(group=group).values_list(
            "page_id", "permission__codename"
        )
    )
    assert perms == {(sections["a"].pk, "add_page"), (sections["a"].pk, "change_page")}


def test_nobody_but_the_it_centre_gets_publish_permission(sections, editor_a, reviewer_a, head_a):
    publishing = GroupPagePermission.objects.filter(permission__codename="publish_page")
    kinds = set(
        CmsGroup.objects.filter(group__in=publishing.values("group")).values_list("kind", flat=True)
    )
    assert kinds <= {CmsGroupKind.IT_ADMINS}


def test_reviewers_and_heads_enter_the_cms_to_review(site, reviewer_a, head_a, client):
    for person in (reviewer_a, head_a):
        client.force_login(person)
        assert client.get("/cms/").status_code == 200


def test_the_sync_command_is_idempotent(sections, editor_a, editor_b):
    before = set(GroupPagePermission.objects.values_list("group_id", "page_id", "permission_id"))
    call_command("sync_cms_permissions", stdout=open("/dev/null", "w"))
    call_command("sync_cms_permissions", stdout=open("/dev/null", "w"))
    after = set(GroupPagePermission.objects.values_list("group_id", "page_id", "permission_id"))
    assert before <= after
    assert sync_all()[1] >= 2
    assert editor_a.groups.count() == 1


def test_a_units_editors_group_follows_the_units_new_name(sections, editor_a, county):
    from zhengtong.portal.cms_permissions import editors_group

    group = editors_group(county.a)
    county.a.name = "县数据资源局"
    county.a.save()
    group.refresh_from_db()
    assert group.name == "网站编辑：县数据资源局"
    assert editor_a.groups.filter(pk=group.pk).exists()
