"""Every change to a provider's wallet: one ledger row and the balance, in one transaction."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction

from providers.models import Provider

from .models import WalletTransaction

PAISE = Decimal("0.01")


class InsufficientBalance(Exception):
    """The wallet cannot pay for this debit."""

    def __init__(self, *, balance: Decimal, amount: Decimal) -> None:
        self.balance = balance
        self.amount = amount
        super().__init__(f"Wallet balance ₹{balance} is less than ₹{amount}.")


def platform_fee(price: Decimal) -> Decimal:
    """The fee the platform charges a provider for one confirmed booking of ``price``."""
    percent = price * settings.PLATFORM_FEE_PERCENT / Decimal(100)
    return (settings.PLATFORM_FEE_FLAT + percent).quantize(PAISE, rounding=ROUND_HALF_UP)


def _post(
    *,
    provider: Provider,
    type_: str,
    amount: Decimal,
    kind: str,
    reference_id: str,
    notes: str,
) -> WalletTransaction:
    amount = Decimal(amount).quantize(PAISE)
    if amount <= 0:
        raise ValueError("A ledger amount must be positive.")
    # The provider row is the one lock for its wallet, slots and tokens: one lock order.
    locked = Provider.objects.select_for_update().get(pk=provider.pk)
    existing = WalletTransaction.objects.filter(kind=kind, reference_id=reference_id).first()
    if existing is not None:
        return existing
    balance = locked.wallet_balance + (
        amount if type_ == WalletTransaction.Type.CREDIT else -amount
    )
    if balance < 0:
        raise InsufficientBalance(balance=locked.wallet_balance, amount=amount)
    try:
        with transaction.atomic():
            row = WalletTransaction.objects.create(
                user_id=locked.user_id,
                type=type_,
                kind=kind,
                amount=amount,
                balance_after=balance,
                reference_id=reference_id,
                notes=notes[:255],
            )
    except IntegrityError:
        # Backstop: the same (kind, reference) was written by someone not holding our lock.
        return WalletTransaction.objects.get(kind=kind, reference_id=reference_id)
    Provider.objects.filter(pk=locked.pk).update(wallet_balance=balance)
    provider.wallet_balance = balance
    return row


@transaction.atomic
def credit(
    *, provider: Provider, amount: Decimal, kind: str, reference_id: str, notes: str = ""
) -> WalletTransaction:
    """Add money to the wallet once per (kind, reference_id); a repeat returns the first row."""
    return _post(
        provider=provider,
        type_=WalletTransaction.Type.CREDIT,
        amount=amount,
        kind=kind,
        reference_id=reference_id,
        notes=notes,
    )


@transaction.atomic
def debit(
    *, provider: Provider, amount: Decimal, kind: str, reference_id: str, notes: str = ""
) -> WalletTransaction:
    """Take money from the wallet once per (kind, reference_id); never below zero."""
    return _post(
        provider=provider,
        type_=WalletTransaction.Type.DEBIT,
        amount=amount,
        kind=kind,
        reference_id=reference_id,
        notes=notes,
    )
