"""Reads shared by the booking pages: availability from the database, search, lists."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, Max, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from providers import selectors as provider_selectors
from providers.models import Category, Provider, Service, TimeOff, WorkingHours
from wallet import services as wallet_services
from wallet.models import Invoice

from . import slots
from .models import Appointment, QueueDay

# How far the search page looks for a provider's next free slot.
SEARCH_LOOKAHEAD_DAYS = 7


def local_now() -> datetime:
    return timezone.localtime()


def rules_of(provider: Provider) -> slots.Rules:
    return slots.Rules(
        step_minutes=provider.slot_step_minutes,
        capacity=provider.capacity,
        min_notice_minutes=provider.min_notice_minutes,
        max_days_ahead=provider.max_days_ahead,
    )


def _schedule(provider: Provider, hours: Iterable, offs: Iterable) -> slots.Schedule:
    return slots.Schedule(
        weekly=tuple(slots.WeeklyHours(h.weekday, h.start_time, h.end_time) for h in hours),
        overrides=tuple(
            slots.DayOverride(o.start_date, o.end_date, o.open_time, o.close_time) for o in offs
        ),
        rules=rules_of(provider),
    )


def schedules_for(providers: list[Provider], first: date, last: date) -> dict[int, slots.Schedule]:
    """Schedules of many providers for [first, last] in two queries."""
    ids = [p.pk for p in providers]
    hours: dict[int, list] = defaultdict(list)
    offs: dict[int, list] = defaultdict(list)
    if ids:
        for h in WorkingHours.objects.filter(provider_id__in=ids):
            hours[h.provider_id].append(h)
        for o in TimeOff.objects.filter(
            provider_id__in=ids, start_date__lte=last, end_date__gte=first
        ):
            offs[o.provider_id].append(o)
    return {p.pk: _schedule(p, hours[p.pk], offs[p.pk]) for p in providers}


def schedule_for(provider: Provider, first: date, last: date) -> slots.Schedule:
    return schedules_for([provider], first, last)[provider.pk]


def _interval(appt_start, appt_end) -> slots.Interval:
    return slots.to_minutes(appt_start), slots.to_minutes(appt_end)


def taken_by_provider_day(
    provider_ids: list[int], first: date, last: date, *, exclude_id: int | None = None
) -> dict[int, dict[date, list[slots.Interval]]]:
    """Active appointments of those providers in [first, last], in one query."""
    result: dict[int, dict[date, list[slots.Interval]]] = defaultdict(lambda: defaultdict(list))
    if not provider_ids:
        return result
    rows = Appointment.objects.filter(
        provider_id__in=provider_ids,
        booking_date__range=(first, last),
        status__in=Appointment.ACTIVE_STATUSES,
    )
    if exclude_id is not None:
        rows = rows.exclude(pk=exclude_id)
    for pid, day, start, end in rows.values_list(
        "provider_id", "booking_date", "slot_time", "end_time"
    ):
        result[pid][day].append(_interval(start, end))
    return result


def taken_on(
    provider: Provider, day: date, *, exclude_id: int | None = None
) -> list[slots.Interval]:
    """The active appointments of one provider on one day: the one query per requested day."""
    return taken_by_provider_day([provider.pk], day, day, exclude_id=exclude_id)[provider.pk][day]


@dataclass(frozen=True)
class BookingDay:
    """What a booking of one provider's day is checked against, read under its lock."""

    schedule: slots.Schedule
    taken: list[slots.Interval]  # active appointments, less the one being moved
    next_token: int  # cancelled bookings keep their token, so they count here


# The booking's reads under the provider lock, in plain SQL: they run on every booking, and for
# statements this small Django's query building cost five times the database's work
# (bookings/tests/test_booking_post.py pins them on SQLite and MariaDB).
_DAY_HOURS_SQL = (
    "SELECT start_time, end_time, 0 FROM working_hours WHERE provider_id = %s AND weekday = %s "
    "UNION ALL "
    "SELECT open_time, close_time, 1 FROM time_off "
    "WHERE provider_id = %s AND start_date <= %s AND end_date >= %s"
)
_DAY_APPOINTMENTS_SQL = (
    "SELECT id, token_number, status, slot_time, end_time FROM appointments "
    "WHERE provider_id = %s AND booking_date = %s"
)


def _as_time(value: time | str) -> time:
    """SQLite hands a UNION's times back as text; MariaDB as ``time``."""
    return time.fromisoformat(value) if isinstance(value, str) else value


def booking_day(provider: Provider, day: date, *, exclude_id: int | None = None) -> BookingDay:
    """The day's opening hours, time off and appointments for one booking, in two queries.

    Only that weekday's hours and the time off covering ``day`` are read, and one read of the
    day's appointments gives both the taken intervals and the next token."""
    iso = day.isoformat()
    with connection.cursor() as cursor:
        cursor.execute(_DAY_HOURS_SQL, [provider.pk, day.weekday(), provider.pk, iso, iso])
        hours = cursor.fetchall()
        cursor.execute(_DAY_APPOINTMENTS_SQL, [provider.pk, iso])
        rows = cursor.fetchall()
    weekly, overrides = [], []
    for start, end, is_time_off in hours:
        start, end = _as_time(start), _as_time(end)
        if is_time_off:
            overrides.append(slots.DayOverride(day, day, start, end))
        else:
            weekly.append(slots.WeeklyHours(day.weekday(), start, end))
    taken = []
    last_token = 0
    for pk, token, status, start, end in rows:
        last_token = max(last_token, token)
        if status in Appointment.ACTIVE_STATUSES and pk != exclude_id:
            taken.append(_interval(_as_time(start), _as_time(end)))
    schedule = slots.Schedule(
        weekly=tuple(weekly), overrides=tuple(overrides), rules=rules_of(provider)
    )
    return BookingDay(schedule=schedule, taken=taken, next_token=last_token + 1)


def day_slots(
    service: Service,
    day: date,
    *,
    now: datetime | None = None,
    exclude_id: int | None = None,
) -> list:
    """Free start times of ``day`` for ``service``: three queries (hours, time off, bookings)."""
    provider = service.provider
    now = now or local_now()
    return slots.free_slots(
        day=day,
        schedule=schedule_for(provider, day, day),
        duration=service.duration_minutes,
        taken=taken_on(provider, day, exclude_id=exclude_id),
        now=now,
    )


def booking_days(provider: Provider) -> list[date]:
    today = local_now().date()
    return [today + timedelta(days=i) for i in range(provider.max_days_ahead + 1)]


def month_availability(
    service: Service,
    days: list[date],
    *,
    now: datetime | None = None,
    exclude_id: int | None = None,
) -> dict[date, str]:
    """Which of ``days`` have a free slot for ``service``, in three queries."""
    if not days:
        return {}
    provider = service.provider
    now = now or local_now()
    first, last = min(days), max(days)
    taken = taken_by_provider_day([provider.pk], first, last, exclude_id=exclude_id)[provider.pk]
    return slots.days_with_free_slots(
        days=days,
        schedule=schedule_for(provider, first, last),
        duration=service.duration_minutes,
        taken_by_day=taken,
        now=now,
    )


def public_providers() -> QuerySet[Provider]:
    """Approved providers with an active owner, as the public may see them."""
    return provider_selectors.public_providers()


def active_services() -> QuerySet[Service]:
    return Service.objects.filter(is_active=True)


@dataclass
class SearchParams:
    q: str = ""
    category: str = ""
    city: str = ""
    sort: str = "name"


def search_providers(params: SearchParams) -> QuerySet[Provider]:
    """Approved providers with at least one active service, filtered, with their price range."""
    qs = (
        public_providers()
        .select_related("category")
        .annotate(
            min_rate=Min("services__rate", filter=Q(services__is_active=True)),
            max_rate=Max("services__rate", filter=Q(services__is_active=True)),
            service_count=Count("services", filter=Q(services__is_active=True), distinct=True),
        )
        .filter(service_count__gt=0)
    )
    if params.category:
        qs = qs.filter(category__slug=params.category)
    if params.city:
        qs = qs.filter(city__iexact=params.city)
    if params.q:
        matching = active_services().filter(service_name__icontains=params.q)
        qs = qs.filter(
            Q(shop_name__icontains=params.q)
            | Q(area__icontains=params.q)
            | Q(pk__in=matching.values("provider_id"))
        )
    if params.sort == "price":
        return qs.order_by("min_rate", "shop_name", "pk")
    if params.sort == "soonest":
        return qs.order_by(F("next_free_at").asc(nulls_last=True), "shop_name", "pk")
    return qs.order_by("shop_name", "pk")


def next_free_slots(providers: list[Provider], *, now: datetime | None = None) -> dict:
    """The soonest free slot (naive wall-clock datetime or None) of each provider, for its
    shortest active service, over the next few days: four queries however many providers."""
    now = now or local_now()
    if not providers:
        return {}
    today = now.date()
    last = today + timedelta(days=SEARCH_LOOKAHEAD_DAYS - 1)
    ids = [p.pk for p in providers]
    shortest = dict(
        active_services()
        .filter(provider_id__in=ids)
        .values("provider_id")
        .annotate(d=Min("duration_minutes"))
        .values_list("provider_id", "d")
    )
    schedules = schedules_for(providers, today, last)
    taken = taken_by_provider_day(ids, today, last)
    days = [today + timedelta(days=i) for i in range(SEARCH_LOOKAHEAD_DAYS)]
    result = {}
    for p in providers:
        if p.pk not in shortest:
            result[p.pk] = None
            continue
        result[p.pk] = slots.first_free_slot(
            days=[d for d in days if d <= today + timedelta(days=p.max_days_ahead)],
            schedule=schedules[p.pk],
            duration=shortest[p.pk],
            taken_by_day=taken[p.pk],
            now=now,
        )
    return result


def provider_services(provider: Provider) -> QuerySet[Service]:
    return provider.services.filter(is_active=True).order_by("service_name")


def category_choices() -> list[tuple[str, str]]:
    """(slug, name) of the active categories, in their display order."""
    return list(Category.objects.filter(is_active=True).values_list("slug", "name"))


def cities() -> list[str]:
    return list(public_providers().order_by("city").values_list("city", flat=True).distinct())


def customer_appointments(user) -> QuerySet[Appointment]:
    return Appointment.objects.filter(customer=user).select_related(
        "provider", "service", "provider__category"
    )


def provider_appointments(provider: Provider) -> QuerySet[Appointment]:
    return Appointment.objects.filter(provider=provider).select_related("service", "customer")


def prefetch_hours() -> Prefetch:
    return Prefetch(
        "working_hours", queryset=WorkingHours.objects.order_by("weekday", "start_time")
    )


def queue_key(appointment: Appointment) -> tuple[time, int]:
    """Serving order: slot time, then token (a walk-in stands at the time it was added for)."""
    return appointment.slot_time, appointment.token_number


@dataclass
class QueueStatus:
    now_serving: int  # the token called last, 0 before the first call
    serving: Appointment | None
    upcoming: list[Appointment]  # confirmed bookings still to be called, in serving order
    waiting: int
    called_at: datetime | None  # when ``serving`` was called
    late_minutes: int  # how far behind its slot the last call came (0 when on time or early)
    awaiting_fee: int  # pending bookings of the day still to come: not called until confirmed


def queue_status(provider: Provider, day: date | None = None) -> QueueStatus:
    """The queue of ``provider`` on ``day`` (today): who was called last, and the confirmed
    bookings after it in slot-time order. Two queries."""
    day = day or local_now().date()
    state = QueueDay.objects.filter(provider=provider, date=day).first()
    now_serving = state.now_serving if state else 0
    rows = list(
        Appointment.objects.filter(provider=provider, booking_date=day)
        .select_related("service")
        .order_by("slot_time", "token_number")
    )
    serving = next((a for a in rows if now_serving and a.token_number == now_serving), None)
    after = (lambda a: queue_key(a) > queue_key(serving)) if serving else (lambda a: True)
    upcoming = [a for a in rows if a.status in Appointment.SERVABLE_STATUSES and after(a)]
    awaiting = sum(1 for a in rows if a.status == Appointment.Status.PENDING and after(a))
    called_at = state.called_at if state else None
    late = 0
    if serving is not None and called_at is not None:
        late = max(0, int((called_at - serving.starts_at).total_seconds() // 60))
    return QueueStatus(
        now_serving=now_serving,
        serving=serving,
        upcoming=upcoming,
        waiting=len(upcoming),
        called_at=called_at,
        late_minutes=late,
        awaiting_fee=awaiting,
    )


# Beyond this, the wait is told as a clock time ("at about 4:45 PM"), not in minutes.
FAR_MINUTES = 60


@dataclass(frozen=True)
class QueuePlace:
    state: str  # "serving", "called", "next", "waiting", "pending"
    ahead: int
    expected_at: datetime | None  # about when the turn comes (never before the slot)
    minutes: int  # from now until then
    far: bool  # told as a clock time rather than in minutes


def queue_place(
    appointment: Appointment, status: QueueStatus, *, now: datetime | None = None
) -> QueuePlace:
    """Where ``appointment`` stands in today's queue and about when its turn comes.

    The estimate starts from the slot time, pushed back by how late today's calls are running
    and by the service time of the confirmed bookings ahead (shared over the shop's parallel
    capacity); it is never earlier than the slot.
    """
    now = now or timezone.now()
    if appointment.status == Appointment.Status.PENDING:
        return QueuePlace("pending", 0, None, 0, False)
    if status.serving is not None and status.serving.pk == appointment.pk:
        return QueuePlace("serving", 0, None, 0, False)
    if status.serving is not None and queue_key(appointment) < queue_key(status.serving):
        return QueuePlace("called", 0, None, 0, False)
    ahead = [a for a in status.upcoming if queue_key(a) < queue_key(appointment)]
    capacity = max(appointment.provider.capacity, 1)
    work = timedelta(minutes=sum(a.duration.total_seconds() // 60 for a in ahead) / capacity)
    expected = max(
        appointment.starts_at + timedelta(minutes=status.late_minutes),
        now + work,
        appointment.starts_at,
    )
    minutes = max(0, int((expected - now).total_seconds() + 59) // 60)
    if minutes > FAR_MINUTES:
        # A clock time a person can plan by: rounded up to the next five minutes.
        local = timezone.localtime(expected).replace(second=0, microsecond=0)
        expected = local + timedelta(minutes=-local.minute % 5)
    return QueuePlace(
        "next" if not ahead else "waiting",
        len(ahead),
        expected,
        minutes,
        minutes > FAR_MINUTES,
    )


def booking_documents(appointment: Appointment, *, for_shop: bool) -> list[Invoice]:
    """The invoice and credit note a booking made for its customer and, for the shop (and
    staff), also the platform's fee invoice and fee credit note: one query, oldest first."""
    kinds = [Invoice.Kind.BOOKING]
    if for_shop:
        kinds.append(Invoice.Kind.BOOKING_FEE)
    return list(
        Invoice.objects.filter(reference_id=appointment.fee_reference, kind__in=kinds)
        .only("pk", "number", "kind", "doc_type", "issued_at")
        .order_by("issued_at", "id")
    )


@dataclass
class AwaitingFee:
    """Pending bookings still to come that wait only for wallet money, and how much is short."""

    appointments: list[Appointment]
    fees: Decimal
    shortfall: Decimal  # what to add so the wallet covers them all (0 when it already does)
    topup_amount: int  # the shortfall rounded up to a whole ₹100, for the Add money link


def awaiting_wallet_money(provider: Provider, *, now: datetime | None = None) -> AwaitingFee:
    """A shop that confirms automatically has its bookings left pending only when its wallet
    cannot pay the fee; a shop that confirms by hand is listed the bookings whose fee is more
    than its balance. Only those whose slot is still ahead (the rest expire). One query."""
    now = timezone.localtime(now or timezone.now())
    rows = list(
        Appointment.objects.filter(
            provider=provider, status=Appointment.Status.PENDING, booking_date__gte=now.date()
        )
        .exclude(booking_date=now.date(), slot_time__lte=now.time())
        .select_related("service", "customer")
        .order_by("booking_date", "slot_time", "token_number")
    )
    balance = provider.wallet_balance
    waiting = [
        a
        for a in rows
        if provider.auto_confirm or wallet_services.platform_fee(a.locked_price) > balance
    ]
    fees = sum((wallet_services.platform_fee(a.locked_price) for a in waiting), Decimal("0.00"))
    shortfall = max(fees - balance, Decimal("0.00"))
    return AwaitingFee(
        appointments=waiting,
        fees=fees,
        shortfall=shortfall,
        topup_amount=max(100, int(-(-shortfall // 100)) * 100) if shortfall else 0,
    )
