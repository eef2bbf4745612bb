"""Booking emails and reminders, run by Celery (eagerly when no broker is configured)."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from . import next_free
from .ics import appointment_ics
from .models import Appointment

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
REMINDERS = {"reminder_24h": timedelta(hours=24), "reminder_1h": timedelta(hours=1)}


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(appointment: Appointment, event: str, audience: str, to: str) -> None:
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
    message.send()


@shared_task
def send_appointment_email(appointment_id: int, event: str) -> int:
    """Email the customer and the provider about ``event``; returns how many were sent."""
    if event not in EVENTS:
        raise ValueError(f"Unknown booking email event {event!r}")
    appointment = (
        Appointment.objects.select_related("provider__user", "service", "customer")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None:
        return 0
    recipients = []
    if appointment.customer_id and appointment.customer.email:
        recipients.append(("customer", appointment.customer.email))
    # Providers are not reminded of their own day, and not emailed about their own walk-ins.
    if not event.startswith("reminder") and not (
        appointment.is_walk_in and event in ("created", "confirmed")
    ):
        recipients.append(("provider", appointment.provider.user.email))
    with translation.override(settings.LANGUAGE_CODE):
        for audience, to in recipients:
            _send(appointment, event, audience, to)
    return len(recipients)


def claim_reminder(appointment_id: int, kind: str) -> bool:
    """Mark the reminder sent with a conditional UPDATE: only one caller ever wins."""
    column = f"{kind}_sent_at"
    return bool(
        Appointment.objects.filter(
            pk=appointment_id,
            status__in=Appointment.ACTIVE_STATUSES,
            **{f"{column}__isnull": True},
        ).update(**{column: timezone.now()})
    )


def due_reminders(now=None) -> list[tuple[int, str]]:
    """(appointment id, reminder kind) pairs due now: the slot starts within the reminder's lead
    time and that reminder has not gone out. Only the nearer reminder is sent when both are due."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    rows = Appointment.objects.filter(
        status__in=Appointment.ACTIVE_STATUSES,
        customer__isnull=False,
        booking_date__range=(local.date(), (local + timedelta(days=2)).date()),
    ).filter(Q(reminder_24h_sent_at__isnull=True) | Q(reminder_1h_sent_at__isnull=True))
    due = []
    for appt in rows.only(
        "pk", "booking_date", "slot_time", "reminder_24h_sent_at", "reminder_1h_sent_at"
    ):
        lead = appt.starts_at - now
        if lead <= timedelta(0):
            continue
        if lead <= REMINDERS["reminder_1h"]:
            if appt.reminder_1h_sent_at is None:
                due.append((appt.pk, "reminder_1h"))
        elif lead <= REMINDERS["reminder_24h"] and appt.reminder_24h_sent_at is None:
            due.append((appt.pk, "reminder_24h"))
    return due


@shared_task
def send_reminders() -> int:
    """Send every due reminder once, even when two runs overlap; returns how many were sent."""
    sent = 0
    for appointment_id, kind in due_reminders():
        if not claim_reminder(appointment_id, kind):
            continue
        if kind == "reminder_1h":
            # A booking made less than a day ahead never needs the 24-hour reminder any more.
            claim_reminder(appointment_id, "reminder_24h")
        try:
            send_appointment_email(appointment_id, kind)
            sent += 1
        except Exception:  # noqa: BLE001 - one bad address must not stop the others
            logger.exception("Reminder %s for appointment %s failed", kind, appointment_id)
    return sent


@shared_task
def refresh_next_free() -> int:
    """Recompute every public shop's soonest free slot for the "soonest" search sort."""
    return next_free.refresh()


@shared_task
def expire_pending() -> int:
    """Expire pending bookings whose slot has begun unconfirmed; returns how many."""
    from .services import appointments_expire  # services imports this module

    return len(appointments_expire())
