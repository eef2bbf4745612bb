"""Account emails, queued (post-office) in the transaction of the change that causes them and
delivered by the mail worker."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Device


def queue_new_device_email(device: Device) -> None:
    """Tell the account owner that someone signed in from a browser the account never used.

    Rendered in the active language, the one of the page they signed in on: the recipient is
    the person signing in."""
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
