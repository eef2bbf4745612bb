"""Reads shared by the booking pages: availability from the database, search, lists."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.dateformat import time_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from accounts.access import check_private_access
from providers import caching
from providers import selectors as provider_selectors
from providers.models import Category, Provider, Service, WorkingHours
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


# A schedule is read on every booking (under the provider lock) and by every page that shows
# free times, so the one reader is plain SQL: for a statement this small, building it with the
# ORM cost several times the database's work (1.3 ms against 0.15 ms measured in process).
_SCHEDULE_SQL = (
    "SELECT provider_id, weekday, start_time, end_time, NULL, NULL FROM working_hours "
    "WHERE provider_id IN ({ids}) "
    "UNION ALL "
    "SELECT provider_id, NULL, open_time, close_time, start_date, end_date FROM time_off "
    "WHERE provider_id IN ({ids}) AND start_date <= %s AND end_date >= %s"
)


def _as_date(value: date | str) -> date:
    """SQLite hands raw dates back as text; MariaDB as ``date``."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _schedule_rows(ids: list[int], first: date, last: date) -> list[tuple]:
    """Weekly hours and the time off overlapping [first, last] of providers ``ids``, as one
    statement: (provider_id, weekday, start, end, off_from, off_to) rows, where ``off_from``
    is None for weekly hours (time off has no weekday, and no start or end on a closed day)."""
    placeholders = ", ".join(["%s"] * len(ids))
    sql = _SCHEDULE_SQL.format(ids=placeholders)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, *ids, last.isoformat(), first.isoformat()])
        return cursor.fetchall()


def schedules_for(providers: list[Provider], first: date, last: date) -> dict[int, slots.Schedule]:
    """The schedules (weekly hours, time off, booking rules) of many providers for the days
    [first, last], in one query. The one reader of a schedule: the booking pages and the
    booking service under its lock alike."""
    ids = [p.pk for p in providers]
    hours: dict[int, list[slots.WeeklyHours]] = defaultdict(list)
    offs: dict[int, list[slots.DayOverride]] = defaultdict(list)
    if ids:
        for pid, weekday, start, end, off_from, off_to in _schedule_rows(ids, first, last):
            if off_from is None:
                hours[pid].append(slots.WeeklyHours(weekday, _as_time(start), _as_time(end)))
            else:
                offs[pid].append(
                    slots.DayOverride(
                        _as_date(off_from),
                        _as_date(off_to),
                        _as_time(start) if start is not None else None,
                        _as_time(end) if end is not None else None,
                    )
                )
    return {
        p.pk: slots.Schedule(
            weekly=tuple(hours[p.pk]), overrides=tuple(offs[p.pk]), rules=rules_of(p)
        )
        for p in providers
    }


def schedule_for(provider: Provider, first: date, last: date) -> slots.Schedule:
    return schedules_for([provider], first, last)[provider.pk]


def _interval(appt_start, appt_end) -> slots.Interval:
    return slots.to_minutes(appt_start), slots.to_minutes(appt_end)


def _minutes_sql(column: str) -> str:
    """A time column as minutes since midnight, worked out by the database (a busy month's
    thousands of rows then need no conversion in Python)."""
    if connection.vendor == "mysql":
        return f"HOUR({column}) * 60 + MINUTE({column})"
    return f"CAST(substr({column}, 1, 2) AS INTEGER) * 60 + CAST(substr({column}, 4, 2) AS INTEGER)"


def _taken_rows(sql: str, params: list, exclude_id: int | None) -> list[tuple]:
    sql = sql.replace("{start}", _minutes_sql("slot_time"))
    sql = sql.replace("{end}", _minutes_sql("end_time"))
    if exclude_id is not None:
        sql += " AND id <> %s"
        params.append(exclude_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# Active bookings of some providers over some days, in plain SQL for the same reason as the
# schedule: read by every page that shows free times, where building the statement with the
# ORM cost more than running it; behind the covering index appointment_day_slots_idx
# (provider, day, status, start, end). No ORDER BY: the engine needs none.
_TAKEN_SQL = (
    "SELECT provider_id, CAST(booking_date AS CHAR), {start}, {end} FROM appointments "
    "WHERE provider_id IN ({ids}) AND booking_date BETWEEN %s AND %s AND status IN (%s, %s)"
)
_DAY_TAKEN_SQL = (
    "SELECT {start}, {end} FROM appointments "
    "WHERE provider_id = %s AND booking_date = %s AND status IN (%s, %s)"
)


def taken_by_provider_day(
    provider_ids: list[int], first: date, last: date, *, exclude_id: int | None = None
) -> dict[int, dict[date, list[slots.Interval]]]:
    """Active appointments of those providers in [first, last], in one query."""
    result: dict[int, dict[date, list[slots.Interval]]] = defaultdict(lambda: defaultdict(list))
    if not provider_ids:
        return result
    sql = _TAKEN_SQL.replace("{ids}", ", ".join(["%s"] * len(provider_ids)))
    params = [*provider_ids, first.isoformat(), last.isoformat(), *Appointment.ACTIVE_STATUSES]
    # The day as text from the database, turned into a date once per distinct day rather than
    # once per row (a month of a busy shop is thousands of rows over 30 days).
    days: dict[str, date] = {}
    for pid, day, start, end in _taken_rows(sql, params, exclude_id):
        when = days.get(day)
        if when is None:
            when = days[day] = date.fromisoformat(day)
        result[pid][when].append((start, end))
    return result


def taken_on(
    provider: Provider, day: date, *, exclude_id: int | None = None
) -> list[slots.Interval]:
    """The active appointments of one provider on one day: the one query per requested day."""
    params = [provider.pk, day.isoformat(), *Appointment.ACTIVE_STATUSES]
    return [tuple(row) for row in _taken_rows(_DAY_TAKEN_SQL, params, exclude_id)]


@dataclass(frozen=True)
class BookingDay:
    """What a booking of one provider's day is checked against, read under its lock."""

    schedule: slots.Schedule
    taken: list[slots.Interval]  # active appointments, less the one being moved
    next_token: int  # cancelled bookings keep their token, so they count here


# The day's appointments under the provider lock, in plain SQL: read on every booking, and
# for a statement this small Django's query building cost five times the database's work
# (bookings/tests/test_booking_post.py pins the booking's queries on SQLite and MariaDB).
# The times come back as "HH:MM:SS" text from either database (no conversion to ``time`` for
# each of a busy day's hundreds of rows).
_DAY_APPOINTMENTS_SQL = (
    "SELECT id, token_number, status, CAST(slot_time AS CHAR), CAST(end_time AS CHAR) "
    "FROM appointments WHERE provider_id = %s AND booking_date = %s"
)


def _as_time(value: time | str) -> time:
    """SQLite hands raw times back as text; MariaDB as ``time``."""
    return time.fromisoformat(value) if isinstance(value, str) else value


def _text_minutes(value: str) -> int:
    """ "14:30:00" -> 870."""
    return int(value[:2]) * 60 + int(value[3:5])


def booking_day(provider: Provider, day: date, *, exclude_id: int | None = None) -> BookingDay:
    """The day's schedule and appointments for one booking, in two queries.

    The schedule comes from the same reader as the booking pages (``schedule_for``); one read
    of the day's appointments gives both the taken intervals and the next token."""
    schedule = schedule_for(provider, day, day)
    with connection.cursor() as cursor:
        cursor.execute(_DAY_APPOINTMENTS_SQL, [provider.pk, day.isoformat()])
        rows = cursor.fetchall()
    taken = []
    last_token = 0
    for pk, token, status, start, end in rows:
        last_token = max(last_token, token)
        if status in Appointment.ACTIVE_STATUSES and pk != exclude_id:
            taken.append((_text_minutes(start), _text_minutes(end)))
    return BookingDay(schedule=schedule, taken=taken, next_token=last_token + 1)


class SlotTime(time):
    """A free start time that carries the two strings the slot pickers print for it: the
    form value ("14:30") and the label ("2:30 PM" in the visitor's language), worked out once
    per time and language (``_slot_time``) rather than by two template filters per slot."""

    value: str
    label: str


@lru_cache(maxsize=4096)
def _slot_time(hour: int, minute: int, language: str | None) -> SlotTime:
    slot = SlotTime(hour, minute)
    # Escaped once here, so the template's autoescape has nothing to do for each slot.
    slot.value = mark_safe(f"{hour:02d}:{minute:02d}")  # noqa: S308 - digits and a colon
    with translation.override(language):
        slot.label = conditional_escape(time_format(slot, "g:i A"))
    return slot


def day_slots(
    service: Service,
    day: date,
    *,
    now: datetime | None = None,
    exclude_id: int | None = None,
) -> list:
    """Free start times of ``day`` for ``service`` (as ``SlotTime``): two queries, the
    schedule and the day's bookings, however busy the day."""
    return day_slots_or_reason(service, day, now=now, exclude_id=exclude_id)[0]


def day_slots_or_reason(
    service: Service,
    day: date,
    *,
    now: datetime | None = None,
    exclude_id: int | None = None,
) -> tuple[list, slots.Unbookable | None]:
    """The free start times of ``day`` (as ``day_slots`` gives them) or, when there are none,
    why (``slots.unbookable_reason``, the rule the booking service applies): two queries.

    The day is listed once; the reason is asked only of a day with nothing free (asking it
    first would list the day twice, as ``unbookable_reason`` lists it to tell FULL)."""
    provider = service.provider
    now = now or local_now()
    schedule = schedule_for(provider, day, day)
    taken = taken_on(provider, day, exclude_id=exclude_id)
    duration = service.duration_minutes
    # A past day or one beyond the horizon has no free start (``slots.earliest_start``).
    free = slots.free_slots(day=day, schedule=schedule, duration=duration, taken=taken, now=now)
    if free:
        language = get_language()
        return [_slot_time(t.hour, t.minute, language) for t in free], None
    reason = slots.unbookable_reason(
        day=day, start=None, schedule=schedule, duration=duration, taken=taken, now=now
    )
    # A day with no free start always has a reason (``unbookable_reason`` ends with FULL).
    return [], reason


def booking_days(provider: Provider) -> list[date]:
    today = local_now().date()
    return [today + timedelta(days=i) for i in range(provider.max_days_ahead + 1)]


def month_booking_days(provider: Provider, month: date) -> list[date]:
    """The days of ``month`` (any date in it) that ``provider`` takes bookings for."""
    return [d for d in booking_days(provider) if (d.year, d.month) == (month.year, month.month)]


def month_availability(
    service: Service,
    days: list[date],
    *,
    now: datetime | None = None,
    exclude_id: int | None = None,
) -> dict[date, slots.DayAvailability]:
    """Which of ``days`` have a free slot for ``service`` and how many, in two queries."""
    if not days:
        return {}
    provider = service.provider
    now = now or local_now()
    first, last = min(days), max(days)
    taken = taken_by_provider_day([provider.pk], first, last, exclude_id=exclude_id)[provider.pk]
    return slots.days_availability(
        days=days,
        schedule=schedule_for(provider, first, last),
        duration=service.duration_minutes,
        taken_by_day=taken,
        now=now,
    )


def month_free_counts(
    service: Service,
    days: list[date],
    *,
    now: datetime | None = None,
    exclude_id: int | None = None,
) -> dict[date, tuple[str, int]]:
    """``month_availability`` with the number of free start times of each day: the same two
    queries, the same rules (``slots``)."""
    if not days:
        return {}
    provider = service.provider
    now = now or local_now()
    first, last = min(days), max(days)
    taken = taken_by_provider_day([provider.pk], first, last, exclude_id=exclude_id)[provider.pk]
    schedule = schedule_for(provider, first, last)
    states = slots.days_with_free_slots(
        days=days,
        schedule=schedule,
        duration=service.duration_minutes,
        taken_by_day=taken,
        now=now,
    )
    return {
        day: (
            state,
            len(
                slots.free_slots(
                    day=day,
                    schedule=schedule,
                    duration=service.duration_minutes,
                    taken=taken.get(day, ()),
                    now=now,
                )
            )
            if state == "free"
            else 0,
        )
        for day, state in states.items()
    }


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
    """Approved providers with at least one active service, filtered and sorted in SQL.

    No GROUP BY over the services: "has an active service" is an EXISTS, so counting the
    matches and reading one page are plain indexed statements whatever the number of services;
    the "price" sort reads each shop's cheapest rate with a correlated subquery. The cards'
    price ranges come for the page's shops only (``with_service_summary``)."""
    active = Service.objects.filter(provider_id=OuterRef("pk"), is_active=True)
    qs = public_providers().select_related("category").filter(Exists(active))
    if params.category:
        qs = qs.filter(category__slug=params.category)
    if params.city:
        # One of ``cities()`` as stored (the search form and the API accept no other), so an
        # equality: the index on (status, city, category) then finds the matches alone, where
        # the case-insensitive LIKE was a range that MariaDB intersected with the category
        # index (0.9 ms against 0.4 ms per statement at the benchmark's scale).
        qs = qs.filter(city=params.city)
    if params.q:
        matching = active_services().filter(service_name__icontains=params.q)
        qs = qs.filter(
            Q(shop_name__icontains=params.q)
            | Q(area__icontains=params.q)
            | Q(pk__in=matching.values("provider_id"))
        )
    if params.sort == "price":
        cheapest = active.order_by("rate").values("rate")[:1]
        return qs.annotate(min_rate=Subquery(cheapest)).order_by("min_rate", "shop_name", "pk")
    if params.sort == "soonest":
        return qs.order_by(F("next_free_at").asc(nulls_last=True), "shop_name", "pk")
    return qs.order_by("shop_name", "pk")


def with_service_summary(providers: list[Provider]) -> dict[int, int]:
    """Set ``min_rate``, ``max_rate`` and ``service_count`` of the active services on each of
    ``providers`` (a page of search results) in one query, and return the shortest active
    service's duration of each (what ``next_free_slots`` looks for)."""
    rows = (
        active_services()
        .filter(provider_id__in=[p.pk for p in providers])
        .order_by()
        .values("provider_id")
        .annotate(lo=Min("rate"), hi=Max("rate"), n=Count("id"), shortest=Min("duration_minutes"))
        .values_list("provider_id", "lo", "hi", "n", "shortest")
    )
    summary = {pid: (lo, hi, n, shortest) for pid, lo, hi, n, shortest in rows}
    for provider in providers:
        provider.min_rate, provider.max_rate, provider.service_count, _ = summary.get(
            provider.pk, (None, None, 0, None)
        )
    return {pid: row[3] for pid, row in summary.items()}


def next_free_slots(
    providers: list[Provider],
    *,
    now: datetime | None = None,
    shortest: dict[int, int] | None = None,
    schedules: dict[int, slots.Schedule] | None = None,
) -> dict:
    """The soonest free slot (naive wall-clock datetime or None) of each provider, for its
    shortest active service, over the next few days: three queries however many providers,
    fewer when the caller already read the shortest durations (provider id -> minutes) or
    the schedules (covering at least the next ``SEARCH_LOOKAHEAD_DAYS`` days)."""
    now = now or local_now()
    if not providers:
        return {}
    today = now.date()
    last = today + timedelta(days=SEARCH_LOOKAHEAD_DAYS - 1)
    ids = [p.pk for p in providers]
    if shortest is None:
        shortest = dict(
            active_services()
            .filter(provider_id__in=ids)
            .values("provider_id")
            .annotate(d=Min("duration_minutes"))
            .values_list("provider_id", "d")
        )
    if schedules is None:
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


def with_next_free(providers: list[Provider]) -> list[Provider]:
    """``providers`` (one page of search results), each with its price range and service count
    (``with_service_summary``) and ``next_free`` set: its exact next free time
    (``next_free_slots``), worked out for these shops only."""
    next_free = next_free_slots(providers, shortest=with_service_summary(providers))
    for provider in providers:
        provider.next_free = next_free.get(provider.pk)
    return providers


def provider_services(provider: Provider) -> QuerySet[Service]:
    return provider.services.filter(is_active=True).order_by("service_name")


def category_choices() -> list[tuple[str, str]]:
    """(slug, name) of the active categories, in their display order."""
    return list(Category.objects.filter(is_active=True).values_list("slug", "name"))


def search_choices() -> tuple[list[tuple[str, str]], list[str]]:
    """The search form's category and city choices (caching.SEARCH_CHOICES_KEY)."""
    choices = cache.get(caching.SEARCH_CHOICES_KEY)
    if choices is None:
        choices = (category_choices(), cities())
        cache.set(caching.SEARCH_CHOICES_KEY, choices, caching.SEARCH_CHOICES_TTL)
    return choices


def cities() -> list[str]:
    """The cities of approved shops, for the search form, without reading the owners (a city
    whose only shops have a blocked owner stays in the list and finds nothing, as a city with
    no match does).

    DISTINCT over (status, city), the leading columns of the index on (status, city,
    category), is a loose index scan on MariaDB ("Using index for group-by": one index dive
    per city, 20 rows read for 10,000 shops); DISTINCT over the city alone read every approved
    shop's index entry (0.3 ms against 3.5 ms at the benchmark's scale)."""
    approved = Provider.objects.filter(status=Provider.Status.APPROVED)
    pairs = approved.order_by("status", "city").values_list("status", "city").distinct()
    return [city for _status, city in pairs]


def customer_appointments(user) -> QuerySet[Appointment]:
    return Appointment.objects.filter(customer=user).select_related(
        "provider", "service", "provider__category"
    )


def customer_upcoming(user) -> QuerySet[Appointment]:
    """The customer's active bookings from today on, soonest first."""
    return (
        customer_appointments(user)
        .filter(booking_date__gte=local_now().date(), status__in=Appointment.ACTIVE_STATUSES)
        .order_by("booking_date", "slot_time")
    )


def customer_past(user) -> QuerySet[Appointment]:
    """Everything else of the customer's (past, cancelled, completed...), latest first."""
    return (
        customer_appointments(user)
        .exclude(pk__in=customer_upcoming(user).values("pk"))
        .order_by("-booking_date", "-slot_time")
    )


def provider_appointments(provider: Provider) -> QuerySet[Appointment]:
    return Appointment.objects.filter(provider=provider).select_related("service", "customer")


def provider_day_bookings(
    provider: Provider,
    *,
    day: date,
    status: str = "",
    service: Service | None = None,
    q: str = "",
) -> QuerySet[Appointment]:
    """The provider's bookings of ``day`` in serving order (slot time, then token), filtered by
    status, service and a customer name, email or token number (``q``)."""
    rows = provider_appointments(provider)
    if status:
        rows = rows.filter(status=status)
    if service:
        rows = rows.filter(service=service)
    term = (q or "").strip()
    if term:
        match = (
            Q(customer__name__icontains=term)
            | Q(customer__email__icontains=term)
            | Q(walk_in_name__icontains=term)
        )
        if term.isdigit():
            match |= Q(token_number=int(term))
        rows = rows.filter(match)
    return rows.filter(booking_date=day).order_by("slot_time", "token_number")


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


@dataclass(frozen=True)
class AppointmentQueue:
    """The live queue as one booking's customer sees it (only today, only while active)."""

    show: bool
    now_serving: int = 0
    place: QueuePlace | None = None


def appointment_queue(appointment: Appointment) -> AppointmentQueue:
    if appointment.booking_date != timezone.localdate() or not appointment.is_active:
        return AppointmentQueue(show=False)
    status = queue_status(appointment.provider)
    return AppointmentQueue(
        show=True, now_serving=status.now_serving, place=queue_place(appointment, status)
    )


def viewer_roles(appointment: Appointment, user) -> tuple[bool, bool]:
    """(is its customer, is its provider) for a user allowed to see ``appointment``."""
    is_customer = appointment.customer_id is not None and appointment.customer_id == user.pk
    return is_customer, appointment.provider.user_id == user.pk


def booking_documents(appointment: Appointment, *, for_shop: bool) -> list[Invoice]:
    """The invoice and credit note a booking made for its customer and, for the shop (and
    staff), also the platform's fee invoice and fee credit note: one query, oldest first."""
    kinds = [Invoice.Kind.BOOKING]
    if for_shop:
        kinds.append(Invoice.Kind.BOOKING_FEE)
    return list(
        Invoice.objects.filter(reference_id=appointment.fee_reference, kind__in=kinds)
        .only("pk", "number", "kind", "doc_type", "issued_at", "financial_year", "pdf")
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


def appointment_for_viewer(
    *, user, pk: int, queryset: QuerySet[Appointment] | None = None
) -> Appointment:
    """The booking if ``user`` is its customer, its provider or staff past their second factor
    (accounts.access); Http404 for anyone else, SecondFactorRequired for staff without it."""
    if queryset is None:
        queryset = Appointment.objects.select_related(
            "provider", "service", "customer", "provider__user"
        )
    appointment = get_object_or_404(queryset, pk=pk)
    check_private_access(
        user,
        customer_id=appointment.customer_id,
        provider_user_id=appointment.provider.user_id,
    )
    return appointment
