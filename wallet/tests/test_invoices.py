from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.tests.factories import CustomerFactory, StaffFactory
from providers.tests.factories import ProviderFactory
from wallet import services
from wallet.invoices import amount_in_words, gst_inclusive, number_in_words
from wallet.models import Invoice, WalletTransaction
from wallet.tests.factories import PaymentFactory, fund
from wallet.tests.pdf import pdf_text

pytestmark = pytest.mark.django_db
IST = ZoneInfo("Asia/Kolkata")


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "Zero"),
        (15, "Fifteen"),
        (105, "One Hundred Five"),
        (1000, "One Thousand"),
        (1_00_000, "One Lakh"),
        (12_34_567, "Twelve Lakh Thirty-Four Thousand Five Hundred Sixty-Seven"),
        (1_00_00_000, "One Crore"),
        (
            9_99_99_99_999,
            "Nine Hundred Ninety-Nine Crore Ninety-Nine Lakh Ninety-Nine Thousand "
            "Nine Hundred Ninety-Nine",
        ),
    ],
)
def test_numbers_in_words_use_the_indian_system(n, words):
    assert number_in_words(n) == words


def test_amount_in_words_with_paise():
    assert amount_in_words(Decimal("1250.50")) == (
        "Rupees One Thousand Two Hundred Fifty and Fifty Paise Only"
    )
    assert amount_in_words(Decimal("500")) == "Rupees Five Hundred Only"


def test_gst_inclusive_split_adds_up():
    tax = gst_inclusive(Decimal("300.00"), interstate=False)
    assert tax.taxable == Decimal("254.24")
    assert [(t.label, t.amount) for t in tax.lines] == [
        ("CGST", Decimal("22.88")),
        ("SGST", Decimal("22.88")),
    ]
    assert tax.taxable + sum(t.amount for t in tax.lines) == Decimal("300.00")
    igst = gst_inclusive(Decimal("5.00"), interstate=True)
    assert igst.taxable + igst.lines[0].amount == Decimal("5.00")


@pytest.mark.parametrize(
    ("moment", "year"),
    [
        (datetime(2026, 3, 31, 23, 59, tzinfo=IST), "2025-26"),
        (datetime(2026, 4, 1, 0, 0, tzinfo=IST), "2026-27"),
        (datetime(2099, 12, 31, 12, 0, tzinfo=IST), "2099-00"),
    ],
)
def test_financial_year_runs_april_to_march_in_india(moment, year):
    assert services.financial_year(moment) == year


def test_numbers_are_sequential_per_financial_year_and_restart_in_april():
    provider = ProviderFactory()

    def issue(ref):
        return services.invoice_issue(
            kind=Invoice.Kind.BOOKING, reference_id=ref, provider=provider, amount=Decimal("1")
        ).number

    with time_machine.travel(datetime(2027, 3, 31, 23, 0, tzinfo=IST)):
        assert [issue("a"), issue("b")] == ["INV/2026-27/000001", "INV/2026-27/000002"]
        assert issue("a") == "INV/2026-27/000001"  # asking again: the same invoice
    # 1 April 00:30 IST is still 31 March in UTC: the Indian date decides.
    with time_machine.travel(datetime(2027, 4, 1, 0, 30, tzinfo=IST)):
        assert issue("c") == "INV/2027-28/000001"


def topup_row(provider, amount="500.00"):
    payment = PaymentFactory(provider=provider, amount=Decimal(amount))
    services.payment_capture(order_id=payment.order_id, payment_id="pay_INV1", source="callback")
    return payment, WalletTransaction.objects.get(reference_id=payment.order_id)


def test_topup_invoice_pdf_reads_like_an_invoice(client, settings):
    settings.PLATFORM_GSTIN = ""
    provider = ProviderFactory(shop_name="Sharma Hair Studio", city="Pune")
    with time_machine.travel(datetime(2026, 11, 25, 11, 0, tzinfo=IST)):
        payment, row = topup_row(provider, "125000.50")
        client.force_login(provider.user)
        response = client.get(reverse("wallet:transaction_invoice", args=[row.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "INV-2026-27-000001.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "INV/2026-27/000001" in text
    assert "BookMyToken" in text
    assert "Sharma Hair Studio" in text
    assert "₹1,25,000.50" in text
    assert "One Lakh Twenty-Five Thousand and Fifty Paise" in text
    assert payment.order_id in text
    assert "pay_INV1" in text
    # The same number every time it is downloaded.
    again = client.get(reverse("wallet:transaction_invoice", args=[row.pk]))
    assert "INV/2026-27/000001" in pdf_text(again.content)
    assert Invoice.objects.count() == 1


def test_booking_fee_invoice_shows_gst_and_a_refund(client, settings):
    settings.PLATFORM_GSTIN = "29ABCDE1234F1Z5"
    provider = ProviderFactory(gstin="27ABCDE1234F1Z5")
    fund(provider, "100")
    fee = services.debit(
        provider=provider,
        amount=Decimal("11.80"),
        kind=WalletTransaction.Kind.BOOKING_FEE,
        reference_id="appt-42",
    )
    services.credit(
        provider=provider,
        amount=Decimal("11.80"),
        kind=WalletTransaction.Kind.FEE_REFUND,
        reference_id="appt-42",
    )
    client.force_login(provider.user)
    text = pdf_text(client.get(reverse("wallet:transaction_invoice", args=[fee.pk])).content)
    assert "TAX INVOICE" in text
    assert "Platform fee for booking appt-42" in text
    assert "29ABCDE1234F1Z5" in text and "27ABCDE1234F1Z5" in text
    assert "IGST @ 18%" in text  # Maharashtra provider, Karnataka platform
    assert "₹10.00" in text and "₹1.80" in text and "₹11.80" in text
    assert "Refunded to wallet" in text
    assert "Rupees Eleven and Eighty Paise Only" in text


def test_platform_invoices_only_for_the_owner_and_staff(client):
    provider = ProviderFactory()
    _, row = topup_row(provider)
    url = reverse("wallet:transaction_invoice", args=[row.pk])
    assert client.get(url).status_code == 302  # anonymous → login
    client.force_login(ProviderFactory().user)
    assert client.get(url).status_code == 404
    client.force_login(CustomerFactory())
    assert client.get(url).status_code == 404
    assert not Invoice.objects.exists()
    client.force_login(StaffFactory())
    assert client.get(url).status_code == 200


def test_no_invoice_for_adjustments_or_unknown_rows(client):
    provider = ProviderFactory()
    row = fund(provider, "50")
    client.force_login(provider.user)
    assert client.get(reverse("wallet:transaction_invoice", args=[row.pk])).status_code == 404
    assert client.get(reverse("wallet:transaction_invoice", args=[999999])).status_code == 404
    assert not Invoice.objects.exists()


def test_fee_invoice_shows_the_refund_once_the_fee_is_refunded(client, settings):
    settings.PLATFORM_GSTIN = "29ABCDE1234F1Z5"
    provider = ProviderFactory()
    fund(provider, "100")
    fee = services.debit(
        provider=provider,
        amount=Decimal("11.80"),
        kind=WalletTransaction.Kind.BOOKING_FEE,
        reference_id="appt-43",
    )
    url = reverse("wallet:transaction_invoice", args=[fee.pk])
    client.force_login(provider.user)
    first = client.get(url)
    assert "Refunded" not in pdf_text(first.content)

    services.credit(
        provider=provider,
        amount=Decimal("11.80"),
        kind=WalletTransaction.Kind.FEE_REFUND,
        reference_id="appt-43",
    )
    refunded = client.get(url)
    assert "Refunded to wallet" in pdf_text(refunded.content)
