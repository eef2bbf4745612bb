"""Journey: an issued invoice never changes. The shop confirms a booking, then moves (edits its
address); the customer's invoice PDF still shows the address the shop had when it was issued."""

import subprocess
from datetime import datetime, time
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from accounts.tests.factories import PASSWORD, CustomerFactory
from bookings import services as booking_services
from bookings.models import Appointment
from providers.models import Provider
from providers.tests.factories import ProviderFactory, ServiceFactory, open_all_week
from wallet.models import Invoice
from wallet.tests.factories import fund

from .flows import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mid_morning():
    """10:00 in India today, with the clock running: the 12:00 slot is still ahead."""
    moment = timezone.make_aware(datetime.combine(timezone.localdate(), time(10)))
    with time_machine.travel(moment, tick=True):
        yield


def pdf_text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"],  # noqa: S607 - poppler-utils (bin/system-deps)
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()


def test_invoice_keeps_the_address_the_shop_had_when_it_was_issued(
    journey, second_browser, mid_morning
):
    shop = ProviderFactory(
        shop_name="Sharma Dental Care",
        address="14 MI Road",
        area="C-Scheme",
        city="Jaipur",
        pincode="302001",
        gstin="29AAGCB7383J1Z4",
        phone="+919845012345",
    )
    open_all_week(shop)
    fund(shop, "100")
    service = ServiceFactory(provider=shop, service_name="Teeth cleaning", rate=Decimal("800"))
    customer = CustomerFactory(name="Kavya Rao", email="kavya@example.in")
    booking = booking_services.appointment_book(
        customer=customer, service=service, booking_date=timezone.localdate(), slot_time=time(12)
    )
    assert booking.status == Appointment.Status.PENDING
    page = journey.page

    # The shop confirms the booking: the customer's invoice is issued now.
    log_in(journey, login=shop.user.email, password=PASSWORD)
    journey.goto("/portal/bookings/", "bookings-today")
    page.locator("tr", has_text="Kavya Rao").get_by_role("button", name="Confirm").click()
    journey.settle("booking-confirmed")
    booking.refresh_from_db()
    assert booking.status == Appointment.Status.CONFIRMED
    invoice = Invoice.objects.get(kind=Invoice.Kind.BOOKING, reference_id=booking.fee_reference)

    # Then it moves: a new street address (and, registered there, a new GSTIN) on its profile.
    journey.goto("/portal/profile/", "profile")
    page.fill("input[name=address]", "99 Tonk Road")
    page.fill("input[name=gstin]", "")
    page.get_by_role("button", name="Save profile").click()
    journey.settle("profile-saved")
    moved = Provider.objects.get(pk=shop.pk)
    assert (moved.address, moved.gstin) == ("99 Tonk Road", "")

    # The customer opens the booking and downloads the invoice: the address it was issued with.
    customer_tab = second_browser("customer")
    log_in(customer_tab, login="kavya@example.in", password=PASSWORD)
    customer_tab.goto(f"/bookings/{booking.pk}/", "booking")
    link = customer_tab.page.get_by_role("link", name="Invoice (PDF)")
    href = link.get_attribute("href")
    response = customer_tab.page.request.get(customer_tab.url(href))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    assert invoice.number in text
    assert "Sharma Dental Care" in text and "Kavya Rao" in text
    assert "14 MI Road" in text
    assert "99 Tonk Road" not in text
    assert "29AAGCB7383J1Z4" in text  # the GSTIN it had then, though it has none today
    assert "CGST @ 9%" in text and "₹800.00" in text
    # The booking page link and the booking's own invoice address serve the same document.
    again = customer_tab.page.request.get(customer_tab.url(f"/bookings/{booking.pk}/invoice.pdf"))
    assert pdf_text(again.body()) == text
    invoice.refresh_from_db()
    assert invoice.snapshot["seller"]["address"].startswith("14 MI Road")
