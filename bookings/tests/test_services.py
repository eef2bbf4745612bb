"""Booking, the status machine, fees, reschedule and the queue, through bookings.services."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import CustomerFactory, StaffFactory
from bookings import services, signals
from bookings.models import Appointment, QueueDay
from providers.models import Provider
from providers.tests.factories import (
    ProviderFactory,
    ServiceFactory,
    TimeOffFactory,
    open_all_week,
)
from wallet.models import WalletTransaction
from wallet.services import credit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

MONDAY = date(2026, 12, 7)
TUESDAY = date(2026, 12, 8)


def fund(provider, amount="100.00"):
    credit(
        provider=provider,
        amount=Decimal(amount),
        kind=WalletTransaction.Kind.ADJUSTMENT,
        reference_id=f"seed-{provider.pk}-{amount}",
    )


def book(service, customer=None, day=MONDAY, at=time(10), **kwargs):
    return services.appointment_book(
        customer=customer or CustomerFactory(),
        service=service,
        booking_date=day,
        slot_time=at,
        **kwargs,
    )


# --- booking ---------------------------------------------------------------------------------


def test_book_copies_price_and_allocates_tokens_per_provider_and_day(
    service, django_capture_on_commit_callbacks, deliver_mail
):
    with django_capture_on_commit_callbacks(execute=True):
        first = book(service, at=time(10))
    second = book(service, at=time(11))
    other_day = book(service, day=TUESDAY, at=time(10))
    elsewhere = ProviderFactory()
    open_all_week(elsewhere)
    other_provider = book(ServiceFactory(provider=elsewhere), at=time(10))
    assert (first.token_number, second.token_number, other_day.token_number) == (1, 2, 1)
    assert first.locked_price == service.rate
    assert first.end_time == time(10, 30)
    assert first.status == Appointment.Status.PENDING
    assert first.created_by == first.customer
    assert other_provider.token_number == 1
    sent = {m.to[0] for m in deliver_mail()}
    assert {first.customer.email, service.provider.user.email} <= sent


def test_price_is_locked_when_the_rate_changes_later(service):
    appt = book(service)
    service.rate = Decimal("999.00")
    service.save()
    appt.refresh_from_db()
    assert appt.locked_price == Decimal("300.00")


def test_a_taken_slot_is_refused_with_a_clear_message(service):
    book(service)
    with pytest.raises(services.SlotUnavailable, match="just taken"):
        book(service)
    assert Appointment.objects.count() == 1


def test_capacity_allows_parallel_bookings(service):
    Provider.objects.filter(pk=service.provider_id).update(capacity=2)
    book(service)
    book(service)
    with pytest.raises(services.SlotUnavailable):
        book(service)


def test_cancelled_bookings_free_the_slot_but_keep_their_token(service):
    appt = book(service)
    services.appointment_cancel(appointment=appt, actor=appt.customer)
    again = book(service)
    assert again.token_number == 2


@pytest.mark.parametrize(
    ("day", "at", "message"),
    [
        (date(2026, 12, 6), time(10), "past"),
        (MONDAY + timedelta(days=15), time(10), "14 days ahead"),
        (date(2026, 12, 13), time(10), "closed"),
        (MONDAY, time(10, 10), "not one of the bookable slots"),
        (MONDAY, time(13), "not one of the bookable slots"),  # lunch break
        (MONDAY, time(12, 45), "not one of the bookable slots"),  # crosses the break
        (MONDAY, time(17, 45), "not one of the bookable slots"),
        (MONDAY, time(7), "not one of the bookable slots"),
    ],
)
def test_bad_slots_are_refused_and_write_nothing(service, day, at, message, deliver_mail):
    with pytest.raises(services.BookingError, match=message):
        book(service, day=day, at=at)
    assert Appointment.objects.count() == 0
    assert deliver_mail() == []


def test_time_off_closes_the_day(service):
    TimeOffFactory(provider=service.provider, start_date=TUESDAY, end_date=TUESDAY)
    with pytest.raises(services.BookingNotAllowed, match="closed"):
        book(service, day=TUESDAY)


def test_minimum_notice_is_enforced(service):
    Provider.objects.filter(pk=service.provider_id).update(min_notice_minutes=180)
    with pytest.raises(services.BookingNotAllowed, match="notice"):
        book(service, at=time(9, 30))
    assert book(service, at=time(10)).token_number == 1


def test_past_time_today_is_refused(service, frozen):
    frozen.move_to("2026-12-07T11:10+05:30")
    with pytest.raises(services.BookingNotAllowed, match="too soon"):
        book(service, at=time(11))


@pytest.mark.parametrize(
    "status", [Provider.Status.PENDING, Provider.Status.REJECTED, Provider.Status.SUSPENDED]
)
def test_unapproved_providers_take_no_bookings(service, status):
    Provider.objects.filter(pk=service.provider_id).update(status=status)
    with pytest.raises(services.BookingNotAllowed, match="not taking bookings"):
        book(service)
    assert not Appointment.objects.exists()


def test_blocked_provider_owner_takes_no_bookings(service):
    owner = service.provider.user
    owner.is_blocked = True
    owner.save()
    with pytest.raises(services.BookingNotAllowed, match="not taking bookings"):
        book(service)


def test_inactive_service_is_refused(service):
    service.is_active = False
    service.save()
    with pytest.raises(services.BookingNotAllowed, match="no longer offered"):
        book(service)


def test_provider_cannot_book_itself(service):
    with pytest.raises(services.BookingNotAllowed):
        book(service, customer=service.provider.user)


def test_auto_confirm_debits_the_fee(service, settings):
    Provider.objects.filter(pk=service.provider_id).update(auto_confirm=True)
    fund(service.provider)
    appt = book(service)
    assert appt.status == Appointment.Status.CONFIRMED
    assert appt.fee_charged == Decimal("5.00")
    row = WalletTransaction.objects.get(kind=WalletTransaction.Kind.BOOKING_FEE)
    assert row.reference_id == f"appt-{appt.pk}"
    assert row.amount == Decimal("5.00")
    service.provider.refresh_from_db()
    assert service.provider.wallet_balance == Decimal("95.00")


def test_auto_confirm_with_a_short_wallet_keeps_the_booking_pending(service):
    Provider.objects.filter(pk=service.provider_id).update(auto_confirm=True)
    appt = book(service)
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.PENDING
    assert appt.fee_charged == 0
    assert not WalletTransaction.objects.filter(kind=WalletTransaction.Kind.BOOKING_FEE).exists()


# --- transitions -----------------------------------------------------------------------------


def test_confirm_records_who_and_when_and_debits_the_fee(service):
    fund(service.provider)
    appt = book(service)
    owner = service.provider.user
    services.appointment_confirm(appointment=appt, actor=owner)
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.CONFIRMED
    assert appt.confirmed_by == owner and appt.confirmed_at is not None
    assert appt.fee_charged == Decimal("5.00")
    service.provider.refresh_from_db()
    assert service.provider.wallet_balance == Decimal("95.00")


def test_confirm_is_refused_on_a_short_wallet_with_a_top_up_link(service):
    appt = book(service)
    with pytest.raises(services.FeeNotPaid) as exc:
        services.appointment_confirm(appointment=appt, actor=service.provider.user)
    assert exc.value.topup_url == reverse("wallet:topup")
    assert "Add money to your wallet" in exc.value.message
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.PENDING
    assert not WalletTransaction.objects.exists()


def test_cancelling_a_confirmed_booking_refunds_the_fee(service):
    fund(service.provider)
    appt = book(service)
    services.appointment_confirm(appointment=appt, actor=service.provider.user)
    services.appointment_cancel(appointment=appt, actor=appt.customer, reason="")
    refund = WalletTransaction.objects.get(kind=WalletTransaction.Kind.FEE_REFUND)
    assert refund.reference_id == f"appt-{appt.pk}" and refund.amount == Decimal("5.00")
    service.provider.refresh_from_db()
    assert service.provider.wallet_balance == Decimal("100.00")


def test_cancelling_a_pending_booking_moves_no_money(service):
    appt = book(service)
    services.appointment_cancel(appointment=appt, actor=appt.customer)
    assert not WalletTransaction.objects.exists()


def test_customer_cannot_confirm_or_complete(service):
    appt = book(service)
    with pytest.raises(services.BookingNotAllowed):
        services.appointment_confirm(appointment=appt, actor=appt.customer)
    with pytest.raises(services.BookingNotAllowed):
        services.appointment_complete(appointment=appt, actor=appt.customer)


def test_strangers_cannot_touch_a_booking(service):
    appt = book(service)
    stranger = CustomerFactory()
    other_owner = ProviderFactory().user
    for actor in (stranger, other_owner):
        with pytest.raises(services.BookingNotAllowed):
            services.appointment_cancel(appointment=appt, actor=actor, reason="x")
        with pytest.raises(services.BookingNotAllowed):
            services.appointment_confirm(appointment=appt, actor=actor)
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.PENDING


def test_complete_needs_a_confirmed_booking_on_its_day(service):
    fund(service.provider)
    owner = service.provider.user
    pending = book(service)
    with pytest.raises(services.InvalidTransition):
        services.appointment_complete(appointment=pending, actor=owner)
    tomorrow = book(service, day=TUESDAY)
    services.appointment_confirm(appointment=tomorrow, actor=owner)
    with pytest.raises(services.InvalidTransition, match="on its day"):
        services.appointment_complete(appointment=tomorrow, actor=owner)
    services.appointment_confirm(appointment=pending, actor=owner)
    services.appointment_complete(appointment=pending, actor=owner)
    pending.refresh_from_db()
    assert pending.status == Appointment.Status.COMPLETED and pending.completed_at


@pytest.mark.parametrize("final", ["completed", "cancelled", "no_show"])
def test_final_states_refuse_every_transition(service, final, frozen):
    fund(service.provider)
    owner = service.provider.user
    appt = book(service)
    services.appointment_confirm(appointment=appt, actor=owner)
    if final == "completed":
        services.appointment_complete(appointment=appt, actor=owner)
    elif final == "cancelled":
        services.appointment_cancel(appointment=appt, actor=owner, reason="Closed early")
    else:
        frozen.move_to("2026-12-07T10:45+05:30")
        services.appointment_no_show(appointment=appt, actor=owner)
    for call in (
        lambda: services.appointment_confirm(appointment=appt, actor=owner),
        lambda: services.appointment_complete(appointment=appt, actor=owner),
        lambda: services.appointment_no_show(appointment=appt, actor=owner),
        lambda: services.appointment_cancel(appointment=appt, actor=owner, reason="again"),
        lambda: services.appointment_reschedule(
            appointment=appt, actor=owner, booking_date=TUESDAY, slot_time=time(10)
        ),
    ):
        with pytest.raises(services.InvalidTransition):
            call()
    appt.refresh_from_db()
    assert appt.status == final


def test_confirming_twice_is_refused_and_charges_once(service):
    fund(service.provider)
    appt = book(service)
    services.appointment_confirm(appointment=appt, actor=service.provider.user)
    with pytest.raises(services.InvalidTransition):
        services.appointment_confirm(appointment=appt, actor=service.provider.user)
    assert WalletTransaction.objects.filter(kind="booking_fee").count() == 1


def test_no_show_only_after_the_slot_time(service, frozen):
    fund(service.provider)
    owner = service.provider.user
    appt = book(service)
    with pytest.raises(services.InvalidTransition):
        services.appointment_no_show(appointment=appt, actor=owner)  # still pending
    services.appointment_confirm(appointment=appt, actor=owner)
    with pytest.raises(services.InvalidTransition, match="after the booked time"):
        services.appointment_no_show(appointment=appt, actor=owner)
    frozen.move_to("2026-12-07T10:31+05:30")
    services.appointment_no_show(appointment=appt, actor=owner)
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.NO_SHOW and appt.no_show_at


def test_customer_cancel_respects_the_cutoff(service, frozen):
    appt = book(service, at=time(11))  # cut-off is 2 hours: until 09:00
    frozen.move_to("2026-12-07T09:00+05:30")
    with pytest.raises(services.InvalidTransition, match="2 hours"):
        services.appointment_cancel(appointment=appt, actor=appt.customer)
    # The provider may still cancel, with a reason.
    with pytest.raises(services.BookingNotAllowed, match="reason"):
        services.appointment_cancel(appointment=appt, actor=service.provider.user, reason=" ")
    services.appointment_cancel(
        appointment=appt, actor=service.provider.user, reason="Stylist unwell"
    )
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.CANCELLED
    assert appt.cancelled_by_role == Appointment.Actor.PROVIDER
    assert appt.cancel_reason == "Stylist unwell"
    assert appt.cancelled_by == service.provider.user and appt.cancelled_at


def test_staff_can_cancel_with_a_reason(service):
    appt = book(service)
    staff = StaffFactory()
    services.appointment_cancel(appointment=appt, actor=staff, reason="Fraud check")
    appt.refresh_from_db()
    assert appt.cancelled_by_role == Appointment.Actor.ADMIN


def test_cancel_sends_the_signal_after_commit(service, django_capture_on_commit_callbacks):
    appt = book(service)
    received = []

    def handler(sender, appointment, actor, **kwargs):
        received.append((appointment.pk, appointment.status, actor))

    signals.appointment_cancelled.connect(handler)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.appointment_cancel(appointment=appt, actor=appt.customer, reason="Busy")
        assert received == []  # nothing before commit
        for callback in callbacks:
            callback()
    finally:
        signals.appointment_cancelled.disconnect(handler)
    assert received == [(appt.pk, "cancelled", appt.customer)]


# --- reschedule ------------------------------------------------------------------------------


def test_reschedule_same_day_keeps_the_token(service):
    appt = book(service)
    book(service, at=time(11))
    services.appointment_reschedule(
        appointment=appt, actor=appt.customer, booking_date=MONDAY, slot_time=time(15)
    )
    appt.refresh_from_db()
    assert (appt.slot_time, appt.end_time, appt.token_number) == (time(15), time(15, 30), 1)
    assert appt.reschedule_count == 1 and appt.rescheduled_at


def test_reschedule_to_another_day_takes_a_new_token(service):
    book(service, day=TUESDAY, at=time(9))
    appt = book(service)
    services.appointment_reschedule(
        appointment=appt, actor=appt.customer, booking_date=TUESDAY, slot_time=time(10)
    )
    appt.refresh_from_db()
    assert (appt.booking_date, appt.token_number) == (TUESDAY, 2)


def test_reschedule_into_its_own_overlapping_slot_is_allowed(service):
    service.duration_minutes = 60
    service.save()
    appt = book(service)  # 10:00–11:00
    services.appointment_reschedule(
        appointment=appt, actor=appt.customer, booking_date=MONDAY, slot_time=time(10, 30)
    )
    appt.refresh_from_db()
    assert appt.end_time == time(11, 30)


def test_reschedule_to_a_taken_slot_changes_nothing(service):
    appt = book(service)
    book(service, at=time(11))
    with pytest.raises(services.SlotUnavailable):
        services.appointment_reschedule(
            appointment=appt, actor=appt.customer, booking_date=MONDAY, slot_time=time(11)
        )
    appt.refresh_from_db()
    assert appt.slot_time == time(10) and appt.reschedule_count == 0


def test_reschedule_to_a_closed_day_is_refused(service):
    appt = book(service)
    with pytest.raises(services.BookingNotAllowed, match="closed"):
        services.appointment_reschedule(
            appointment=appt,
            actor=appt.customer,
            booking_date=date(2026, 12, 13),
            slot_time=time(10),
        )


def test_reschedule_by_customer_after_cutoff_is_refused(service, frozen):
    appt = book(service)
    frozen.move_to("2026-12-07T08:30+05:30")
    with pytest.raises(services.InvalidTransition):
        services.appointment_reschedule(
            appointment=appt, actor=appt.customer, booking_date=TUESDAY, slot_time=time(10)
        )


# --- walk-ins and the queue ------------------------------------------------------------------


def test_walk_in_takes_the_next_token_and_is_confirmed(service, frozen):
    fund(service.provider)
    book(service, at=time(9))
    frozen.move_to("2026-12-07T10:07+05:30")
    appt = services.walk_in_book(
        provider=service.provider,
        service=service,
        name="Ramesh",
        mobile="+919812345678",
        slot_time=time(10),
        actor=service.provider.user,
    )
    assert appt.token_number == 2
    assert appt.customer is None and appt.walk_in_name == "Ramesh"
    assert appt.status == Appointment.Status.CONFIRMED
    assert appt.created_by == service.provider.user


def test_walk_in_needs_a_name_and_own_service(service):
    with pytest.raises(services.BookingNotAllowed):
        services.walk_in_book(
            provider=service.provider,
            service=service,
            name="  ",
            slot_time=time(10),
            actor=service.provider.user,
        )
    other = ServiceFactory()
    with pytest.raises(services.BookingNotAllowed, match="another business"):
        services.walk_in_book(
            provider=service.provider,
            service=other,
            name="Ramesh",
            slot_time=time(10),
            actor=service.provider.user,
        )
    assert not Appointment.objects.exists()


def test_queue_advances_over_confirmed_tokens_only(service):
    owner = service.provider.user
    fund(service.provider)
    first = book(service, at=time(9))
    second = book(service, at=time(9, 30))
    third = book(service, at=time(10))
    for appointment in (first, second, third):
        services.appointment_confirm(appointment=appointment, actor=owner)
    services.appointment_cancel(appointment=second, actor=second.customer)
    assert services.queue_advance(provider=service.provider, actor=owner).now_serving == 1
    assert services.queue_advance(provider=service.provider, actor=owner).now_serving == 3
    with pytest.raises(services.BookingNotAllowed, match="No one else"):
        services.queue_advance(provider=service.provider, actor=owner)
    assert QueueDay.objects.get(provider=service.provider).now_serving == 3
    with pytest.raises(services.BookingNotAllowed):
        services.queue_advance(provider=service.provider, actor=first.customer)
    services.queue_reset(provider=service.provider, actor=owner)
    assert QueueDay.objects.get(provider=service.provider).now_serving == 0
