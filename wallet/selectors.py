"""Reads of the wallet used by several views (wallet page, CSV export, dashboards)."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from providers.models import Provider

from .models import Payment, WalletTransaction


def transactions_for(
    *,
    provider: Provider,
    type_: str = "",
    kind: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[WalletTransaction]:
    """A provider's ledger rows, newest first, filtered by type, kind and local date range."""
    rows = WalletTransaction.objects.filter(user_id=provider.user_id)
    if type_:
        rows = rows.filter(type=type_)
    if kind:
        rows = rows.filter(kind=kind)
    if date_from:
        rows = rows.filter(created_at__gte=_local_midnight(date_from))
    if date_to:
        rows = rows.filter(created_at__lt=_local_midnight(date_to + timedelta(days=1)))
    return rows.order_by("-created_at", "-id")


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def recent_payments(*, provider: Provider, limit: int = 5) -> QuerySet[Payment]:
    return (
        Payment.objects.filter(provider=provider)
        .only("order_id", "created_at", "amount", "status")
        .order_by("-created_at")[:limit]
    )


def is_low_balance(provider: Provider) -> bool:
    """Below settings.WALLET_LOW_BALANCE: the dashboard and wallet page warn."""
    return provider.wallet_balance < settings.WALLET_LOW_BALANCE
