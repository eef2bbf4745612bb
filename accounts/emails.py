"""Account emails, queued (post-office) in the transaction of the change that causes them and
delivered by the mail worker."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Device


def queue_new_device_email(device: Device) -> None:
    """Tell the account owner that someone signed in from a browser the account never used.

    In the owner's saved language, else the one of the page they signed in on (the recipient
    is the person signing in)."""
    context = {
        "device": device,
        "user": device.user,
        "site_name": settings.PLATFORM_NAME,
        "security_url": settings.SITE_URL.rstrip("/") + reverse("accounts:security"),
        "reset_url": settings.SITE_URL.rstrip("/") + reverse("account_reset_password"),
    }
    with translation.override(device.user.language_or(translation.get_language())):
        subject = render_to_string("accounts/email/new_device_subject.txt", context)
        body = render_to_string("accounts/email/new_device_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [device.user.email])


def queue_enrolment_link_email(user, token: str) -> None:
    """The one-time link a staff member opens to set up two-factor authentication."""
    from .services import ENROLMENT_LINK_MAX_AGE

    context = {
        "user": user,
        "site_name": settings.PLATFORM_NAME,
        "link": settings.SITE_URL.rstrip("/") + reverse("accounts:two_factor_enrol", args=[token]),
        "minutes": int(ENROLMENT_LINK_MAX_AGE.total_seconds() // 60),
    }
    with translation.override(user.language_or(translation.get_language())):
        subject = render_to_string("accounts/email/enrolment_link_subject.txt", context)
        body = render_to_string("accounts/email/enrolment_link_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])


def queue_mobile_signup_attempt_email(user) -> None:
    """Tell a number's owner that someone signed up giving it (the new account did not get it).

    In the owner's language, not the one of the stranger's sign-up page."""
    context = {
        "user": user,
        "site_name": settings.PLATFORM_NAME,
        "security_url": settings.SITE_URL.rstrip("/") + reverse("accounts:security"),
    }
    with translation.override(user.language_or()):
        subject = render_to_string("accounts/email/mobile_signup_attempt_subject.txt", context)
        body = render_to_string("accounts/email/mobile_signup_attempt_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])


def queue_email_code_email(*, user, email: str, purpose: str, code: str, minutes: int) -> None:
    """A code to type into the app: verify the address, or reset the password."""
    context = {
        "user": user,
        "site_name": settings.PLATFORM_NAME,
        "purpose": purpose,
        "code": code,
        "minutes": minutes,
    }
    subject = render_to_string("accounts/email/email_code_subject.txt", context)
    body = render_to_string("accounts/email/email_code_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [email])
