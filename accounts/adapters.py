"""allauth hooks: where people land after login, how their profile is saved, one client IP."""

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import services
from .emails import queue_mobile_signup_attempt_email
from .ip import client_ip
from .models import User

PROVIDER_HOME = "/portal/"
STAFF_HOME = "/adminpanel/"
CUSTOMER_HOME = "/"
EMAIL_MAX_LENGTH = 254


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _("The email/mobile number or password is not correct."),
        "too_many_login_attempts": _("Too many failed sign-in attempts. Try again later."),
    }

    def clean_email(self, email: str) -> str:
        """Every allauth email form (sign-up, add/change email, reset) stops at the column size."""
        if len(email) > EMAIL_MAX_LENGTH:
            raise forms.ValidationError(
                _("Email addresses can be at most %(max)d characters long.")
                % {"max": EMAIL_MAX_LENGTH},
                code="max_length",
            )
        return super().clean_email(email)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        user = request.user
        if user.is_authenticated and user.is_staff:
            return STAFF_HOME
        if user.is_authenticated and user.is_provider:
            return PROVIDER_HOME
        return CUSTOMER_HOME

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return self.get_login_redirect_url(request)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.name = data["name"]
        mobile = data.get("mobile") or None
        owner = User.objects.filter(mobile=mobile).first() if mobile else None
        if owner is not None:
            # Sign-up answers the same whether or not the number is taken; the number stays
            # with its owner, who is told by email (the new account can add another number).
            mobile = None
            queue_mobile_signup_attempt_email(owner)
        user.mobile = mobile
        user.role = data["role"]
        # The language they signed up in is their language for emails until they choose.
        user.language = translation.get_language() or ""
        user.email_verified = False
        if commit:
            user.save()
        return user

    def should_send_confirmation_mail(self, request, email_address, signup: bool) -> bool:
        """Signing in before confirming sends a fresh link, at most
        ``ACCOUNTS_RATE_LIMITS["verification_email"]`` per address; past that the page says a
        link went out a moment ago instead of saying nothing."""
        services.verification_email_remember(request, email_address.email)
        allowed = services.verification_email_allowed(request, email_address.email)
        if allowed or signup:  # the sign-up email counts, and always goes out
            return True
        self.add_message(
            request,
            messages.WARNING,
            "account/messages/email_confirmation_limited.txt",
            {"email": email_address.email},
        )
        return False

    def login(self, request: HttpRequest, user) -> None:
        # Read before Django's login stamps last_login: a first sign-in is greeted "Welcome".
        request._first_sign_in = user.last_login is None
        super().login(request, user)

    def add_message(
        self,
        request,
        level,
        message_template=None,
        message_context=None,
        extra_tags="",
        message=None,
    ) -> None:
        if message_template == "account/messages/logged_in.txt" and getattr(
            request, "_first_sign_in", False
        ):
            message_template = "account/messages/logged_in_first.txt"
        super().add_message(request, level, message_template, message_context, extra_tags, message)

    def get_client_ip(self, request: HttpRequest) -> str:
        return client_ip(request)
