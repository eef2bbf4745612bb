"""The live queue runs in slot-time order (token breaks ties) and calls only confirmed bookings.

Bookings here are made out of time order on purpose: tokens follow booking order, service
follows the clock.
"""

from datetime import time
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import CustomerFactory
from bookings import selectors, services
from bookings.models import Appointment
from bookings.tests.conftest import MONDAY
from wallet.tests.factories import fund

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def shop(provider):
    """Auto-confirming with money in the wallet: every booking is confirmed and paid."""
    provider.auto_confirm = True
    provider.save()
    fund(provider, "500")
    provider.refresh_from_db()
    return provider


def book(service, at, customer=None):
    appointment = services.appointment_book(
        customer=customer or CustomerFactory(), service=service, booking_date=MONDAY, slot_time=at
    )
    assert appointment.status == Appointment.Status.CONFIRMED
    return appointment


def order(provider):
    return [a.token_number for a in selectors.queue_status(provider, MONDAY).upcoming]


def call(provider):
    return services.queue_advance(provider=provider, actor=provider.user).now_serving


def test_serving_order_is_slot_time_then_token_with_walk_ins_at_their_time(
    client, shop, service, frozen
):
    shop.capacity = 2
    shop.save()
    book(service, time(16, 30))  # token 1
    book(service, time(17))  # token 2
    book(service, time(9))  # token 3: booked late for an early slot
    book(service, time(10))  # token 4
    book(service, time(10))  # token 5: same slot, the token breaks the tie
    assert order(shop) == [3, 4, 5, 1, 2]
    frozen.move_to("2026-12-07T10:40+05:30")
    walk_in = services.walk_in_book(
        provider=shop, service=service, name="Ramesh", slot_time=time(10, 30), actor=shop.user
    )
    assert walk_in.token_number == 6
    assert order(shop) == [3, 4, 5, 6, 1, 2]
    assert [call(shop) for _ in range(5)] == [3, 4, 5, 6, 1]
    assert order(shop) == [2]
    # The TV board shows the same order.
    services.queue_reset(provider=shop, actor=shop.user)
    call(shop)
    board = reverse("bookings:queue_board", args=[shop.slug])
    text = " ".join(client.get(board).text.split())
    assert (
        'class="now-serving" aria-live="polite"><span class="visually-hidden">Token </span>3<'
        in text
    )
    assert (
        text.index('next-token"><span class="visually-hidden">Token </span>4<')
        < text.index('next-token"><span class="visually-hidden">Token </span>6<')
        < text.index('next-token"><span class="visually-hidden">Token </span>1<')
    )


def place_text(client, appointment):
    client.force_login(appointment.customer)
    html = client.get(reverse("bookings:detail_queue", args=[appointment.pk])).text
    return " ".join(html.split())


def test_ahead_counts_only_earlier_slots_and_a_far_turn_is_told_as_a_clock_time(
    client, shop, service
):
    book(service, time(17))  # token 1
    book(service, time(17, 30))  # token 2
    mine = book(service, time(16, 30))  # token 3
    book(service, time(9))  # token 4
    book(service, time(9, 30))  # token 5
    # 07:00: two bookings are before mine (9:00 and 9:30), not the two after it.
    text = place_text(client, mine)
    assert "Expected at about 4:30 PM (2 ahead of you)" in text
    assert "minutes to go" not in text
    place = selectors.queue_place(mine, selectors.queue_status(shop, MONDAY))
    assert (place.state, place.ahead, place.far) == ("waiting", 2, True)


def test_the_estimate_follows_todays_real_pace_and_never_comes_before_the_slot(
    client, shop, service, frozen
):
    first = book(service, time(9))  # token 1
    second = book(service, time(9, 30))  # token 2
    later = book(service, time(12))  # token 3
    # Called early (07:00, slot 9:00): the next one is still expected at its own slot.
    assert call(shop) == first.token_number
    assert "Expected at about 9:30 AM" in place_text(client, second)
    # The day runs late: the 9:00 customer is called again at 10:00 after a restart.
    services.queue_reset(provider=shop, actor=shop.user)
    frozen.move_to("2026-12-07T10:00+05:30")
    call(shop)
    assert selectors.queue_status(shop, MONDAY).late_minutes == 60
    text = place_text(client, second)
    assert "About 30 minutes to go (you are next in line)" in text  # 9:30 + 60 min late
    text = place_text(client, later)
    # 12:00 + 60 minutes late, past the hour: told as a clock time.
    assert "Expected at about 1:00 PM (1 ahead of you)" in text
    call(shop)
    assert "It's your turn now." in place_text(client, second)
    assert "Your token has been called" in place_text(client, first)


def test_queue_budget_is_two_queries(shop, service, django_assert_max_num_queries):
    for at in (time(9), time(9, 30), time(10)):
        book(service, at)
    with django_assert_max_num_queries(2):
        selectors.queue_status(shop, MONDAY)


def test_pending_bookings_are_not_called_or_counted_ahead(client, provider, service):
    """A shop with an empty wallet: its bookings stay pending and the queue does not serve
    them, whatever order they were made in."""
    provider.auto_confirm = True
    provider.save()
    pending = services.appointment_book(
        customer=CustomerFactory(), service=service, booking_date=MONDAY, slot_time=time(9)
    )
    assert pending.status == Appointment.Status.PENDING
    with pytest.raises(services.BookingNotAllowed, match="Pending bookings are called once"):
        call(provider)
    fund(provider, "100")
    provider.refresh_from_db()
    mine = services.appointment_book(
        customer=CustomerFactory(), service=service, booking_date=MONDAY, slot_time=time(9, 30)
    )
    assert mine.status == Appointment.Status.CONFIRMED
    assert "(you are next in line)" in place_text(client, mine)
    assert "Your booking joins the queue once the business confirms it." in place_text(
        client, pending
    )
    assert call(provider) == mine.token_number
    status = selectors.queue_status(provider, MONDAY)
    assert status.upcoming == [] and status.awaiting_fee == 0  # the 9:00 one is behind now
    assert provider.wallet_balance >= Decimal("0")
