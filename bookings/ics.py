"""An iCalendar (RFC 5545) event for one appointment, for email attachments and downloads."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone

from .models import Appointment


def _escape(text: str) -> str:
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded with CRLF + space, as the RFC asks."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


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
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{settings.PLATFORM_NAME}//Bookings//EN",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancelled else 'PUBLISH'}",
        "BEGIN:VEVENT",
        f"UID:appointment-{appointment.pk}@{host}",
        f"SEQUENCE:{appointment.reschedule_count + (1 if cancelled else 0)}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(appointment.starts_at)}",
        f"DTEND:{_utc(appointment.ends_at)}",
        "SUMMARY:"
        + _escape(
            f"{appointment.service.service_name} at {provider.shop_name} (token "
            f"{appointment.token_number})"
        ),
        "LOCATION:" + _escape(f"{provider.address}, {provider.area}, {provider.city}"),
        "DESCRIPTION:" + _escape(description),
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
