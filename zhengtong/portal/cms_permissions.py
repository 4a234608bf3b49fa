"""Wagtail permissions derived from the county's units and roles (docs/conformance.md WEB-4).

Nobody hands out Wagtail permissions by hand: this module keeps Django groups in step
with `org`.

* **Editors of a unit** (one group per unit, "网站编辑：<unit>"): enter /cms/, add and
  edit pages in the subtrees whose responsible unit is that unit (a page permission on
  each subtree's root: a page whose `owner_unit` is the unit while its parent's
  responsible unit is another), upload and choose images and files. No publish
  permission: their pages go live through the review workflow (portal/workflow.py).
  Members: the people holding Role.EDITOR in the unit.
* **Reviewers** ("网站审核"): enter /cms/ to review; what they may decide is asked of
  the permission rules at each step. Members: Role.REVIEWER or Role.UNIT_HEAD holders.
* **Website administrators** ("网站管理（信息中心）"): the IT centre's system
  administrators, who run the site: every page including direct publication, the site
  settings, images, files and the workflow's set-up.

Wagtail lets a permission on a page cover all its descendants; the hooks in
wagtail_hooks.py refuse editing a descendant that belongs to another unit, so an
editor edits their own unit's pages and nothing else.

The sync runs from signals (role assignments, memberships, a page's `owner_unit`) and
from `manage.py sync_cms_permissions`. Superusers are left alone.
"""

import logging
from collections import defaultdict

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from zhengtong.org.models import Membership, Role, RoleAssignment, User

log = logging.getLogger("zhengtong.portal.cms_permissions")

EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page")
ADMIN_PAGE_PERMISSIONS = (
    "add_page",
    "change_page",
    "publish_page",
    "lock_page",
    "unlock_page",
    "bulk_delete_page",
)
EDITOR_COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
)
REVIEWER_COLLECTION_PERMISSIONS = (
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "choose_document"),
)
ADMIN_COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtailimages", "delete_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
    ("wagtaildocs", "delete_document"),
)
ADMIN_MODEL_PERMISSIONS = (
    ("portal", "change_sitesettings"),
    ("wagtailcore", "add_workflow"),
    ("wagtailcore", "change_workflow"),
    ("wagtailcore", "add_task"),
    ("wagtailcore", "change_task"),
)

# Group names are data (shown in /cms/), in the county's language.
REVIEWERS_NAME = "网站审核"
IT_ADMINS_NAME = "网站管理（信息中心）"


def _perm(app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _access_admin():
    return _perm("wagtailadmin", "access_admin")


# --- the managed groups ------------------------------------------------------------------


def _unique_group_name(base, exclude_pk=None):
    name, n = base[:150], 2
    while Group.objects.filter(name=name).exclude(pk=exclude_pk).exists():
        name = f"{base[:140]}（{n}）"
        n += 1
    return name


def _managed_group(kind, unit=None, name=""):
    from .models_workflow import CmsGroup

    link = CmsGroup.objects.select_related("group").filter(kind=kind, unit=unit).first()
    if link is not None:
        return link.group
    group = Group.objects.create(name=_unique_group_name(name))
    CmsGroup.objects.create(group=group, kind=kind, unit=unit)
    return group


def editors_group_name(unit):
    return f"网站编辑：{unit.name}"


@receiver(post_save, sender="org.Unit", dispatch_uid="zt_cms_group_follows_unit_name")
def _unit_renamed(sender, instance, raw=False, **kwargs):
    """A unit's editors group is named after the unit, and follows a rename."""
    from .models_workflow import CmsGroup, CmsGroupKind

    if raw:
        return
    link = (
        CmsGroup.objects.select_related("group")
        .filter(kind=CmsGroupKind.UNIT_EDITORS, unit=instance)
        .first()
    )
    if link is None:
        return
    name = _unique_group_name(editors_group_name(instance), exclude_pk=link.group.pk)
    if link.group.name != name:
        link.group.name = name
        link.group.save(update_fields=["name"])


def editors_group(unit):
    from .models_workflow import CmsGroupKind

    group = _managed_group(CmsGroupKind.UNIT_EDITORS, unit, editors_group_name(unit))
    _set_model_permissions(group, [_access_admin()])
    _set_collection_permissions(group, EDITOR_COLLECTION_PERMISSIONS)
    return group


def reviewers_group():
    from .models_workflow import CmsGroupKind

    group = _managed_group(CmsGroupKind.REVIEWERS, None, REVIEWERS_NAME)
    _set_model_permissions(group, [_access_admin()])
    _set_collection_permissions(group, REVIEWER_COLLECTION_PERMISSIONS)
    return group


def it_admins_group():
    from wagtail.models import Page

    from .models_workflow import CmsGroupKind

    group = _managed_group(CmsGroupKind.IT_ADMINS, None, IT_ADMINS_NAME)
    perms = [_access_admin()] + [
        p for p in (_perm_or_none(a, c) for a, c in ADMIN_MODEL_PERMISSIONS) if p
    ]
    _set_model_permissions(group, perms)
    _set_collection_permissions(group, ADMIN_COLLECTION_PERMISSIONS)
    root = Page.get_first_root_node()
    if root is not None:
        _set_page_permissions(group, {root.pk}, ADMIN_PAGE_PERMISSIONS)
    return group


def _perm_or_none(app_label, codename):
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()


def _set_model_permissions(group, perms):
    current = set(group.permissions.values_list("pk", flat=True))
    wanted = {p.pk for p in perms}
    if current != wanted:
        group.permissions.set(wanted)


def _set_collection_permissions(group, codenames):
    from wagtail.models import Collection, GroupCollectionPermission

    root = Collection.get_first_root_node()
    if root is None:
        return
    wanted = {_perm(app, code).pk for app, code in codenames}
    existing = GroupCollectionPermission.objects.filter(group=group)
    have = set(existing.values_list("collection_id", "permission_id"))
    want = {(root.pk, pk) for pk in wanted}
    existing.exclude(
        pk__in=[gcp.pk for gcp in existing if (gcp.collection_id, gcp.permission_id) in want]
    ).delete()
    GroupCollectionPermission.objects.bulk_create(
        [
            GroupCollectionPermission(group=group, collection_id=c, permission_id=p)
            for c, p in want - have
        ]
    )


def _set_page_permissions(group, page_ids, codenames):
    from wagtail.models import GroupPagePermission
    from wagtail.models.pages import get_default_page_content_type

    ct = get_default_page_content_type()
    perm_ids = list(
        Permission.objects.filter(content_type=ct, codename__in=codenames).values_list(
            "pk", flat=True
        )
    )
    want = {(page_id, perm_id) for page_id in page_ids for perm_id in perm_ids}
    existing = list(GroupPagePermission.objects.filter(group=group))
    stale = [gpp.pk for gpp in existing if (gpp.page_id, gpp.permission_id) not in want]
    if stale:
        GroupPagePermission.objects.filter(pk__in=stale).delete()
    have = {(gpp.page_id, gpp.permission_id) for gpp in existing}
    GroupPagePermission.objects.bulk_create(
        [GroupPagePermission(group=group, page_id=p, permission_id=q) for p, q in want - have]
    )


# --- which pages each unit edits ------------------------------------------------------------


def county_page_models():
    from .models import CountyPage

    return [m for m in apps.get_models() if issubclass(m, CountyPage)]


def unit_subtree_roots():
    """{unit_id: {page_id, ...}}: the roots of the subtrees each unit is responsible for.
    A page is a root when it names a unit and its nearest ancestor naming a unit names
    another one (or none). One query: the page types' tables are read as one UNION."""
    querysets = [
        model.objects.filter(owner_unit__isnull=False)
        .order_by()
        .values_list("pk", "path", "owner_unit_id")
        for model in county_page_models()
    ]
    if not querysets:
        return defaultdict(set)
    rows = querysets[0].union(*querysets[1:], all=True) if len(querysets) > 1 else querysets[0]
    owners = {}
    ids = {}
    for pk, path, unit_id in rows:
        owners[path] = unit_id
        ids[path] = pk
    roots = defaultdict(set)
    step = 4  # treebeard's path step
    for path, unit_id in owners.items():
        nearest = None
        for end in range(len(path) - step, 0, -step):
            if path[:end] in owners:
                nearest = owners[path[:end]]
                break
        if nearest != unit_id:
            roots[unit_id].add(ids[path])
    return roots


@transaction.atomic
def sync_page_permissions(full=False):
    """Give each unit's editors group page permissions on exactly its subtrees' roots.

    A handful of queries whatever the number of units (it runs on every change of a
    page's responsible unit, 28 times while the demo website loads): the roots, the
    managed groups and their page permissions are read at once and only the difference
    is written. Groups are made (with their model and collection permissions) for units
    that have none yet; `full=True` (sync_all, the management command) also re-asserts
    the model and collection permissions of every existing group."""
    from wagtail.models import GroupPagePermission
    from wagtail.models.pages import get_default_page_content_type

    from zhengtong.org.models import Unit

    from .models_workflow import CmsGroup, CmsGroupKind

    roots = unit_subtree_roots()
    groups = dict(
        CmsGroup.objects.filter(kind=CmsGroupKind.UNIT_EDITORS, unit__isnull=False).values_list(
            "unit_id", "group_id"
        )
    )
    missing = set(roots) - set(groups)
    units = Unit.objects.filter(pk__in=(set(groups) | missing) if full else missing)
    for unit in units:
        groups[unit.pk] = editors_group(unit).pk
    perm_ids = list(
        Permission.objects.filter(
            content_type=get_default_page_content_type(), codename__in=EDITOR_PAGE_PERMISSIONS
        ).values_list("pk", flat=True)
    )
    want = {
        (group_id, page_id, perm_id)
        for unit_id, group_id in groups.items()
        for page_id in roots.get(unit_id, ())
        for perm_id in perm_ids
    }
    existing = GroupPagePermission.objects.filter(group_id__in=groups.values()).values_list(
        "pk", "group_id", "page_id", "permission_id"
    )
    have = {}
    for pk, *key in existing:
        have[tuple(key)] = pk
    stale = [pk for key, pk in have.items() if key not in want]
    if stale:
        GroupPagePermission.objects.filter(pk__in=stale).delete()
    GroupPagePermission.objects.bulk_create(
        [
            GroupPagePermission(group_id=g, page_id=p, permission_id=q)
            for g, p, q in sorted(want - set(have))
        ]
    )
    return roots


# --- who is in which group ---------------------------------------------------------------------


def wanted_groups(user):
    if not user.is_active:
        return set()
    groups = set()
    assignments = RoleAssignment.objects.filter(user=user).select_related("unit")
    for assignment in assignments:
        if assignment.role == Role.EDITOR and assignment.unit_id:
            groups.add(editors_group(assignment.unit).pk)
        elif assignment.role in (Role.REVIEWER, Role.UNIT_HEAD):
            groups.add(reviewers_group().pk)
        elif assignment.role == Role.SYSTEM_ADMIN:
            groups.add(it_admins_group().pk)
    return groups


@transaction.atomic
def sync_user(user):
    """Put `user` in exactly the managed groups their roles call for (other groups are
    left as they are)."""
    from .models_workflow import CmsGroup

    managed = set(CmsGroup.objects.values_list("group_id", flat=True))
    wanted = wanted_groups(user)
    current = set(user.groups.filter(pk__in=managed).values_list("pk", flat=True))
    if current - wanted:
        user.groups.remove(*(current - wanted))
    if wanted - current:
        user.groups.add(*(wanted - current))
    # Django caches permissions on the user object.
    for attr in ("_perm_cache", "_group_perm_cache", "_user_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)
    return wanted


@transaction.atomic
def sync_all():
    """Everything: page permissions of every unit, and the groups of everyone with a role
    or in a managed group. Returns (units with subtrees, people synced)."""
    from .models_workflow import CmsGroup

    roots = sync_page_permissions(full=True)
    it_admins_group()
    reviewers_group()
    people = User.objects.filter(role_assignments__isnull=False) | User.objects.filter(
        groups__in=CmsGroup.objects.values("group_id")
    )
    count = 0
    for user in people.distinct():
        sync_user(user)
        count += 1
    return len(roots), count


# --- signals ---------------------------------------------------------------------------------------


@receiver(post_save, sender=RoleAssignment, dispatch_uid="zt_cms_role_saved")
@receiver(post_delete, sender=RoleAssignment, dispatch_uid="zt_cms_role_deleted")
def _role_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    user = User.objects.filter(pk=instance.user_id).first()
    if user is not None:
        sync_user(user)


@receiver(post_save, sender=Membership, dispatch_uid="zt_cms_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="zt_cms_membership_deleted")
def _membership_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    user = User.objects.filter(pk=instance.user_id).first()
    if user is not None:
        sync_user(user)


@receiver(post_save, sender=User, dispatch_uid="zt_cms_user_saved")
def _user_changed(sender, instance, raw=False, created=False, update_fields=None, **kwargs):
    if raw or created:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return  # e.g. last_login on every sign-in
    if instance.is_active is False or instance.groups.exists():
        sync_user(instance)


def _is_county_page(instance):
    from .models import CountyPage

    return isinstance(instance, CountyPage)


@receiver(pre_save, dispatch_uid="zt_cms_page_owner_before")
def _remember_owner(sender, instance, raw=False, **kwargs):
    if raw or not _is_county_page(instance):
        return
    if instance.pk:
        instance._zt_owner_before = (
            type(instance)
            .objects.filter(pk=instance.pk)
            .values_list("owner_unit_id", flat=True)
            .first()
        )
    else:
        instance._zt_owner_before = None


@receiver(post_save, dispatch_uid="zt_cms_page_owner_after")
def _owner_changed(sender, instance, raw=False, created=False, **kwargs):
    if raw or not _is_county_page(instance):
        return
    before = getattr(instance, "_zt_owner_before", None)
    after = instance.owner_unit_id
    if before == after:
        return
    if created and after is not None:
        parent = instance.get_parent()
        parent_unit = getattr(getattr(parent, "specific", None), "unit", lambda: None)()
        if parent_unit is not None and parent_unit.pk == after:
            return  # a page inside its own unit's subtree: no new root
    sync_page_permissions()
