"""Forms of the personal centre (/grzx/): register, sign in, reset and change the
password, edit the profile; and the staff search."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengtong.core.errors import DomainError, Message

from . import services
from .forms import MobileField, PublicForm
from .models import PublicUser


def _password_field(
    label: Message, autocomplete: str = "new-password", help_text: Message = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=services.PASSWORD_MAX,
        strip=False,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


PASSWORD_HELP = _(
    "At least 10 characters, mixing three of: lower-case letters, capital letters, "
    "digits, other characters."
)


if TYPE_CHECKING:  # the mixin is used with forms: it may use their methods
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class _NewPasswordMixin(_FormBase):
    """Two new-password fields checked against the project's password rules."""

    def _check_new_password(self, first: str, second: str, mobile: str | None) -> None:
        password = self.cleaned_data.get(first)
        if not password:
            return
        if password != self.cleaned_data.get(second):
            self.add_error(second, _("The two passwords are not the same."))
            return
        try:
            services.check_password_rules(password, mobile)
        except DomainError as exc:
            self.add_error(first, str(exc.message))


class RegisterForm(_NewPasswordMixin, PublicForm):
    sms_purpose = "register"

    kind = forms.ChoiceField(
        label=_("I register as"),
        choices=PublicUser.Kind.choices,
        initial=PublicUser.Kind.CITIZEN,
        widget=forms.RadioSelect,
    )
    password1 = _password_field(_("Password"), help_text=PASSWORD_HELP)
    password2 = _password_field(_("Password again"))
    real_name = forms.CharField(
        label=_("Real name (optional)"),
        max_length=services.NAME_MAX,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label=_("Citizen ID number (optional)"), max_length=20, required=False
    )
    company_name = forms.CharField(
        label=_("Business name (businesses)"), max_length=services.COMPANY_MAX, required=False
    )
    credit_code = forms.CharField(
        label=_("Unified social credit code (businesses)"),
        max_length=20,
        required=False,
        help_text=_("18 characters, as on the business licence."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("name", None)  # the optional real name takes its place
        # The account fields first, the confirmation (SMS, picture) last.
        order = [
            "kind",
            "mobile",
            "password1",
            "password2",
            "real_name",
            "id_number",
            "company_name",
            "credit_code",
        ]
        self.order_fields(order)

    def clean(self) -> dict[str, Any]:
        data = self.cleaned_data
        mobile = data.get("mobile")
        self._check_new_password("password1", "password2", mobile)
        try:
            services.clean_profile(
                data.get("kind") or "",
                data.get("real_name"),
                data.get("id_number"),
                data.get("company_name"),
                data.get("credit_code"),
            )
        except DomainError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, str(exc.message))
        cleaned: dict[str, Any] = super().clean()  # the captcha, then the SMS code
        # Said only now that the captcha and the SMS code (sent to that number) passed:
        # before, the answer would tell anyone which numbers have an account.
        if not self.errors and mobile and services.mobile_registered(mobile):
            self.add_error(
                "mobile",
                _("This mobile number already has an account. Sign in, or reset the password."),
            )
        return cleaned


class SignInForm(PublicForm):
    mobile = MobileField(
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "username"})
    )
    password = _password_field(_("Password"), autocomplete="current-password")


class ResetPasswordForm(_NewPasswordMixin, PublicForm):
    sms_purpose = "reset"
    new_password1 = _password_field(_("New password"), help_text=PASSWORD_HELP)
    new_password2 = _password_field(_("New password again"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("name", None)
        self.order_fields(["mobile", "new_password1", "new_password2"])

    def clean(self) -> dict[str, Any]:
        self._check_new_password("new_password1", "new_password2", self.cleaned_data.get("mobile"))
        return super().clean()


class ChangePasswordForm(_NewPasswordMixin, forms.Form):
    old_password = _password_field(_("Current password"), autocomplete="current-password")
    new_password1 = _password_field(_("New password"), help_text=PASSWORD_HELP)
    new_password2 = _password_field(_("New password again"))

    def __init__(self, *args: Any, user: PublicUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        self._check_new_password("new_password1", "new_password2", self.user.mobile)
        super().clean()
        return self.cleaned_data


class ProfileForm(forms.Form):
    real_name = RegisterForm.base_fields["real_name"]
    id_number = RegisterForm.base_fields["id_number"]
    company_name = forms.CharField(
        label=_("Business name"), max_length=services.COMPANY_MAX, required=True
    )
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=20,
        help_text=RegisterForm.base_fields["credit_code"].help_text,
    )

    def __init__(self, *args: Any, user: PublicUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user.kind != PublicUser.Kind.BUSINESS:
            del self.fields["company_name"], self.fields["credit_code"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        try:
            services.clean_profile(
                self.user.kind,
                data.get("real_name"),
                data.get("id_number"),
                data.get("company_name"),
                data.get("credit_code"),
            )
        except DomainError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, str(exc.message))
        return data


class StaffSearchForm(forms.Form):
    mobile = forms.CharField(label=_("Mobile number"), max_length=20, required=False)
