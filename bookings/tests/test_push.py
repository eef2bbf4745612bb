"""Web pushes of booking events, through the worker, to a push service on loopback that checks
VAPID and decrypts each message with the subscription's own key."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import NotificationPreference, PushDelivery, PushSubscription
from accounts.tests.factories import CustomerFactory
from accounts.tests.push_service import subscribe
from bookings import services, tasks
from bookings.models import Appointment
from wallet.services import credit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

MONDAY = date(2026, 12, 7)


def book(service, at=time(10), day=MONDAY, customer=None):
    return services.appointment_book(
        customer=customer or CustomerFactory(), service=service, booking_date=day, slot_time=at
    )


@pytest.fixture
def funded(service):
    credit(provider=service.provider, amount=Decimal("500"), kind="adjustment", reference_id="s")
    return service


def run_worker(deliver_mail) -> list:
    """What the `deliver_mail` beat task does: queue events, send pushes, send emails."""
    outbox = deliver_mail()
    from accounts import push

    push.send_due()
    return outbox


def test_a_confirmation_by_the_shop_is_pushed_encrypted_and_signed(
    funded, push_service, deliver_mail
):
    appt = book(funded)
    browser = push_service.browser("phone")
    subscribe(appt.customer, browser)
    run_worker(deliver_mail)  # "created": the customer booked it themselves, no push
    assert push_service.received == []

    services.appointment_confirm(appointment=appt, actor=funded.provider.user)
    run_worker(deliver_mail)

    (message,) = push_service.received
    assert message.error == "" and message.status == 201
    assert message.payload["title"] == "Booking confirmed"
    assert f"Token {appt.token_number} at {funded.provider.shop_name}" in message.payload["body"]
    assert message.payload["url"] == f"/bookings/{appt.pk}/"
    assert message.payload["lang"] == settings.LANGUAGE_CODE
    assert message.headers["urgency"] == "normal"
    assert int(message.headers["ttl"]) > 0
    assert len(message.headers["topic"]) <= 32
    # Still emailed as before.
    assert any("Booking confirmed" in m.subject for m in mail.outbox)
    delivery = PushDelivery.objects.get()
    assert delivery.status == PushDelivery.Status.SENT and delivery.attempts == 1


def test_every_device_gets_it_once_and_a_second_run_sends_nothing(
    funded, push_service, deliver_mail
):
    appt = book(funded)
    phone, laptop = push_service.browser("phone"), push_service.browser("laptop")
    subscribe(appt.customer, phone)
    subscribe(appt.customer, laptop)
    services.appointment_cancel(appointment=appt, actor=funded.provider.user, reason="Closed")
    run_worker(deliver_mail)
    run_worker(deliver_mail)
    assert len(push_service.delivered("phone")) == 1
    assert len(push_service.delivered("laptop")) == 1
    assert push_service.delivered("phone")[0]["title"] == "Booking cancelled"


@pytest.mark.parametrize("gone", [404, 410])
def test_a_subscription_the_push_service_no_longer_knows_is_removed(
    funded, push_service, deliver_mail, gone
):
    appt = book(funded)
    browser = push_service.browser("old-phone")
    browser.answers = [gone]
    subscribe(appt.customer, browser)
    services.appointment_confirm(appointment=appt, actor=funded.provider.user)
    run_worker(deliver_mail)
    assert not PushSubscription.objects.exists()
    assert not PushDelivery.objects.exists()
    # The next event queues nothing for it.
    services.appointment_reschedule(
        appointment=appt, actor=funded.provider.user, booking_date=MONDAY, slot_time=time(11)
    )
    run_worker(deliver_mail)
    assert len(push_service.received) == 1


def test_a_push_service_error_is_retried_later_and_sent_once(
    funded, push_service, deliver_mail, frozen
):
    appt = book(funded)
    browser = push_service.browser("phone")
    browser.answers = [503]
    subscribe(appt.customer, browser)
    services.appointment_confirm(appointment=appt, actor=funded.provider.user)
    run_worker(deliver_mail)
    delivery = PushDelivery.objects.get()
    assert delivery.status == PushDelivery.Status.PENDING
    assert delivery.next_attempt_at > timezone.now()
    assert "503" in delivery.last_error
    run_worker(deliver_mail)  # not due yet
    assert [r.status for r in push_service.received] == [503]

    frozen.shift(timedelta(minutes=settings.PUSH_RETRY_MINUTES + 1))
    run_worker(deliver_mail)
    run_worker(deliver_mail)
    assert [r.status for r in push_service.received] == [503, 201]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (PushDelivery.Status.SENT, 2)


def test_a_down_push_service_is_retried_and_never_fails_the_mail(
    funded, push_service, deliver_mail, settings
):
    appt = book(funded)
    browser = push_service.browser("phone")
    subscribe(appt.customer, browser)
    push_service.stop()  # connection refused from now on
    services.appointment_confirm(appointment=appt, actor=funded.provider.user)
    outbox = run_worker(deliver_mail)
    assert any("Booking confirmed" in m.subject for m in outbox)
    delivery = PushDelivery.objects.get()
    assert delivery.status == PushDelivery.Status.PENDING and delivery.last_error


def test_retries_stop_after_the_limit(funded, push_service, deliver_mail, frozen, settings):
    settings.PUSH_MAX_RETRIES = 2
    appt = book(funded)
    browser = push_service.browser("phone")
    browser.answers = [500, 500, 500]
    subscribe(appt.customer, browser)
    services.appointment_confirm(appointment=appt, actor=funded.provider.user)
    for _ in range(4):
        run_worker(deliver_mail)
        frozen.shift(timedelta(minutes=settings.PUSH_RETRY_MINUTES + 1))
    assert [r.status for r in push_service.received] == [500, 500]
    assert PushDelivery.objects.get().status == PushDelivery.Status.FAILED


def test_a_kind_turned_off_sends_nothing_on_that_channel(funded, push_service, deliver_mail):
    appt = book(funded)
    customer = appt.customer
    subscribe(customer, push_service.browser("phone"))
    NotificationPreference.objects.create(user=customer, kind="confirmed", push=False, email=True)
    NotificationPreference.objects.create(user=customer, kind="cancelled", push=True, email=False)
    run_worker(deliver_mail)
    mail.outbox.clear()

    services.appointment_confirm(appointment=appt, actor=funded.provider.user)
    outbox = run_worker(deliver_mail)
    assert push_service.received == []
    assert [customer.email] in [m.to for m in outbox if "confirmed" in m.subject]

    mail.outbox.clear()
    services.appointment_cancel(appointment=appt, actor=funded.provider.user, reason="Closed")
    outbox = run_worker(deliver_mail)
    assert [p["title"] for p in push_service.delivered()] == ["Booking cancelled"]
    assert customer.email not in [to for m in outbox for to in m.to]


def test_nobody_is_pushed_about_their_own_action(funded, push_service, deliver_mail):
    appt = book(funded)
    subscribe(appt.customer, push_service.browser("customer"))
    subscribe(funded.provider.user, push_service.browser("shop"))
    run_worker(deliver_mail)
    # The shop hears of the new booking; the customer, who made it, gets only the email.
    assert [p["title"] for p in push_service.delivered("shop")] == ["New booking"]
    assert push_service.delivered("customer") == []
    services.appointment_cancel(appointment=appt, actor=appt.customer)
    run_worker(deliver_mail)
    assert push_service.delivered("customer") == []
    assert push_service.delivered("shop")[-1]["title"] == "Booking cancelled"
    assert push_service.delivered("shop")[-1]["url"] == f"/bookings/{appt.pk}/"


def test_the_payload_is_in_the_users_language(funded, push_service, deliver_mail):
    appt = book(funded)
    subscribe(appt.customer, push_service.browser("phone"))
    appt.customer.language = "hi"
    appt.customer.save(update_fields=["language"])
    services.appointment_confirm(appointment=appt, actor=funded.provider.user)
    run_worker(deliver_mail)
    (payload,) = push_service.delivered("phone")
    assert payload["lang"] == "hi"
    assert payload["title"] == "बुकिंग पक्की"


def test_reminders_are_pushed_once_even_when_runs_repeat(
    funded, push_service, deliver_mail, frozen
):
    appt = book(funded, at=time(16))
    subscribe(appt.customer, push_service.browser("phone"))
    run_worker(deliver_mail)
    assert tasks.send_reminders() == 1  # 9 h ahead: the 24-hour reminder
    assert tasks.send_reminders() == 0
    call_command("send_reminders")
    run_worker(deliver_mail)
    run_worker(deliver_mail)
    frozen.move_to("2026-12-07T15:10+05:30")
    assert tasks.send_reminders() == 1
    run_worker(deliver_mail)
    titles = [p["title"] for p in push_service.delivered("phone")]
    assert titles == ["Your booking is tomorrow", "Your booking is within the hour"]
    hour = push_service.received[-1]
    assert hour.headers["urgency"] == "high"


def test_turn_near_goes_to_the_two_bookings_behind_the_one_called_once(
    funded, push_service, deliver_mail
):
    owner = funded.provider.user
    funded.provider.auto_confirm = True
    funded.provider.save()
    appts = [book(funded, at=time(hour)) for hour in (9, 10, 11, 12, 14)]
    for i, appt in enumerate(appts):
        subscribe(appt.customer, push_service.browser(f"c{i}"))
    run_worker(deliver_mail)

    services.queue_advance(provider=funded.provider, actor=owner, day=MONDAY)  # calls c0
    run_worker(deliver_mail)
    near = {r.browser for r in push_service.received if r.payload["title"] == "Your turn is near"}
    assert near == {"c1", "c2"}

    services.queue_advance(provider=funded.provider, actor=owner, day=MONDAY)  # calls c1
    services.queue_reset(provider=funded.provider, actor=owner, day=MONDAY)
    services.queue_advance(provider=funded.provider, actor=owner, day=MONDAY)  # c0 again
    run_worker(deliver_mail)
    near = [r.browser for r in push_service.received if r.payload["title"] == "Your turn is near"]
    assert sorted(near) == ["c1", "c2", "c3"]
    assert push_service.delivered("c3")[-1]["url"] == f"/bookings/{appts[3].pk}/"
    assert Appointment.objects.filter(turn_near_sent_at__isnull=False).count() == 3


def test_provider_hears_of_a_booking_waiting_for_wallet_money_and_a_low_balance(
    service, push_service, deliver_mail
):
    provider = service.provider
    provider.auto_confirm = True
    provider.save()
    subscribe(provider.user, push_service.browser("shop"))
    book(service, at=time(10))  # wallet empty: stays pending
    run_worker(deliver_mail)
    titles = [p["title"] for p in push_service.delivered("shop")]
    assert sorted(titles) == ["Booking waiting for wallet money", "New booking"]
    waiting = next(p for p in push_service.delivered("shop") if p["title"].startswith("Booking w"))
    assert waiting["url"] == "/wallet/add/"

    fee = Decimal(settings.PLATFORM_FEE_FLAT)
    credit(
        provider=provider,
        amount=settings.WALLET_LOW_BALANCE + fee,
        kind="adjustment",
        reference_id="top",
    )
    book(service, at=time(11))  # balance = threshold + fee: above after, no alert
    book(service, at=time(12))  # now below: one alert
    book(service, at=time(14))  # still below: no new alert
    run_worker(deliver_mail)
    low = [p for p in push_service.delivered("shop") if p["title"] == "Wallet balance low"]
    assert len(low) == 1 and low[0]["url"] == "/wallet/"
    assert any("wallet balance is low" in m.subject for m in mail.outbox)
