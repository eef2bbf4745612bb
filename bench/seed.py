"""Seed the benchmark database at a realistic scale with multi-row INSERTs.

Scale 1.0: 10,000 approved providers, 40,000 services, 1,000,000 appointments over 90 days
(60 past, 30 ahead), 50,000 customers, and one provider ("the bench provider") with a 5,000-row
wallet history and a fully booked day tomorrow. Rows are written through each model's own table
and column names (read from the model), so the seed follows the schema as it evolves.

The data keeps the site's invariants: tokens 1..n per provider and day, appointments of one
provider never overlap beyond its capacity, every wallet balance equals its ledger.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, models
from django.utils import timezone

BATCH = 5_000
PASSWORD = "bench-pass-2026"  # noqa: S105 - a throwaway benchmark database
CITIES = [
    "Bengaluru", "Mumbai", "Delhi", "Chennai", "Hyderabad", "Pune", "Kolkata", "Ahmedabad",
    "Jaipur", "Lucknow", "Kochi", "Indore", "Chandigarh", "Bhopal", "Nagpur", "Surat",
    "Coimbatore", "Mysuru", "Vadodara", "Visakhapatnam",
]  # fmt: skip
CATEGORIES = [
    ("Salon & Spa", "salon-spa", "💇"), ("Clinic", "clinic", "🩺"), ("Dental", "dental", "🦷"),
    ("Tutor", "tutor", "📚"), ("Repair", "repair", "🔧"), ("Fitness", "fitness", "🏋"),
    ("Pet care", "pet-care", "🐾"), ("Photography", "photography", "📷"),
    ("Tailor", "tailor", "🧵"), ("Legal & tax", "legal-tax", "⚖"),
]  # fmt: skip
SERVICE_DURATIONS = (15, 30, 45, 60)
OPEN, CLOSE = time(9), time(21)
# Seeded appointments end by 19:00; 19:00–21:00 stays free for the booking POSTs.
SEED_UNTIL = time(19)
DAYS_PAST, DAYS_AHEAD = 60, 30


@dataclass
class Seeded:
    scale: float
    providers: int
    services: int
    customers: int
    appointments: int = 0
    wallet_rows: int = 0
    bench_provider_slug: str = ""
    bench_service_id: int = 0
    busy_day: str = ""
    categories: dict[str, int] = field(default_factory=dict)


def _db_value(value):
    """Values as the MySQL driver takes them: aware datetimes become naive UTC."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def insert(model: type[models.Model], rows: Iterable[dict], *, with_pk: bool = False) -> int:
    """INSERT ``rows`` (attname -> value) into ``model``'s table in batches. Columns the rows
    leave out get the field's default; auto_now fields get now."""
    now = timezone.now()
    fields = [
        f
        for f in model._meta.concrete_fields
        if not getattr(f, "generated", False) and (with_pk or not f.primary_key)
    ]
    defaults = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = _db_value(now)
        elif f.has_default():
            defaults[f.attname] = _db_value(f.get_default())
        elif f.null:
            defaults[f.attname] = None
        elif f.blank and f.empty_strings_allowed:
            defaults[f.attname] = ""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - names from models
    names = [f.attname for f in fields]
    total = 0
    batch: list[tuple] = []
    with connection.cursor() as cursor:
        for row in rows:
            try:
                batch.append(tuple(_db_value(row[n]) if n in row else defaults[n] for n in names))
            except KeyError as missing:
                raise ValueError(f"{model.__name__}: no value or default for {missing}") from None
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                total += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            total += len(batch)
    return total


def _chunks(n: int, size: int) -> Iterator[range]:
    for start in range(0, n, size):
        yield range(start, min(n, start + size))


def seed(scale: float, *, seed_value: int = 2026, log=print) -> Seeded:
    from allauth.account.models import EmailAddress

    from accounts.models import User
    from bookings.models import Appointment
    from providers.models import Category, Provider, Service, WorkingHours
    from wallet.models import WalletTransaction

    rng = random.Random(seed_value)
    n_providers = max(20, round(10_000 * scale))
    n_services = max(n_providers, round(40_000 * scale))
    n_appointments = max(1_000, round(1_000_000 * scale))
    n_customers = max(100, round(50_000 * scale))
    info = Seeded(scale, n_providers, n_services, n_customers)
    now = timezone.now()
    today = timezone.localdate()
    password = make_password(PASSWORD)

    with connection.cursor() as cursor:
        cursor.execute("SET foreign_key_checks = 0")
        cursor.execute("SET unique_checks = 0")

    for name, slug, icon in CATEGORIES:
        category, _ = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "icon": icon, "is_active": True}
        )
        info.categories[slug] = category.pk
    category_ids = list(info.categories.values())

    # Users: providers first (ids 1..P), then customers (P+1..P+C).
    log(f"  users: {n_providers:,} providers + {n_customers:,} customers")

    def users() -> Iterator[dict]:
        for i in range(1, n_providers + n_customers + 1):
            is_provider = i <= n_providers
            yield {
                "id": i,
                "name": f"{'Provider' if is_provider else 'Customer'} {i}",
                "email": f"{'provider' if is_provider else 'customer'}{i}@bench.example.in",
                "password": password,
                "role": User.Role.PROVIDER if is_provider else User.Role.CUSTOMER,
                "email_verified": True,
                "created_at": now - timedelta(days=120),
            }

    insert(User, users(), with_pk=True)
    insert(
        EmailAddress,
        (
            {"user_id": i, "email": e, "verified": True, "primary": True}
            for i, e in User.objects.values_list("id", "email").iterator()
        ),
    )

    log(f"  providers: {n_providers:,}")
    provider_capacity: dict[int, int] = {}

    def providers() -> Iterator[dict]:
        for i in range(1, n_providers + 1):
            capacity = 3 if i == 1 else rng.choice((1, 1, 1, 2, 3))
            provider_capacity[i] = capacity
            yield {
                "id": i,
                "user_id": i,
                "shop_name": f"Bench Shop {i}",
                "slug": f"bench-shop-{i}",
                "category_id": category_ids[i % len(category_ids)],
                "address": f"{i} Main Road",
                "area": "Central",
                "city": CITIES[(i // len(category_ids)) % len(CITIES)],
                "pincode": "560001",
                "status": Provider.Status.APPROVED,
                "status_changed_at": now - timedelta(days=100),
                "wallet_balance": Decimal("1000.00"),
                "slot_step_minutes": 15,
                "capacity": capacity,
                "min_notice_minutes": 60,
                "max_days_ahead": DAYS_AHEAD - 1,
                "auto_confirm": False,
                "created_at": now - timedelta(days=110),
            }

    insert(Provider, providers(), with_pk=True)
    insert(
        WorkingHours,
        (
            {"provider_id": p, "weekday": d, "start_time": OPEN, "end_time": CLOSE}
            for p in range(1, n_providers + 1)
            for d in range(7)
        ),
    )

    # Services: the first of each provider is its 15-minute one (what the POSTs book).
    log(f"  services: {n_services:,}")
    per_provider = [1] * n_providers
    for _ in range(n_services - n_providers):
        per_provider[rng.randrange(n_providers)] += 1
    services_of: dict[int, list[tuple[int, int, Decimal]]] = {}

    def services() -> Iterator[dict]:
        sid = 0
        for p in range(1, n_providers + 1):
            for k in range(per_provider[p - 1]):
                sid += 1
                duration = 15 if k == 0 else rng.choice(SERVICE_DURATIONS)
                rate = Decimal(rng.randrange(100, 3000, 50))
                services_of.setdefault(p, []).append((sid, duration, rate))
                yield {
                    "id": sid,
                    "provider_id": p,
                    "service_name": f"Service {k + 1}",
                    "category_id": category_ids[p % len(category_ids)],
                    "rate": rate,
                    "duration_minutes": duration,
                    "is_active": True,
                    "created_at": now - timedelta(days=100),
                }

    insert(Service, services(), with_pk=True)

    # Appointments: spread over providers and 90 days; each provider's day is a run of
    # non-overlapping bookings from 09:00, tokens 1..n. Tomorrow is full for provider 1.
    log(f"  appointments: {n_appointments:,} over {DAYS_PAST + DAYS_AHEAD} days")
    days = [today + timedelta(days=d) for d in range(-DAYS_PAST, DAYS_AHEAD)]
    busy_day = today + timedelta(days=1)
    info.bench_provider_slug = "bench-shop-1"
    info.bench_service_id = services_of[1][0][0]
    info.busy_day = busy_day.isoformat()
    S = Appointment.Status
    first_customer = n_providers + 1

    def day_of(provider: int, day: date, fill: bool) -> Iterator[dict]:
        cursor_min = 9 * 60 + (0 if fill else rng.choice((0, 15, 30, 60, 120)))
        limit = SEED_UNTIL.hour * 60
        token = 0
        lanes = provider_capacity[provider] if fill else 1
        while True:
            sid, duration, rate = rng.choice(services_of[provider])
            if cursor_min + duration > limit:
                return
            for _lane in range(lanes):
                token += 1
                start = time(cursor_min // 60, cursor_min % 60)
                end_min = cursor_min + duration
                if day < today:
                    status = rng.choices((S.COMPLETED, S.CANCELLED, S.CONFIRMED), (85, 10, 5))[0]
                else:
                    status = rng.choices((S.PENDING, S.CONFIRMED, S.CANCELLED), (40, 50, 10))[0]
                created = timezone.make_aware(datetime.combine(day, time(8))) - timedelta(
                    days=rng.randrange(1, 20)
                )
                yield {
                    "customer_id": rng.randrange(first_customer, first_customer + n_customers),
                    "provider_id": provider,
                    "service_id": sid,
                    "token_number": token,
                    "booking_date": day,
                    "slot_time": start,
                    "end_time": time(end_min // 60, end_min % 60),
                    "status": status,
                    "locked_price": rate,
                    "created_at": created,
                    "confirmed_at": created if status in (S.CONFIRMED, S.COMPLETED) else None,
                    "completed_at": created if status == S.COMPLETED else None,
                    "cancelled_at": created if status == S.CANCELLED else None,
                }
            if fill:
                cursor_min += duration
            else:
                cursor_min += duration + rng.choice((0, 0, 15, 30, 45, 90))
            if not fill and rng.random() < 0.35:
                return

    def appointments() -> Iterator[dict]:
        produced = 0
        seen = {(1, busy_day)}
        yield from day_of(1, busy_day, fill=True)
        while produced < n_appointments:
            key = (rng.randrange(1, n_providers + 1), rng.choice(days))
            if key in seen:  # one run per provider and day keeps tokens 1..n
                continue
            seen.add(key)
            for row in day_of(*key, fill=False):
                produced += 1
                yield row
                if produced >= n_appointments:
                    break

    info.appointments = insert(Appointment, appointments())

    # The bench provider's wallet: 5,000 ledger rows whose running balance ends at its balance.
    log("  wallet: 5,000 transactions for the bench provider")
    WT = WalletTransaction
    balance = Decimal("0.00")
    ledger = []
    start = now - timedelta(days=DAYS_PAST)
    for i in range(5_000):
        if i % 10 == 0 or balance < Decimal("10.00"):
            kind, kind_type, amount = WT.Kind.TOPUP, WT.Type.CREDIT, Decimal("500.00")
        else:
            kind, kind_type, amount = WT.Kind.BOOKING_FEE, WT.Type.DEBIT, Decimal("5.00")
        balance += amount if kind_type == WT.Type.CREDIT else -amount
        ledger.append(
            {
                "user_id": 1,
                "type": kind_type,
                "kind": kind,
                "amount": amount,
                "balance_after": balance,
                "reference_id": f"bench-{i}",
                "notes": "",
                "created_at": start + timedelta(minutes=17 * i),
            }
        )
    info.wallet_rows = insert(WT, ledger)
    Provider.objects.filter(pk=1).update(wallet_balance=balance)
    # Every other provider's 1,000.00 opening balance is one top-up row, so ledgers add up.
    insert(
        WT,
        (
            {
                "user_id": p,
                "type": WT.Type.CREDIT,
                "kind": WT.Kind.TOPUP,
                "amount": Decimal("1000.00"),
                "balance_after": Decimal("1000.00"),
                "reference_id": f"bench-open-{p}",
                "created_at": now - timedelta(days=100),
            }
            for p in range(2, n_providers + 1)
        ),
    )

    # The bench provider's completed bookings have their invoices, issued as their confirmation
    # would have (rows inserted in bulk skip the events that issue them; downloads never write).
    log("  invoices of the bench provider's completed bookings")
    from bookings.invoices import booking_invoice_issue

    bench_shop = Provider.objects.get(pk=1)
    completed = Appointment.objects.filter(
        provider_id=1, status=Appointment.Status.COMPLETED
    ).select_related("service", "customer")
    for appointment in completed.iterator():
        booking_invoice_issue(appointment=appointment, provider=bench_shop)

    log("  soonest free slot of every shop (as the minutely refresh keeps it)")
    from django.core.management import CommandError, call_command

    try:
        call_command("refresh_next_free", verbosity=0)
    except CommandError:  # a site that no longer keeps a soonest-slot column
        log("  (no refresh_next_free command: skipped)")

    with connection.cursor() as cursor:
        cursor.execute("SET unique_checks = 1")
        cursor.execute("SET foreign_key_checks = 1")
        for model in (User, Provider, Service, Appointment, WalletTransaction):
            cursor.execute(f"ANALYZE TABLE {connection.ops.quote_name(model._meta.db_table)}")
            cursor.fetchall()
    return info


def free_booking_slots(info: Seeded, count: int, *, seed_value: int = 7) -> list[tuple]:
    """Distinct (provider slug, service id, date, time) slots no seeded booking touches:
    19:00–20:45 on days 1..28 ahead, for providers other than the bench provider."""
    from bookings.models import Appointment
    from providers.models import Service

    rng = random.Random(seed_value)
    today = timezone.localdate()
    first_service = {}
    for pid, sid in (
        Service.objects.filter(duration_minutes=15)
        .order_by("provider_id", "id")
        .values_list("provider_id", "id")
    ):
        first_service.setdefault(pid, sid)
    # Earlier runs on the same seed booked some of these: leave those out.
    taken = {
        (pid, (day - today).days, t.hour * 60 + t.minute)
        for pid, day, t in Appointment.objects.filter(
            slot_time__gte=SEED_UNTIL, booking_date__gt=today
        ).values_list("provider_id", "booking_date", "slot_time")
    }
    candidates = [
        (pid, d, m)
        for pid in first_service
        if pid != 1
        for d in range(2, DAYS_AHEAD - 1)
        for m in range(19 * 60, 21 * 60, 15)
        if (pid, d, m) not in taken
    ]
    picked = rng.sample(candidates, min(count, len(candidates)))
    return [
        (
            f"bench-shop-{pid}",
            first_service[pid],
            (today + timedelta(days=d)).isoformat(),
            f"{m // 60:02d}:{m % 60:02d}",
        )
        for pid, d, m in picked
    ]
