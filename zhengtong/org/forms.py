from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhengtong.core.access import Person
from zhengtong.core.throttle import Throttled

from . import signin
from .models import DigestChoice, Role, Unit, User


class SignInCeilingMixin:
    """Refuse the attempt, before the password is checked, while a ceiling on failed
    sign-ins holds for the account or the address (org.signin)."""

    request: HttpRequest | None

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = getattr(self, "cleaned_data", {})
        if self.request is not None:
            try:
                signin.check(self.request, data.get("username"))
            except Throttled as exc:
                raise forms.ValidationError(str(exc.message), code="throttled") from exc
        cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        return cleaned


class LoginForm(SignInCeilingMixin, AuthenticationForm):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "The user name or password is wrong. Accounts are locked for a while "
            "after repeated failures."
        ),
        "inactive": _("This account is disabled."),
    }


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 10 characters, with three of: lower-case "
            "letters, upper-case letters, digits, other characters; "
            "not containing your user name."
        ),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        value: str = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("The current password is wrong."))
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        new, again = data.get("new_password"), data.get("new_password2")
        if new and again and new != again:
            self.add_error("new_password2", _("The two new passwords differ."))
        if new and data.get("old_password") == new:
            self.add_error("new_password", _("The new password must differ from the current one."))
        return data


class OtpForm(forms.Form):
    token = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]{6}"}
        ),
    )

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_("Enter the 6 digits shown in the app."))
        return token


class PreferencesForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["notification_mode", "email"]
        widgets = {"notification_mode": forms.RadioSelect(choices=DigestChoice.choices)}


class DelegationForm(forms.Form):
    delegate = forms.ModelChoiceField(label=_("Hand my work to"), queryset=User.objects.none())
    starts_at = forms.DateTimeField(
        label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "delegate").queryset = (
            User.objects.filter(is_active=True, units__in=user.units.all())
            .exclude(pk=user.pk)
            .distinct()
            .order_by("real_name")
        )


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label=_("Staff spreadsheet (CSV, UTF-8)"),
        help_text=_(
            "Columns: username, real_name, unit, position, mobile, email, roles. Roles are "
            "codes or names separated by ; (e.g. 文书;编辑). All rows are added, or none."
        ),
    )


def _choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's model choice field `name` (whose queryset the form narrows)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def managed_units(actor: Person) -> QuerySet[Unit]:
    """Active units whose staff `actor` may manage (rule org.manage_staff)."""
    from .permissions import may

    units = Unit.objects.filter(is_active=True).order_by("sort_order", "id")
    allowed = [u.pk for u in units if may(actor, "org.manage_staff", None, unit=u)]
    return units.filter(pk__in=allowed)


ORDINARY_ROLES = [
    (value, label)
    for value, label in Role.choices
    if value not in {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}
]


class StaffCreateForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    real_name = forms.CharField(label=_("Real name"), max_length=50)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    position = forms.CharField(label=_("Position"), max_length=60, required=False)
    mobile = forms.CharField(label=_("Mobile"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles in this unit"),
        choices=ORDINARY_ROLES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Optional. The person must change it at first sign-in."),
    )

    def __init__(self, actor: Person, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "unit").queryset = managed_units(actor)


class StaffDetailsForm(forms.Form):
    real_name = forms.CharField(label=_("Real name"), max_length=50)
    position = forms.CharField(label=_("Position"), max_length=60, required=False)
    mobile = forms.CharField(label=_("Mobile"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    is_active = forms.BooleanField(
        label=_("Account active"),
        required=False,
        help_text=_("A person who leaves is deactivated, never deleted: their history stays."),
    )


class PasswordResetForm(forms.Form):
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("The person must change it at their next sign-in."),
    )


class MoveStaffForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("New primary unit"), queryset=Unit.objects.none())
    position = forms.CharField(label=_("Position there"), max_length=60, required=False)
    keep_old = forms.BooleanField(label=_("Keep the old unit as a further unit"), required=False)

    def __init__(self, actor: Person, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "unit").queryset = managed_units(actor)


class AdminLoginForm(SignInCeilingMixin, AdminAuthenticationForm):
    """The admin's sign-in, under the same ceilings as the staff page."""
