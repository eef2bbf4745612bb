"""Booking emails (text + HTML + .ics) to the customer and the provider.

A booking change records a small ``Notification`` row in its own transaction (``notify``); the
worker renders it into queued post-office emails (``queue_pending``), and post-office delivers
them with retries. Rendering two HTML emails and a calendar file is kept out of the transaction
that holds the provider's row lock, and out of the request.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User

from .ics import appointment_ics
from .models import Appointment, Notification

logger = logging.getLogger(__name__)

EVENTS = (
    "created",
    "confirmed",
    "cancelled",
    "rescheduled",
    "expired",
    "reminder_24h",
    "reminder_1h",
)


def notify(*, appointment_id: int, event: str, actor: User | None = None) -> Notification:
    """Record ``event`` for the worker, inside the caller's transaction."""
    notification = Notification.objects.create(
        appointment_id=appointment_id,
        event=event,
        actor=actor if actor is not None and actor.pk else None,
        language=translation.get_language() or "",
    )
    from .tasks import deliver_after_commit

    deliver_after_commit()
    return notification


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _message(
    appointment: Appointment, event: str, audience: str, to: str
) -> EmailMultiAlternatives:
    context = {
        "appointment": appointment,
        "event": event,
        "audience": audience,
        "provider": appointment.provider,
        "detail_url": _absolute(reverse("bookings:detail", args=[appointment.pk])),
        "queue_url": _absolute(reverse("bookings:queue", args=[appointment.provider.slug])),
        "site_name": settings.PLATFORM_NAME,
    }
    subject = render_to_string("bookings/email/subject.txt", context).strip()
    text = render_to_string("bookings/email/appointment.txt", context)
    html = render_to_string("bookings/email/appointment.html", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.attach(
        f"booking-{appointment.pk}.ics",
        appointment_ics(appointment, detail_url=context["detail_url"]),
        "text/calendar",
    )
    return message


def queue_emails(
    appointment: Appointment, event: str, *, actor_id: int | None = None, language: str = ""
) -> int:
    """Render ``event``'s emails and queue them (EMAIL_BACKEND is post-office's queue).

    Each email is in its recipient's saved language (``users.language``); without one, the
    actor's is in ``language`` (what they were using) and everyone else's in the site
    language. Returns how many were queued."""
    if event not in EVENTS:
        raise ValueError(f"Unknown booking email event {event!r}")
    recipients = []
    if appointment.customer_id and appointment.customer.email:
        recipients.append(("customer", appointment.customer))
    # Providers are not reminded of their own day, and not emailed about their own walk-ins.
    if not event.startswith("reminder") and not (
        appointment.is_walk_in and event in ("created", "confirmed")
    ):
        recipients.append(("provider", appointment.provider.user))
    for audience, user in recipients:
        # The recipient's saved language; else, for the person who acted, the page's.
        chosen = user.language_or(language if user.pk == actor_id else "")
        with translation.override(chosen):
            _message(appointment, event, audience, user.email).send()
    return len(recipients)


def _load(appointment_id: int) -> Appointment | None:
    return (
        Appointment.objects.select_related("provider__user", "service", "customer")
        .filter(pk=appointment_id)
        .first()
    )


def queue_pending(limit: int = 500) -> int:
    """Turn recorded booking events into queued emails, each exactly once.

    Each row is claimed with a conditional UPDATE in the same transaction that queues its
    emails, so two overlapping runs never queue one event twice, and a row whose rendering
    fails is rolled back and tried again on the next run. Returns how many events were queued.
    """
    pending = list(
        Notification.objects.filter(queued_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    done = 0
    for pk in pending:
        try:
            with transaction.atomic():
                claimed = Notification.objects.filter(pk=pk, queued_at__isnull=True).update(
                    queued_at=timezone.now()
                )
                if not claimed:
                    continue
                notification = Notification.objects.get(pk=pk)
                appointment = _load(notification.appointment_id)
                if appointment is not None:
                    queue_emails(
                        appointment,
                        notification.event,
                        actor_id=notification.actor_id,
                        language=notification.language,
                    )
            done += 1
        except Exception:  # noqa: BLE001 - one broken event must not hold up the others
            logger.exception("Booking notification %s could not be queued; retried next run", pk)
    return done
