"""Emails about a provider's approval status, queued (post-office) in the decision's transaction
and delivered by the mail worker."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mail_admins
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Provider


def queue_provider_status_email(provider_id: int) -> None:
    """Tell the shop owner about an approval, rejection or suspension (text + HTML), in the
    owner's saved language (the decision is staff's, in whatever language they use)."""
    provider = Provider.objects.select_related("user").get(pk=provider_id)
    with translation.override(provider.user.language_or()):
        context = {
            "provider": provider,
            "user": provider.user,
            "site_name": settings.PLATFORM_NAME,
            "portal_url": settings.SITE_URL.rstrip("/") + reverse("bookings:dashboard"),
            "profile_url": settings.SITE_URL.rstrip("/") + reverse("providers:profile"),
        }
        subject = render_to_string("providers/email/status_subject.txt", context)
        text = render_to_string("providers/email/status_body.txt", context)
        html = render_to_string("providers/email/status_body.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[provider.user.email],
    )
    message.attach_alternative(html, "text/html")
    message.send()


def queue_new_provider_to_staff(provider_id: int) -> None:
    """Let the operations team (ADMIN_EMAILS) know a shop is waiting for review."""
    provider = Provider.objects.select_related("category").get(pk=provider_id)
    url = settings.SITE_URL.rstrip("/") + reverse(
        "admin:providers_provider_change", args=[provider.pk]
    )
    mail_admins(
        f"Shop awaiting approval: {provider.shop_name}",
        f"{provider.shop_name} ({provider.category}, {provider.area}, {provider.city}) "
        f"is waiting for review.\n\nReview it here: {url}\n",
    )
