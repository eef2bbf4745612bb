"""Real row locks: these run on MariaDB with threads (skipped on SQLite)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from providers.tests.factories import ProviderFactory
from wallet import services
from wallet.models import Invoice, InvoiceSequence, Payment, WalletTransaction, WebhookEvent
from wallet.tests.factories import PaymentFactory, fund
from wallet.tests.helpers import post_callback, post_webhook, webhook_body

pytestmark = [pytest.mark.mariadb, pytest.mark.django_db(transaction=True)]


def run_together(count: int, work) -> list:
    """Run ``work(i)`` in ``count`` threads released at once; return results or exceptions."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def target(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_twenty_concurrent_debits_never_overdraw():
    provider = ProviderFactory()
    fund(provider, "100.00")

    def debit(i):
        return services.debit(
            provider=provider,
            amount=Decimal("15.00"),
            kind=WalletTransaction.Kind.BOOKING_FEE,
            reference_id=f"appt-{i}",
        )

    results = run_together(20, debit)
    applied = [r for r in results if isinstance(r, WalletTransaction)]
    refused = [r for r in results if isinstance(r, services.InsufficientBalance)]
    assert len(applied) == 6  # 6 × ₹15 = ₹90 ≤ ₹100 < 7 × ₹15
    assert len(refused) == 14
    provider.refresh_from_db()
    assert provider.wallet_balance == Decimal("10.00")
    balances = sorted(r.balance_after for r in applied)
    assert balances == [Decimal(x) for x in ("10.00", "25.00", "40.00", "55.00", "70.00", "85.00")]


def test_same_debit_twenty_times_at_once_is_applied_once():
    provider = ProviderFactory()
    fund(provider, "100.00")

    def debit(i):
        return services.debit(
            provider=provider,
            amount=Decimal("5.00"),
            kind=WalletTransaction.Kind.BOOKING_FEE,
            reference_id="appt-1",
        )

    results = run_together(20, debit)
    assert all(isinstance(r, WalletTransaction) for r in results), results
    assert len({r.pk for r in results}) == 1
    provider.refresh_from_db()
    assert provider.wallet_balance == Decimal("95.00")


def test_three_webhook_deliveries_and_the_callback_at_once_credit_once():
    provider = ProviderFactory()
    payment = PaymentFactory(provider=provider)
    body = webhook_body("payment.captured", payment, "pay_C1")

    def deliver(i):
        client = Client()
        if i == 3:
            client.force_login(provider.user)
            return post_callback(client, payment, "pay_C1").status_code
        return post_webhook(client, body, "evt_same").status_code

    results = run_together(4, deliver)
    assert results == [200, 200, 200, 302], results
    provider.refresh_from_db()
    assert provider.wallet_balance == Decimal("500.00")
    assert WalletTransaction.objects.filter(kind=WalletTransaction.Kind.TOPUP).count() == 1
    assert WebhookEvent.objects.count() == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID


def test_concurrent_invoices_get_consecutive_numbers_without_gaps_or_repeats():
    provider = ProviderFactory()
    for series in ("INV", "CN"):  # as the migrations create them
        InvoiceSequence.objects.get_or_create(series=series, financial_year="2026-27")

    def issue(i):
        invoice = services.invoice_issue(
            kind=Invoice.Kind.BOOKING,
            reference_id=f"appt-{i % 10}",  # each reference asked for twice
            provider=provider,
            amount=Decimal("300"),
            title="Invoice",
            seller={"name": "Shop"},
            buyer={"name": "Customer"},
            lines=[{"description": "Service", "amount": Decimal("300")}],
            interstate=None,
        )
        if i % 2:  # and half of them reversed, each twice, at the same time
            services.credit_note_issue(original=invoice, reason="Cancelled")
        return invoice.number

    import time_machine

    with time_machine.travel("2026-11-25 10:00 +0530", tick=True):
        numbers = run_together(20, issue)
    assert all(isinstance(n, str) for n in numbers), numbers
    assert Invoice.objects.filter(doc_type="invoice").count() == 10
    assert sorted(set(numbers)) == [f"INV/2026-27/{n:06d}" for n in range(1, 11)]
    assert InvoiceSequence.objects.get(series="INV", financial_year="2026-27").last_number == 10
    notes = sorted(Invoice.objects.filter(doc_type="credit_note").values_list("number", flat=True))
    assert notes == [f"CN/2026-27/{n:06d}" for n in range(1, 6)]
