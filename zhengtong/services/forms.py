"""Staff forms of the guides: the guide's own fields, and inline rows (formsets) for
materials, steps and questions. Rows left empty are ignored; ticking "remove" drops a
row. The forms only shape input: the operations in services.py check and save it."""

from typing import TYPE_CHECKING

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from zhengtong.org.models import Unit

from .models import (
    Delivery,
    EventKind,
    MaterialForm,
    Medium,
    ServiceEvent,
    ServiceItem,
)

GUIDE_FIELDS = [
    "name",
    "implementation_code",
    "basic_code",
    "item_type",
    "audience",
    "legal_basis",
    "conditions",
    "statutory_limit",
    "promised_limit",
    "special_steps",
    "fee_charged",
    "fees",
    "fee_basis",
    "place",
    "hours",
    "phone",
    "complaint_channel",
    "result_name",
    "result_delivery",
    "online_depth",
    "visits",
]


class GuideForm(forms.ModelForm):
    unit: "forms.ModelChoiceField[Unit]" = forms.ModelChoiceField(
        label=_("Implementing unit"), queryset=None, required=True
    )
    result_delivery = forms.MultipleChoiceField(
        label=_("Delivery of the result"),
        choices=Delivery.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    events = forms.ModelMultipleChoiceField(
        label=_("Life and business events"),
        queryset=ServiceEvent.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    field_order = ["unit", *GUIDE_FIELDS[:5], "events", *GUIDE_FIELDS[5:]]
    # Negative numbers are refused by the operation with its own message.
    statutory_limit = forms.IntegerField(
        label=_("Statutory time limit (working days)"), required=False
    )
    promised_limit = forms.IntegerField(
        label=_("Promised time limit (working days)"), required=False
    )
    visits = forms.IntegerField(label=_("Visits to the window"), initial=1)

    class Meta:
        model = ServiceItem
        fields = GUIDE_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "legal_basis",
                "conditions",
                "special_steps",
                "fees",
                "fee_basis",
                "place",
                "hours",
                "complaint_channel",
            )
        }

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["unit"]
            self.fields["revision"].initial = self.instance.revision
            self.fields["events"].initial = list(self.instance.events.all())
        else:
            self.fields["unit"].queryset = units
        self.fields["events"].label_from_instance = lambda e: (
            f"{e.name}（{EventKind(e.kind).label}）"
        )
        for name in ("name", "implementation_code", "item_type"):
            self.fields[name].required = True

    def _post_clean(self):
        # The operation validates and saves; the model instance is not touched here.
        pass


class MaterialRow(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Material"), max_length=200, required=False)
    form = forms.ChoiceField(label=_("Original or copy"), choices=MaterialForm.choices)
    copies = forms.IntegerField(label=_("Copies"), initial=1, required=False)
    medium = forms.ChoiceField(label=_("Paper or electronic"), choices=Medium.choices)
    source = forms.CharField(label=_("Source"), max_length=200, required=False)
    required = forms.BooleanField(label=_("Required"), initial=True, required=False)
    note = forms.CharField(
        label=_("Requirements"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class StepRow(forms.Form):
    name = forms.CharField(label=_("Step"), max_length=100, required=False)
    description = forms.CharField(
        label=_("What happens"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FAQRow(forms.Form):
    question = forms.CharField(label=_("Question"), max_length=300, required=False)
    answer = forms.CharField(
        label=_("Answer"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


MaterialFormSet = formset_factory(MaterialRow, extra=2, can_delete=True, max_num=60)
StepFormSet = formset_factory(StepRow, extra=2, can_delete=True, max_num=30)
FAQFormSet = formset_factory(FAQRow, extra=2, can_delete=True, max_num=30)


def rows_of(formset, key):
    """The rows a valid formset holds: not removed, and not left empty."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or not (data.get(key) or "").strip():
            continue
        rows.append({k: v for k, v in data.items() if k != "DELETE"})
    return rows


class AttachForm(forms.Form):
    slot = forms.ChoiceField(label=_("What the file is"), choices=())
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            ("flow_chart", _("Flow chart (image)")),
            ("result_sample", _("Sample of the result")),
        ]
        for m in item.materials.all():
            choices.append((f"blank_form:{m.pk}", _("Blank form: %(name)s") % {"name": m.name}))
            choices.append((f"sample:{m.pk}", _("Filled sample: %(name)s") % {"name": m.name}))
        self.fields["slot"].choices = choices


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the guide withdrawn?"), widget=forms.Textarea(attrs={"rows": 3})
    )
