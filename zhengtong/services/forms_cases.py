"""Forms of the case pages (staff) and of the applicant's pages (public)."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from .models import (
    ApplicationState,
    DeliveryWay,
    FieldType,
    Recommendation,
    Satisfaction,
    SpecialStepKind,
    Verdict,
)


class CaseFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All states"))]
        + [c for c in ApplicationState.choices if c[0] != ApplicationState.DRAFT],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Internal note"), required=False, widget=forms.Textarea)


class RefuseForm(forms.Form):
    reasons = forms.CharField(label=_("Reasons for not accepting"), widget=forms.Textarea)
    right_unit = forms.CharField(
        label=_("Competent unit (when outside our competence)"), required=False, max_length=200
    )


class NoticeForm(forms.Form):
    """One line per material of the guide: missing, wrong or in order, with what to do."""

    note = forms.CharField(label=_("Note for the applicant"), required=False, widget=forms.Textarea)

    def __init__(self, *args, materials=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.materials = list(materials)
        for m in self.materials:
            self.fields[f"verdict_{m.pk}"] = forms.ChoiceField(
                label=m.name,
                choices=[
                    (Verdict.OK, _("In order")),
                    (Verdict.MISSING, _("Missing")),
                    (Verdict.WRONG, _("Not as required")),
                ],
                initial=Verdict.OK,
                required=False,  # not given: in order
            )
            self.fields[f"todo_{m.pk}"] = forms.CharField(
                label=_("What to do: %(name)s") % {"name": m.name}, required=False, max_length=2000
            )
        self.fields["other"] = forms.CharField(
            label=_("Anything else to correct"), required=False, widget=forms.Textarea
        )

    def problems(self):
        data = self.cleaned_data
        out = []
        for m in self.materials:
            verdict = data.get(f"verdict_{m.pk}")
            if verdict in (Verdict.MISSING, Verdict.WRONG):
                todo = data.get(f"todo_{m.pk}") or ""
                if not todo.strip():
                    self.add_error(f"todo_{m.pk}", _("Say what the applicant must do."))
                out.append({"material": m.pk, "problem": verdict, "what_to_do": todo})
        if (data.get("other") or "").strip():
            out.append({"material": None, "problem": Verdict.WRONG, "what_to_do": data["other"]})
        return out


class ReviewForm(forms.Form):
    recommendation = forms.ChoiceField(
        label=_("Recommendation"), choices=Recommendation.choices, widget=forms.RadioSelect
    )
    opinion = forms.CharField(label=_("Opinion"), widget=forms.Textarea)


class ExtendForm(forms.Form):
    reason = forms.CharField(label=_("Reason (shown to the applicant)"), widget=forms.Textarea)


class SpecialStartForm(forms.Form):
    kind = forms.ChoiceField(label=_("Special step"), choices=SpecialStepKind.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)
    planned_days = forms.IntegerField(label=_("Planned working days"), min_value=1, max_value=120)


class SpecialEndForm(forms.Form):
    result = forms.CharField(label=_("Result (shown to the applicant)"), required=False)


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=Recommendation.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(label=_("Reasons"), required=False, widget=forms.Textarea)
    expected_state = forms.CharField(widget=forms.HiddenInput, required=False)


class DeliverForm(forms.Form):
    way = forms.ChoiceField(label=_("Delivered by"), choices=DeliveryWay.choices)
    note = forms.CharField(
        label=_("Details (postal tracking number …)"), required=False, max_length=200
    )


class RectifyForm(forms.Form):
    call_back = forms.CharField(label=_("Call-back record (internal)"), widget=forms.Textarea)
    result = forms.CharField(label=_("Result (shown to the applicant)"), widget=forms.Textarea)


class FieldRowForm(forms.Form):
    """One field of the online form in the form builder."""

    key = forms.CharField(label=_("Key"), max_length=40, required=False)
    label = forms.CharField(label=_("Label"), max_length=200, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=FieldType.choices, initial=FieldType.TEXT)
    required = forms.BooleanField(label=_("Required"), required=False)
    choices = forms.CharField(
        label=_("Options (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    columns = forms.CharField(
        label=_("Table columns (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    help = forms.CharField(label=_("Help text"), required=False, max_length=500)
    show_if_field = forms.CharField(label=_("Show only if field"), required=False, max_length=40)
    show_if_equals = forms.CharField(label=_("equals"), required=False, max_length=200)


FieldFormSet = formset_factory(FieldRowForm, extra=2, can_delete=True, can_order=True)


def fields_from_formset(formset):
    """The builder's rows as the field list `cases.save_form` takes (empty rows and
    deleted rows dropped; order as given)."""
    rows = []
    for form in formset.ordered_forms if formset.can_order else formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or not (data.get("key") or data.get("label")):
            continue
        field = {
            "key": data["key"].strip(),
            "label": data["label"].strip(),
            "type": data["type"],
            "required": data["required"],
            "help": data["help"],
        }
        if data["type"] == FieldType.CHOICE:
            field["choices"] = [c for c in data["choices"].splitlines() if c.strip()]
        if data["type"] == FieldType.TABLE:
            field["columns"] = [c for c in data["columns"].splitlines() if c.strip()]
        if data.get("show_if_field"):
            field["show_if"] = {"field": data["show_if_field"], "equals": data["show_if_equals"]}
        rows.append(field)
    # Rows without an order number (the extra ones) come last.
    return rows


def formset_initial(fields):
    return [
        {
            "key": f["key"],
            "label": f["label"],
            "type": f["type"],
            "required": f.get("required", False),
            "choices": "\n".join(f.get("choices", [])),
            "columns": "\n".join(f.get("columns", [])),
            "help": f.get("help", ""),
            "show_if_field": (f.get("show_if") or {}).get("field", ""),
            "show_if_equals": (f.get("show_if") or {}).get("equals", ""),
            "ORDER": i,
        }
        for i, f in enumerate(fields, start=1)
    ]


# --- the applicant's pages ------------------------------------------------------------------


class RateForm(forms.Form):
    overall = forms.TypedChoiceField(
        label=_("Overall satisfaction"),
        choices=Satisfaction.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    efficiency = forms.TypedChoiceField(
        label=_("Efficiency"), choices=Satisfaction.choices, coerce=int, widget=forms.RadioSelect
    )
    guide_accuracy = forms.TypedChoiceField(
        label=_("Accuracy of the service guide"),
        choices=Satisfaction.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    convenience = forms.TypedChoiceField(
        label=_("Convenience"), choices=Satisfaction.choices, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea, max_length=2000
    )


class ProgressForm(forms.Form):
    number = forms.CharField(label=_("Application number"), max_length=30)
    identifier = forms.CharField(
        label=_("The applicant's citizen ID number or mobile number"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))
