"""The booking POST and what ``appointment_book`` reads: a fixed, small number of queries, the
day read once under the provider's lock, and that lock the only one taken."""

import threading
from datetime import date, time, timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import CustomerFactory
from bookings import selectors, services
from bookings.models import Appointment
from providers.models import Provider, Service
from providers.tests.factories import (
    ProviderFactory,
    ServiceFactory,
    TimeOffFactory,
    open_all_week,
)

MONDAY = date(2026, 12, 7)
TUESDAY = date(2026, 12, 8)


def book(service, customer=None, day=MONDAY, at=time(10)):
    return services.appointment_book(
        customer=customer or CustomerFactory(),
        service=service,
        booking_date=day,
        slot_time=at,
    )


def _post(client, service, at: str, assert_max_queries) -> int:
    url = reverse("bookings:confirm", args=[service.provider.slug, service.pk])
    with assert_max_queries(11) as queries:
        response = client.post(url, {"date": "2026-12-07", "time": at, "note": ""})
    assert response.status_code == 302
    assert "/bookings/" in response["Location"]
    return len(queries.captured_queries)


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
def test_booking_post_makes_eleven_queries_however_busy_the_day(
    client, service, django_assert_max_num_queries
):
    """The session (in the database, so a cache outage signs no one out), the user, the
    service with its owner's flags (the view's 404 check, handed to the booking, which reads
    it no second time), then in one transaction: the provider lock, the day's schedule, the
    day's appointments, the booking, its audit entry and its email notification row."""
    book(service, at=time(9))  # caches warm (content types), as in a running site
    client.force_login(CustomerFactory())
    first = _post(client, service, "10:00", django_assert_max_num_queries)
    for at in (time(11), time(11, 30), time(14)):
        book(service, at=at)
    cancelled = book(service, at=time(15))
    services.appointment_cancel(appointment=cancelled, actor=cancelled.customer)
    busy = _post(client, service, "16:00", django_assert_max_num_queries)
    assert first == busy
    # Six earlier bookings of the day (one cancelled): the POST took the next token.
    assert Appointment.objects.order_by("-pk").first().token_number == 7


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
def test_the_day_is_read_once_for_both_the_slot_check_and_the_token(service):
    assert book(service, at=time(10)).token_number == 1
    cancelled = book(service, at=time(11))
    services.appointment_cancel(appointment=cancelled, actor=cancelled.customer)
    # The cancelled slot is free again, and its token is never given out twice.
    assert book(service, at=time(11)).token_number == 3
    with pytest.raises(services.SlotUnavailable):
        book(service, at=time(10))
    assert book(service, day=TUESDAY, at=time(10)).token_number == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
def test_time_off_covering_the_day_applies_to_a_booking(service):
    provider = service.provider
    # A closure over several days, starting before the booked one.
    TimeOffFactory(provider=provider, start_date=MONDAY - timedelta(days=2), end_date=MONDAY)
    with pytest.raises(services.BookingNotAllowed, match="closed"):
        book(service, at=time(10))
    # Special hours (15:00–17:00) replace Tuesday's usual ones.
    TimeOffFactory(
        provider=provider,
        start_date=TUESDAY,
        end_date=TUESDAY + timedelta(days=1),
        open_time=time(15),
        close_time=time(17),
    )
    with pytest.raises(services.BookingNotAllowed, match="bookable slots"):
        book(service, day=TUESDAY, at=time(10))
    assert book(service, day=TUESDAY, at=time(15, 30)).token_number == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
def test_reschedule_excludes_itself_and_takes_the_new_days_next_token(service):
    book(service, day=TUESDAY, at=time(9))
    moving = book(service, at=time(10))
    moved = services.appointment_reschedule(
        appointment=moving, actor=moving.customer, booking_date=MONDAY, slot_time=time(10, 30)
    )
    assert moved.token_number == 1
    moved = services.appointment_reschedule(
        appointment=moved, actor=moving.customer, booking_date=TUESDAY, slot_time=time(10)
    )
    assert moved.token_number == 2


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
def test_a_refused_insert_leaves_the_callers_transaction_usable(service, monkeypatch):
    """The backstop (a token someone else wrote without the lock) rolls back only this
    booking, even though the insert has no savepoint of its own."""
    real = selectors.booking_day

    def stale(provider, day, *, exclude_id=None):
        found = real(provider, day, exclude_id=exclude_id)
        return selectors.BookingDay(found.schedule, found.taken, next_token=1)

    with transaction.atomic():
        kept = book(service, at=time(10))
        monkeypatch.setattr(selectors, "booking_day", stale)
        with pytest.raises(services.SlotUnavailable):
            book(service, at=time(11))
        monkeypatch.setattr(selectors, "booking_day", real)
        assert book(service, at=time(11)).token_number == 2
    assert list(Appointment.objects.order_by("token_number").values_list("pk", flat=True))[0] == (
        kept.pk
    )
    assert Appointment.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
@pytest.mark.parametrize("change", ["owner_blocked", "owner_inactive", "service_off"])
def test_the_service_and_its_owner_are_read_again_inside_the_lock(service, change):
    stale = Service.objects.get(pk=service.pk)  # as the view read it, before the change
    owner = service.provider.user
    if change == "service_off":
        Service.objects.filter(pk=service.pk).update(is_active=False)
    else:
        field = "is_blocked" if change == "owner_blocked" else "is_active"
        User.objects.filter(pk=owner.pk).update(**{field: change == "owner_blocked"})
    with pytest.raises(services.BookingNotAllowed):
        book(stale)
    assert not Appointment.objects.exists()


@pytest.mark.mariadb
@pytest.mark.django_db(transaction=True)
def test_booking_locks_the_provider_row_only(monkeypatch, time_machine):
    """While a booking holds its lock, the service and the owner's user row stay free."""
    time_machine.move_to("2029-12-20T10:00+05:30", tick=True)
    provider = ProviderFactory(slot_step_minutes=30, capacity=1, max_days_ahead=60)
    open_all_week(provider)
    service = ServiceFactory(provider=provider, duration_minutes=30)
    customer = CustomerFactory()
    seen: dict[str, bool] = {}
    real = selectors.booking_day

    def probe(table, pk):
        try:
            with transaction.atomic():
                table.objects.select_for_update(nowait=True).get(pk=pk)
            seen[table.__name__] = True
        except DatabaseError:
            seen[table.__name__] = False
        finally:
            connection.close()

    def booking_day_with_probes(*args, **kwargs):
        for table, pk in ((Provider, provider.pk), (Service, service.pk), (User, provider.user_id)):
            other = threading.Thread(target=probe, args=(table, pk))
            other.start()
            other.join()
        return real(*args, **kwargs)

    monkeypatch.setattr(selectors, "booking_day", booking_day_with_probes)
    booked = services.appointment_book(
        customer=customer, service=service, booking_date=date(2030, 1, 7), slot_time=time(10)
    )
    assert booked.token_number == 1
    assert seen == {"Provider": False, "Service": True, "User": True}


@pytest.mark.mariadb
@pytest.mark.django_db
def test_transactions_run_at_read_committed():
    """A booking reads its service before taking the provider lock and its day after it: at
    REPEATABLE READ that first read would fix a snapshot older than the lock, and the slot
    check could miss a booking committed while it waited."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT @@SESSION.tx_isolation")  # transaction_isolation on MySQL 8
        assert cursor.fetchone()[0] == "READ-COMMITTED"
