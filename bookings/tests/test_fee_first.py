"""The fee is paid before service: pending bookings are never served and expire at their slot."""

from datetime import time, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.tests.factories import CustomerFactory
from bookings import selectors, services, tasks
from bookings.models import Appointment
from bookings.tests.conftest import MONDAY
from wallet.tests.factories import fund

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def book(service, at, customer=None, day=MONDAY):
    return services.appointment_book(
        customer=customer or CustomerFactory(), service=service, booking_date=day, slot_time=at
    )


def test_pending_bookings_cannot_be_called_completed_or_marked_no_show(service, frozen):
    owner = service.provider.user
    pending = book(service, time(9))
    frozen.move_to("2026-12-07T09:10+05:30")
    with pytest.raises(services.BookingNotAllowed, match="Pending bookings are called once"):
        services.queue_advance(provider=service.provider, actor=owner)
    with pytest.raises(services.InvalidTransition):
        services.appointment_complete(appointment=pending, actor=owner)
    with pytest.raises(services.InvalidTransition):
        services.appointment_no_show(appointment=pending, actor=owner)
    # Nor confirmed once its slot has begun: it is due to expire.
    fund(service.provider, "100")
    with pytest.raises(services.InvalidTransition, match="slot has begun"):
        services.appointment_confirm(appointment=pending, actor=owner)
    pending.refresh_from_db()
    assert pending.status == Appointment.Status.PENDING and pending.fee_charged == 0


def test_a_booking_still_pending_when_its_slot_begins_expires_and_frees_the_slot(
    service, frozen, deliver_mail
):
    customer = CustomerFactory(email="asha@example.in")
    pending = book(service, time(9), customer)
    later = book(service, time(10))
    fund(service.provider, "100")
    confirmed = book(service, time(9, 30))
    services.appointment_confirm(appointment=confirmed, actor=service.provider.user)
    deliver_mail()
    mail.outbox.clear()

    frozen.move_to("2026-12-07T08:59+05:30")
    assert services.appointments_expire() == []
    frozen.move_to("2026-12-07T09:00+05:30")
    assert services.appointments_expire() == [pending.pk]
    assert services.appointments_expire() == []  # a second run finds nothing
    pending.refresh_from_db()
    later.refresh_from_db()
    confirmed.refresh_from_db()
    assert pending.status == Appointment.Status.EXPIRED and pending.expired_at
    assert pending.fee_charged == 0
    assert later.status == Appointment.Status.PENDING  # its slot is still ahead
    assert confirmed.status == Appointment.Status.CONFIRMED
    # The customer is told (and the shop), by email.
    to_customer = [m for m in deliver_mail() if m.to == ["asha@example.in"]]
    assert len(to_customer) == 1
    assert "Booking expired" in to_customer[0].subject
    assert "not confirmed before its slot began" in to_customer[0].body
    # The slot no longer counts as taken.
    assert (9 * 60, 9 * 60 + 30) not in selectors.taken_on(service.provider, MONDAY)
    # Its page says why.
    from django.test import Client

    client = Client()
    client.force_login(customer)
    page = client.get(reverse("bookings:detail", args=[pending.pk])).text
    assert "Expired" in page and "not confirmed before its slot began" in page


def test_bookings_from_earlier_days_expire_too_and_the_command_and_task_run_it(service, frozen):
    pending = book(service, time(17))
    frozen.move_to("2026-12-08T07:00+05:30")
    out = StringIO()
    call_command("expire_bookings", stdout=out)
    assert "Expired 1 booking(s)." in out.getvalue()
    pending.refresh_from_db()
    assert pending.status == Appointment.Status.EXPIRED
    other = book(service, time(9), day=MONDAY + timedelta(days=1))  # Tuesday 9:00
    frozen.move_to("2026-12-08T09:05+05:30")
    assert tasks.expire_pending() == 1
    other.refresh_from_db()
    assert other.status == Appointment.Status.EXPIRED


def test_a_walk_in_is_refused_when_the_wallet_cannot_pay_its_fee(service, frozen):
    frozen.move_to("2026-12-07T10:05+05:30")
    with pytest.raises(services.FeeNotPaid, match="cannot cover the platform fee"):
        services.walk_in_book(
            provider=service.provider,
            service=service,
            name="Ramesh",
            slot_time=time(10),
            actor=service.provider.user,
        )
    assert not Appointment.objects.exists()


def test_dashboard_lists_bookings_waiting_only_for_wallet_money(client, provider, service):
    provider.auto_confirm = True
    provider.save()
    waiting = [book(service, time(9)), book(service, time(11))]
    assert all(a.status == Appointment.Status.PENDING for a in waiting)
    client.force_login(provider.user)
    page = client.get(reverse("bookings:dashboard")).text
    assert 'id="awaiting-fee"' in page
    assert "2 bookings wait for wallet money" in page
    assert reverse("wallet:topup") + "?amount=100" in page
    for appointment in waiting:
        assert reverse("bookings:detail", args=[appointment.pk]) in page
    # Money in: new bookings are confirmed, and only the old ones still wait.
    fund(provider, "100")
    book(service, time(10))
    summary = selectors.awaiting_wallet_money(provider)
    assert [a.pk for a in summary.appointments] == [a.pk for a in waiting]
    assert summary.shortfall == 0


def test_a_shop_confirming_by_hand_sees_only_bookings_its_balance_cannot_pay(
    client, provider, service
):
    waiting = book(service, time(9))
    client.force_login(provider.user)
    assert "1 booking waits for wallet money" in client.get(reverse("bookings:dashboard")).text
    fund(provider, "100")
    provider.refresh_from_db()
    assert selectors.awaiting_wallet_money(provider).appointments == []
    assert waiting.status == Appointment.Status.PENDING
    assert 'id="awaiting-fee"' not in client.get(reverse("bookings:dashboard")).text


def test_beat_runs_the_expiry_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["bookings-expire-pending"]
    assert entry["task"] == "bookings.tasks.expire_pending"
    assert entry["schedule"].total_seconds() == 60
    assert tasks.expire_pending.name == "bookings.tasks.expire_pending"
