"""Exactly one push per event and device when reminder runs, queue advances and worker runs
overlap: real threads on MariaDB (row locks and conditional UPDATEs, as in production)."""

import threading
from collections import Counter
from datetime import date, time
from decimal import Decimal

import pytest
from django.db import connection

from accounts import push
from accounts.models import PushDelivery
from accounts.tests.factories import CustomerFactory
from accounts.tests.push_service import subscribe
from bookings import notifications, services, tasks
from wallet.services import credit

pytestmark = [
    pytest.mark.mariadb,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen"),
]

MONDAY = date(2026, 12, 7)


def together(*jobs) -> list:
    """Run every job in its own thread, released at the same instant; return their results."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def target(i, job):
        try:
            barrier.wait()
            results[i] = job()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def worker() -> int:
    """The worker's push part: record events as pushes, then send what is due."""
    notifications.queue_pending()
    return push.send_due()["sent"]


@pytest.fixture
def shop(service):
    service.provider.auto_confirm = True
    service.provider.save()
    credit(provider=service.provider, amount=Decimal("900"), kind="adjustment", reference_id="s")
    return service


def booked(shop, hours, push_service):
    appts = []
    for hour in hours:
        appt = services.appointment_book(
            customer=CustomerFactory(), service=shop, booking_date=MONDAY, slot_time=time(hour)
        )
        for device in ("phone", "laptop"):
            subscribe(appt.customer, push_service.browser(f"{appt.pk}-{device}"))
        appts.append(appt)
    worker()  # the "created" events (no customer push: they booked it themselves)
    push_service.received.clear()
    return appts


def test_overlapping_reminder_and_worker_runs_push_each_reminder_once_per_device(
    shop, push_service
):
    appts = booked(shop, (14, 15, 16, 17), push_service)
    results = together(*[tasks.send_reminders] * 4, *[worker] * 4)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results[:4]) == len(appts)
    together(*[worker] * 4)  # whatever the first round left due
    per_device = Counter(r.browser for r in push_service.received if r.status == 201)
    assert per_device == Counter({f"{a.pk}-{d}": 1 for a in appts for d in ("phone", "laptop")})
    assert all(p["title"] == "Your booking is tomorrow" for p in push_service.delivered())


def test_overlapping_queue_advances_send_turn_near_once_per_device(shop, push_service):
    owner = shop.provider.user
    appts = booked(shop, (9, 10, 11, 12, 14, 15), push_service)

    def advance():
        return services.queue_advance(provider=shop.provider, actor=owner, day=MONDAY)

    results = together(advance, advance, worker, worker)
    assert not [r for r in results if isinstance(r, Exception)], results
    together(worker, worker, worker)
    near = Counter(
        r.browser for r in push_service.received if r.payload["title"] == "Your turn is near"
    )
    # Two calls: tokens 1 and 2 are called; 2, 3 and 4 were each two or fewer places away.
    expected = {f"{a.pk}-{d}": 1 for a in appts[1:4] for d in ("phone", "laptop")}
    assert near == Counter(expected)


def test_concurrent_senders_claim_each_delivery_once(shop, push_service):
    appts = booked(shop, (9, 10, 11), push_service)
    for appt in appts:
        services.appointment_reschedule(
            appointment=appt, actor=owner_of(shop), booking_date=MONDAY, slot_time=later(appt)
        )
    notifications.queue_pending()
    due = PushDelivery.objects.filter(status=PushDelivery.Status.PENDING).count()
    assert due == 6
    results = together(*[lambda: push.send_due()["sent"]] * 6)
    assert sum(results) == 6
    assert len(push_service.received) == 6
    assert PushDelivery.objects.filter(status=PushDelivery.Status.SENT).count() == 6


def owner_of(shop):
    return shop.provider.user


def later(appt):
    return time(appt.slot_time.hour, 30)
