"""Turn what a person typed into the login box (an email or a mobile number) into one account.

The canonical identifier of an account is its primary email address in lower case. Axes locks
that string, so typing the mobile number, the primary email or any other address of the account
(allauth's EmailAddress rows) reaches the same lock.
"""

import phonenumbers
from django.conf import settings
from django.http import HttpRequest

from .models import User


def looks_like_mobile(value: str) -> bool:
    return "@" not in value and any(ch.isdigit() for ch in value)


def parse_mobile(value: str) -> str | None:
    """Return the E.164 form of an Indian-by-default mobile number, or None."""
    try:
        number = phonenumbers.parse(value, settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def user_for_identifier(value: str) -> User | None:
    value = (value or "").strip()
    if not value:
        return None
    if looks_like_mobile(value):
        mobile = parse_mobile(value)
        return User.objects.filter(mobile=mobile).first() if mobile else None
    user = User.objects.filter(email__iexact=value).first()
    if user is None:
        # A secondary address of the account (allauth signs in with those too).
        from allauth.account.models import EmailAddress

        address = EmailAddress.objects.filter(email__iexact=value).select_related("user").first()
        user = address.user if address is not None else None
    return user


def canonical_identifier(value: str) -> str:
    """The account's email for a known email or mobile; otherwise the input, normalised."""
    value = (value or "").strip()
    user = user_for_identifier(value)
    if user is not None:
        return user.email.lower()
    if looks_like_mobile(value):
        return parse_mobile(value) or value[:255]
    return value.lower()[:255]


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """AXES_USERNAME_CALLABLE: the canonical identifier from credentials or the login form."""
    raw = ""
    if credentials:
        raw = credentials.get("email") or credentials.get("login") or ""
        raw = raw or credentials.get("username") or ""
    if not raw and request is not None:
        raw = request.POST.get("login", "") if hasattr(request, "POST") else ""
    return canonical_identifier(raw)
