"""Forms of the letters pages: the public write form (a PublicForm: captcha, honeypot,
submission key and an SMS-confirmed mobile number), tracking, rating, and the small
forms of each staff action."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengtong.core.validators import validate_credit_code
from zhengtong.org.models import Unit
from zhengtong.public.forms import PublicForm

from .models import (
    CONTENT_MAX,
    RATING_CHOICES,
    REPLY_MAX,
    TITLE_MAX,
    Category,
    DeclineReason,
    FollowUp,
    Mailbox,
)
from .services import MAX_ATTACHMENTS
from .services import NOTE_MAX as NOTE_MAX_FORM


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (cleaned to a list)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        files = [super(MultipleFileField, self).clean(f, initial) for f in files if f]
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(
                _("At most %(max)d files may be attached.") % {"max": MAX_ATTACHMENTS}
            )
        return files


class LetterForm(PublicForm):
    """写信: the public form of the mailboxes."""

    sms_purpose = "letter"

    mailbox = forms.ModelChoiceField(
        label=_("Mailbox"),
        queryset=Mailbox.objects.filter(is_active=True),
        empty_label=_("Choose a mailbox"),
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=Category.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    content = forms.CharField(
        label=_("Your letter"),
        max_length=CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("One matter per letter. At most 5000 characters."),
    )
    attachments = MultipleFileField(
        label=_("Attachments (optional)"),
        required=False,
        help_text=_("Up to 5 files: PDF, Word, Excel or pictures."),
    )
    company_name = forms.CharField(
        label=_("Business name (businesses only)"), max_length=200, required=False
    )
    credit_code = forms.CharField(
        label=_("Unified social credit code (businesses only)"),
        max_length=18,
        required=False,
        validators=[validate_credit_code],
    )
    may_publish = forms.BooleanField(
        label=_("The letter and its reply may be published (personal data removed)"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mailbox"].label_from_instance = lambda box: box.name

    def clean_credit_code(self):
        return (self.cleaned_data.get("credit_code") or "").strip().upper()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("credit_code") and not (cleaned.get("company_name") or "").strip():
            self.add_error("company_name", _("Enter the business name with its credit code."))
        return cleaned


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    password = forms.CharField(
        label=_("Query password"),
        max_length=20,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class RateForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("How satisfied are you with the reply?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=NOTE_MAX_FORM,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does the reply not settle the matter?"),
        max_length=NOTE_MAX_FORM,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SupplyForm(forms.Form):
    """The writer's answer to the office's question: text, files, or both."""

    text = forms.CharField(
        label=_("The information asked for"),
        max_length=CONTENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachments = MultipleFileField(
        label=_("Attachments (optional)"),
        required=False,
        help_text=_("Up to 5 files: PDF, Word, Excel or pictures."),
    )

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("text") or "").strip() and not cleaned.get("attachments"):
            if "text" not in self.errors and "attachments" not in self.errors:
                self.add_error("text", _("Write the information asked for."))
        return cleaned


# --- staff ------------------------------------------------------------------------------


def _note(label, required=True, rows=3, maximum=NOTE_MAX_FORM):
    return forms.CharField(
        label=label,
        required=required,
        max_length=maximum,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class UnitsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def _units():
    return Unit.objects.filter(is_active=True).exclude(kind__in=["county", "section"])


class AcceptForm(forms.Form):
    comment = _note(_("Internal comment (optional)"), required=False, rows=2)


class DeclineForm(forms.Form):
    reason = forms.ModelChoiceField(
        label=_("Reason"), queryset=DeclineReason.objects.filter(is_active=True)
    )
    note = _note(_("Note for the writer (optional)"), required=False, rows=2)


class RouteForm(forms.Form):
    lead_unit = UnitChoice(label=_("Lead unit"), queryset=Unit.objects.none())
    assisting_units = UnitsChoice(
        label=_("Assisting units (optional)"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    comment = _note(_("Internal comment (optional)"), required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = _units()
        self.fields["assisting_units"].queryset = _units()


class ReasonForm(forms.Form):
    reason = _note(_("Reason"))


class QuestionForm(forms.Form):
    question = _note(_("What information is needed? (the writer sees this)"))


class TextForm(forms.Form):
    text = _note(_("Text"), rows=4)


class ReplyForm(forms.Form):
    text = _note(_("Reply (the writer sees this)"), rows=12, maximum=REPLY_MAX)


class OpinionForm(forms.Form):
    opinion = _note(_("Opinion for the lead unit"), rows=4, maximum=REPLY_MAX)


class SupervisionForm(forms.Form):
    text = _note(_("Order"))
    due_in_working_days = forms.IntegerField(
        label=_("Due in (working days)"), min_value=1, max_value=60, initial=3
    )


class FollowUpForm(forms.Form):
    action = forms.ChoiceField(
        label=_("What was done"), choices=FollowUp.Action.choices, widget=forms.RadioSelect
    )
    note = _note(_("Note"))


class DuplicateForm(forms.Form):
    earlier = forms.CharField(label=_("Tracking code of the earlier letter"), max_length=20)


class PublishForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    content = _note(_("Letter"), rows=10, maximum=CONTENT_MAX)
    reply = _note(_("Reply"), rows=10, maximum=REPLY_MAX)
