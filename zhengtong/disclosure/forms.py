"""Forms of the disclosure pages. They check shape only; the rules live in the
operations (services.py), whose errors the views put back on the form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengtong.public.forms import PublicForm

from . import services
from .models import ApplicantKind, Channel, DeliveryForm, DeliveryWay, Opinion, ReplyKind

TEXTAREA = {"rows": 4}


class OrganChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def _organ_field():
    return OrganChoiceField(
        label=_("Organ you are asking"),
        queryset=services.organs(),
        empty_label=_("— choose —"),
        error_messages={"required": _("Choose the organ you are asking.")},
    )


class RequestFields(forms.Form):
    """The statutory content of a request (Art. 29), shared by the online form and the
    clerk's registration of a paper request."""

    applicant_kind = forms.ChoiceField(
        label=_("You apply as"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.CITIZEN,
        widget=forms.RadioSelect,
    )
    id_number = forms.CharField(
        label=_("Citizen ID number (citizens)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    credit_code = forms.CharField(
        label=_("Unified social credit code (organisations)"), max_length=30, required=False
    )
    contact_person = forms.CharField(
        label=_("Contact person (organisations)"), max_length=50, required=False
    )
    address = forms.CharField(
        label=_("Postal address"),
        max_length=200,
        required=False,
        help_text=_("Needed for delivery by post."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    document_ref = forms.CharField(
        label=_("Title or document number of the information (if known)"),
        max_length=200,
        required=False,
    )
    description = forms.CharField(
        label=_("Description of the information you ask for"),
        max_length=services.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Describe it so that it can be found: subject, period, issuing organ."),
    )
    purpose = forms.CharField(
        label=_("Purpose (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    delivery_form = forms.ChoiceField(
        label=_("Form of delivery"),
        choices=DeliveryForm.choices,
        initial=DeliveryForm.ELECTRONIC,
        widget=forms.RadioSelect,
    )
    delivery_way = forms.ChoiceField(
        label=_("Way of delivery"),
        choices=DeliveryWay.choices,
        initial=DeliveryWay.ONLINE,
        widget=forms.RadioSelect,
    )


class ApplicationForm(RequestFields, PublicForm):
    """The online application at /xxgk/ysq/sq/ (name and confirmed mobile from
    PublicForm, or the signed-in account)."""

    sms_purpose = "disclosure"
    field_order = ["unit", "applicant_kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _organ_field()
        self.order_fields(self.field_order)

    def request_fields(self):
        data = self.cleaned_data
        names = [*RequestFields.base_fields, "unit", "name", "mobile"]
        return {name: data.get(name, "") for name in names}


class PaperRequestForm(RequestFields):
    """A clerk records a request that arrived in person, by post or by fax."""

    channel = forms.ChoiceField(
        label=_("Received by"),
        choices=[c for c in Channel.choices if c[0] != Channel.ONLINE],
        widget=forms.RadioSelect,
    )
    received_on = forms.DateField(
        label=_("Receipt date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("In person: the day handed in; by post: the day signed for."),
    )
    name = forms.CharField(label=_("Applicant's name"), max_length=100)
    mobile = forms.CharField(label=_("Mobile number"), max_length=20)
    field_order = ["unit", "channel", "received_on", "applicant_kind", "name", "mobile"]

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = _organ_field()
        if units is not None:
            field.queryset = units
        self.fields["unit"] = field
        self.order_fields(self.field_order)


class CorrectionForm(forms.Form):
    items = forms.CharField(
        label=_("What must be corrected"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("List everything at once: the notice can be issued only once."),
    )
    period_days = forms.IntegerField(
        label=_("Period to correct (working days)"),
        min_value=1,
        max_value=services.MAX_CORRECTION_PERIOD,
        initial=services.DEFAULT_CORRECTION_PERIOD,
    )


class ReceiveCorrectionForm(forms.Form):
    text = forms.CharField(label=_("The correction"), widget=forms.Textarea(attrs=TEXTAREA))
    received_on = forms.DateField(
        label=_("Arrived on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ExtensionForm(forms.Form):
    days = forms.IntegerField(
        label=_("Extension (working days)"),
        min_value=1,
        max_value=services.MAX_EXTENSION_DAYS,
        initial=services.MAX_EXTENSION_DAYS,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ConsultationForm(forms.Form):
    third_party = forms.CharField(label=_("Third party"), max_length=200)
    matter = forms.CharField(label=_("What is asked"), widget=forms.Textarea(attrs={"rows": 2}))


class FinishConsultationForm(forms.Form):
    opinion = forms.ChoiceField(
        label=_("Third party's answer"), choices=Opinion.choices, widget=forms.RadioSelect
    )
    opinion_text = forms.CharField(
        label=_("Its reasons"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReplyForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type of reply"), choices=ReplyKind.choices, widget=forms.RadioSelect
    )
    where_public = forms.CharField(
        label=_("Where the information is published (already public)"),
        max_length=300,
        required=False,
    )
    information = forms.CharField(
        label=_("The information provided (disclosed)"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    upload = forms.FileField(label=_("Attach the information (disclosed)"), required=False)
    is_partial = forms.BooleanField(label=_("Disclosed in part only"), required=False)
    reason = forms.CharField(
        label=_("Reason for not disclosing (or for the withheld parts)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300, required=False)
    right_organ = forms.CharField(
        label=_("The organ responsible (not held)"), max_length=200, required=False
    )
    right_organ_contact = forms.CharField(
        label=_("Its contact details"), max_length=200, required=False
    )
    earlier_number = forms.CharField(
        label=_("Number of the earlier request (repeated)"), max_length=80, required=False
    )
    other_route = forms.CharField(
        label=_("The route to take (not a disclosure request)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    body = forms.CharField(
        label=_("Further explanation"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("For “does not exist”: how and where it was searched for."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("What must change"), widget=forms.Textarea(attrs={"rows": 2}))


class SendForm(forms.Form):
    delivery_note = forms.CharField(
        label=_("Delivery record"),
        max_length=300,
        required=False,
        help_text=_("E.g. the registered-post number, or who collected it and when."),
    )


class ConfirmForm(forms.Form):
    """An action without fields (approve, close as abandoned)."""


# --- public --------------------------------------------------------------------------


class LookupForm(forms.Form):
    number = forms.CharField(label=_("Request number"), max_length=80)
    password = forms.CharField(
        label=_("Query password"),
        max_length=20,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class ApplicantCorrectionForm(forms.Form):
    text = forms.CharField(
        label=_("Your correction"),
        max_length=services.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=500, required=False)
