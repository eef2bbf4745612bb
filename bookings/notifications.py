"""Booking emails (text + HTML + .ics) and web pushes to the customer and the provider.

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
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    "turn_near",
    "awaiting_fee",
    "low_balance",
)

# The kinds a user chooses channels for (accounts.NotificationPreference), by audience. Other
# emails (a customer's own booking received, an expired booking) always go out, email only.
CUSTOMER_KINDS = {
    "confirmed": gettext_lazy("Booking confirmed by the shop"),
    "cancelled": gettext_lazy("Booking cancelled by the shop"),
    "rescheduled": gettext_lazy("Booking moved by the shop"),
    "reminder_24h": gettext_lazy("Reminder a day before"),
    "reminder_1h": gettext_lazy("Reminder an hour before"),
    "turn_near": gettext_lazy("Your turn is near (the queue is two tokens away)"),
}
PROVIDER_KINDS = {
    "new_booking": gettext_lazy("A new booking"),
    "cancellation": gettext_lazy("A booking cancelled"),
    "awaiting_fee": gettext_lazy("A booking waiting for wallet money"),
    "low_balance": gettext_lazy("Low wallet balance"),
}
KINDS = {**CUSTOMER_KINDS, **PROVIDER_KINDS}
_PROVIDER_KIND_OF_EVENT = {
    "created": "new_booking",
    "cancelled": "cancellation",
    "awaiting_fee": "awaiting_fee",
    "low_balance": "low_balance",
}
_CUSTOMER_ONLY = ("reminder_24h", "reminder_1h", "turn_near")
_PROVIDER_ONLY = ("awaiting_fee", "low_balance")
# How urgent a push is, and how long a push service keeps it for a device that is offline.
_PUSH_DELIVERY = {
    "turn_near": ("high", 15 * 60),
    "reminder_1h": ("high", 60 * 60),
    "reminder_24h": ("normal", 12 * 60 * 60),
}


def kind_for(event: str, audience: str) -> str | None:
    """The preference kind of ``event`` for ``audience``, or None (always emailed, no push)."""
    if audience == "customer":
        return event if event in CUSTOMER_KINDS else None
    return _PROVIDER_KIND_OF_EVENT.get(event)


def kinds_for_user(user: User) -> dict:
    """The kinds this user can receive, with their labels."""
    return PROVIDER_KINDS if user.is_provider else CUSTOMER_KINDS


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
        "wallet_balance": appointment.provider.wallet_balance,
        "low_balance_threshold": settings.WALLET_LOW_BALANCE,
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


def recipients(appointment: Appointment, event: str) -> list[tuple[str, User]]:
    """Who hears about ``event``: (audience, user) pairs."""
    found = []
    if appointment.customer_id and event not in _PROVIDER_ONLY:
        found.append(("customer", appointment.customer))
    # Providers are not reminded of their own day, and not emailed about their own walk-ins.
    if event not in _CUSTOMER_ONLY and not (
        appointment.is_walk_in and event in ("created", "confirmed")
    ):
        found.append(("provider", appointment.provider.user))
    return found


def _push_text(appointment: Appointment, event: str, audience: str) -> tuple[str, str]:
    a = appointment
    when = {
        "token": a.token_number,
        "shop": a.provider.shop_name,
        "name": a.customer_name,
        "date": date_format(a.booking_date, "j M"),
        "time": time_format(a.slot_time, "g:i A"),
    }
    if audience == "provider":
        if event == "created":
            return _("New booking"), _("Token %(token)s for %(name)s, %(date)s at %(time)s") % when
        if event == "cancelled":
            return _("Booking cancelled"), _(
                "Token %(token)s for %(name)s on %(date)s was cancelled"
            ) % when
        if event == "awaiting_fee":
            return _("Booking waiting for wallet money"), _(
                "Token %(token)s on %(date)s stays pending until your wallet covers its fee"
            ) % when
        return _("Wallet balance low"), _(
            "₹%(balance)s left. Add money so new bookings can be confirmed."
        ) % {"balance": a.provider.wallet_balance}
    if event == "confirmed":
        return _("Booking confirmed"), _("Token %(token)s at %(shop)s, %(date)s at %(time)s") % when
    if event == "cancelled":
        return _("Booking cancelled"), _("%(shop)s cancelled token %(token)s on %(date)s") % when
    if event == "rescheduled":
        return _("Booking moved"), _(
            "Token %(token)s at %(shop)s is now %(date)s at %(time)s"
        ) % when
    if event == "turn_near":
        return _("Your turn is near"), _(
            "Token %(token)s at %(shop)s: two tokens to go. Please be ready."
        ) % when
    if event == "reminder_1h":
        return _("Your booking is within the hour"), _(
            "%(shop)s at %(time)s, token %(token)s"
        ) % when
    return _("Your booking is tomorrow"), _(
        "%(shop)s, %(date)s at %(time)s, token %(token)s"
    ) % when


def push_payload(appointment: Appointment, event: str, audience: str) -> dict:
    """Title, one line, the page the notification opens and a tag (a repeat replaces, never
    stacks). Rendered in the active language; a few hundred bytes."""
    title, body = _push_text(appointment, event, audience)
    if event == "low_balance":
        url = reverse("wallet:home")
    elif event == "awaiting_fee":
        url = reverse("wallet:topup")
    else:
        url = reverse("bookings:detail", args=[appointment.pk])
    return {
        "title": title,
        "body": body,
        "url": url,
        "tag": f"booking-{appointment.pk}-{event}",
        "lang": translation.get_language() or settings.LANGUAGE_CODE,
    }


def queue_emails(
    appointment: Appointment,
    event: str,
    *,
    actor_id: int | None = None,
    language: str = "",
    event_key: str = "",
) -> int:
    """Render ``event``'s emails and queue them (EMAIL_BACKEND is post-office's queue), and,
    with ``event_key``, a push to each opted-in device of the people it concerns.

    Each person's choice of channels for the event's kind is honoured; nobody is pushed about
    their own action. Returns how many emails were queued."""
    from accounts.push import push_queue
    from accounts.selectors import notification_channels

    if event not in EVENTS:
        raise ValueError(f"Unknown booking email event {event!r}")
    emailed = 0
    for audience, user in recipients(appointment, event):
        kind = kind_for(event, audience)
        email_on, push_on = (
            notification_channels(user=user, kinds=[kind])[kind] if kind else (True, False)
        )
        # The recipient's saved language; else, for the person who acted, the page's.
        with translation.override(user.language_or(language if user.pk == actor_id else "")):
            if email_on and user.email:
                _message(appointment, event, audience, user.email).send()
                emailed += 1
            if push_on and event_key and user.pk != actor_id:
                urgency, ttl = _PUSH_DELIVERY.get(event, ("normal", 24 * 60 * 60))
                push_queue(
                    user=user,
                    event_key=event_key,
                    kind=kind,
                    payload=push_payload(appointment, event, audience),
                    urgency=urgency,
                    ttl=ttl,
                )
    return emailed


def _load(appointment_id: int) -> Appointment | None:
    return (
        Appointment.objects.select_related("provider__user", "service", "customer")
        .filter(pk=appointment_id)
        .first()
    )


def queue_pending(limit: int = 500) -> int:
    """Turn recorded booking events into queued emails and pushes, each exactly once.

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
                        event_key=f"booking-event-{notification.pk}",
                    )
            done += 1
        except Exception:  # noqa: BLE001 - one broken event must not hold up the others
            logger.exception("Booking notification %s could not be queued; retried next run", pk)
    return done
