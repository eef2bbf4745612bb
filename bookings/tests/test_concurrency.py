"""Invariants 1 and 2 under real concurrent requests (MariaDB: real row locks)."""

import threading
from datetime import date, time

import pytest
from django.db import connection

from accounts.tests.factories import CustomerFactory
from bookings import next_free, services
from bookings.models import Appointment
from providers.models import Provider
from providers.tests.factories import ProviderFactory, ServiceFactory, open_all_week

pytestmark = [pytest.mark.mariadb, pytest.mark.django_db(transaction=True)]

THREADS = 30
DAY = date(2030, 1, 7)  # a Monday, well ahead of the real clock


@pytest.fixture
def shop():
    provider = ProviderFactory(
        slot_step_minutes=5, capacity=1, min_notice_minutes=0, max_days_ahead=180
    )
    open_all_week(provider, start=time(8), end=time(20))
    return provider


def run_concurrently(work):
    """Run ``work(i)`` in THREADS threads released together; return their outcomes."""
    barrier = threading.Barrier(THREADS)
    outcomes: list = [None] * THREADS

    def target(i):
        try:
            barrier.wait()
            outcomes[i] = work(i)
        except services.BookingError as exc:
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.fixture
def customers():
    return [CustomerFactory() for _ in range(THREADS)]


def _book(service, customer, at):
    return services.appointment_book(
        customer=customer, service=service, booking_date=DAY, slot_time=at
    )


@pytest.fixture(autouse=True)
def horizon(time_machine):
    time_machine.move_to("2029-12-20T10:00+05:30", tick=True)


def test_thirty_customers_one_slot_capacity_one(shop, customers):
    service = ServiceFactory(provider=shop, duration_minutes=30)
    outcomes = run_concurrently(lambda i: _book(service, customers[i], time(10)))
    booked = [o for o in outcomes if isinstance(o, Appointment)]
    refused = [o for o in outcomes if isinstance(o, services.SlotUnavailable)]
    assert len(booked) == 1
    assert len(refused) == THREADS - 1
    assert all("just taken" in o.message for o in refused)
    assert Appointment.objects.filter(provider=shop).count() == 1


def test_thirty_customers_one_slot_capacity_three(shop, customers):
    Provider.objects.filter(pk=shop.pk).update(capacity=3)
    service = ServiceFactory(provider=shop, duration_minutes=30)
    outcomes = run_concurrently(lambda i: _book(service, customers[i], time(10)))
    assert sum(isinstance(o, Appointment) for o in outcomes) == 3
    assert sum(isinstance(o, services.SlotUnavailable) for o in outcomes) == THREADS - 3
    tokens = sorted(
        Appointment.objects.filter(provider=shop).values_list("token_number", flat=True)
    )
    assert tokens == [1, 2, 3]


def test_thirty_customers_different_slots_get_tokens_one_to_thirty(shop, customers):
    service = ServiceFactory(provider=shop, duration_minutes=5)
    starts = [time(8 + (5 * i) // 60, (5 * i) % 60) for i in range(THREADS)]
    outcomes = run_concurrently(lambda i: _book(service, customers[i], starts[i]))
    assert all(isinstance(o, Appointment) for o in outcomes), outcomes
    tokens = sorted(
        Appointment.objects.filter(provider=shop, booking_date=DAY).values_list(
            "token_number", flat=True
        )
    )
    assert tokens == list(range(1, THREADS + 1))


def test_refreshing_next_free_slots_alongside_bookings_fails_none_of_them(customers):
    """The minutely refresh writes shop rows that bookings lock: it must never make a booking
    fail (deadlock, lock wait timeout), nor fail itself."""
    offered = []
    for _ in range(THREADS - 1):
        provider = ProviderFactory(
            slot_step_minutes=5, capacity=1, min_notice_minutes=0, max_days_ahead=180
        )
        open_all_week(provider, start=time(8), end=time(20))
        offered.append(ServiceFactory(provider=provider, duration_minutes=30))
    today = date(2029, 12, 20)

    def work(i):
        if i == THREADS - 1:
            return next_free.refresh()
        return _book_on(offered[i], customers[i], today, time(11))

    outcomes = run_concurrently(work)
    assert all(isinstance(o, Appointment) for o in outcomes[:-1]), outcomes
    assert outcomes[-1] == THREADS - 1  # every shop got its value
    ids = [s.provider_id for s in offered]
    assert not Provider.objects.filter(pk__in=ids, next_free_at=None).exists()


def _book_on(service, customer, day, at):
    return services.appointment_book(
        customer=customer, service=service, booking_date=day, slot_time=at
    )


def test_expiry_racing_confirmation_and_itself_charges_or_expires_each_booking_once(shop):
    """Expiry runs (cron and beat at once) race the shop confirming the same pending bookings:
    each ends either confirmed with its fee and invoice, or expired with neither."""
    from datetime import datetime, timedelta
    from decimal import Decimal

    from django.utils import timezone

    from wallet.models import Invoice, WalletTransaction
    from wallet.tests.factories import fund

    fund(shop, "1000")
    service = ServiceFactory(provider=shop, duration_minutes=5, rate=Decimal("100.00"))
    pending = [_book(service, CustomerFactory(), time(9, 5 * i)) for i in range(10)]
    starts = timezone.make_aware(datetime.combine(DAY, time(9)))
    # A moment just before the first slot: confirming is still allowed, expiry finds nothing
    # due yet; then the clock passes 9:00 for the expiry runs only.
    later = starts + timedelta(minutes=60)

    def work(i):
        if i % 3 == 0:
            return len(services.appointments_expire(now=later))
        appointment = pending[i % len(pending)]
        try:
            services.appointment_confirm(appointment=appointment, actor=shop.user)
        except services.BookingError as exc:
            return exc
        return "confirmed"

    import time_machine

    with time_machine.travel(starts - timedelta(minutes=1), tick=False):
        run_concurrently(work)
    for appointment in pending:
        appointment.refresh_from_db()
        fees = WalletTransaction.objects.filter(
            kind=WalletTransaction.Kind.BOOKING_FEE, reference_id=appointment.fee_reference
        ).count()
        invoices = Invoice.objects.filter(
            kind=Invoice.Kind.BOOKING, reference_id=appointment.fee_reference
        ).count()
        if appointment.status == Appointment.Status.CONFIRMED:
            assert (fees, invoices) == (1, 1), appointment
        else:
            assert appointment.status == Appointment.Status.EXPIRED, appointment
            assert (fees, invoices, appointment.fee_charged) == (0, 0, 0), appointment
    numbers = sorted(Invoice.objects.filter(doc_type="invoice").values_list("sequence", flat=True))
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))  # no gaps
