"""Forms of the official-documents pages. They collect and check the shape of the input;
the rules themselves (classification, elements, who may take a step) are the
operations' in `services.py`, whose errors the views show on these forms."""

from django import forms
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

from zhengtong.org import permissions
from zhengtong.org.models import Membership, Role, RoleAssignment, Unit, UnitKind, User

from . import services
from .models import Classification, Direction, Disclosure, DocType, Urgency


class UnitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class PersonChoiceField(forms.ModelChoiceField):
    """A person, shown with their primary unit and position so namesakes differ."""

    def label_from_instance(self, obj):
        primary = getattr(obj, "primary_memberships", None) or []
        unit = primary[0].unit.display_short_name if primary else ""
        details = " · ".join(x for x in (unit, obj.position) if x)
        return f"{obj.real_name} ({details})" if details else obj.real_name


def _active_staff():
    return (
        User.objects.filter(is_active=True)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(is_primary=True).select_related("unit"),
                to_attr="primary_memberships",
            )
        )
        .order_by("real_name", "pk")
    )


def draftable_units(person):
    """The person's own units in whose name they may draft (§1.3: not internal sections)."""
    units = Unit.objects.filter(
        is_active=True, memberships__user=person, memberships__user__is_active=True
    ).order_by("sort_order", "pk")
    return [u for u in units if permissions.rule_holds("documents.draft", person, None, u)]


class DraftForm(forms.Form):
    """A new draft (with `units`, the units the person may draft in) or a draft's edit."""

    issuing_unit = forms.ModelChoiceField(
        label=_("Issuing unit"), queryset=Unit.objects.none(), empty_label=None
    )
    doc_type = forms.ChoiceField(label=_("Type"), choices=DocType.choices)
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[("", _("As usual for the type"))] + list(Direction.choices),
        required=False,
        help_text=_("A report, request, motion or letter always goes its own way."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Body"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "data-editor": "1"}),
        help_text=_(
            "Plain paragraphs, one per line, or simple HTML (headings, paragraphs, tables). "
            "Anything else is removed when saved."
        ),
    )

    def _init_editor(self):
        # The toolbar's labels (static/zt/editor.js), translated here.
        widget = self.fields["body"].widget
        widget.attrs["data-editor-label"] = str(_("Mark the line as"))
        widget.attrs["data-editor-buttons"] = "|".join(
            str(x)
            for x in (
                _("Heading 一、"),
                _("Heading （一）"),
                _("Heading 1."),
                _("Heading （1）"),
                _("Paragraph"),
                _("Table"),
            )
        )

    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, required=False, widget=forms.RadioSelect
    )
    classification = forms.ChoiceField(
        label=_("Classification (密级)"),
        choices=Classification.choices,
        required=False,
        help_text=_("Classified documents are never handled on this system."),
    )
    main_recipients = UnitChoiceField(
        label=_("Main recipients (主送)"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "unit-choices"}),
    )
    copy_recipients = UnitChoiceField(
        label=_("Copy recipients (抄送)"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "unit-choices"}),
    )
    joint_units = UnitChoiceField(
        label=_("Joint issuing units (联合发文)"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "unit-choices"}),
        help_text=_("Other units of the same level that issue it together; each signs it off."),
    )
    attachment_note = forms.CharField(
        label=_("Attachments (附件说明)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The names of the attachments, one per line."),
    )
    note = forms.CharField(label=_("Note (附注)"), max_length=200, required=False)

    def __init__(self, *args, units=None, document=None, **kwargs):
        if document is not None:
            kwargs.setdefault("initial", self.initial_for(document))
        super().__init__(*args, **kwargs)
        self._init_editor()
        choices = services.units_for_choice().order_by("sort_order", "pk")
        self.fields["main_recipients"].queryset = choices
        self.fields["copy_recipients"].queryset = choices
        self.fields["joint_units"].queryset = choices
        if units is None:  # editing: the issuing unit does not change
            del self.fields["issuing_unit"]
        else:
            self.fields["issuing_unit"].queryset = Unit.objects.filter(
                pk__in=[u.pk for u in units]
            ).order_by("sort_order", "pk")
            if len(units) == 1:
                self.fields["issuing_unit"].widget = forms.HiddenInput()
                self.fields["issuing_unit"].initial = units[0].pk

    @staticmethod
    def initial_for(document):
        return {
            "doc_type": document.doc_type,
            "direction": document.direction,
            "title": document.title,
            "body": document.body,
            "urgency": document.urgency,
            "classification": document.classification,
            "main_recipients": list(document.main_recipients.values_list("pk", flat=True)),
            "copy_recipients": list(document.copy_recipients.values_list("pk", flat=True)),
            "joint_units": list(document.joint_units.values_list("pk", flat=True)),
            "attachment_note": document.attachment_note,
            "note": document.note,
        }

    def operation_fields(self):
        """The cleaned data as keyword arguments of create_draft / update_draft."""
        data = dict(self.cleaned_data)
        data.pop("issuing_unit", None)
        data["main_recipients"] = list(data["main_recipients"])
        data["copy_recipients"] = list(data["copy_recipients"])
        data["joint_units"] = list(data["joint_units"])
        return data


def _heads_of(unit):
    return (
        _active_staff()
        .filter(role_assignments__role=Role.UNIT_HEAD, role_assignments__unit=unit)
        .distinct()
    )


class SubmitForm(forms.Form):
    """The route of a draft: review by a head of the issuing unit, countersigning by
    heads of other units, an optional office review, and the signer."""

    reviewer = PersonChoiceField(
        label=_("Review (核稿) by"), queryset=User.objects.none(), empty_label=None
    )
    countersigners = forms.MultipleChoiceField(
        label=_("Countersign (会签) by"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "unit-choices"}),
        help_text=_(
            "Heads of other units whose work the document touches; they countersign at the same time, each in their own right."
        ),
    )
    office_reviewer = PersonChoiceField(
        label=_("Office review (复核) by"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("No office review"),
    )
    signer = PersonChoiceField(
        label=_("Sign-off (签发) by"), queryset=User.objects.none(), empty_label=None
    )
    joint_signers = forms.MultipleChoiceField(
        label=_("Sign-off by each joint issuing unit"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "unit-choices"}),
        help_text=_("One leader for each joint issuing unit."),
    )

    def __init__(self, document, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.document = document
        unit = document.issuing_unit
        reviewers = [
            p
            for p in _heads_of(unit)
            if permissions.rule_holds("documents.can_review", p, document, unit)
        ]
        self.fields["reviewer"].queryset = _active_staff().filter(pk__in=[p.pk for p in reviewers])
        self.fields["office_reviewer"].queryset = (
            _active_staff()
            .filter(memberships__unit__kind=UnitKind.OFFICE, memberships__unit__is_active=True)
            .distinct()
        )
        candidates = (
            _active_staff()
            .filter(
                Q(role_assignments__role=Role.UNIT_HEAD, role_assignments__unit=unit)
                | Q(role_assignments__role=Role.COUNTY_LEADER)
            )
            .distinct()
        )
        signers = [
            p
            for p in candidates
            if permissions.rule_holds("documents.can_sign_off", p, document, unit)
        ]
        self.fields["signer"].queryset = _active_staff().filter(pk__in=[p.pk for p in signers])
        self.pairs = {}
        heads = (
            RoleAssignment.objects.filter(
                role=Role.UNIT_HEAD,
                unit__is_active=True,
                user__is_active=True,
            )
            .exclude(unit=unit)
            .exclude(unit__kind__in=[UnitKind.COUNTY, UnitKind.SECTION])
            .select_related("unit", "user")
            .order_by("unit__sort_order", "unit__pk", "user__real_name")
        )
        choices = []
        for assignment in heads:
            key = f"{assignment.unit_id}:{assignment.user_id}"
            self.pairs[key] = (assignment.unit, assignment.user)
            choices.append((key, f"{assignment.unit.name} — {assignment.user.real_name}"))
        self.fields["countersigners"].choices = choices
        self.joint_pairs = {}
        for joint in document.joint_units.all():
            leaders = (
                _active_staff()
                .filter(
                    Q(role_assignments__role=Role.UNIT_HEAD, role_assignments__unit=joint)
                    | Q(role_assignments__role=Role.COUNTY_LEADER)
                )
                .distinct()
            )
            for person in leaders:
                if permissions.rule_holds("documents.can_sign_off", person, document, joint):
                    self.joint_pairs[f"{joint.pk}:{person.pk}"] = (joint, person)
        self.fields["joint_signers"].choices = [
            (key, f"{unit.name} — {person.real_name}")
            for key, (unit, person) in self.joint_pairs.items()
        ]
        if not self.joint_pairs:
            del self.fields["joint_signers"]
        if len(reviewers) == 1:
            self.fields["reviewer"].initial = reviewers[0].pk
        own_heads = [p for p in signers if p in reviewers]
        if len(own_heads) == 1:
            self.fields["signer"].initial = own_heads[0].pk
        elif len(signers) == 1:
            self.fields["signer"].initial = signers[0].pk
        default = services.route_default_for(document)
        if default is not None:
            # The unit's usual route comes first (set by its head or unit administrator).
            for name in ("reviewer", "office_reviewer", "signer"):
                person = getattr(default, name)
                if person is not None and self.fields[name].queryset.filter(pk=person.pk).exists():
                    self.fields[name].initial = person.pk
        for name in ("reviewer", "signer"):
            if not self.fields[name].queryset.exists():
                self.fields[name].help_text = _(
                    "Nobody can take this step yet: ask the IT centre to record the unit's "
                    "head (单位负责人)."
                )

    def clean_countersigners(self):
        pairs = [self.pairs[key] for key in self.cleaned_data["countersigners"]]
        units = [unit.pk for unit, _person in pairs]
        if len(units) != len(set(units)):
            raise forms.ValidationError(_("Choose one head for each countersigning unit."))
        return pairs

    def clean_joint_signers(self):
        return [self.joint_pairs[key] for key in self.cleaned_data.get("joint_signers", [])]


class ApproveForm(forms.Form):
    """Approve the step waiting for the person; at sign-off also decide on disclosure."""

    opinion = forms.CharField(
        label=_("Opinion"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Leave empty to record 圈阅 (read and agreed)."),
    )
    disclosure = forms.ChoiceField(
        label=_("Disclosure (信息公开)"),
        choices=[c for c in Disclosure.choices if c[0]],
        widget=forms.RadioSelect,
    )
    disclosure_reason = forms.CharField(
        label=_("Reason it is not disclosed"),
        max_length=200,
        required=False,
        help_text=_("Needed when the document is not disclosed."),
    )

    def __init__(self, *args, sign_off=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.sign_off = sign_off
        if not sign_off:
            del self.fields["disclosure"]
            del self.fields["disclosure_reason"]

    def operation_fields(self):
        data = self.cleaned_data
        return {
            "opinion": data["opinion"],
            "disclosure": data.get("disclosure", ""),
            "disclosure_reason": data.get("disclosure_reason", ""),
        }


class SendBackForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is sent back"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class FilterForm(forms.Form):
    """The list's filters (GET)."""

    q = forms.CharField(label=_("Title or number"), required=False, max_length=100)
    doc_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *DocType.choices]
    )
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]


class RouteDefaultForm(forms.Form):
    """Who usually reviews and signs one unit's documents (all types, or one)."""

    doc_type = forms.ChoiceField(
        label=_("Type"), choices=[("", _("Every type"))] + list(DocType.choices), required=False
    )
    reviewer = PersonChoiceField(
        label=_("Review (核稿) by"), queryset=User.objects.none(), required=False
    )
    office_reviewer = PersonChoiceField(
        label=_("Office review (复核) by"), queryset=User.objects.none(), required=False
    )
    signer = PersonChoiceField(
        label=_("Sign-off (签发) by"), queryset=User.objects.none(), required=False
    )

    def __init__(self, unit, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = _heads_of(unit)
        self.fields["office_reviewer"].queryset = (
            _active_staff().filter(memberships__unit__kind=UnitKind.OFFICE).distinct()
        )
        self.fields["signer"].queryset = (
            _active_staff()
            .filter(
                Q(role_assignments__role=Role.UNIT_HEAD, role_assignments__unit=unit)
                | Q(role_assignments__role=Role.COUNTY_LEADER)
            )
            .distinct()
        )
