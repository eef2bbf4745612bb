"""Mail delivery, reminders and the next-free refresh, run by Celery beat (or cron)."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from post_office.mail import send_queued_mail_until_done
from post_office.models import STATUS, Attachment, Email

from accounts import push
from accounts.models import PushDelivery

from . import next_free, notifications, services
from .models import Appointment, Notification

logger = logging.getLogger(__name__)

REMINDERS = {"reminder_24h": timedelta(hours=24), "reminder_1h": timedelta(hours=1)}
_delivering = threading.local()
# One delivery run at a time in this process. post-office's lock file keeps other processes
# out, but it tells runs apart by process id, so two threads of one process (a threaded worker,
# deliveries after commit in a threaded web server) could both take it and send a batch twice.
_delivery_lock = threading.Lock()


@shared_task(name="bookings.tasks.deliver_mail")
def deliver_mail(lockfile: str | None = None) -> int:
    """Queue the recorded booking events' emails and pushes, send every due push (claimed one
    by one, retried later on a push-service failure), then every queued email that is due.

    post-office sends each message once and retries failures (MAIL_MAX_RETRIES every
    MAIL_RETRY_MINUTES); its lock file keeps overlapping runs of other processes on this host,
    and ``_delivery_lock`` those of other threads of this one, from sending the same batch.
    Returns how many booking events were queued (0 when another run is going on)."""
    if not _delivery_lock.acquire(blocking=False):
        logger.info("Another mail delivery run is going on in this process")
        return 0
    _delivering.active = True
    try:
        queued = notifications.queue_pending()
        try:
            push.send_due()
        except Exception:  # noqa: BLE001 - a push outage must not hold up the email
            logger.exception("Push delivery run failed; retried next run")
        send_queued_mail_until_done(lockfile or settings.MAIL_LOCKFILE)
    except FileExistsError:
        # Two runs raced for post-office's lock file in the same instant; the other one has it.
        logger.info("Another mail delivery run holds the lock")
    finally:
        _delivering.active = False
        _delivery_lock.release()
    return queued


@shared_task(name="bookings.tasks.cleanup_mail")
def cleanup_mail(days: int | None = None, batch: int = 500) -> int:
    """Delete queued-mail rows (sent or failed, with their logs and attachment files), sent or
    failed pushes and booking events older than MAIL_KEEP_DAYS; returns how many emails went.

    post-office's own `cleanup_mail` deletes with `IN (SELECT … LIMIT …)`, which MariaDB
    refuses (error 1235); here each batch's ids are read first."""
    cutoff = timezone.now() - timedelta(days=settings.MAIL_KEEP_DAYS if days is None else days)
    old = Email.objects.filter(created__lt=cutoff).exclude(
        status__in=[STATUS.queued, STATUS.requeued]
    )
    deleted = 0
    while ids := list(old.values_list("pk", flat=True)[:batch]):
        deleted += Email.objects.filter(pk__in=ids).delete()[1].get("post_office.Email", 0)
    while orphans := list(Attachment.objects.filter(emails=None)[:batch]):
        for attachment in orphans:
            attachment.file.delete(save=False)
        Attachment.objects.filter(pk__in=[a.pk for a in orphans]).delete()
    pushes_done = PushDelivery.objects.filter(created_at__lt=cutoff).exclude(
        status__in=[PushDelivery.Status.PENDING, PushDelivery.Status.SENDING]
    )
    while ids := list(pushes_done.values_list("pk", flat=True)[:batch]):
        PushDelivery.objects.filter(pk__in=ids).delete()
    notifications_done = Notification.objects.filter(queued_at__lt=cutoff)
    while ids := list(notifications_done.values_list("pk", flat=True)[:batch]):
        Notification.objects.filter(pk__in=ids).delete()
    return deleted


def deliver_after_commit(**kwargs) -> None:
    """Without a broker nothing runs beat: deliver right after the commit (never raising)."""
    if settings.MAIL_DELIVER_ON_COMMIT and not getattr(_delivering, "active", False):
        transaction.on_commit(deliver_mail, robust=True)


def claim_reminder(appointment_id: int, kind: str) -> bool:
    """Mark the reminder sent with a conditional UPDATE: only one caller ever wins."""
    column = f"{kind}_sent_at"
    return bool(
        Appointment.objects.filter(
            pk=appointment_id,
            status__in=Appointment.ACTIVE_STATUSES,
            **{f"{column}__isnull": True},
        ).update(**{column: timezone.now()})
    )


def due_reminders(now=None) -> list[tuple[int, str]]:
    """(appointment id, reminder kind) pairs due now: the slot starts within the reminder's lead
    time and that reminder has not gone out. Only the nearer reminder is sent when both are due."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    rows = Appointment.objects.filter(
        status__in=Appointment.ACTIVE_STATUSES,
        customer__isnull=False,
        booking_date__range=(local.date(), (local + timedelta(days=2)).date()),
    ).filter(Q(reminder_24h_sent_at__isnull=True) | Q(reminder_1h_sent_at__isnull=True))
    due = []
    for appt in rows.only(
        "pk", "booking_date", "slot_time", "reminder_24h_sent_at", "reminder_1h_sent_at"
    ):
        lead = appt.starts_at - now
        if lead <= timedelta(0):
            continue
        if lead <= REMINDERS["reminder_1h"]:
            if appt.reminder_1h_sent_at is None:
                due.append((appt.pk, "reminder_1h"))
        elif lead <= REMINDERS["reminder_24h"] and appt.reminder_24h_sent_at is None:
            due.append((appt.pk, "reminder_24h"))
    return due


@shared_task
def send_reminders() -> int:
    """Queue every due reminder once, even when two runs overlap; returns how many were queued.

    The claim and the recorded event are one transaction; the mail worker renders its email and
    pushes (``notifications.queue_pending``), each once."""
    sent = 0
    for appointment_id, kind in due_reminders():
        try:
            with transaction.atomic():
                if not claim_reminder(appointment_id, kind):
                    continue
                if kind == "reminder_1h":
                    # A booking made less than a day ahead never needs the 24-hour reminder.
                    claim_reminder(appointment_id, "reminder_24h")
                notifications.notify(appointment_id=appointment_id, event=kind)
            sent += 1
        except Exception:  # noqa: BLE001 - one bad booking must not stop the others
            logger.exception("Reminder %s for appointment %s failed", kind, appointment_id)
    return sent


@shared_task
def refresh_next_free() -> int:
    """Recompute every public shop's soonest free slot for the "soonest" search sort."""
    return next_free.refresh()


@shared_task
def expire_pending() -> int:
    """Expire pending bookings whose slot has begun unconfirmed; returns how many."""
    return len(services.appointments_expire())
