"""Account emails, sent after the change that causes them is committed."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Device


@shared_task
def send_new_device_email(device_id: int) -> None:
    """Tell the account owner that someone signed in from a browser the account never used."""
    device = Device.objects.select_related("user").filter(pk=device_id).first()
    if device is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "device": device,
            "user": device.user,
            "site_name": settings.PLATFORM_NAME,
            "security_url": settings.SITE_URL.rstrip("/") + reverse("accounts:security"),
            "reset_url": settings.SITE_URL.rstrip("/") + reverse("account_reset_password"),
        }
        subject = render_to_string("accounts/email/new_device_subject.txt", context)
        body = render_to_string("accounts/email/new_device_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [device.user.email])


@shared_task
def send_enrolment_link_email(user_id: int, token: str) -> None:
    """The one-time link a staff member opens to set up two-factor authentication."""
    from .models import User
    from .services import ENROLMENT_LINK_MAX_AGE

    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "site_name": settings.PLATFORM_NAME,
            "link": settings.SITE_URL.rstrip("/")
            + reverse("accounts:two_factor_enrol", args=[token]),
            "minutes": int(ENROLMENT_LINK_MAX_AGE.total_seconds() // 60),
        }
        subject = render_to_string("accounts/email/enrolment_link_subject.txt", context)
        body = render_to_string("accounts/email/enrolment_link_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])


@shared_task
def send_mobile_signup_attempt_email(user_id: int) -> None:
    """Tell a number's owner that someone signed up giving it (the new account did not get it)."""
    from .models import User

    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "site_name": settings.PLATFORM_NAME,
            "security_url": settings.SITE_URL.rstrip("/") + reverse("accounts:security"),
        }
        subject = render_to_string("accounts/email/mobile_signup_attempt_subject.txt", context)
        body = render_to_string("accounts/email/mobile_signup_attempt_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])
