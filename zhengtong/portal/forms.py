"""Forms of the website's editing and review.

`CountyPageForm` is the base form of every page type's editor (CountyPage.base_form_class):
it refuses "submit for review", "publish" and a review approval while the pre-publication
checks (portal/checks.py) find problems, and shows those problems; saving a draft stays
possible. It also validates the data of a review decision posted with the page (the
secrecy confirmation of level 1), since Wagtail passes that data on unchecked.

The review forms are what a reviewer fills in when approving or rejecting a step.
"""

import json

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

# Fields the system sets when a page goes live (docs/conformance.md WEB-1: faked publication dates
# are a veto item). No panel shows them; the form drops them if they are posted anyway.
SYSTEM_DATE_FIELDS = ("first_published_at", "last_published_at", "latest_revision_created_at")


class ReviewCommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea({"rows": 3}),
    )


class RejectForm(forms.Form):
    comment = forms.CharField(
        label=_("What needs to change"),
        max_length=2000,
        widget=forms.Textarea({"rows": 3}),
        error_messages={"required": _("Say what needs to change, so the editor can fix it.")},
    )


class FirstReviewApproveForm(ReviewCommentForm):
    """初审 approval: the secrecy review (保密审查, 先审查、后公开) is confirmed explicitly."""

    secrecy_confirmed = forms.BooleanField(
        label=_("I have checked this content: it contains no state secret or work secret"),
        required=True,
        error_messages={
            "required": _(
                "Confirm the secrecy review: the content must be checked for state "
                "secrets before it can be approved."
            )
        },
    )


def review_form_for(level, action):
    """The form a reviewer fills in for `action` ("approve" / "reject") at `level`."""
    if action == "reject":
        return RejectForm
    if action == "approve" and level == 1:
        return FirstReviewApproveForm
    return ReviewCommentForm


def review_decision_errors(level, action, data):
    """Errors of a review decision's data (a dict as posted), as a list of messages."""
    form = review_form_for(level, action)(data=data or {})
    if form.is_valid():
        return [], form.cleaned_data
    messages = [str(message) for errors in form.errors.values() for message in errors]
    return messages, None


class CountyPageForm(WagtailAdminPageForm):
    """Base form of every page of the site (see the module docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SYSTEM_DATE_FIELDS:
            self.fields.pop(name, None)

    def publishing_action(self):
        """'submit', 'publish', 'approve' or None for what the posted buttons ask."""
        data = self.data
        if not self.is_bound:
            return None
        if data.get("action-publish"):
            return "publish"
        if data.get("action-submit") or data.get("action-restart-workflow"):
            return "submit"
        if data.get("action-workflow-action") and data.get("workflow-action-name") == "approve":
            return "approve"
        return None

    def _post_clean(self):
        super()._post_clean()
        action = self.publishing_action()
        if action is None:
            return
        from .checks import check_page

        if action == "approve":
            self._check_review_decision()
        for problem in check_page(self.instance):
            self.add_error(None, problem.message)

    def _check_review_decision(self):
        task = getattr(self.instance, "current_workflow_task", None) if self.instance.pk else None
        level = getattr(getattr(task, "specific", None), "level", None)
        if level is None:
            return
        try:
            data = json.loads(self.data.get("workflow-action-extra-data") or "{}")
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        messages, _cleaned = review_decision_errors(level, "approve", data)
        for message in messages:
            self.add_error(None, message)
