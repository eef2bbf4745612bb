"""A booking's invoice (shop → customer) and credit note, issued by its own events."""

import csv
import io
from datetime import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import CustomerFactory, StaffFactory, login_verified_staff
from bookings import services
from bookings.models import Appointment
from bookings.tests.conftest import MONDAY
from providers.tests.factories import ProviderFactory, ServiceFactory
from wallet.models import Invoice
from wallet.tests.factories import fund
from wallet.tests.pdf import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def shop(provider):
    provider.shop_name = "Glow Salon"
    provider.gstin = "29ABCDE1234F1Z5"
    provider.address = "12 MG Road"
    provider.save()
    fund(provider, "100")
    return provider


@pytest.fixture
def haircut(shop):
    return ServiceFactory(
        provider=shop, service_name="Haircut & Styling", rate="1180.00", duration_minutes=30
    )


@pytest.fixture
def asha():
    return CustomerFactory(name="Asha Rao")


def book(service, customer, at=time(10, 30)):
    return services.appointment_book(
        customer=customer, service=service, booking_date=MONDAY, slot_time=at
    )


def confirmed(service, customer, at=time(10, 30)):
    appointment = book(service, customer, at)
    services.appointment_confirm(appointment=appointment, actor=service.provider.user)
    return appointment


def url(appointment):
    return reverse("bookings:invoice", args=[appointment.pk])


def booking_invoice(appointment, doc_type=Invoice.DocType.INVOICE):
    return Invoice.objects.get(
        kind=Invoice.Kind.BOOKING, reference_id=appointment.fee_reference, doc_type=doc_type
    )


def test_confirming_issues_the_customers_invoice_and_the_fee_invoice(haircut, asha):
    appointment = book(haircut, asha)
    assert not Invoice.objects.exists()  # pending: nothing issued yet
    services.appointment_confirm(appointment=appointment, actor=haircut.provider.user)
    invoice = booking_invoice(appointment)
    assert invoice.customer == asha and invoice.amount == Decimal("1180.00")
    assert invoice.snapshot["seller"] == {
        "name": "Glow Salon",
        "address": "12 MG Road, "
        + ", ".join([haircut.provider.area, haircut.provider.city, haircut.provider.pincode]),
        "gstin": "29ABCDE1234F1Z5",
        "state": "29-Karnataka",
    }
    assert invoice.snapshot["buyer"]["name"] == "Asha Rao"
    assert invoice.snapshot["place_of_supply"] == "29-Karnataka"
    fee = Invoice.objects.get(kind=Invoice.Kind.BOOKING_FEE)
    assert fee.reference_id == appointment.fee_reference and fee.ledger_row is not None


def test_an_auto_confirmed_booking_is_invoiced_when_it_is_made(haircut, asha):
    haircut.provider.auto_confirm = True
    haircut.provider.save()
    appointment = book(haircut, asha)
    assert appointment.status == Appointment.Status.CONFIRMED
    assert booking_invoice(appointment).number.startswith("INV/2026-27/")


def test_a_booking_left_pending_for_want_of_wallet_money_has_no_invoice(provider, asha):
    provider.auto_confirm = True
    provider.save()  # an empty wallet: the fee cannot be paid
    appointment = book(ServiceFactory(provider=provider, rate="500.00"), asha)
    assert appointment.status == Appointment.Status.PENDING
    assert not Invoice.objects.exists()


def test_customer_downloads_the_booking_invoice_with_gst_lines(client, haircut, asha):
    appointment = confirmed(haircut, asha)
    client.force_login(asha)
    response = client.get(url(appointment))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        booking_invoice(appointment).number,
        "TAX INVOICE",
        "Glow Salon",
        "12 MG Road",
        "Asha Rao",
        "Haircut & Styling",
        "Monday, 7 December 2026",
        "10:30–11:00",
        "#" + str(appointment.token_number),
        "₹1,180.00",
        "₹1,000.00",  # taxable value
        "CGST @ 9%",
        "SGST @ 9%",
        "₹90.00",
        "29-Karnataka",
        "Rupees One Thousand One Hundred Eighty Only",
    ):
        assert expected in text, expected


def test_without_a_gstin_there_are_no_gst_lines(client, haircut, asha):
    shop = haircut.provider
    shop.gstin = ""
    shop.save()
    appointment = confirmed(haircut, asha)
    client.force_login(shop.user)
    text = pdf_text(client.get(url(appointment)).content)
    assert "GST" not in text
    assert "INVOICE" in text


def test_later_edits_to_shop_service_price_and_customer_change_nothing_issued(
    client, haircut, asha
):
    appointment = confirmed(haircut, asha)
    client.force_login(asha)
    before = pdf_text(client.get(url(appointment)).content)
    shop = haircut.provider
    shop.refresh_from_db()
    shop.shop_name, shop.address, shop.gstin = "Glow Spa", "99 New Street", "27AAAAA0000A1Z5"
    shop.save()
    haircut.service_name, haircut.rate, haircut.duration_minutes = "Deluxe", "9999.00", 45
    haircut.save()
    asha.name = "Asha R. Menon"
    asha.save()
    after = pdf_text(client.get(url(appointment)).content)
    assert after == before
    assert "12 MG Road" in after and "99 New Street" not in after and "9,999" not in after


def test_only_customer_provider_and_staff_may_download(client, haircut, asha):
    appointment = confirmed(haircut, asha)
    invoice = booking_invoice(appointment)
    urls = (url(appointment), reverse("wallet:document", args=[invoice.pk]))
    for target in urls:
        client.logout()
        assert client.get(target).status_code == 302
        for outsider in (CustomerFactory(), ProviderFactory().user):
            client.force_login(outsider)
            assert client.get(target).status_code == 404
        client.force_login(StaffFactory())  # staff who have not passed their second factor
        assert client.get(target).status_code == 302
        for insider in (asha, haircut.provider.user):
            client.force_login(insider)
            assert client.get(target).status_code == 200
        login_verified_staff(client)
        assert client.get(target).status_code == 200
    fee = Invoice.objects.get(kind=Invoice.Kind.BOOKING_FEE)
    client.force_login(asha)  # the platform's fee invoice is the shop's business only
    assert client.get(reverse("wallet:document", args=[fee.pk])).status_code == 404


def test_pending_bookings_have_no_invoice_and_asking_writes_nothing(client, haircut, asha):
    appointment = book(haircut, asha)
    client.force_login(asha)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(appointment)).status_code == 404
    assert not [
        q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")
    ]
    assert not Invoice.objects.exists()


def test_cancelling_a_confirmed_booking_issues_credit_notes_for_both_invoices(
    client, haircut, asha
):
    appointment = confirmed(haircut, asha)
    services.appointment_cancel(
        appointment=appointment, actor=haircut.provider.user, reason="Stylist unwell"
    )
    invoice = booking_invoice(appointment)
    note = booking_invoice(appointment, Invoice.DocType.CREDIT_NOTE)
    assert note.original == invoice and note.number == "CN/2026-27/000002"
    fee_note = Invoice.objects.get(
        kind=Invoice.Kind.BOOKING_FEE, doc_type=Invoice.DocType.CREDIT_NOTE
    )
    assert fee_note.original.kind == Invoice.Kind.BOOKING_FEE
    assert fee_note.number == "CN/2026-27/000001"  # the fee refund comes first
    client.force_login(asha)
    text = pdf_text(client.get(reverse("wallet:document", args=[note.pk])).content)
    assert "CREDIT NOTE" in text and invoice.number in text and "Stylist unwell" in text
    assert "₹1,180.00" in text and "CGST @ 9%" in text
    # The invoice itself is unchanged and still downloadable.
    assert "CREDIT NOTE" not in pdf_text(client.get(url(appointment)).content)

    detail = reverse("bookings:detail", args=[appointment.pk])
    page = client.get(detail).content.decode()
    assert reverse("wallet:document", args=[invoice.pk]) in page
    assert reverse("wallet:document", args=[note.pk]) in page
    assert reverse("wallet:document", args=[fee_note.pk]) not in page  # not the customer's
    client.force_login(haircut.provider.user)
    page = client.get(detail).content.decode()
    assert reverse("wallet:document", args=[fee_note.pk]) in page
    assert reverse("wallet:document", args=[note.pk]) in page


def test_cancelling_a_pending_booking_issues_nothing(haircut, asha):
    appointment = book(haircut, asha)
    services.appointment_cancel(appointment=appointment, actor=asha)
    assert not Invoice.objects.exists()


def test_walk_in_invoice_names_the_walk_in(client, haircut):
    appointment = services.walk_in_book(
        provider=haircut.provider,
        service=haircut,
        name="Ravi Kumar",
        slot_time=time(9),
        actor=haircut.provider.user,
    )
    client.force_login(haircut.provider.user)
    assert "Ravi Kumar" in pdf_text(client.get(url(appointment)).content)


def test_booking_page_links_the_invoice_only_once_confirmed(client, haircut, asha):
    appointment = book(haircut, asha)
    client.force_login(asha)
    detail = reverse("bookings:detail", args=[appointment.pk])
    assert "Invoice (PDF)" not in client.get(detail).content.decode()
    services.appointment_confirm(appointment=appointment, actor=haircut.provider.user)
    invoice = booking_invoice(appointment)
    assert reverse("wallet:document", args=[invoice.pk]) in client.get(detail).content.decode()


def test_gstr1_csv_lists_the_month_s_invoices_and_credit_notes(client, haircut, asha):
    kept = confirmed(haircut, asha)
    cancelled = confirmed(haircut, CustomerFactory(name="Ravi"), at=time(11))
    services.appointment_cancel(
        appointment=cancelled, actor=haircut.provider.user, reason="Closed early"
    )
    client.force_login(haircut.provider.user)
    response = client.get(reverse("wallet:documents_csv"), {"month": "2026-12"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header, body = rows[0], rows[1:]
    by_number = {row[1]: dict(zip(header, row, strict=True)) for row in body}
    first = by_number[booking_invoice(kept).number]
    assert first["Customer"] == "Asha Rao"
    assert first["Place of supply"] == "29-Karnataka"
    assert (first["Taxable value"], first["CGST"], first["SGST"], first["IGST"]) == (
        "1000.00",
        "90.00",
        "90.00",
        "0.00",
    )
    note = by_number[booking_invoice(cancelled, Invoice.DocType.CREDIT_NOTE).number]
    assert note["Against invoice"] == booking_invoice(cancelled).number
    assert note["Total"] == "-1180.00"
    assert len(body) == 3


def test_documents_from_before_snapshots_are_completed_by_the_backfill_not_by_a_get(
    client, haircut, asha
):
    from django.core.management import call_command

    from bookings.models import Appointment as A
    from bookings.tests.factories import AppointmentFactory

    # As the site stood before: a confirmed booking whose invoice was numbered on its first
    # download (no snapshot), one never downloaded, and one cancelled after its invoice.
    opened = AppointmentFactory(service=haircut, customer=asha, status=A.Status.CONFIRMED)
    legacy = Invoice.objects.create(
        number="INV/2026-27/000007",
        financial_year="2026-27",
        sequence=7,
        kind=Invoice.Kind.BOOKING,
        reference_id=opened.fee_reference,
        provider=haircut.provider,
        customer=asha,
        amount=opened.locked_price,
    )
    never = AppointmentFactory(
        service=haircut, customer=asha, status=A.Status.COMPLETED, slot_time=time(12)
    )
    cancelled = AppointmentFactory(
        service=haircut, customer=asha, status=A.Status.CANCELLED, slot_time=time(14)
    )
    Invoice.objects.create(
        number="INV/2026-27/000008",
        financial_year="2026-27",
        sequence=8,
        kind=Invoice.Kind.BOOKING,
        reference_id=cancelled.fee_reference,
        provider=haircut.provider,
        customer=asha,
        amount=cancelled.locked_price,
    )
    client.force_login(asha)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(opened)).status_code == 404  # being prepared
        assert client.get(url(never)).status_code == 404
    assert not [
        q
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
        and "django_session" not in q["sql"]
    ]
    call_command("documents_backfill", stdout=io.StringIO())
    call_command("documents_backfill", stdout=io.StringIO())  # a second run changes nothing
    legacy.refresh_from_db()
    assert legacy.number == "INV/2026-27/000007" and legacy.snapshot["number"] == legacy.number
    assert "INV/2026-27/000007" in pdf_text(client.get(url(opened)).content)
    assert client.get(url(never)).status_code == 200
    note = booking_invoice(cancelled, Invoice.DocType.CREDIT_NOTE)
    assert note.original.number == "INV/2026-27/000008"
    assert Invoice.objects.filter(kind=Invoice.Kind.BOOKING).count() == 4
