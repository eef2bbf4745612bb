"""The booking invoice (provider → customer), numbered by wallet.services.invoice_issue."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.tests.factories import CustomerFactory, StaffFactory
from bookings.models import Appointment
from bookings.tests.factories import AppointmentFactory
from providers.tests.factories import ProviderFactory, ServiceFactory
from wallet.models import Invoice
from wallet.tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def appointment():
    provider = ProviderFactory(shop_name="Glow Salon", gstin="29ABCDE1234F1Z5")
    service = ServiceFactory(provider=provider, service_name="Haircut & Styling", rate="1180.00")
    return AppointmentFactory(
        service=service,
        customer=CustomerFactory(name="Asha Rao"),
        booking_date=date(2026, 12, 7),
        slot_time=time(10, 30),
        token_number=7,
        status=Appointment.Status.CONFIRMED,
    )


def url(appointment):
    return reverse("bookings:invoice", args=[appointment.pk])


def test_customer_gets_a_booking_invoice_with_gst_lines(client, appointment):
    client.force_login(appointment.customer)
    with time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=ZoneInfo("Asia/Kolkata"))):
        response = client.get(url(appointment))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        "INV/2026-27/000001",
        "TAX INVOICE",
        "Glow Salon",
        "Asha Rao",
        "Haircut & Styling",
        "Monday, 7 December 2026",
        "10:30–11:00",
        "#7",
        "₹1,180.00",
        "₹1,000.00",  # taxable value
        "CGST @ 9%",
        "SGST @ 9%",
        "₹90.00",
        "Rupees One Thousand One Hundred Eighty Only",
    ):
        assert expected in text, expected
    invoice = Invoice.objects.get()
    assert (invoice.kind, invoice.reference_id, invoice.customer) == (
        Invoice.Kind.BOOKING,
        f"appt-{appointment.pk}",
        appointment.customer,
    )


def test_without_a_gstin_there_are_no_gst_lines(client, appointment):
    appointment.provider.gstin = ""
    appointment.provider.save()
    client.force_login(appointment.provider.user)
    text = pdf_text(client.get(url(appointment)).content)
    assert "GST" not in text
    assert "INVOICE" in text


def test_price_is_the_locked_one_not_todays_rate(client, appointment):
    appointment.service.rate = Decimal("9999.00")
    appointment.service.save()
    client.force_login(appointment.customer)
    text = pdf_text(client.get(url(appointment)).content)
    assert "₹1,180.00" in text and "9,999" not in text


def test_only_customer_provider_and_staff_may_download(client, appointment):
    assert client.get(url(appointment)).status_code == 302
    for outsider in (CustomerFactory(), ProviderFactory().user):
        client.force_login(outsider)
        assert client.get(url(appointment)).status_code == 404
    assert not Invoice.objects.exists()
    for insider in (appointment.customer, appointment.provider.user, StaffFactory()):
        client.force_login(insider)
        assert client.get(url(appointment)).status_code == 200
    assert Invoice.objects.count() == 1


def test_pending_bookings_have_no_invoice_yet(client, appointment):
    appointment.status = Appointment.Status.PENDING
    appointment.save()
    client.force_login(appointment.customer)
    assert client.get(url(appointment)).status_code == 404
    assert not Invoice.objects.exists()


def test_an_issued_invoice_stays_available_after_cancellation(client, appointment):
    client.force_login(appointment.customer)
    client.get(url(appointment))
    appointment.status = Appointment.Status.CANCELLED
    appointment.save()
    text = pdf_text(client.get(url(appointment)).content)
    assert "INV/" in text and "CANCELLED" in text


def test_walk_in_invoice_names_the_walk_in(client, appointment):
    appointment.customer = None
    appointment.walk_in_name = "Ravi Kumar"
    appointment.save()
    client.force_login(appointment.provider.user)
    assert "Ravi Kumar" in pdf_text(client.get(url(appointment)).content)


def test_booking_page_links_the_invoice_only_once_confirmed(client, appointment):
    client.force_login(appointment.customer)
    detail = reverse("bookings:detail", args=[appointment.pk])
    assert url(appointment) in client.get(detail).content.decode()

    Appointment.objects.filter(pk=appointment.pk).update(status=Appointment.Status.PENDING)
    assert url(appointment) not in client.get(detail).content.decode()


def test_invoice_pdf_follows_live_changes(client, appointment):
    client.force_login(appointment.customer)
    assert client.get(url(appointment))["Content-Type"] == "application/pdf"
    provider = appointment.provider
    provider.shop_name = "Glow Salon & Spa"
    provider.save()
    changed = client.get(url(appointment))
    assert "Glow Salon & Spa" in pdf_text(changed.content)
    assert "INV/" in pdf_text(changed.content)


def test_every_download_is_a_pdf_named_after_the_invoice(client, appointment):
    client.force_login(appointment.provider.user)
    for _ in range(2):
        response = client.get(url(appointment))
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].endswith('filename="INV-2026-27-000001.pdf"')
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("part", "field", "value", "shown"),
    [
        ("customer", "name", "Asha R. Menon", "Asha R. Menon"),
        ("customer", "email", "asha@new.example.in", "asha@new.example.in"),
        ("provider", "address", "14 MG Road", "14 MG Road"),
        ("provider", "gstin", "29AAAAA0000A1Z5", "29AAAAA0000A1Z5"),
        ("service", "service_name", "Haircut Deluxe", "Haircut Deluxe"),
        ("service", "duration_minutes", 45, "45 minutes"),
        ("appointment", "status", Appointment.Status.CANCELLED, "CANCELLED"),
    ],
)
def test_any_change_to_what_the_invoice_shows_gives_a_fresh_pdf(
    client, appointment, part, field, value, shown
):
    client.force_login(appointment.provider.user)
    assert shown not in pdf_text(client.get(url(appointment)).content)
    changed = appointment if part == "appointment" else getattr(appointment, part)
    setattr(changed, field, value)
    changed.save()
    assert shown in pdf_text(client.get(url(appointment)).content)
