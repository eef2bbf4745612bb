from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from accounts.tests.factories import StaffFactory
from providers.models import Provider
from providers.tests.factories import ProviderFactory
from wallet import services
from wallet.invariants import ledger_mismatches
from wallet.models import WalletTransaction
from wallet.tests.factories import fund

pytestmark = pytest.mark.django_db
FEE = WalletTransaction.Kind.BOOKING_FEE


def test_credit_and_debit_move_balance_and_write_one_row_each():
    provider = ProviderFactory()
    fund(provider, "100.00")
    row = services.debit(
        provider=provider, amount=Decimal("30.50"), kind=FEE, reference_id="appt-1"
    )
    provider.refresh_from_db()
    assert provider.wallet_balance == Decimal("69.50")
    assert row.balance_after == Decimal("69.50")
    assert row.type == WalletTransaction.Type.DEBIT
    assert row.user_id == provider.user_id
    assert ledger_mismatches() == []


def test_repeat_of_the_same_kind_and_reference_returns_the_first_row():
    provider = ProviderFactory()
    fund(provider, "100.00")
    first = services.debit(provider=provider, amount=Decimal("5"), kind=FEE, reference_id="appt-7")
    again = services.debit(provider=provider, amount=Decimal("5"), kind=FEE, reference_id="appt-7")
    assert again.pk == first.pk
    provider.refresh_from_db()
    assert provider.wallet_balance == Decimal("95.00")
    assert WalletTransaction.objects.filter(reference_id="appt-7").count() == 1


def test_refund_of_the_same_reference_is_a_different_entry():
    provider = ProviderFactory()
    fund(provider, "10.00")
    services.debit(provider=provider, amount=Decimal("5"), kind=FEE, reference_id="appt-9")
    services.credit(
        provider=provider,
        amount=Decimal("5"),
        kind=WalletTransaction.Kind.FEE_REFUND,
        reference_id="appt-9",
    )
    services.credit(
        provider=provider,
        amount=Decimal("5"),
        kind=WalletTransaction.Kind.FEE_REFUND,
        reference_id="appt-9",
    )
    provider.refresh_from_db()
    assert provider.wallet_balance == Decimal("10.00")


def test_debit_beyond_the_balance_is_refused_and_writes_nothing():
    provider = ProviderFactory()
    fund(provider, "4.99")
    with pytest.raises(services.InsufficientBalance) as err:
        services.debit(provider=provider, amount=Decimal("5"), kind=FEE, reference_id="appt-2")
    assert err.value.balance == Decimal("4.99")
    provider.refresh_from_db()
    assert provider.wallet_balance == Decimal("4.99")
    assert not WalletTransaction.objects.filter(reference_id="appt-2").exists()


def test_debit_of_exactly_the_balance_leaves_zero():
    provider = ProviderFactory()
    fund(provider, "5.00")
    services.debit(provider=provider, amount=Decimal("5"), kind=FEE, reference_id="appt-3")
    provider.refresh_from_db()
    assert provider.wallet_balance == Decimal("0.00")


@pytest.mark.parametrize("amount", ["0", "-1", "0.001"])
def test_non_positive_amounts_are_refused(amount):
    provider = ProviderFactory()
    with pytest.raises(ValueError):
        services.credit(
            provider=provider,
            amount=Decimal(amount),
            kind=WalletTransaction.Kind.ADJUSTMENT,
            reference_id="x",
        )
    assert not WalletTransaction.objects.exists()


def test_a_reference_of_another_wallet_is_a_caller_bug_not_a_silent_no_op():
    one, other = ProviderFactory(), ProviderFactory()
    fund(one, "50")
    fund(other, "50")
    services.debit(provider=one, amount=Decimal("5"), kind=FEE, reference_id="appt-4")
    with pytest.raises(ValueError):
        services.debit(provider=other, amount=Decimal("5"), kind=FEE, reference_id="appt-4")
    other.refresh_from_db()
    assert other.wallet_balance == Decimal("50.00")


def test_platform_fee_is_flat_plus_percent(settings):
    settings.PLATFORM_FEE_FLAT = Decimal("5.00")
    settings.PLATFORM_FEE_PERCENT = Decimal("2.5")
    assert services.platform_fee(Decimal("300.00")) == Decimal("12.50")
    assert services.platform_fee(Decimal("0.10")) == Decimal("5.00")


def test_invariant_check_notices_a_balance_changed_behind_the_ledger():
    provider = ProviderFactory()
    fund(provider, "20")
    Provider.objects.filter(pk=provider.pk).update(wallet_balance=Decimal("25"))
    problems = ledger_mismatches()
    Provider.objects.filter(pk=provider.pk).update(wallet_balance=Decimal("20"))
    assert len(problems) == 1
    assert problems[0].startswith(f"provider {provider.pk}: balance 25.00, ledger says 20")
    assert ledger_mismatches() == []


@pytest.mark.parametrize(
    "model_name", ["wallettransaction", "payment", "webhookevent", "invoice", "invoicesequence"]
)
def test_admin_shows_money_records_read_only(model_name):
    model = next(m for m in site._registry if m._meta.model_name == model_name)
    admin = site._registry[model]
    request = RequestFactory().get("/")
    request.user = StaffFactory()
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)
    assert admin.has_view_permission(request)


def test_payments_and_ledger_rows_are_in_the_audit_log():
    from auditlog.models import LogEntry

    from wallet.tests.factories import PaymentFactory

    payment = PaymentFactory()
    services.payment_capture(order_id=payment.order_id, payment_id="pay_A", source="callback")
    payment.refresh_from_db()
    row = WalletTransaction.objects.get(reference_id=payment.order_id)
    assert LogEntry.objects.get_for_object(payment).count() == 2  # created, then paid
    assert LogEntry.objects.get_for_object(row).count() == 1
