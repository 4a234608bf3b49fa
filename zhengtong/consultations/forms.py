"""Forms of the consultation pages. They check the shape of the input; the rules
(state, permission, deadlines) are checked by the operations in `services`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengtong.org.models import Unit
from zhengtong.public.forms import PublicForm

from . import services
from .models import Adoption, ModerationMode

SECTION_ROWS_EXTRA = 3
POINT_ROWS_EXTRA = 3
MORE_ROWS = 5


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ConsultationForm(forms.Form):
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("Unit"), queryset=None, empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=services.TITLE_MAX)
    explanatory_note = forms.CharField(
        label=_("Explanatory note"),
        required=False,
        max_length=services.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Why the draft is needed and what it changes (起草说明)."),
    )
    opens_at = forms.DateTimeField(
        label=_("Opens at"),
        required=False,
        widget=LocalDateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        help_text=_("Leave empty to open as soon as it is published."),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        widget=LocalDateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        help_text=_("Drafts of rules are usually open for at least 30 days."),
    )
    moderation = forms.ChoiceField(
        label=_("Comments"), choices=ModerationMode.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if units is not None and units.count() == 1:
            self.fields["unit"].widget = forms.HiddenInput()
            self.fields["unit"].initial = units.first().pk


class SectionForm(forms.Form):
    heading = forms.CharField(label=_("Heading"), max_length=services.TITLE_MAX, required=False)
    text = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=services.SECTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


SectionFormSet = forms.formset_factory(
    SectionForm, extra=SECTION_ROWS_EXTRA, max_num=services.SECTIONS_MAX, absolute_max=300
)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Attachment"))


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does it close early?"),
        max_length=services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the public with the consultation."),
    )


class ModerateForm(forms.Form):
    comment = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for not publishing"),
        required=False,
        max_length=services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SummaryForm(forms.Form):
    overview = forms.CharField(
        label=_("Overall account"),
        max_length=services.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("How many comments came in, the main points and how the draft changed."),
    )


class PointForm(forms.Form):
    point = forms.CharField(
        label=_("Point raised"),
        required=False,
        max_length=services.COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    decision = forms.ChoiceField(
        label=_("Decision"), required=False, choices=[("", "—"), *Adoption.choices]
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=services.COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


PointFormSet = forms.formset_factory(
    PointForm, extra=POINT_ROWS_EXTRA, max_num=services.POINTS_MAX, absolute_max=150
)


def with_more_rows(data, prefix, more=MORE_ROWS):
    """A copy of POSTed formset data with `more` extra empty rows (the no-JavaScript
    "more rows" button)."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, 0))
    except ValueError:
        total = 0
    data[key] = str(total + more)
    return data


class CommentForm(PublicForm):
    """The public comment form: name and mobile confirmed by an SMS code (or a signed-in
    public user), captcha, honeypot and the idempotency key come from PublicForm."""

    sms_purpose = "consultation"

    section = forms.TypedChoiceField(
        label=_("Comment on"), required=False, coerce=int, empty_value=None
    )
    text = forms.CharField(
        label=_("Your comment"),
        max_length=services.COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("At most 2000 characters."),
    )
    organisation = forms.CharField(
        label=_("Organisation (optional)"), required=False, max_length=services.ORGANISATION_MAX
    )

    def __init__(self, *args, consultation=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("The whole draft"))]
        for section in consultation.sections.all():
            choices.append((section.pk, str(section)[:80]))
        self.fields["section"].choices = choices
