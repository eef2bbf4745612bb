import csv
import io
import zipfile
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.storage import InMemoryStorage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import CustomerFactory, StaffFactory, login_verified_staff
from providers.tests.factories import ProviderFactory
from wallet import invoices, services
from wallet.invoices import amount_in_words, gst_inclusive, number_in_words
from wallet.models import Invoice, InvoiceSequence, WalletTransaction
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


def issue(provider, ref, kind=Invoice.Kind.BOOKING, amount="1"):
    return services.invoice_issue(
        kind=kind,
        reference_id=ref,
        provider=provider,
        amount=Decimal(amount),
        title="Invoice",
        seller={"name": "Seller"},
        buyer={"name": "Buyer"},
        lines=[{"description": "Line", "amount": Decimal(amount)}],
        interstate=None,
    )


def test_numbers_are_sequential_per_financial_year_and_restart_in_april():
    provider = ProviderFactory()
    with time_machine.travel(datetime(2027, 3, 31, 23, 0, tzinfo=IST)):
        assert [issue(provider, "a").number, issue(provider, "b").number] == [
            "INV/2026-27/000001",
            "INV/2026-27/000002",
        ]
        assert issue(provider, "a").number == "INV/2026-27/000001"  # the same invoice again
    # 1 April 00:30 IST is still 31 March in UTC: the Indian date decides.
    with time_machine.travel(datetime(2027, 4, 1, 0, 30, tzinfo=IST)):
        assert issue(provider, "c").number == "INV/2027-28/000001"


def test_credit_notes_have_their_own_gapless_series_and_refer_to_the_invoice():
    provider = ProviderFactory()
    with time_machine.travel(datetime(2026, 11, 25, 11, 0, tzinfo=IST)):
        first, second = issue(provider, "a"), issue(provider, "b")
        note = services.credit_note_issue(original=second, reason="Cancelled")
        assert services.credit_note_issue(original=second, reason="again") == note
        third = issue(provider, "c")
        other = services.credit_note_issue(original=first, reason="Cancelled")
    assert [first.number, second.number, third.number] == [
        "INV/2026-27/000001",
        "INV/2026-27/000002",
        "INV/2026-27/000003",
    ]
    assert [note.number, other.number] == ["CN/2026-27/000001", "CN/2026-27/000002"]
    assert note.original == second and note.is_credit_note
    assert note.snapshot["original"]["number"] == "INV/2026-27/000002"
    assert note.snapshot["reason"] == "Cancelled"
    assert note.amount == second.amount
    assert InvoiceSequence.objects.get(series="CN", financial_year="2026-27").last_number == 2


def topup_row(provider, amount="500.00"):
    payment = PaymentFactory(provider=provider, amount=Decimal(amount))
    services.payment_capture(order_id=payment.order_id, payment_id="pay_INV1", source="callback")
    return payment, WalletTransaction.objects.get(reference_id=payment.order_id)


def doc_url(document):
    return reverse("wallet:document", args=[document.pk])


def test_a_captured_top_up_issues_its_invoice_at_once(settings):
    settings.PLATFORM_GSTIN = ""
    provider = ProviderFactory(shop_name="Sharma Hair Studio", city="Pune")
    with time_machine.travel(datetime(2026, 11, 25, 11, 0, tzinfo=IST)):
        payment, row = topup_row(provider, "125000.50")
    invoice = Invoice.objects.get()
    assert (invoice.kind, invoice.ledger_row, invoice.number) == (
        Invoice.Kind.TOPUP,
        row,
        "INV/2026-27/000001",
    )
    snapshot = invoice.snapshot
    assert snapshot["buyer"]["name"] == "Sharma Hair Studio"
    assert snapshot["seller"]["state"] == "29-Karnataka"
    assert snapshot["total"] == "125000.50" and snapshot["tax"] is None


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
    for expected in (
        "INV/2026-27/000001",
        "25 Nov 2026",
        "BookMyToken",
        "Sharma Hair Studio",
        "₹1,25,000.50",
        "One Lakh Twenty-Five Thousand and Fifty Paise",
        payment.order_id,
        "pay_INV1",
        "29-Karnataka",
    ):
        assert expected in text, expected


@pytest.fixture
def documents(monkeypatch):
    """A fresh, empty storage for rendered PDFs, and a count of the renders."""
    storage = InMemoryStorage()
    monkeypatch.setattr(Invoice._meta.get_field("pdf"), "storage", storage)
    renders = []
    real_render = invoices.render_pdf

    def counting_render(snapshot):
        renders.append(snapshot["number"])
        return real_render(snapshot)

    monkeypatch.setattr(invoices, "render_pdf", counting_render)
    return SimpleNamespace(storage=storage, renders=renders)


def stored_files(storage, folder="invoice/2026-27"):
    return storage.listdir(folder)[1]


def test_the_first_download_renders_and_stores_the_pdf_later_ones_serve_it(
    client, documents, django_assert_max_num_queries
):
    provider = ProviderFactory()
    with time_machine.travel(datetime(2026, 11, 25, 11, 0, tzinfo=IST)):
        _, row = topup_row(provider)
    invoice = Invoice.objects.get()
    assert not invoice.pdf
    client.force_login(provider.user)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(doc_url(invoice))
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in q["sql"]
    ]
    assert len(writes) == 1 and "pdf" in writes[0]  # the file's name, nothing else
    invoice.refresh_from_db()
    assert invoice.pdf.name == "invoice/2026-27/INV-2026-27-000001.pdf"
    assert documents.storage.open(invoice.pdf.name).read() == first.content
    assert documents.renders == ["INV/2026-27/000001"]

    with CaptureQueriesContext(connection) as queries:
        second = client.get(reverse("wallet:transaction_invoice", args=[row.pk]))
        third = client.get(doc_url(invoice))
    assert second.content == third.content == first.content
    assert documents.renders == ["INV/2026-27/000001"]  # not rendered again
    assert not any(
        q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in q["sql"]
        for q in queries.captured_queries
    )
    assert "private, no-store" in second["Cache-Control"]
    assert third["Content-Type"] == "application/pdf"
    assert "INV-2026-27-000001.pdf" in third["Content-Disposition"]
    assert Invoice.objects.get().snapshot == invoice.snapshot  # the document itself unchanged
    with django_assert_max_num_queries(3):  # session, user, document
        client.get(doc_url(invoice))


def test_a_failing_storage_still_serves_the_pdf(client, documents, monkeypatch, caplog):
    provider = ProviderFactory()
    topup_row(provider)
    invoice = Invoice.objects.get()
    client.force_login(provider.user)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(documents.storage, "save", broken)
        response = client.get(doc_url(invoice))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "Could not store the PDF" in caplog.text
    invoice.refresh_from_db()
    assert not invoice.pdf  # nothing recorded: the next download tries again

    assert client.get(doc_url(invoice)).content == response.content
    invoice.refresh_from_db()
    assert invoice.pdf
    monkeypatch.setattr(documents.storage, "open", broken)
    again = client.get(doc_url(invoice))
    assert again.status_code == 200 and again.content == response.content
    assert "Could not read the stored PDF" in caplog.text
    assert len(documents.renders) == 3


def test_a_stored_pdf_that_went_missing_is_rendered_and_stored_again(client, documents):
    provider = ProviderFactory()
    with time_machine.travel(datetime(2026, 11, 25, 11, 0, tzinfo=IST)):
        topup_row(provider)
    invoice = Invoice.objects.get()
    client.force_login(provider.user)
    first = client.get(doc_url(invoice)).content
    invoice.refresh_from_db()
    documents.storage.delete(invoice.pdf.name)
    assert client.get(doc_url(invoice)).content == first
    invoice.refresh_from_db()
    assert documents.storage.open(invoice.pdf.name).read() == first
    assert len(documents.renders) == 2


def test_of_two_first_downloads_racing_one_file_is_kept(documents):
    provider = ProviderFactory()
    with time_machine.travel(datetime(2026, 11, 25, 11, 0, tzinfo=IST)):
        topup_row(provider)
    # Both requests loaded the row before either stored its PDF.
    late, early = Invoice.objects.get(), Invoice.objects.get()
    content = invoices.document_pdf_content(early)
    assert invoices.document_pdf_content(late) == content
    kept = Invoice.objects.get().pdf.name
    assert kept == early.pdf.name and late.pdf.name == ""
    assert stored_files(documents.storage) == [kept.rsplit("/", 1)[1]]
    assert len(documents.renders) == 2


def test_a_document_without_snapshot_is_still_being_prepared(client, documents):
    provider = ProviderFactory()
    topup_row(provider)
    Invoice.objects.update(snapshot={})
    client.force_login(provider.user)
    assert client.get(doc_url(Invoice.objects.get())).status_code == 404
    assert documents.renders == [] and not Invoice.objects.get().pdf


def fee_and_refund(provider, ref="appt-42", amount="11.80"):
    fund(provider, "100")
    fee = services.debit(
        provider=provider,
        amount=Decimal(amount),
        kind=WalletTransaction.Kind.BOOKING_FEE,
        reference_id=ref,
        notes="Booking fee, token 3",
    )
    refund = services.credit(
        provider=provider,
        amount=Decimal(amount),
        kind=WalletTransaction.Kind.FEE_REFUND,
        reference_id=ref,
        notes="Fee refund, cancelled token 3",
    )
    return fee, refund


def test_fee_invoice_shows_gst_and_its_refund_has_a_credit_note(client, settings):
    settings.PLATFORM_GSTIN = "29ABCDE1234F1Z5"
    provider = ProviderFactory(gstin="27ABCDE1234F1Z5")
    with time_machine.travel(datetime(2026, 11, 25, 11, 0, tzinfo=IST)):
        fee, refund = fee_and_refund(provider)
    invoice, note = fee.document, refund.document
    assert not invoice.is_credit_note and note.is_credit_note and note.original == invoice
    client.force_login(provider.user)
    text = pdf_text(client.get(doc_url(invoice)).content)
    assert "TAX INVOICE" in text
    assert "Platform fee for booking appt-42" in text
    assert "29ABCDE1234F1Z5" in text and "27ABCDE1234F1Z5" in text
    assert "27-Maharashtra" in text and "29-Karnataka" in text
    assert "IGST @ 18%" in text  # Maharashtra provider, Karnataka platform
    assert "₹10.00" in text and "₹1.80" in text and "₹11.80" in text
    assert "Rupees Eleven and Eighty Paise Only" in text
    credit_text = pdf_text(client.get(doc_url(note)).content)
    assert "CREDIT NOTE" in credit_text
    assert "CN/2026-27/000001" in credit_text
    assert f"Against invoice {invoice.number} of 25 Nov 2026" in credit_text
    assert "IGST @ 18%" in credit_text and "₹11.80" in credit_text
    assert "Fee refund, cancelled token 3" in credit_text


def test_within_one_state_the_fee_splits_into_cgst_and_sgst(settings):
    settings.PLATFORM_GSTIN = "29ABCDE1234F1Z5"
    provider = ProviderFactory(gstin="29AAAAA0000A1Z5")
    fund(provider, "100")
    fee = services.debit(
        provider=provider,
        amount=Decimal("11.80"),
        kind=WalletTransaction.Kind.BOOKING_FEE,
        reference_id="appt-7",
    )
    assert [line["label"] for line in fee.document.snapshot["tax"]["lines"]] == ["CGST", "SGST"]


def test_an_issued_invoice_does_not_follow_later_edits(client, settings):
    settings.PLATFORM_GSTIN = "29ABCDE1234F1Z5"
    provider = ProviderFactory(shop_name="Old Name", gstin="27ABCDE1234F1Z5", address="1 Old Rd")
    fund(provider, "100")
    fee = services.debit(
        provider=provider,
        amount=Decimal("11.80"),
        kind=WalletTransaction.Kind.BOOKING_FEE,
        reference_id="appt-9",
    )
    client.force_login(provider.user)
    before = client.get(doc_url(fee.document)).content
    provider.shop_name, provider.gstin, provider.address = "New Name", "29AAAAA0000A1Z5", "2 New"
    provider.save()
    settings.PLATFORM_GSTIN = "07ABCDE1234F1Z5"
    after = client.get(doc_url(fee.document)).content
    assert pdf_text(after) == pdf_text(before)
    text = pdf_text(after)
    assert "Old Name" in text and "1 Old Rd" in text and "New Name" not in text
    assert "IGST @ 18%" in text


def test_documents_only_for_the_owner_and_staff(client):
    provider = ProviderFactory()
    _, row = topup_row(provider)
    invoice = row.document
    for url in (doc_url(invoice), reverse("wallet:transaction_invoice", args=[row.pk])):
        client.logout()
        assert client.get(url).status_code == 302  # anonymous → login
        client.force_login(ProviderFactory().user)
        assert client.get(url).status_code == 404
        client.force_login(CustomerFactory())
        assert client.get(url).status_code == 404
        client.force_login(StaffFactory())  # no second factor this session
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:two_factor")
        login_verified_staff(client)
        assert client.get(url).status_code == 200
        client.force_login(provider.user)
        assert client.get(url).status_code == 200
    assert client.post(doc_url(invoice)).status_code == 405


def test_no_document_for_adjustments_or_unknown_rows(client):
    provider = ProviderFactory()
    row = fund(provider, "50")
    client.force_login(provider.user)
    assert client.get(reverse("wallet:transaction_invoice", args=[row.pk])).status_code == 404
    assert client.get(reverse("wallet:transaction_invoice", args=[999999])).status_code == 404
    assert client.get(reverse("wallet:document", args=[999999])).status_code == 404
    assert not Invoice.objects.exists()


def test_wallet_history_links_each_rows_invoice_or_credit_note(client):
    provider = ProviderFactory()
    fee, refund = fee_and_refund(provider)
    client.force_login(provider.user)
    page = client.get(reverse("wallet:home")).content.decode()
    assert doc_url(fee.document) in page and doc_url(refund.document) in page
    assert "Credit note" in page


def test_month_documents_page_zip_and_gstr1_csv_are_the_providers_own(client, settings):
    settings.PLATFORM_GSTIN = "29ABCDE1234F1Z5"
    provider = ProviderFactory(gstin="29AAAAA0000A1Z5")
    with time_machine.travel(datetime(2026, 11, 25, 11, 0, tzinfo=IST)):
        fee, refund = fee_and_refund(provider)
        issue(provider, "appt-99", amount="590.00")  # a booking invoice the shop issued
    with time_machine.travel(datetime(2026, 12, 2, 11, 0, tzinfo=IST)):
        fee_and_refund(provider, ref="appt-100")
    other = ProviderFactory()
    fee_and_refund(other, ref="appt-555")
    client.force_login(provider.user)

    page = client.get(reverse("wallet:documents"), {"month": "2026-11"})
    assert page.status_code == 200
    numbers = [d.number for d in page.context["documents"]]
    assert numbers == [fee.document.number, refund.document.number, "INV/2026-27/000002"]

    archive = client.get(reverse("wallet:documents_zip"), {"month": "2026-11"})
    assert archive["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zipped:
        names = sorted(zipped.namelist())
        assert names == sorted(
            [
                "INV-2026-27-000001.pdf",
                "CN-2026-27-000001.pdf",
                "INV-2026-27-000002.pdf",
                "gstr1-2026-11.csv",
            ]
        )
        assert "Platform fee" in pdf_text(zipped.read("INV-2026-27-000001.pdf"))

    response = client.get(reverse("wallet:documents_csv"), {"month": "2026-11"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Document type", "Number", "Date"]
    # Only what the shop issued (its outward supplies), not the platform's fee invoices.
    assert [row[1] for row in rows[1:]] == ["INV/2026-27/000002"]


def test_month_must_be_a_month(client):
    provider = ProviderFactory()
    client.force_login(provider.user)
    for bad in ("2026-13", "nope", "99999-01"):
        for name in ("wallet:documents", "wallet:documents_zip", "wallet:documents_csv"):
            assert client.get(reverse(name), {"month": bad}).status_code == 400
    client.force_login(CustomerFactory())
    assert client.get(reverse("wallet:documents")).status_code == 403


def test_ledger_rows_from_before_snapshots_get_their_documents_from_the_backfill():
    provider = ProviderFactory()
    fee, refund = fee_and_refund(provider)
    _, topup = topup_row(provider)
    number = fee.document.number
    # As the site stood before: no documents issued by the events.
    Invoice.objects.filter(doc_type=Invoice.DocType.CREDIT_NOTE).delete()
    Invoice.objects.filter(kind=Invoice.Kind.TOPUP).delete()
    Invoice.objects.filter(kind=Invoice.Kind.BOOKING_FEE).update(snapshot={}, ledger_row=None)
    assert services.ledger_documents_backfill() == 3
    assert services.ledger_documents_backfill() == 0
    fee_invoice = Invoice.objects.get(kind=Invoice.Kind.BOOKING_FEE, doc_type="invoice")
    assert fee_invoice.number == number  # numbered once, kept
    assert fee_invoice.snapshot["number"] == fee_invoice.number
    refund.refresh_from_db()
    assert refund.document.original == fee_invoice
    assert topup.document.kind == Invoice.Kind.TOPUP
