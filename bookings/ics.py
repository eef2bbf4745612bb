"""An iCalendar (RFC 5545) event for one appointment, for email attachments and downloads.

Built with the ``icalendar`` package, which escapes text values (backslash, semicolon, comma,
CR, LF and lone CR) and folds long lines: shop names and addresses are typed by providers, and
an unescaped line break in one would add properties to the customer's calendar entry.
"""

from __future__ import annotations

from datetime import UTC

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Appointment


def appointment_ics(appointment: Appointment, *, detail_url: str = "") -> str:
    provider = appointment.provider
    cancelled = appointment.status == Appointment.Status.CANCELLED
    host = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "localhost"
    description = (
        f"Token {appointment.token_number} · {appointment.service.service_name} · "
        f"₹{appointment.locked_price}"
    )
    if detail_url:
        description += f"\n{detail_url}"

    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.PLATFORM_NAME}//Bookings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")

    event = Event()
    event.add("uid", f"appointment-{appointment.pk}@{host}")
    event.add("sequence", appointment.reschedule_count + (1 if cancelled else 0))
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", appointment.starts_at.astimezone(UTC))
    event.add("dtend", appointment.ends_at.astimezone(UTC))
    event.add(
        "summary",
        f"{appointment.service.service_name} at {provider.shop_name} "
        f"(token {appointment.token_number})",
    )
    event.add("location", f"{provider.address}, {provider.area}, {provider.city}")
    event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")
