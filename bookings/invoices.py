"""The provider → customer invoice of a booking, as a PDF.

Rendered here because it needs bookings data (DESIGN §3); the number comes from
``wallet.services.invoice_issue`` (one sequence per Indian financial year) and the layout from
``templates/wallet/invoice_base.html``.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.access import private_data_view
from wallet.invoices import gst_inclusive, pdf_response, provider_party
from wallet.models import Invoice
from wallet.services import invoice_issue

from .models import Appointment
from .selectors import appointment_for_viewer

# The columns the invoice reads (access check, numbering and what it shows): one narrow query.
INVOICE_FIELDS = (
    "customer_id",
    "walk_in_name",
    "walk_in_mobile",
    "provider_id",
    "service_id",
    "token_number",
    "booking_date",
    "slot_time",
    "end_time",
    "status",
    "locked_price",
    "provider__user_id",
    "provider__shop_name",
    "provider__address",
    "provider__area",
    "provider__city",
    "provider__pincode",
    "provider__gstin",
    "provider__user__email",
    "service__service_name",
    "service__duration_minutes",
    "customer__name",
    "customer__email",
    "customer__mobile",
)


def _buyer(appointment: Appointment) -> dict:
    if appointment.customer_id is None:
        return {
            "name": appointment.walk_in_name,
            "address": str(appointment.walk_in_mobile or ""),
        }
    customer = appointment.customer
    return {
        "name": customer.name or customer.email,
        "email": customer.email,
        "address": str(customer.mobile or ""),
    }


@login_required
@private_data_view
@never_cache
@require_GET
def booking_invoice(request: HttpRequest, pk: int) -> HttpResponse:
    """Only the booking's customer, its provider and staff past their second factor may
    download it (404 for others)."""
    appointment = appointment_for_viewer(
        user=request.user,
        pk=pk,
        queryset=Appointment.objects.select_related("provider__user", "service", "customer").only(
            *INVOICE_FIELDS
        ),
    )
    invoice = (
        Invoice.objects.filter(kind=Invoice.Kind.BOOKING, reference_id=appointment.fee_reference)
        .only("number", "amount", "issued_at")
        .first()
    )
    if invoice is None:
        if not appointment.is_invoiceable:
            raise Http404(_("An invoice is issued once the booking is confirmed."))
        invoice = invoice_issue(
            kind=Invoice.Kind.BOOKING,
            reference_id=appointment.fee_reference,
            provider=appointment.provider,
            customer=appointment.customer,
            amount=appointment.locked_price,
        )
    provider = appointment.provider
    detail = _("%(date)s, %(start)s–%(end)s · Token #%(token)s") % {
        "date": appointment.booking_date.strftime("%d %b %Y"),
        "start": appointment.slot_time.strftime("%H:%M"),
        "end": appointment.end_time.strftime("%H:%M"),
        "token": appointment.token_number,
    }
    tax = gst_inclusive(invoice.amount, interstate=False) if provider.gstin else None
    return pdf_response(
        request,
        invoice=invoice,
        template="bookings/invoice_booking.html",
        context={
            "title": _("Tax invoice") if provider.gstin else _("Invoice"),
            "seller": provider_party(provider),
            "buyer": _buyer(appointment),
            "appointment": {
                "pk": appointment.pk,
                "status": appointment.status,
                "status_display": appointment.get_status_display(),
                "service_name": appointment.service.service_name,
                "duration_minutes": appointment.service.duration_minutes,
                "booking_date": appointment.booking_date,
                "slot_time": appointment.slot_time,
                "end_time": appointment.end_time,
                "token_number": appointment.token_number,
                "locked_price": appointment.locked_price,
            },
            "lines": [
                {
                    "description": appointment.service.service_name,
                    "detail": detail,
                    "amount": invoice.amount,
                }
            ],
            "tax": tax,
            "total": invoice.amount,
        },
    )
