"""The provider → customer invoice of a booking and its credit note.

Issued by the booking's own events (confirmed, cancelled after confirmation) inside their
transactions; ``wallet`` numbers and stores them (DESIGN §3: bookings calls wallet, never the
other way). What the invoice shows is built here, from the booking as it is at that moment.
"""

from django.utils.translation import gettext as _

from providers.models import Provider
from wallet import services as wallet_services
from wallet.invoices import provider_party
from wallet.models import Invoice

from .models import Appointment


def _buyer(appointment: Appointment, seller: dict) -> dict:
    if appointment.customer_id is None:
        name = appointment.walk_in_name
        address = str(appointment.walk_in_mobile or "")
    else:
        customer = appointment.customer
        name = customer.name or customer.email
        address = ", ".join(part for part in (customer.email, str(customer.mobile or "")) if part)
    # An unregistered customer served at the shop: the place of supply is the shop's state.
    return {"name": name, "address": address, "gstin": "", "state": seller["state"]}


def booking_invoice_issue(*, appointment: Appointment, provider: Provider) -> Invoice:
    """The invoice of a booking just confirmed: its shop, customer, service and locked price
    as they are now, frozen. ``provider`` is the shop row as read under its lock."""
    seller = provider_party(provider)
    service = appointment.service
    detail = _("%(date)s, %(start)s–%(end)s · Token #%(token)s") % {
        "date": appointment.booking_date.strftime("%d %b %Y"),
        "start": appointment.slot_time.strftime("%H:%M"),
        "end": appointment.end_time.strftime("%H:%M"),
        "token": appointment.token_number,
    }
    registered = bool(provider.gstin)
    return wallet_services.invoice_issue(
        kind=Invoice.Kind.BOOKING,
        reference_id=appointment.fee_reference,
        provider=provider,
        customer=appointment.customer,
        amount=appointment.locked_price,
        title=_("Tax invoice") if registered else _("Invoice"),
        seller=seller,
        buyer=_buyer(appointment, seller),
        lines=[
            {
                "description": service.service_name,
                "detail": detail,
                "amount": appointment.locked_price,
            }
        ],
        # Served at the shop: the supply is always within the shop's state.
        interstate=False if registered else None,
        details=[
            (_("Booking"), f"#{appointment.pk}"),
            (
                _("Service"),
                _("%(name)s (%(minutes)s minutes)")
                % {"name": service.service_name, "minutes": service.duration_minutes},
            ),
            (_("Date"), appointment.booking_date.strftime("%A, %-d %B %Y")),
            (
                _("Slot"),
                f"{appointment.slot_time:%H:%M}–{appointment.end_time:%H:%M}",
            ),
            (_("Token"), f"#{appointment.token_number}"),
        ],
        note=_("Prices include GST. Place of supply: the provider's premises.")
        if registered
        else "",
    )


def booking_credit_note_issue(*, appointment: Appointment, reason: str) -> Invoice | None:
    """The credit note of a cancelled booking's invoice; None when it had none."""
    original = Invoice.objects.filter(
        doc_type=Invoice.DocType.INVOICE,
        kind=Invoice.Kind.BOOKING,
        reference_id=appointment.fee_reference,
    ).first()
    if original is None:
        return None
    return wallet_services.credit_note_issue(
        original=original,
        reason=_("Booking cancelled: %(reason)s") % {"reason": reason}
        if reason
        else _("Booking cancelled"),
    )
