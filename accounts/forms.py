"""Sign-up, login and two-factor forms."""

from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordKeyForm as AllauthResetPasswordKeyForm
from allauth.account.forms import SetPasswordForm as AllauthSetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from . import services
from .identifiers import canonical_identifier, looks_like_mobile, parse_mobile
from .models import LoginLog, User

SIGNUP_ROLES = [
    (User.Role.CUSTOMER, _("I want to book appointments")),
    (User.Role.PROVIDER, _("I run a business and take bookings")),
]


class SignupForm(AllauthSignupForm):
    """allauth's sign-up plus name, optional mobile and the customer/provider choice."""

    name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": _("Your name")}),
    )
    mobile = PhoneNumberField(
        label=_("Mobile number (optional)"),
        region="IN",
        required=False,
        help_text=_("You can sign in with it too. Indian numbers need no +91."),
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "inputmode": "tel", "placeholder": "98765 43210"}
        ),
        error_messages={"invalid": _("Enter a valid mobile number, e.g. 98765 43210.")},
    )
    role = forms.ChoiceField(
        label=_("I am signing up to…"),
        choices=SIGNUP_ROLES,
        initial=User.Role.CUSTOMER,
        widget=forms.RadioSelect,
    )

    field_order = ["role", "name", "email", "mobile", "password1", "password2"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["maxlength"] = "254"

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Enter your name."), code="required")
        return name

    # A mobile number that is already registered is not an error here: the page would tell
    # anyone whether a number has an account. accounts.adapters leaves it off the new account
    # and emails the number's owner instead.


class LoginForm(AllauthLoginForm):
    """One box for an email address or a mobile number, then allauth's password login.

    The credentials always carry the account's email (its canonical identifier), so axes
    counts failures per account whichever identifier was typed.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"] = forms.CharField(
            label=_("Email or mobile number"),
            max_length=254,
            widget=forms.TextInput(
                attrs={
                    "autocomplete": "username",
                    "placeholder": _("you@example.com or 98765 43210"),
                    "autofocus": True,
                }
            ),
            error_messages={"required": _("Enter your email address or mobile number.")},
        )
        if "remember" in self.fields:
            self.fields["remember"].label = _("Remember me")
        self.order_fields(["login", "password", "remember"])

    def clean_login(self) -> str:
        login = self.cleaned_data["login"].strip()
        if looks_like_mobile(login):
            if parse_mobile(login) is None:
                raise ValidationError(
                    _("Enter a valid email address or mobile number."), code="invalid"
                )
        else:
            try:
                forms.EmailField().clean(login)
            except ValidationError:
                raise ValidationError(
                    _("Enter a valid email address or mobile number."), code="invalid"
                ) from None
        return login

    def user_credentials(self) -> dict:
        login = self.cleaned_data["login"]
        credentials = {"email": canonical_identifier(login), "login": login}
        password = self.cleaned_data.get("password")
        if password:
            credentials["password"] = password
        return credentials

    def clean(self):
        cleaned_data = super().clean()
        if self.user is not None and self.user.is_blocked:
            services.login_log_record(
                request=self.request,
                status=LoginLog.Status.FAILED,
                reason=LoginLog.Reason.BLOCKED,
                identifier=cleaned_data.get("login", ""),
                user=self.user,
            )
            self.user = None
            raise ValidationError(
                _("This account has been blocked. Contact support if you think this is a mistake."),
                code="blocked",
            )
        return cleaned_data

    def login(self, request, redirect_url=None):
        """Ask a 2FA user on a browser new to the account for a code before logging in."""
        user = self.user
        if services.two_factor_required_for_login(
            user=user, device_id=getattr(request, "device_id", None)
        ):
            services.login_log_record(
                request=request,
                status=LoginLog.Status.FAILED,
                reason=LoginLog.Reason.OTP_REQUIRED,
                identifier=self.cleaned_data["login"],
                user=user,
            )
            services.pending_two_factor_login_start(
                request=request,
                user=user,
                redirect_url=redirect_url,
                identifier=self.cleaned_data["login"],
            )
            return redirect("accounts:login_2fa")
        response = super().login(request, redirect_url=redirect_url)
        if not (request.user.is_authenticated and request.user.pk == user.pk):
            # allauth stopped at a stage (email not verified yet): the attempt did not sign in.
            services.login_log_record(
                request=request,
                status=LoginLog.Status.FAILED,
                reason=LoginLog.Reason.UNVERIFIED,
                identifier=self.cleaned_data["login"],
                user=user,
            )
        return response


class TokenForm(forms.Form):
    """A 6-digit authenticator code or an 8-digit backup code."""

    token = forms.CharField(
        label=_("Code"),
        max_length=8,
        min_length=6,
        validators=[RegexValidator(r"^\d{6,8}$", _("Enter the 6-digit code or a backup code."))],
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "placeholder": "123456",
                "autofocus": True,
            }
        ),
        error_messages={"required": _("Enter the code.")},
    )

    def clean_token(self) -> str:
        return "".join(self.cleaned_data["token"].split())


class PasswordConfirmForm(forms.Form):
    """Asks for the current password before a security setting is weakened."""

    password = forms.CharField(
        label=_("Current password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("That password is not correct."), code="invalid")
        return password


class BlockUserForm(forms.Form):
    """Admin action: the reason shown to staff (and kept in the audit log)."""

    reason = forms.CharField(
        label=_("Reason for blocking"),
        max_length=255,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. repeated no-shows, fraud report")}),
    )


class SecondFactorConfirmForm(PasswordConfirmForm):
    """The password and a current code (authenticator or backup) before two-factor is turned
    off or its backup codes replaced: a session that only knows the password cannot."""

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["token"] = forms.CharField(
            label=_("Code from your authenticator app (or a backup code)"),
            max_length=8,
            min_length=6,
            validators=[
                RegexValidator(r"^\d{6,8}$", _("Enter the 6-digit code or a backup code."))
            ],
            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
            error_messages={"required": _("Enter the code.")},
        )
        self.device = None

    def clean_token(self) -> str:
        from django_otp import match_token

        token = "".join(self.cleaned_data["token"].split())
        if "password" not in self.cleaned_data:
            return token  # a wrong password: do not spend the code
        self.device = match_token(self.user, token)
        if self.device is None:
            raise ValidationError(_("That code is not right. Try again."), code="invalid")
        return token


# allauth's password forms, labelled in sentence case like the rest of the site.
SENTENCE_CASE_PASSWORD_LABELS = {
    "oldpassword": _("Current password"),
    "password1": _("New password"),
    "password2": _("New password (again)"),
}


def _relabel(form: forms.Form) -> None:
    for name, label in SENTENCE_CASE_PASSWORD_LABELS.items():
        if name in form.fields:
            form.fields[name].label = label


class ChangePasswordForm(AllauthChangePasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self)


class SetPasswordForm(AllauthSetPasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self)


class ResetPasswordKeyForm(AllauthResetPasswordKeyForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self)
