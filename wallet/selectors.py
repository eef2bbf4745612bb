"""Reads of the wallet used by several views (wallet page, CSV export, dashboards)."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.access import check_private_access
from providers.models import Provider

from .models import Invoice, Payment, WalletTransaction


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
    # Each row with its invoice or credit note (if it made one) for the history's links.
    return (
        rows.select_related("document").defer("document__snapshot").order_by("-created_at", "-id")
    )


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


def document_for(*, user, pk: int) -> Invoice | None:
    """An invoice or credit note its reader may open: staff past their second factor, the shop
    it concerns (as seller or buyer) and a booking's customer. None for anyone else, so ids
    reveal nothing."""
    document = Invoice.objects.select_related("provider").filter(pk=pk).first()
    if document is None:
        return None
    try:
        # The one rule (accounts.access): staff need their second factor, which raises
        # SecondFactorRequired for the view to send them to the code step.
        check_private_access(
            user, customer_id=document.customer_id, provider_user_id=document.provider.user_id
        )
    except Http404:
        return None
    return document


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """[first instant, first instant of the next month) of ``month`` in local time."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return _local_midnight(first), _local_midnight(following)


def documents_of_month(*, provider: Provider, month: date) -> QuerySet[Invoice]:
    """Every document of a shop issued in ``month`` (local time), oldest first: the invoices
    it issued its customers, the platform's invoices to it, and their credit notes."""
    start, end = month_bounds(month)
    return (
        Invoice.objects.filter(provider=provider, issued_at__gte=start, issued_at__lt=end)
        .select_related("original")
        .order_by("issued_at", "id")
    )


def outward_documents_of_month(*, provider: Provider, month: date) -> QuerySet[Invoice]:
    """The documents the shop itself issued in ``month`` (its GSTR-1 outward supplies)."""
    return documents_of_month(provider=provider, month=month).filter(kind=Invoice.Kind.BOOKING)
