"""Fraud rules: each finds subjects over its threshold (settings ``FRAUD_*``) and raises a flag.

Every rule is one function ``find_<rule>(*, now, <subject>=None) -> list[Hit]`` written as
aggregate queries. The event receivers (``adminpanel.receivers``) call it for the one subject the
event concerns; the periodic scan (``scan``) calls it for everyone. Either way ``raise_flag``
keeps one open flag per rule and subject, refreshing its evidence, and does not reopen a case
that staff already reviewed unless something new happened after the review.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Min, Q, Sum
from django.utils import timezone

from accounts.models import Device, LoginLog
from bookings.models import Appointment
from providers.models import Provider

from .models import FraudEvent, FraudFlag

logger = logging.getLogger(__name__)

Rule = FraudFlag.Rule


@dataclass
class Hit:
    """One subject over a rule's threshold, with what proves it."""

    rule: str
    subject_key: str
    last_event_at: datetime
    evidence: dict = field(default_factory=dict)
    user_id: int | None = None
    provider_id: int | None = None


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


# --- Flags ---------------------------------------------------------------------------------


def raise_flag(hit: Hit) -> FraudFlag | None:
    """Open a flag for ``hit`` or refresh the open one; None if staff already reviewed it.

    A reviewed flag (dismissed or actioned) for the same subject suppresses a new one until an
    event newer than the review arrives, so the periodic scan does not reopen settled cases.
    """
    key = FraudFlag.make_open_key(hit.rule, hit.subject_key)
    evidence = {**hit.evidence, "last_event_at": _iso(hit.last_event_at)}
    now = timezone.now()
    with transaction.atomic():
        flag = FraudFlag.objects.select_for_update().filter(open_key=key).first()
        if flag is not None:
            flag.evidence = evidence
            flag.updated_at = now
            flag.save(update_fields=["evidence", "updated_at"])
            return flag
        reviewed_since = FraudFlag.objects.filter(
            rule=hit.rule,
            subject_key=hit.subject_key,
            open_key__isnull=True,
            reviewed_at__gte=hit.last_event_at,
        ).exists()
        if reviewed_since:
            return None
        try:
            with transaction.atomic():
                flag = FraudFlag.objects.create(
                    rule=hit.rule,
                    subject_key=hit.subject_key,
                    user_id=hit.user_id,
                    provider_id=hit.provider_id,
                    evidence=evidence,
                    open_key=key,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:
            # Another process opened the same flag a moment ago: that one stands.
            return FraudFlag.objects.get(open_key=key)
    logger.warning("Fraud flag raised: %s %s", hit.rule, hit.subject_key)
    return flag


def raise_flags(hits: list[Hit]) -> list[FraudFlag]:
    return [flag for hit in hits if (flag := raise_flag(hit)) is not None]


# --- Failed logins across accounts from one IP ----------------------------------------------


def find_failed_logins(*, now: datetime | None = None, ip: str | None = None) -> list[Hit]:
    """IPs with at least FRAUD_FAILED_LOGINS failed logins over at least
    FRAUD_FAILED_LOGIN_ACCOUNTS different identifiers within the window (from login_logs)."""
    now = now or timezone.now()
    since = now - settings.FRAUD_FAILED_LOGIN_WINDOW
    failures = LoginLog.objects.filter(
        status=LoginLog.Status.FAILED,
        ip_address__isnull=False,
        created_at__gte=since,
        created_at__lte=now,
    )
    if ip is not None:
        failures = failures.filter(ip_address=ip)
    rows = list(
        failures.values("ip_address")
        .annotate(
            failures=Count("id"),
            accounts=Count("identifier", distinct=True),
            first=Min("created_at"),
            last=Max("created_at"),
        )
        .filter(
            failures__gte=settings.FRAUD_FAILED_LOGINS,
            accounts__gte=settings.FRAUD_FAILED_LOGIN_ACCOUNTS,
        )
        .order_by("ip_address")
    )
    if not rows:
        return []
    # The identifiers tried, for the reviewer: one more query for all flagged IPs together.
    tried: dict[str, list[str]] = {}
    pairs = (
        failures.filter(ip_address__in=[row["ip_address"] for row in rows])
        .values_list("ip_address", "identifier")
        .distinct()
        .order_by("ip_address", "identifier")
    )
    for address, identifier in pairs:
        tried.setdefault(address, []).append(identifier)
    return [
        Hit(
            rule=Rule.FAILED_LOGINS_IP,
            subject_key=f"ip:{row['ip_address']}",
            last_event_at=row["last"],
            evidence={
                "ip": row["ip_address"],
                "failures": row["failures"],
                "accounts": row["accounts"],
                "identifiers": tried.get(row["ip_address"], [])[:25],
                "threshold": {
                    "failures": settings.FRAUD_FAILED_LOGINS,
                    "accounts": settings.FRAUD_FAILED_LOGIN_ACCOUNTS,
                },
                "window_minutes": int(settings.FRAUD_FAILED_LOGIN_WINDOW.total_seconds() // 60),
                "first_at": _iso(row["first"]),
            },
        )
        for row in rows
    ]


# --- Many accounts on one device -------------------------------------------------------------


def find_shared_devices(*, now: datetime | None = None, device_id: str | None = None) -> list[Hit]:
    """Device cookies that at least FRAUD_DEVICE_ACCOUNTS different accounts signed in from."""
    devices = Device.objects.exclude(device_id="")
    if device_id is not None:
        devices = devices.filter(device_id=device_id)
    rows = list(
        devices.values("device_id")
        .annotate(accounts=Count("user", distinct=True), last=Max("first_seen_at"))
        .filter(accounts__gte=settings.FRAUD_DEVICE_ACCOUNTS)
        .order_by("device_id")
    )
    if not rows:
        return []
    emails: dict[str, list[str]] = {}
    pairs = (
        devices.filter(device_id__in=[row["device_id"] for row in rows])
        .values_list("device_id", "user__email")
        .order_by("device_id", "user__email")
    )
    for dev, email in pairs:
        emails.setdefault(dev, []).append(email)
    return [
        Hit(
            rule=Rule.SHARED_DEVICE,
            subject_key=f"device:{row['device_id']}",
            last_event_at=row["last"],
            evidence={
                "device_id": row["device_id"],
                "accounts": row["accounts"],
                "emails": emails.get(row["device_id"], [])[:25],
                "threshold": settings.FRAUD_DEVICE_ACCOUNTS,
            },
        )
        for row in rows
    ]


# --- Payment signature mismatches ----------------------------------------------------------


def record_signature_failure(*, provider: Provider | None, ip: str | None, source: str) -> None:
    """Count a bad payment signature (callback or webhook) in its source's row for this hour,
    so the rule can count them and a flood of forgeries writes one row, not one each."""
    now = timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    source = (source or "")[:32]
    key = f"{source}:{provider.pk if provider else '-'}:{ip or '-'}"[:128]
    kind = FraudEvent.Kind.PAYMENT_SIGNATURE_INVALID
    bucket = FraudEvent.objects.filter(kind=kind, bucket_key=key, created_at=hour)
    if bucket.update(count=F("count") + 1, last_at=now):
        return
    try:
        with transaction.atomic():
            FraudEvent.objects.create(
                kind=kind,
                provider=provider,
                ip_address=ip or None,
                source=source,
                bucket_key=key,
                created_at=hour,
                last_at=now,
            )
    except IntegrityError:  # a concurrent request created this hour's row first
        bucket.update(count=F("count") + 1, last_at=now)
        return
    logger.warning("fraud: first bad payment signature this hour from %s", key)


def find_signature_failures(
    *, now: datetime | None = None, provider: Provider | None = None
) -> list[Hit]:
    """Providers with at least FRAUD_SIGNATURE_FAILURES bad payment signatures in the window."""
    now = now or timezone.now()
    since = now - settings.FRAUD_SIGNATURE_WINDOW
    events = FraudEvent.objects.filter(
        kind=FraudEvent.Kind.PAYMENT_SIGNATURE_INVALID,
        provider__isnull=False,
        created_at__gte=since,
        created_at__lte=now,
    )
    if provider is not None:
        events = events.filter(provider=provider)
    rows = (
        events.values("provider_id", "provider__user_id")
        .annotate(
            failures=Sum("count"),
            ips=Count("ip_address", distinct=True),
            first=Min("created_at"),
            last=Max("last_at"),
        )
        .filter(failures__gte=settings.FRAUD_SIGNATURE_FAILURES)
        .order_by("provider_id")
    )
    return [
        Hit(
            rule=Rule.PAYMENT_SIGNATURE,
            subject_key=f"provider:{row['provider_id']}",
            provider_id=row["provider_id"],
            user_id=row["provider__user_id"],
            last_event_at=row["last"],
            evidence={
                "failures": row["failures"],
                "distinct_ips": row["ips"],
                "threshold": settings.FRAUD_SIGNATURE_FAILURES,
                "window_hours": round(settings.FRAUD_SIGNATURE_WINDOW.total_seconds() / 3600, 1),
                "first_at": _iso(row["first"]),
            },
        )
        for row in rows
    ]


# --- Cancellations -------------------------------------------------------------------------

Status = Appointment.Status
Actor = Appointment.Actor


def find_provider_cancellations(
    *, now: datetime | None = None, provider: Provider | None = None
) -> list[Hit]:
    """Providers that cancelled at least FRAUD_PROVIDER_CANCEL_RATE of the (at least
    FRAUD_PROVIDER_CANCEL_MIN_BOOKINGS) bookings made with them in the window."""
    now = now or timezone.now()
    since = now - settings.FRAUD_PROVIDER_CANCEL_WINDOW
    appointments = Appointment.objects.filter(created_at__gte=since, created_at__lte=now)
    if provider is not None:
        appointments = appointments.filter(provider=provider)
    by_provider = Q(status=Status.CANCELLED, cancelled_by_role=Actor.PROVIDER)
    rows = (
        appointments.values("provider_id", "provider__user_id")
        .annotate(
            total=Count("id"),
            cancelled=Count("id", filter=by_provider),
            last=Max("cancelled_at", filter=by_provider),
        )
        .filter(total__gte=settings.FRAUD_PROVIDER_CANCEL_MIN_BOOKINGS, cancelled__gt=0)
        .order_by("provider_id")
    )
    rate = settings.FRAUD_PROVIDER_CANCEL_RATE
    hits = []
    for row in rows:
        # Compared in integers (cancelled / total >= rate) so no rounding moves the threshold.
        if row["cancelled"] < rate * row["total"]:
            continue
        hits.append(
            Hit(
                rule=Rule.PROVIDER_CANCELLATIONS,
                subject_key=f"provider:{row['provider_id']}",
                provider_id=row["provider_id"],
                user_id=row["provider__user_id"],
                last_event_at=row["last"],
                evidence={
                    "bookings": row["total"],
                    "cancelled_by_provider": row["cancelled"],
                    "share": f"{row['cancelled'] / row['total']:.0%}",
                    "threshold": f"{rate:.0%}",
                    "min_bookings": settings.FRAUD_PROVIDER_CANCEL_MIN_BOOKINGS,
                    "window_days": settings.FRAUD_PROVIDER_CANCEL_WINDOW.days,
                },
            )
        )
    return hits


def find_customer_cancellations(*, now: datetime | None = None, customer=None) -> list[Hit]:
    """Customers who cancelled at least FRAUD_CUSTOMER_CANCELLATIONS bookings in the window."""
    now = now or timezone.now()
    since = now - settings.FRAUD_CUSTOMER_CANCEL_WINDOW
    appointments = Appointment.objects.filter(
        customer__isnull=False,
        status=Status.CANCELLED,
        cancelled_by_role=Actor.CUSTOMER,
        cancelled_at__gte=since,
        cancelled_at__lte=now,
    )
    if customer is not None:
        appointments = appointments.filter(customer=customer)
    rows = (
        appointments.values("customer_id")
        .annotate(
            cancelled=Count("id"),
            providers=Count("provider", distinct=True),
            first=Min("cancelled_at"),
            last=Max("cancelled_at"),
        )
        .filter(cancelled__gte=settings.FRAUD_CUSTOMER_CANCELLATIONS)
        .order_by("customer_id")
    )
    return [
        Hit(
            rule=Rule.CUSTOMER_CANCELLATIONS,
            subject_key=f"user:{row['customer_id']}",
            user_id=row["customer_id"],
            last_event_at=row["last"],
            evidence={
                "cancelled": row["cancelled"],
                "providers": row["providers"],
                "threshold": settings.FRAUD_CUSTOMER_CANCELLATIONS,
                "window_days": settings.FRAUD_CUSTOMER_CANCEL_WINDOW.days,
                "first_at": _iso(row["first"]),
            },
        )
        for row in rows
    ]


# --- Everything at once (the periodic task and the management command) ---------------------

RULES = {
    Rule.FAILED_LOGINS_IP: find_failed_logins,
    Rule.SHARED_DEVICE: find_shared_devices,
    Rule.PAYMENT_SIGNATURE: find_signature_failures,
    Rule.PROVIDER_CANCELLATIONS: find_provider_cancellations,
    Rule.CUSTOMER_CANCELLATIONS: find_customer_cancellations,
}


def scan(*, now: datetime | None = None) -> dict[str, int]:
    """Run every rule over all subjects; return how many flags each opened or refreshed."""
    now = now or timezone.now()
    return {rule: len(raise_flags(find(now=now))) for rule, find in RULES.items()}
