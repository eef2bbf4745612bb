"""Retries and double submits are harmless (DESIGN invariant 9): every form that moves tokens or
money carries a one-time key, and the same form POSTed again answers with the first result."""

import re
import threading
from datetime import date, time
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import CustomerFactory
from bookings import services
from bookings.models import Appointment, Notification
from providers.models import Provider
from providers.tests.factories import ProviderFactory, ServiceFactory, open_all_week
from wallet.models import WalletTransaction
from wallet.tests.factories import fund

KEY = "k3y-" + "a" * 28


def _said(response) -> str:
    """The newest message the response put on the next page (earlier ones are still unread:
    the tests do not follow redirects)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def _confirm_url(service) -> str:
    return reverse("bookings:confirm", args=[service.provider.slug, service.pk])


def _fees(provider) -> int:
    return WalletTransaction.objects.filter(
        user=provider.user, kind=WalletTransaction.Kind.BOOKING_FEE
    ).count()


@pytest.fixture
def auto_shop(provider):
    """An auto-confirming shop with money, so a booking also debits the fee."""
    Provider.objects.filter(pk=provider.pk).update(auto_confirm=True)
    provider.refresh_from_db()
    fund(provider, "100.00")
    return provider


# --- the booking form ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
def test_confirm_page_carries_a_fresh_key_each_time_it_renders(client, service):
    client.force_login(CustomerFactory())
    keys = []
    for _ in range(2):
        body = client.get(_confirm_url(service), {"date": "2026-12-07", "time": "10:00"})
        keys += re.findall(r'name="idempotency_key" value="([\w-]+)"', body.content.decode())
    assert len(keys) == 2 and keys[0] != keys[1] and len(keys[0]) >= 32


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
def test_same_confirm_form_posted_twice_books_once_and_answers_with_it(client, service, auto_shop):
    client.force_login(CustomerFactory())
    form = {"date": "2026-12-07", "time": "10:00", "note": "", "idempotency_key": KEY}
    first = client.post(_confirm_url(service), form)
    second = client.post(_confirm_url(service), form)
    booking = Appointment.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("bookings:detail", args=[booking.pk])
    assert _said(first) == _said(second) == "Booked! Your token number is 1."
    assert booking.idempotency_key == KEY
    assert booking.status == Appointment.Status.CONFIRMED
    assert _fees(auto_shop) == 1
    assert Notification.objects.filter(appointment=booking, event="created").count() == 1
    auto_shop.refresh_from_db()
    assert auto_shop.wallet_balance == Decimal("95.00")


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
def test_a_new_confirm_form_books_again(client, service):
    client.force_login(CustomerFactory())
    for key, at in ((KEY, "10:00"), ("other-key", "11:00")):
        form = {"date": "2026-12-07", "time": at, "note": "", "idempotency_key": key}
        assert client.post(_confirm_url(service), form).status_code == 302
    assert sorted(Appointment.objects.values_list("token_number", flat=True)) == [1, 2]


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
def test_each_customer_has_their_own_keys(client, service):
    """Keys are unique per customer: someone else's key never answers with their booking."""
    first, second = CustomerFactory(), CustomerFactory()
    services.appointment_book(
        customer=first,
        service=service,
        booking_date=date(2026, 12, 7),
        slot_time=time(10),
        idempotency_key=KEY,
    )
    client.force_login(second)
    form = {"date": "2026-12-07", "time": "11:00", "note": "", "idempotency_key": KEY}
    client.post(_confirm_url(service), form)
    assert Appointment.objects.filter(customer=second, slot_time=time(11)).count() == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
@pytest.mark.parametrize("key", ["x" * 65, "not a key!", "<script>"])
def test_a_tampered_key_gets_a_message_and_books_nothing(client, service, key):
    client.force_login(CustomerFactory())
    form = {"date": "2026-12-07", "time": "10:00", "note": "", "idempotency_key": key}
    response = client.post(_confirm_url(service), form)
    assert response.status_code == 302
    assert _said(response) == "This form has expired. Please reload the page and try again."
    assert not Appointment.objects.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
def test_the_unique_key_is_the_backstop_when_the_look_up_misses(monkeypatch, service):
    """Should a repeat get past the look-up under the lock, the unique (customer, key) rolls
    its insert back and the service answers with the booking already made."""
    customer = CustomerFactory()

    def book(at):
        return services.appointment_book(
            customer=customer,
            service=service,
            booking_date=date(2026, 12, 7),
            slot_time=at,
            idempotency_key=KEY,
        )

    made = book(time(10))
    real = services._booked_with
    calls = []

    def missing_first(*args, **kwargs):
        calls.append(1)
        return None if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(services, "_booked_with", missing_first)
    again = book(time(11))  # another free slot: only the key constraint stops the insert
    assert again.pk == made.pk
    assert Appointment.objects.count() == 1
    assert len(calls) == 2


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
def test_booking_with_a_key_costs_one_indexed_look_up(client, service):
    client.force_login(CustomerFactory())
    services.appointment_book(  # caches warm (content types), as in a running site
        customer=CustomerFactory(),
        service=service,
        booking_date=date(2026, 12, 7),
        slot_time=time(9),
    )

    def post(at: str, key: str) -> list[str]:
        form = {"date": "2026-12-07", "time": at, "note": "", "idempotency_key": key}
        with CaptureQueriesContext(connection) as queries:
            assert client.post(_confirm_url(service), form).status_code == 302
        return [q["sql"] for q in queries.captured_queries]

    plain = post("10:00", "")
    keyed = post("11:00", KEY)
    repeat = post("11:00", KEY)
    assert len(keyed) == len(plain) + 1  # the key look-up, under the lock
    # The look-up reads the key's row id alone; only a repeat reads the booking it found.
    lookups = [
        sql.replace("`", '"')
        for sql in keyed
        if '"appointments"."idempotency_key" =' in sql.replace("`", '"')
    ]
    assert len(lookups) == 1
    assert re.match(r'SELECT "appointments"\."id"( AS "pk")? FROM "appointments" WHERE', lookups[0])
    # A repeat stops at that look-up and the read of its booking: no day read (two queries),
    # no booking, audit entry or notification written.
    assert len(repeat) == len(keyed) - 4
    assert not [sql for sql in repeat if sql.startswith("INSERT")]


# --- walk-ins ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
def test_same_walk_in_form_posted_twice_gives_one_token(client, service, time_machine):
    time_machine.move_to("2026-12-07T10:05+05:30", tick=False)
    fund(service.provider, "100")  # a walk-in is served at once: its fee is paid first
    client.force_login(service.provider.user)
    form = {"service": service.pk, "name": "Asha", "time": "10:00", "idempotency_key": KEY}
    first = client.post(reverse("bookings:walk_in"), form)
    second = client.post(reverse("bookings:walk_in"), form)
    assert first.status_code == second.status_code == 302
    assert _said(first) == _said(second) == "Walk-in booked for Asha: token 1."
    booking = Appointment.objects.get()
    assert booking.customer is None and booking.idempotency_key == KEY


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
def test_walk_in_page_carries_a_key(client, service):
    client.force_login(service.provider.user)
    body = client.get(reverse("bookings:walk_in")).content.decode()
    assert re.search(r'name="idempotency_key" value="[\w-]{32}"', body)


# --- transitions -------------------------------------------------------------------------------


def _pending(service, at=time(10)) -> Appointment:
    return services.appointment_book(
        customer=CustomerFactory(), service=service, booking_date=date(2026, 12, 7), slot_time=at
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
def test_provider_confirm_posted_twice_charges_one_fee(client, service):
    fund(service.provider, "50.00")
    booking = _pending(service)
    client.force_login(service.provider.user)
    url = reverse("bookings:provider_action", args=[booking.pk, "confirm"])
    first = client.post(url, {"idempotency_key": KEY})
    second = client.post(url, {"idempotency_key": KEY})
    assert _said(first) == _said(second) == "Token 1 is confirmed."
    assert _fees(service.provider) == 1
    assert Notification.objects.filter(appointment=booking, event="confirmed").count() == 1
    booking.refresh_from_db()
    assert booking.status == Appointment.Status.CONFIRMED and booking.last_change_key == KEY
    # Without the same key the rules answer as before: a confirmed booking is not confirmed again.
    third = client.post(url, {"idempotency_key": "another"})
    assert _said(third) == "A confirmed booking cannot be confirmed."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "status", "done"),
    [
        ("complete", Appointment.Status.COMPLETED, "Token 1 is marked completed."),
        ("no_show", Appointment.Status.NO_SHOW, "Token 1 is marked as a no-show."),
    ],
)
def test_provider_actions_posted_twice_answer_with_the_first_result(
    client, service, time_machine, action, status, done
):
    time_machine.move_to("2026-12-07T07:00+05:30", tick=False)
    fund(service.provider, "50.00")
    booking = _pending(service)
    services.appointment_confirm(appointment=booking, actor=service.provider.user)
    time_machine.move_to("2026-12-07T10:45+05:30", tick=False)
    client.force_login(service.provider.user)
    url = reverse("bookings:provider_action", args=[booking.pk, action])
    first = client.post(url, {"idempotency_key": KEY})
    second = client.post(url, {"idempotency_key": KEY})
    assert _said(first) == _said(second) == done
    booking.refresh_from_db()
    assert booking.status == status


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
def test_provider_cancel_posted_twice_refunds_once(client, service):
    fund(service.provider, "50.00")
    booking = _pending(service)
    services.appointment_confirm(appointment=booking, actor=service.provider.user)
    client.force_login(service.provider.user)
    url = reverse("bookings:provider_cancel", args=[booking.pk])
    form = {"reason": "Closed for repairs", "idempotency_key": KEY}
    first = client.post(url, form)
    second = client.post(url, form)
    assert _said(first) == _said(second) == "Token 1 is cancelled."
    assert first["Location"] == second["Location"]
    refunds = WalletTransaction.objects.filter(kind=WalletTransaction.Kind.FEE_REFUND)
    assert refunds.count() == 1
    service.provider.refresh_from_db()
    assert service.provider.wallet_balance == Decimal("50.00")


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
def test_customer_cancel_form_carries_a_key_and_is_safe_twice(client, service):
    booking = _pending(service)
    client.force_login(booking.customer)
    url = reverse("bookings:cancel", args=[booking.pk])
    assert re.search(r'name="idempotency_key" value="[\w-]{32}"', client.get(url).content.decode())
    first = client.post(url, {"idempotency_key": KEY})
    second = client.post(url, {"idempotency_key": KEY})
    assert _said(first) == _said(second) == "Token 1 is cancelled."


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
def test_reschedule_posted_twice_moves_once(client, service):
    booking = _pending(service)
    _pending(service, at=time(9))  # token 2 today
    client.force_login(booking.customer)
    url = reverse("bookings:reschedule", args=[booking.pk])
    page = client.get(url, {"date": "2026-12-08"}).content.decode()
    keys = re.findall(r'name="idempotency_key" value="([\w-]+)"', page)
    assert len(keys) > 1 and len(set(keys)) == len(keys)  # one key per slot button
    form = {"date": "2026-12-08", "time": "11:00", "idempotency_key": KEY}
    first = client.post(url, form)
    second = client.post(url, form)
    assert first["Location"] == second["Location"] == reverse("bookings:detail", args=[booking.pk])
    assert _said(first) == _said(second) == "Moved to 08 Dec 2026 at 11:00. Your token is 1."
    booking.refresh_from_db()
    assert booking.reschedule_count == 1
    assert (booking.booking_date, booking.slot_time) == (date(2026, 12, 8), time(11))


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
def test_a_replayed_key_is_checked_only_after_who_may_act(service):
    """A key never lets someone else act: the role check comes first."""
    booking = _pending(service)
    services.appointment_cancel(appointment=booking, actor=booking.customer, idempotency_key=KEY)
    with pytest.raises(services.BookingNotAllowed):
        services.appointment_cancel(
            appointment=booking, actor=CustomerFactory(), idempotency_key=KEY
        )


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
def test_provider_pages_give_each_action_form_its_own_key(client, service):
    _pending(service)
    _pending(service, at=time(11))
    client.force_login(service.provider.user)
    body = client.get(reverse("bookings:provider_bookings"), {"date": "2026-12-07"})
    keys = re.findall(r'name="idempotency_key" value="([\w-]+)"', body.content.decode())
    assert len(keys) == 2 and keys[0] != keys[1]


# --- two threads, real row locks (MariaDB) -----------------------------------------------------

DAY = date(2030, 1, 7)


def _twice_together(work) -> list:
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def target(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.mariadb
@pytest.mark.django_db(transaction=True)
def test_same_confirm_form_from_two_threads_books_once(time_machine):
    time_machine.move_to("2029-12-20T10:00+05:30", tick=True)
    shop = ProviderFactory(slot_step_minutes=30, capacity=3, auto_confirm=True, max_days_ahead=60)
    open_all_week(shop)
    fund(shop, "100.00")
    service = ServiceFactory(provider=shop, duration_minutes=30)
    customer = CustomerFactory()
    form = {"date": f"{DAY:%Y-%m-%d}", "time": "10:00", "note": "", "idempotency_key": KEY}

    def post(i):
        browser = Client()
        browser.force_login(customer)
        return browser.post(_confirm_url(service), form)

    responses = _twice_together(post)
    booking = Appointment.objects.get()  # capacity 3: only the key kept the second one out
    assert [r.status_code for r in responses] == [302, 302]
    assert {r["Location"] for r in responses} == {reverse("bookings:detail", args=[booking.pk])}
    assert booking.token_number == 1
    assert _fees(shop) == 1
    shop.refresh_from_db()
    assert shop.wallet_balance == Decimal("95.00")


@pytest.mark.mariadb
@pytest.mark.django_db(transaction=True)
def test_same_provider_confirm_from_two_threads_charges_once(time_machine):
    time_machine.move_to("2029-12-20T10:00+05:30", tick=True)
    shop = ProviderFactory(slot_step_minutes=30, max_days_ahead=60)
    open_all_week(shop)
    fund(shop, "100.00")
    service = ServiceFactory(provider=shop, duration_minutes=30)
    booking = services.appointment_book(
        customer=CustomerFactory(), service=service, booking_date=DAY, slot_time=time(10)
    )
    url = reverse("bookings:provider_action", args=[booking.pk, "confirm"])

    def post(i):
        browser = Client()
        browser.force_login(shop.user)
        response = browser.post(url, {"idempotency_key": KEY})
        return _said(response)

    results = _twice_together(post)
    assert results == ["Token 1 is confirmed.", "Token 1 is confirmed."]
    assert _fees(shop) == 1


# --- the strict key (the API's Idempotency-Key) ------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
def test_strict_key_repeat_returns_the_first_booking_and_other_request_is_refused(service):
    customer = CustomerFactory()

    def book(at):
        return services.appointment_book(
            customer=customer,
            service=service,
            booking_date=date(2026, 12, 8),
            slot_time=at,
            idempotency_key=KEY,
            require_same_request=True,
        )

    first = book(time(10))
    assert book(time(10)).pk == first.pk
    with pytest.raises(services.IdempotencyKeyReused):
        book(time(11))
    assert Appointment.objects.filter(customer=customer).count() == 1
    # The lenient (web form) key keeps answering with the first booking.
    again = services.appointment_book(
        customer=customer,
        service=service,
        booking_date=date(2026, 12, 8),
        slot_time=time(11),
        idempotency_key=KEY,
    )
    assert again.pk == first.pk


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
def test_day_slots_explained_gives_the_booking_services_words(service):
    free, message = services.day_slots_explained(service, date(2026, 12, 13))  # a Sunday
    assert free == []
    assert "closed on this day" in message
    free, message = services.day_slots_explained(service, date(2026, 12, 8))
    assert free and message == ""
