"""The staff report against a known data set, day boundaries in IST, and constant query counts."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import CustomerFactory, ProviderUserFactory, StaffFactory
from adminpanel import reports
from adminpanel.reports import DateRange
from bookings.models import Appointment
from providers.models import Provider
from providers.tests.factories import CategoryFactory, ProviderFactory, ServiceFactory
from wallet import services as wallet
from wallet.models import WalletTransaction

from .factories import AppointmentFactory

IST = ZoneInfo("Asia/Kolkata")
NOVEMBER = DateRange(date(2026, 11, 1), date(2026, 11, 30))
S = Appointment.Status
Kind = WalletTransaction.Kind


def at(day: int, hour: int = 12, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=IST)


def money(provider, kind, amount, ref, when, credit=True):
    with time_machine.travel(when, tick=False):
        post = wallet.credit if credit else wallet.debit
        post(provider=provider, amount=Decimal(amount), kind=kind, reference_id=ref)


@pytest.fixture
def dataset(db):
    """November 2026 in a small marketplace, with rows just outside the range on both sides."""
    salon = CategoryFactory(name="Salon", slug="salon")
    clinic = CategoryFactory(name="Clinic", slug="clinic")
    p1 = ProviderFactory(shop_name="Asha Salon", category=salon, created_at=at(1, month=10))
    p2 = ProviderFactory(shop_name="City Clinic", category=clinic, created_at=at(5))
    ProviderFactory(status=Provider.Status.PENDING, created_at=at(10))
    ProviderFactory(status=Provider.Status.SUSPENDED, created_at=at(1, month=9))
    haircut = ServiceFactory(provider=p1, category=salon, rate=Decimal("300.00"))
    checkup = ServiceFactory(provider=p2, category=clinic, rate=Decimal("500.00"))
    # Customers: 2 new in November (one at 00:05 IST on the 1st, still 31 Oct in UTC) and one
    # at 23:55 IST on 31 October.
    c1 = CustomerFactory(created_at=at(1, 0, 5))
    c2 = CustomerFactory(created_at=at(20))
    CustomerFactory(created_at=at(31, 23, 55, month=10))
    StaffFactory(created_at=at(3))  # staff are not customers
    ProviderUserFactory(created_at=at(4))  # nor are provider accounts

    def book(service, customer, when, status=S.CONFIRMED, **extra):
        return AppointmentFactory(
            provider=service.provider,
            service=service,
            customer=customer,
            status=status,
            created_at=when,
            **extra,
        )

    # Asha Salon: 5 bookings in November (one at 00:10 IST on the 1st = 31 Oct in UTC).
    book(haircut, c1, at(1, 0, 10))
    book(haircut, c1, at(2), S.COMPLETED)
    book(haircut, c2, at(2))
    book(haircut, c2, at(15), S.CANCELLED, cancelled_by_role=Appointment.Actor.CUSTOMER)
    book(haircut, c1, at(30, 23, 50), S.PENDING)
    # City Clinic: 2 bookings, one cancelled by the clinic.
    book(checkup, c1, at(6))
    book(checkup, c2, at(7), S.CANCELLED, cancelled_by_role=Appointment.Actor.PROVIDER)
    # Outside November.
    book(haircut, c1, at(31, 23, 50, month=10))
    book(checkup, c2, at(1, 0, 0, month=12))

    money(p1, Kind.TOPUP, "1000.00", "order_a", at(1, 9))
    money(p2, Kind.TOPUP, "500.00", "order_b", at(6, 9))
    money(p2, Kind.TOPUP, "200.00", "order_old", at(30, 9, month=10))  # October
    for n, day in enumerate([2, 2, 3, 6]):
        money(p1, Kind.BOOKING_FEE, "5.00", f"appt-{n}", at(day, 13), credit=False)
    money(p1, Kind.FEE_REFUND, "5.00", "appt-3", at(15, 14))
    money(p1, Kind.BOOKING_FEE, "5.00", "appt-old", at(31, 20, month=10), credit=False)
    return {"p1": p1, "p2": p2, "salon": salon, "clinic": clinic}


def test_summary_numbers(dataset):
    report = reports.build_report(NOVEMBER)

    assert report.bookings["total"] == 7
    assert report.bookings[S.CONFIRMED] == 3
    assert report.bookings[S.COMPLETED] == 1
    assert report.bookings[S.PENDING] == 1
    assert report.bookings[S.CANCELLED] == 2
    assert report.bookings["value"] == Decimal("2500.00")  # 5 x 300 + 2 x 500
    assert report.bookings["cancellation_rate"] == Decimal("28.6")  # 2 / 7

    assert report.revenue["fees_charged"] == Decimal("20.00")
    assert report.revenue["fees_refunded"] == Decimal("5.00")
    assert report.revenue["fees"] == Decimal("15.00")
    assert report.revenue["topups"] == Decimal("1500.00")
    assert report.revenue["topup_count"] == 2

    assert report.people["new_customers"] == 2
    assert report.people["new_providers"] == 2  # City Clinic and the pending one
    assert report.people["pending_approvals"] == 1
    assert report.people["active_providers"] == 2
    assert report.people["suspended_providers"] == 1


def test_daily_series_uses_indian_days(dataset):
    report = reports.build_report(NOVEMBER)
    days = {row["day"]: row for row in report.daily}

    assert len(report.daily) == 30
    assert days[date(2026, 11, 1)]["total"] == 1  # 00:10 IST, still 31 Oct in UTC
    assert days[date(2026, 11, 2)]["total"] == 2
    assert days[date(2026, 11, 2)]["completed"] == 1
    assert days[date(2026, 11, 30)]["pending"] == 1  # 23:50 IST
    assert days[date(2026, 11, 4)]["total"] == 0
    assert days[date(2026, 11, 2)]["fees"] == Decimal("10.00")
    assert days[date(2026, 11, 15)]["fees"] == Decimal("-5.00")
    assert days[date(2026, 11, 1)]["topups"] == Decimal("1000.00")
    assert sum(row["total"] for row in report.daily) == report.bookings["total"]
    assert sum(row["fees"] for row in report.daily) == report.revenue["fees"]


def test_top_providers_and_categories(dataset):
    report = reports.build_report(NOVEMBER)

    first, second = report.top_providers
    assert first["provider__shop_name"] == "Asha Salon"
    assert (first["bookings"], first["completed"], first["cancelled"]) == (5, 1, 1)
    assert first["value"] == Decimal("1500.00")
    assert second["provider__shop_name"] == "City Clinic"
    assert second["bookings"] == 2

    names = [(c["service__category__name"], c["bookings"]) for c in report.top_categories]
    assert names == [("Salon", 5), ("Clinic", 2)]


def test_a_single_day_range(dataset):
    report = reports.build_report(DateRange(date(2026, 11, 2), date(2026, 11, 2)))
    assert report.bookings["total"] == 2
    assert report.revenue["fees"] == Decimal("10.00")
    assert len(report.daily) == 1


def test_empty_period_has_zeroes_not_errors(db):
    report = reports.build_report(NOVEMBER)
    assert report.bookings["total"] == 0
    assert report.bookings["cancellation_rate"] == Decimal("0.00")
    assert report.revenue["fees"] == Decimal("0.00")
    assert report.top_providers == []
    assert all(row["total"] == 0 for row in report.daily)


def test_pending_queue_is_oldest_first(db):
    newer = ProviderFactory(status=Provider.Status.PENDING, created_at=at(20))
    older = ProviderFactory(status=Provider.Status.PENDING, created_at=at(2))
    ProviderFactory()
    assert list(reports.pending_providers()) == [older, newer]


def _populate(rows: int, start: int = 0) -> None:
    category = CategoryFactory(name="Bulk", slug="bulk")
    for n in range(start, start + rows):
        provider = ProviderFactory(category=category, status=Provider.Status.PENDING)
        service = ServiceFactory(provider=provider)
        AppointmentFactory(provider=provider, service=service, created_at=at(10))
        money(provider, Kind.TOPUP, "100.00", f"order-{n}", at(10))
        CustomerFactory(created_at=at(10))


def _count_queries(func) -> int:
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


def test_report_query_count_is_constant(db):
    _populate(1)
    with_one = _count_queries(lambda: reports.build_report(NOVEMBER))
    _populate(99, start=1)
    with_hundred = _count_queries(lambda: reports.build_report(NOVEMBER))
    assert reports.build_report(NOVEMBER).bookings["total"] == 100
    assert with_one == with_hundred == 8


def test_dashboard_query_count_is_constant(staff_client):
    url = reverse("adminpanel:dashboard") + "?date_from=2026-11-01&date_to=2026-11-30"
    _populate(1)
    staff_client.get(url)  # warm per-process caches (content types)
    with_one = _count_queries(lambda: staff_client.get(url))
    _populate(99, start=1)
    with CaptureQueriesContext(connection) as ctx:
        response = staff_client.get(url)
    assert response.status_code == 200
    assert response.context["report"].bookings["total"] == 100
    assert response.context["report"].people["pending_approvals"] == 100
    assert len(response.context["pending"]) == 20
    assert len(ctx.captured_queries) == with_one
