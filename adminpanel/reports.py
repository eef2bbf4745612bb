"""Marketplace reports for staff: every number is one aggregate query, whatever the data size.

Days are Indian calendar days (``TIME_ZONE``). Grouping by day shifts timestamps by the zone's
UTC offset and truncates in UTC, so the database needs no time-zone tables (MariaDB ships without
them, and ``CONVERT_TZ`` then returns NULL). Asia/Kolkata has one fixed offset, so this is exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Count,
    DateTimeField,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from accounts.models import User
from bookings.models import Appointment
from providers.models import Provider
from wallet.models import WalletTransaction

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)


@dataclass(frozen=True)
class DateRange:
    """An inclusive range of local calendar days."""

    start: date
    end: date

    @classmethod
    def last_days(cls, days: int = 30, *, today: date | None = None) -> DateRange:
        today = today or timezone.localdate()
        return cls(start=today - timedelta(days=days - 1), end=today)

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        """The first instant after the range (exclusive bound)."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def filter(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.since, f"{field}__lt": self.until})


def local_day(field: str) -> TruncDate:
    """``field`` (an aware timestamp) as the local calendar day, computed in the database."""
    offset = ZoneInfo(settings.TIME_ZONE).utcoffset(datetime.now())  # noqa: DTZ005 - offset only
    shifted = ExpressionWrapper(F(field) + Value(offset), output_field=DateTimeField())
    return TruncDate(shifted, tzinfo=UTC)


def _rate(part: int, whole: int) -> Decimal:
    if not whole:
        return ZERO
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def _money(field: str, **conditions) -> Coalesce:
    return Coalesce(Sum(field, filter=Q(**conditions)), Value(ZERO), output_field=MONEY)


# --- Users and providers -------------------------------------------------------------------


def people_summary(rng: DateRange) -> dict:
    """New customers and providers in the range; pending and active providers now."""
    users = User.objects.filter(rng.filter("created_at")).aggregate(
        new_customers=Count("id", filter=Q(role=User.Role.CUSTOMER)),
    )
    providers = Provider.objects.aggregate(
        new_providers=Count("id", filter=rng.filter("created_at")),
        pending_approvals=Count("id", filter=Q(status=Provider.Status.PENDING)),
        active_providers=Count("id", filter=Q(status=Provider.Status.APPROVED)),
        suspended_providers=Count("id", filter=Q(status=Provider.Status.SUSPENDED)),
    )
    return {**users, **providers}


def pending_providers():
    """Providers waiting for approval, oldest first (the approval queue)."""
    return (
        Provider.objects.filter(status=Provider.Status.PENDING)
        .select_related("user", "category")
        .order_by("created_at", "id")
    )


# --- Revenue -------------------------------------------------------------------------------

Kind = WalletTransaction.Kind
Type = WalletTransaction.Type


def revenue_summary(rng: DateRange) -> dict:
    """Platform fees (booking fees debited minus fee refunds credited) and wallet top-ups."""
    totals = WalletTransaction.objects.filter(rng.filter("created_at")).aggregate(
        fees_charged=_money("amount", kind=Kind.BOOKING_FEE, type=Type.DEBIT),
        fees_refunded=_money("amount", kind=Kind.FEE_REFUND, type=Type.CREDIT),
        topups=_money("amount", kind=Kind.TOPUP, type=Type.CREDIT),
        topup_count=Count("id", filter=Q(kind=Kind.TOPUP, type=Type.CREDIT)),
    )
    totals["fees"] = totals["fees_charged"] - totals["fees_refunded"]
    return totals


def revenue_per_day(rng: DateRange) -> list[dict]:
    """One row per day of the range (days without money included, as zero)."""
    rows = (
        WalletTransaction.objects.filter(rng.filter("created_at"))
        .annotate(day=local_day("created_at"))
        .values("day")
        .annotate(
            fees_charged=_money("amount", kind=Kind.BOOKING_FEE, type=Type.DEBIT),
            fees_refunded=_money("amount", kind=Kind.FEE_REFUND, type=Type.CREDIT),
            topups=_money("amount", kind=Kind.TOPUP, type=Type.CREDIT),
        )
        .order_by("day")
    )
    by_day = {row["day"]: row for row in rows}
    result = []
    for day in rng.days():
        row = by_day.get(day, {})
        charged = row.get("fees_charged", ZERO)
        refunded = row.get("fees_refunded", ZERO)
        result.append({"day": day, "fees": charged - refunded, "topups": row.get("topups", ZERO)})
    return result


# --- Bookings ------------------------------------------------------------------------------

Status = Appointment.Status


def _by_status() -> dict:
    return {status.value: Count("id", filter=Q(status=status)) for status in Status}


def bookings_summary(rng: DateRange) -> dict:
    """Bookings made in the range, by status, their value and the cancellation rate."""
    totals = Appointment.objects.filter(rng.filter("created_at")).aggregate(
        total=Count("id"),
        value=Coalesce(Sum("locked_price"), Value(ZERO), output_field=MONEY),
        **_by_status(),
    )
    totals["by_status"] = [
        {"status": status.value, "label": status.label, "count": totals[status.value]}
        for status in Status
    ]
    totals["cancellation_rate"] = _rate(totals[Status.CANCELLED], totals["total"])
    return totals


def bookings_per_day(rng: DateRange) -> list[dict]:
    """Bookings made on each day of the range, by status (days without bookings as zero)."""
    rows = (
        Appointment.objects.filter(rng.filter("created_at"))
        .annotate(day=local_day("created_at"))
        .values("day")
        .annotate(total=Count("id"), **_by_status())
        .order_by("day")
    )
    by_day = {row["day"]: row for row in rows}
    empty = {"total": 0, **{status.value: 0 for status in Status}}
    return [{**empty, **by_day.get(day, {}), "day": day} for day in rng.days()]


def top_providers(rng: DateRange, *, limit: int = 10) -> list[dict]:
    """Providers with the most bookings made in the range."""
    return list(
        Appointment.objects.filter(rng.filter("created_at"))
        .values(
            "provider_id",
            "provider__shop_name",
            "provider__city",
            "provider__category__name",
        )
        .annotate(
            bookings=Count("id"),
            completed=Count("id", filter=Q(status=Status.COMPLETED)),
            cancelled=Count("id", filter=Q(status=Status.CANCELLED)),
            value=Coalesce(Sum("locked_price"), Value(ZERO), output_field=MONEY),
            fees=Coalesce(Sum("fee_charged"), Value(ZERO), output_field=MONEY),
        )
        .order_by("-bookings", "-value", "provider__shop_name")[:limit]
    )


def top_categories(rng: DateRange, *, limit: int = 10) -> list[dict]:
    """Categories of the services booked most in the range."""
    return list(
        Appointment.objects.filter(rng.filter("created_at"))
        .values("service__category_id", "service__category__name")
        .annotate(
            bookings=Count("id"),
            providers=Count("provider", distinct=True),
            cancelled=Count("id", filter=Q(status=Status.CANCELLED)),
            value=Coalesce(Sum("locked_price"), Value(ZERO), output_field=MONEY),
        )
        .order_by("-bookings", "-value", "service__category__name")[:limit]
    )


# --- The whole report ----------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    range: DateRange
    bookings: dict
    revenue: dict
    people: dict
    daily: list[dict]
    top_providers: list[dict]
    top_categories: list[dict]


def build_report(rng: DateRange) -> Report:
    """Everything the dashboard, the CSV exports and ``manage.py report`` show: 8 queries."""
    bookings = bookings_per_day(rng)
    revenue = revenue_per_day(rng)
    daily = [{**b, **r} for b, r in zip(bookings, revenue, strict=True)]
    return Report(
        range=rng,
        bookings=bookings_summary(rng),
        revenue=revenue_summary(rng),
        people=people_summary(rng),
        daily=daily,
        top_providers=top_providers(rng),
        top_categories=top_categories(rng),
    )
