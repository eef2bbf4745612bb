"""Every change to an appointment: booking, the status machine, reschedule and the live queue.

Each function is one transaction that locks the provider row first (the same lock
``wallet.services`` takes, so there is one lock order), and sends its notifications and signals
only after commit.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from providers.models import Provider, Service
from wallet import services as wallet_services
from wallet.models import Invoice, WalletTransaction

from . import invoices, notifications, selectors, signals, slots
from .models import Appointment, QueueDay

logger = logging.getLogger(__name__)

Status = Appointment.Status
Actor = Appointment.Actor


class BookingError(Exception):
    """A booking request or transition the rules refuse; ``message`` is shown to the user."""

    default_message = ""

    def __init__(self, message: str | None = None) -> None:
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class SlotUnavailable(BookingError):
    default_message = "That time was just taken. Please pick another slot."


class InvalidTransition(BookingError):
    pass


class BookingNotAllowed(BookingError):
    pass


class IdempotencyKeyReused(BookingError):
    """A one-time key sent again with a different request than the one it was first used for."""

    default_message = gettext_lazy(
        "This request key was already used for a different booking. "
        "Send a new key for a new request."
    )


class FeeNotPaid(BookingError):
    """Confirmation refused: the provider's wallet cannot pay the platform fee."""

    def __init__(self, message: str, *, topup_url: str) -> None:
        self.topup_url = topup_url
        super().__init__(message)


def topup_url() -> str:
    try:
        return reverse("wallet:topup")
    except NoReverseMatch:
        return "/wallet/"


def _now() -> datetime:
    return timezone.localtime()


def _lock_provider(provider_id: int) -> Provider:
    return Provider.objects.select_for_update().get(pk=provider_id)


def _lock_appointment(appointment: Appointment) -> tuple[Provider, Appointment]:
    provider = _lock_provider(appointment.provider_id)
    fresh = Appointment.objects.select_related("service", "customer").get(pk=appointment.pk)
    fresh.provider = provider
    return provider, fresh


def _role_of(actor: User | None, appointment: Appointment) -> str:
    if actor is None:
        return Actor.SYSTEM
    if actor.is_staff:
        return Actor.ADMIN
    if appointment.provider.user_id == actor.pk:
        return Actor.PROVIDER
    if appointment.customer_id == actor.pk:
        return Actor.CUSTOMER
    raise BookingNotAllowed(_("You cannot change this booking."))


def _notify(appointment_id: int, event: str, actor: User | None) -> None:
    """Queue the event's emails in this transaction: one small row, rendered by the worker."""
    notifications.notify(appointment_id=appointment_id, event=event, actor=actor)


def _end_time(start: time, duration: int) -> time:
    return slots.from_minutes(slots.to_minutes(start) + duration)


def services_with_owner() -> QuerySet[Service]:
    """Services with their owner's ``owner_is_active`` and ``owner_is_blocked`` in the same
    query: what ``appointment_book`` checks. A view that reads the service this way just
    before booking (the confirm POST) hands it over, and the booking reads it no second time."""
    return Service.objects.annotate(
        owner_is_active=F("provider__user__is_active"),
        owner_is_blocked=F("provider__user__is_blocked"),
    )


def _fresh_service(service: Service) -> Service:
    """The service as it is now, with its owner's flags: read here unless the caller read it
    with them (``services_with_owner``) in this request. A plain read that locks nothing."""
    if hasattr(service, "owner_is_active"):
        return service
    return services_with_owner().get(pk=service.pk)


def slot_refusal(reason: slots.Unbookable, provider: Provider) -> BookingError:
    """The error (and message a person reads) for each reason ``slots.unbookable_reason``
    gives; the booking page shows the same words."""
    Reason = slots.Unbookable
    params = {
        "shop": provider.shop_name,
        "days": provider.max_days_ahead,
        "minutes": provider.min_notice_minutes,
    }
    messages = {
        Reason.PAST: _("That date is in the past. Pick today or a later day."),
        Reason.BEYOND_HORIZON: _("%(shop)s takes bookings up to %(days)s days ahead."),
        Reason.CLOSED: _("%(shop)s is closed on this day."),
        Reason.OFF_GRID: _("That time is not one of the bookable slots."),
        Reason.TOO_SOON: _("That time is too soon: %(shop)s needs %(minutes)s minutes' notice."),
        Reason.FULL: _("No free slots left on this day. Try another day."),
    }
    if reason == Reason.TAKEN:
        return SlotUnavailable()
    return BookingNotAllowed(messages[reason] % params)


def day_slots_explained(
    service: Service, day: date, *, exclude_id: int | None = None
) -> tuple[list, str]:
    """The free slots of ``day`` for ``service`` and, when there are none, why in the words
    the booking service refuses with (``slot_refusal``): a read, two queries."""
    free, reason = selectors.day_slots_or_reason(service, day, exclude_id=exclude_id)
    if reason is not None:
        return [], slot_refusal(reason, service.provider).message
    return free, ""


def _check_slot(
    *,
    provider: Provider,
    service: Service,
    booking_date: date,
    slot_time: time,
    exclude_id: int | None = None,
    at_counter: bool = False,
) -> selectors.BookingDay:
    """Re-check the slot inside the provider lock; raise a precise error when it is not free.

    Returns the day as read under the lock: its ``next_token`` is the token a new booking takes.
    ``at_counter`` (walk-ins): the customer is already in the shop, so no notice is needed and
    the slot in progress still counts."""
    now = _now()
    rules = selectors.rules_of(provider)
    if at_counter:
        rules = dataclasses.replace(rules, min_notice_minutes=-rules.step_minutes)
    if booking_date < now.date() or not slots.is_within_horizon(booking_date, now.date(), rules):
        # Refused before reading the day (the same answer the full check gives).
        no_day = slots.Schedule(weekly=(), overrides=(), rules=rules)
        reason = slots.unbookable_reason(
            day=booking_date, start=slot_time, schedule=no_day, duration=0, taken=(), now=now
        )
        raise slot_refusal(reason, provider)
    day = selectors.booking_day(provider, booking_date, exclude_id=exclude_id)
    reason = slots.unbookable_reason(
        day=booking_date,
        start=slot_time,
        schedule=dataclasses.replace(day.schedule, rules=rules),
        duration=service.duration_minutes,
        taken=day.taken,
        now=now,
    )
    if reason is not None:
        raise slot_refusal(reason, provider)
    return day


def _charge_fee(provider: Provider, appointment: Appointment) -> None:
    """Debit the platform fee for ``appointment``; raises InsufficientBalance. The debit that
    takes the balance below WALLET_LOW_BALANCE tells the provider (once per crossing)."""
    fee = wallet_services.platform_fee(appointment.locked_price)
    if fee > 0:
        before = provider.wallet_balance
        wallet_services.debit(
            provider=provider,
            amount=fee,
            kind=WalletTransaction.Kind.BOOKING_FEE,
            reference_id=appointment.fee_reference,
            notes=_("Booking fee, token %(token)s on %(date)s")
            % {"token": appointment.token_number, "date": appointment.booking_date},
        )
        threshold = settings.WALLET_LOW_BALANCE
        if before >= threshold > provider.wallet_balance:
            _notify(appointment.pk, "low_balance", None)
    appointment.fee_charged = fee


def _fee_refused(provider: Provider, exc: wallet_services.InsufficientBalance) -> FeeNotPaid:
    url = topup_url()
    return FeeNotPaid(
        _(
            "Your wallet balance (₹%(balance)s) cannot cover the platform fee of ₹%(fee)s. "
            "Add money to your wallet and confirm again."
        )
        % {"balance": exc.balance, "fee": exc.amount},
        topup_url=url,
    )


def _mark_confirmed(provider: Provider, appointment: Appointment, actor: User | None) -> None:
    """Charge the fee (the platform's invoice to the shop is issued with it), confirm, and
    issue the shop's invoice to the customer: all in the caller's transaction."""
    _charge_fee(provider, appointment)
    appointment.status = Status.CONFIRMED
    appointment.confirmed_at = timezone.now()
    appointment.confirmed_by = actor
    appointment.save(
        update_fields=[
            "status",
            "confirmed_at",
            "confirmed_by",
            "fee_charged",
            "last_change_key",
            "updated_at",
        ]
    )
    invoices.booking_invoice_issue(appointment=appointment, provider=provider)


def _booked_with(
    key: str, *, customer: User | None, provider_id: int, created_by: User | None
) -> Appointment | None:
    """The booking that the form with one-time ``key`` already made, if any: the customer's
    own (keys are unique per customer), or a walk-in the same person gave at the same shop."""
    made = Appointment.objects.filter(idempotency_key=key)
    if customer is not None:
        made = made.filter(customer=customer)
    else:
        made = made.filter(customer=None, provider_id=provider_id, created_by=created_by)
    # Asked under the provider lock on every booking, and nearly always answered "none": only
    # the key is read (a statement of one column builds in half the time of the whole row's),
    # and the row itself only for a repeat.
    pk = made.values_list("pk", flat=True).first()
    return None if pk is None else Appointment.objects.get(pk=pk)


def _replayed(appointment: Appointment, key: str | None) -> bool:
    """Whether this request is a repeat of the one that made the booking's latest change."""
    return bool(key) and appointment.last_change_key == key


def appointment_book(
    *,
    customer: User | None,
    service: Service,
    booking_date: date,
    slot_time: time,
    created_by: User | None = None,
    walk_in_name: str = "",
    walk_in_mobile: str = "",
    customer_note: str = "",
    idempotency_key: str | None = None,
    require_same_request: bool = False,
) -> Appointment:
    """Book ``service`` at ``booking_date`` ``slot_time`` and give it the next token.

    The provider row is locked, so the slot check, the token and the insert happen one booking
    at a time per provider. Auto-confirming providers get a confirmed booking and pay the fee;
    when their wallet is short the booking stays pending rather than failing the customer.

    ``idempotency_key`` is the booking form's one-time key: the same form sent again (double
    tap, back button, retry) answers with the booking it already made, untouched. Repeats are
    found under the provider lock; the unique (customer, key) constraint is the backstop: its
    collision is answered the same way once the failed attempt has rolled back.

    ``require_same_request`` (the API's ``Idempotency-Key``): a key whose booking is for
    another service, day or time raises ``IdempotencyKeyReused`` instead (nothing is written).
    """
    made = _book_once(
        customer=customer,
        service=service,
        booking_date=booking_date,
        slot_time=slot_time,
        created_by=created_by,
        walk_in_name=walk_in_name,
        walk_in_mobile=walk_in_mobile,
        customer_note=customer_note,
        idempotency_key=idempotency_key,
    )
    if require_same_request and idempotency_key:
        asked = (service.pk, booking_date, slot_time)
        if (made.service_id, made.booking_date, made.slot_time) != asked:
            raise IdempotencyKeyReused()
    return made


def _book_once(
    *,
    customer: User | None,
    service: Service,
    booking_date: date,
    slot_time: time,
    created_by: User | None,
    walk_in_name: str,
    walk_in_mobile: str,
    customer_note: str,
    idempotency_key: str | None,
) -> Appointment:
    try:
        return _book(
            customer=customer,
            service=service,
            booking_date=booking_date,
            slot_time=slot_time,
            created_by=created_by,
            walk_in_name=walk_in_name,
            walk_in_mobile=walk_in_mobile,
            customer_note=customer_note,
            idempotency_key=idempotency_key or None,
        )
    except SlotUnavailable:
        if not idempotency_key:
            raise
        made = _booked_with(
            idempotency_key,
            customer=customer,
            provider_id=service.provider_id,
            created_by=created_by,
        )
        if made is None:
            raise
        return made


@transaction.atomic
def _book(
    *,
    customer: User | None,
    service: Service,
    booking_date: date,
    slot_time: time,
    created_by: User | None,
    walk_in_name: str,
    walk_in_mobile: str,
    customer_note: str,
    idempotency_key: str | None,
) -> Appointment:
    # Read before the lock, which guards neither a service nor its owner's account (their
    # changes don't take it): the locked section stays as short as the slot check needs. At
    # READ COMMITTED (as Django runs MySQL) each statement sees what committed before it, so
    # this earlier read leaves the day's reads after the lock current.
    service = _fresh_service(service)
    provider = _lock_provider(service.provider_id)
    if idempotency_key:
        made = _booked_with(
            idempotency_key, customer=customer, provider_id=provider.pk, created_by=created_by
        )
        if made is not None:
            return made
    owner_ok = service.owner_is_active and not service.owner_is_blocked
    if provider.status != Provider.Status.APPROVED or not owner_ok:
        raise BookingNotAllowed(_("This business is not taking bookings right now."))
    if not service.is_active:
        raise BookingNotAllowed(_("This service is no longer offered."))
    if customer is None and not walk_in_name.strip():
        raise BookingNotAllowed(_("A walk-in needs the customer's name."))
    if customer is not None and customer.pk == provider.user_id:
        raise BookingNotAllowed(_("You cannot book your own business."))
    day = _check_slot(
        provider=provider,
        service=service,
        booking_date=booking_date,
        slot_time=slot_time,
        at_counter=customer is None,
    )
    appointment = Appointment(
        customer=customer,
        walk_in_name=walk_in_name.strip() if customer is None else "",
        walk_in_mobile=walk_in_mobile if customer is None else "",
        provider=provider,
        service=service,
        token_number=day.next_token,
        booking_date=booking_date,
        slot_time=slot_time,
        end_time=_end_time(slot_time, service.duration_minutes),
        locked_price=service.rate,
        customer_note=customer_note,
        created_by=created_by or customer,
        idempotency_key=idempotency_key,
    )
    try:
        # No savepoint of its own: the error leaves this function, whose atomic block rolls
        # the booking back (to the caller's savepoint when it is nested).
        appointment.save()
    except IntegrityError as exc:
        raise SlotUnavailable() from exc
    if provider.auto_confirm or customer is None:
        try:
            with transaction.atomic():
                _mark_confirmed(provider, appointment, created_by if customer is None else None)
        except wallet_services.InsufficientBalance as exc:
            if customer is None:
                # A walk-in is served now, and service comes after the fee: no booking.
                raise _fee_refused(provider, exc) from exc
            appointment.status = Status.PENDING
            appointment.fee_charged = Decimal("0.00")
            _notify(appointment.pk, "awaiting_fee", None)
    _notify(appointment.pk, "created", created_by or customer)
    return appointment


def walk_in_book(
    *,
    provider: Provider,
    service: Service,
    name: str,
    mobile: str = "",
    slot_time: time,
    actor: User,
    idempotency_key: str | None = None,
    require_same_request: bool = False,
) -> Appointment:
    """A booking made at the counter for today; it takes the next token like any other.
    The walk-in form's one-time key makes its repeat answer with the same token."""
    if service.provider_id != provider.pk:
        raise BookingNotAllowed(_("That service belongs to another business."))
    return appointment_book(
        customer=None,
        service=service,
        booking_date=_now().date(),
        slot_time=slot_time,
        created_by=actor,
        walk_in_name=name,
        walk_in_mobile=mobile,
        idempotency_key=idempotency_key,
        require_same_request=require_same_request,
    )


def _refuse(appointment: Appointment, action: str) -> InvalidTransition:
    return InvalidTransition(
        _("A %(status)s booking cannot be %(action)s.")
        % {"status": appointment.get_status_display().lower(), "action": action}
    )


@transaction.atomic
def appointment_confirm(
    *, appointment: Appointment, actor: User, idempotency_key: str | None = None
) -> Appointment:
    """pending → confirmed, by its provider or staff; debits the platform fee.

    Like every transition below: a repeat of the request that made the booking's latest change
    (same one-time ``idempotency_key``) answers with the booking as it is, changing nothing."""
    provider, appointment = _lock_appointment(appointment)
    if _role_of(actor, appointment) not in (Actor.PROVIDER, Actor.ADMIN):
        raise BookingNotAllowed(_("Only the business can confirm a booking."))
    if _replayed(appointment, idempotency_key):
        return appointment
    if appointment.status != Status.PENDING:
        raise _refuse(appointment, _("confirmed"))
    if appointment.starts_at <= timezone.now():
        # Unconfirmed when its slot began: it expires (appointments_expire), never served.
        raise InvalidTransition(_("This booking's slot has begun; it can no longer be confirmed."))
    appointment.last_change_key = idempotency_key or None
    try:
        with transaction.atomic():
            _mark_confirmed(provider, appointment, actor)
    except wallet_services.InsufficientBalance as exc:
        raise _fee_refused(provider, exc) from exc
    _notify(appointment.pk, "confirmed", actor)
    return appointment


@transaction.atomic
def appointment_complete(
    *, appointment: Appointment, actor: User, idempotency_key: str | None = None
) -> Appointment:
    """confirmed → completed, by its provider or staff, once the booking's day has come."""
    provider, appointment = _lock_appointment(appointment)
    if _role_of(actor, appointment) not in (Actor.PROVIDER, Actor.ADMIN):
        raise BookingNotAllowed(_("Only the business can complete a booking."))
    if _replayed(appointment, idempotency_key):
        return appointment
    if appointment.status != Status.CONFIRMED:
        raise _refuse(appointment, _("completed"))
    if appointment.booking_date > _now().date():
        raise InvalidTransition(_("A booking can be completed on its day, not before."))
    appointment.status = Status.COMPLETED
    appointment.completed_at = timezone.now()
    appointment.last_change_key = idempotency_key or None
    appointment.save(update_fields=["status", "completed_at", "last_change_key", "updated_at"])
    return appointment


@transaction.atomic
def appointment_no_show(
    *, appointment: Appointment, actor: User, idempotency_key: str | None = None
) -> Appointment:
    """confirmed → no-show, by its provider or staff, once the slot's time has passed."""
    provider, appointment = _lock_appointment(appointment)
    if _role_of(actor, appointment) not in (Actor.PROVIDER, Actor.ADMIN):
        raise BookingNotAllowed(_("Only the business can mark a no-show."))
    if _replayed(appointment, idempotency_key):
        return appointment
    if appointment.status != Status.CONFIRMED:
        raise _refuse(appointment, _("marked as a no-show"))
    if appointment.starts_at > timezone.now():
        raise InvalidTransition(_("A no-show can be marked only after the booked time."))
    appointment.status = Status.NO_SHOW
    appointment.no_show_at = timezone.now()
    appointment.last_change_key = idempotency_key or None
    appointment.save(update_fields=["status", "no_show_at", "last_change_key", "updated_at"])
    return appointment


@transaction.atomic
def appointment_expire(*, appointment_id: int, now: datetime | None = None) -> Appointment | None:
    """pending → expired, once its slot has begun unconfirmed (its fee never paid): the slot
    is free again and the customer is told. None when it is no longer pending or not due."""
    now = now or timezone.now()
    appointment = Appointment.objects.filter(pk=appointment_id).only("provider_id").first()
    if appointment is None:
        return None
    provider, appointment = _lock_appointment(appointment)
    if appointment.status != Status.PENDING or appointment.starts_at > now:
        return None
    appointment.status = Status.EXPIRED
    appointment.expired_at = now
    appointment.save(update_fields=["status", "expired_at", "updated_at"])
    _notify(appointment.pk, "expired", None)
    return appointment


def appointments_expire(*, now: datetime | None = None) -> list[int]:
    """Expire every pending booking whose slot has begun; returns their ids. Each is its own
    short transaction, so one shop's lock never holds up another's. Safe to run twice at once:
    the second finds them no longer pending."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    due = (
        Appointment.objects.filter(status=Status.PENDING)
        .filter(
            Q(booking_date__lt=local.date())
            | Q(booking_date=local.date(), slot_time__lte=local.time())
        )
        .order_by("booking_date", "slot_time", "pk")
        .values_list("pk", flat=True)
    )
    expired = []
    for pk in list(due):
        if appointment_expire(appointment_id=pk, now=now) is not None:
            expired.append(pk)
    return expired


def customer_can_change(appointment: Appointment, now: datetime | None = None) -> bool:
    """Whether the customer is still before the provider's cancellation cut-off."""
    now = now or timezone.now()
    cutoff = appointment.starts_at - timedelta(hours=appointment.provider.cancellation_cutoff_hours)
    return appointment.is_active and now < cutoff


@transaction.atomic
def appointment_cancel(
    *,
    appointment: Appointment,
    actor: User,
    reason: str = "",
    idempotency_key: str | None = None,
) -> Appointment:
    """pending/confirmed → cancelled. Customers only before the cut-off; the business any time,
    with a reason. A confirmed booking's fee goes back to the provider's wallet."""
    provider, appointment = _lock_appointment(appointment)
    role = _role_of(actor, appointment)
    if _replayed(appointment, idempotency_key):
        return appointment
    reason = reason.strip()
    if not appointment.is_active:
        raise _refuse(appointment, _("cancelled"))
    if role == Actor.CUSTOMER and not customer_can_change(appointment):
        if provider.phone:
            message = _(
                "Bookings can be cancelled online up to %(hours)s hours before the slot. "
                "Please call %(shop)s on %(phone)s."
            )
        else:
            message = _(
                "Bookings can be cancelled online up to %(hours)s hours before the slot. "
                "Please call %(shop)s."
            )
        raise InvalidTransition(
            message
            % {
                "hours": provider.cancellation_cutoff_hours,
                "shop": provider.shop_name,
                "phone": provider.phone.as_international if provider.phone else "",
            }
        )
    if role in (Actor.PROVIDER, Actor.ADMIN) and not reason:
        raise BookingNotAllowed(_("Please give the customer a reason for cancelling."))
    if appointment.fee_charged > 0:
        wallet_services.credit(
            provider=provider,
            amount=appointment.fee_charged,
            kind=WalletTransaction.Kind.FEE_REFUND,
            reference_id=appointment.fee_reference,
            notes=_("Fee refund, cancelled token %(token)s on %(date)s")
            % {"token": appointment.token_number, "date": appointment.booking_date},
        )
    # The customer's invoice (issued at confirmation) is reversed by a credit note.
    invoices.booking_credit_note_issue(appointment=appointment, reason=reason)
    appointment.status = Status.CANCELLED
    appointment.cancelled_at = timezone.now()
    appointment.cancelled_by = actor
    appointment.cancelled_by_role = role
    appointment.cancel_reason = reason[:300]
    appointment.last_change_key = idempotency_key or None
    appointment.save(
        update_fields=[
            "status",
            "cancelled_at",
            "cancelled_by",
            "cancelled_by_role",
            "cancel_reason",
            "last_change_key",
            "updated_at",
        ]
    )
    _notify(appointment.pk, "cancelled", actor)
    pk = appointment.pk

    def _send_signal() -> None:
        # Every listener hears it even when one of them fails; failures are logged.
        responses = signals.appointment_cancelled.send_robust(
            sender=Appointment, appointment=Appointment.objects.get(pk=pk), actor=actor
        )
        for receiver, result in responses:
            if isinstance(result, Exception):
                logger.error(
                    "appointment_cancelled listener %r failed for appointment %s",
                    receiver,
                    pk,
                    exc_info=result,
                )

    # Robust: a failing listener is logged and never reaches the response or the callbacks
    # registered after it.
    transaction.on_commit(_send_signal, robust=True)
    return appointment


@transaction.atomic
def appointment_reschedule(
    *,
    appointment: Appointment,
    actor: User,
    booking_date: date,
    slot_time: time,
    idempotency_key: str | None = None,
) -> Appointment:
    """Move an active booking to another free slot; a new token when the date changes."""
    provider, appointment = _lock_appointment(appointment)
    role = _role_of(actor, appointment)
    if _replayed(appointment, idempotency_key):
        return appointment
    if not appointment.is_active:
        raise _refuse(appointment, _("rescheduled"))
    if role == Actor.CUSTOMER and not customer_can_change(appointment):
        raise InvalidTransition(
            _("Bookings can be changed online up to %(hours)s hours before the slot.")
            % {"hours": provider.cancellation_cutoff_hours}
        )
    if booking_date == appointment.booking_date and slot_time == appointment.slot_time:
        raise BookingNotAllowed(_("Pick a different time from your current one."))
    service = appointment.service
    day = _check_slot(
        provider=provider,
        service=service,
        booking_date=booking_date,
        slot_time=slot_time,
        exclude_id=appointment.pk,
    )
    if booking_date != appointment.booking_date:
        appointment.token_number = day.next_token
    appointment.booking_date = booking_date
    appointment.slot_time = slot_time
    appointment.end_time = _end_time(slot_time, service.duration_minutes)
    appointment.rescheduled_at = timezone.now()
    appointment.reschedule_count += 1
    appointment.reminder_24h_sent_at = None
    appointment.reminder_1h_sent_at = None
    appointment.turn_near_sent_at = None
    appointment.last_change_key = idempotency_key or None
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as exc:
        raise SlotUnavailable() from exc
    _notify(appointment.pk, "rescheduled", actor)
    return appointment


@transaction.atomic
def queue_advance(*, provider: Provider, actor: User, day: date | None = None) -> QueueDay:
    """Call the next confirmed booking of the day in serving order (slot time, then token):
    "now serving" moves to its token. A pending booking is not called: its fee is unpaid."""
    provider = _lock_provider(provider.pk)
    if actor.pk != provider.user_id and not actor.is_staff:
        raise BookingNotAllowed(_("Only the business can move its queue."))
    day = day or _now().date()
    state, _created = QueueDay.objects.get_or_create(provider=provider, date=day)
    status = selectors.queue_status(provider, day)
    if not status.upcoming:
        if status.awaiting_fee:
            raise BookingNotAllowed(
                _(
                    "No confirmed booking is waiting. Pending bookings are called once they are "
                    "confirmed and their fee is paid."
                )
            )
        raise BookingNotAllowed(_("No one else is waiting in today's queue."))
    state.now_serving = status.upcoming[0].token_number
    state.called_at = timezone.now()
    state.save(update_fields=["now_serving", "called_at", "updated_at"])
    _turn_near(status.upcoming[1 : 1 + TURN_NEAR_TOKENS])
    return state


# "Your turn is near" goes to a customer once the token being served is this many places
# before theirs (or fewer: a queue that starts close to them).
TURN_NEAR_TOKENS = 2


def _turn_near(waiting: list[Appointment]) -> None:
    """Tell the customers now at most TURN_NEAR_TOKENS places from being served, each once:
    the conditional UPDATE is the claim (queue advances also hold the provider lock)."""
    for appointment in waiting:
        if appointment.customer_id is None:
            continue
        claimed = Appointment.objects.filter(
            pk=appointment.pk,
            status__in=Appointment.SERVABLE_STATUSES,
            turn_near_sent_at__isnull=True,
        ).update(turn_near_sent_at=timezone.now())
        if claimed:
            _notify(appointment.pk, "turn_near", None)


# A provider's one-click actions on a booking (pages and API alike): the service and the
# message it answers with. Lazy: built at import, shown in each request's language.
PROVIDER_ACTIONS = {
    "confirm": (appointment_confirm, gettext_lazy("Token %(token)s is confirmed.")),
    "complete": (appointment_complete, gettext_lazy("Token %(token)s is marked completed.")),
    "no_show": (appointment_no_show, gettext_lazy("Token %(token)s is marked as a no-show.")),
}


@transaction.atomic
def queue_reset(*, provider: Provider, actor: User, day: date | None = None) -> QueueDay:
    """Start the day's queue again from the first token (e.g. after a mistaken call)."""
    provider = _lock_provider(provider.pk)
    if actor.pk != provider.user_id and not actor.is_staff:
        raise BookingNotAllowed(_("Only the business can move its queue."))
    state, _created = QueueDay.objects.get_or_create(provider=provider, date=day or _now().date())
    state.now_serving = 0
    state.called_at = None
    state.save(update_fields=["now_serving", "called_at", "updated_at"])
    return state


def booking_documents_backfill() -> int:
    """Issue the invoice of every confirmed, completed or no-show booking that has none (or
    one numbered before snapshots), and the credit note of every booking cancelled after its
    invoice. Returns how many bookings were documented."""
    done = set(
        Invoice.objects.filter(kind=Invoice.Kind.BOOKING)
        .exclude(snapshot={})
        .values_list("doc_type", "reference_id")
    )
    invoiced = {ref for doc_type, ref in done if doc_type == Invoice.DocType.INVOICE}
    credited = {ref for doc_type, ref in done if doc_type == Invoice.DocType.CREDIT_NOTE}
    numbered = set(
        Invoice.objects.filter(
            kind=Invoice.Kind.BOOKING, doc_type=Invoice.DocType.INVOICE
        ).values_list("reference_id", flat=True)
    )
    count = 0
    candidates = Appointment.objects.filter(
        status__in=(Status.CONFIRMED, Status.COMPLETED, Status.NO_SHOW, Status.CANCELLED)
    ).order_by("id")
    for appointment in candidates.iterator():
        ref = appointment.fee_reference
        cancelled = appointment.status == Status.CANCELLED
        if cancelled and (ref not in numbered or ref in credited):
            continue  # never invoiced, or already credited
        if not cancelled and ref in invoiced:
            continue
        with transaction.atomic():
            provider, appointment = _lock_appointment(appointment)
            invoices.booking_invoice_issue(appointment=appointment, provider=provider)
            if cancelled:
                invoices.booking_credit_note_issue(
                    appointment=appointment, reason=appointment.cancel_reason
                )
        count += 1
    return count
