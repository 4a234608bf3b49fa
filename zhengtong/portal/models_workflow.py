"""Models of the editorial review (三审三校) and of the editing permissions in Wagtail.

`ReviewTask` is one step of the review workflow: level 1 (初审) by a reviewer of the
page's responsible unit, level 2 (复审) by that unit's head, level 3 (终审) by a reviewer
of the government office. Who may act is decided by the permission rules in
portal/rules.py (roles in `org`, delegation included), not by Wagtail groups; the logic
lives in portal/workflow.py.

`CmsGroup` remembers which Django groups the permission sync (portal/cms_permissions.py)
manages, so renaming a unit or a group never loses the link.
"""

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Task, TaskState

__all__ = ["CmsGroup", "CmsGroupKind", "ReviewLevel", "ReviewTask", "ReviewTaskState"]


class ReviewLevel(models.IntegerChoices):
    FIRST = 1, _("First review (unit reviewer)")
    SECOND = 2, _("Second review (unit head)")
    FINAL = 3, _("Final review (government office)")


class ReviewTaskState(TaskState):
    """A review step on one revision; level 1 also records the secrecy review (保密审查,
    docs/conformance.md DIS-5): the reviewer's confirmation that the content holds no state
    secret."""

    secrecy_confirmed = models.BooleanField(_("no state secret (confirmed)"), default=False)

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")


class ReviewTask(Task):
    """One level of the three-step review. The reviewers are found from the page's
    responsible unit at the time of the review (portal/workflow.py)."""

    level = models.PositiveSmallIntegerField(_("level"), choices=ReviewLevel.choices)

    admin_form_fields = Task.admin_form_fields + ["level"]
    task_state_class = ReviewTaskState

    class Meta:
        verbose_name = _("review step (三审三校)")
        verbose_name_plural = _("review steps (三审三校)")

    # The behaviour is in portal/workflow.py, next to the operations it belongs to.

    def user_can_access_editor(self, obj, user):
        from . import workflow

        return workflow.may_review(user, obj, self.level) is not None

    def locked_for_user(self, obj, user):
        from . import workflow

        return workflow.may_review(user, obj, self.level) is None

    def user_can_lock(self, obj, user):
        return self.user_can_access_editor(obj, user)

    def get_actions(self, obj, user):
        from . import workflow

        return workflow.actions_for(self, obj, user)

    def get_form_for_action(self, action):
        from . import forms

        return forms.review_form_for(self.level, action)

    def get_template_for_action(self, action):
        return "portal/admin/review_action_modal.html"

    def on_action(self, task_state, user, action_name, **kwargs):
        from . import workflow

        return workflow.act_on_review(self, task_state, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        from . import workflow

        return workflow.states_awaiting(self, user)

    @classmethod
    def get_description(cls):
        return _(
            "Reviewers are found from the page's responsible unit: its reviewer (level 1), "
            "its head (level 2), the government office's reviewer (level 3)."
        )


class CmsGroupKind(models.TextChoices):
    UNIT_EDITORS = "unit_editors", _("Editors of a unit")
    REVIEWERS = "reviewers", _("Reviewers")
    IT_ADMINS = "it_admins", _("Website administrators (IT centre)")


class CmsGroup(models.Model):
    """A Django group kept in step with the county's roles by the permission sync."""

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="zt_cms")
    kind = models.CharField(_("kind"), max_length=20, choices=CmsGroupKind.choices)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("website permission group")
        verbose_name_plural = _("website permission groups")
        constraints = [
            models.UniqueConstraint(fields=["kind", "unit"], name="portal_cmsgroup_unique"),
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(unit__isnull=True), name="portal_cmsgroup_one"
            ),
        ]

    def __str__(self):
        return self.group.name
