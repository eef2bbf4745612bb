import secrets
from decimal import Decimal

import factory

from providers.tests.factories import ProviderFactory
from wallet import services
from wallet.models import Payment, WalletTransaction


class PaymentFactory(factory.django.DjangoModelFactory):
    """A top-up order as the TEST MODE gateway creates it (status created)."""

    class Meta:
        model = Payment

    provider = factory.SubFactory(ProviderFactory)
    amount = Decimal("500.00")
    order_id = factory.LazyFunction(lambda: f"order_T{secrets.token_hex(7)}")
    receipt = factory.LazyFunction(lambda: f"wt-{secrets.token_hex(8)}")
    gateway = "test"


def fund(provider, amount: str | Decimal, reference: str | None = None) -> WalletTransaction:
    """Put money in a provider's wallet the only allowed way: a ledger credit."""
    return services.credit(
        provider=provider,
        amount=Decimal(amount),
        kind=WalletTransaction.Kind.ADJUSTMENT,
        reference_id=reference or f"test-{secrets.token_hex(6)}",
        notes="test funding",
    )
