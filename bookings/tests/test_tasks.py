"""Booking emails (HTML + text + .ics) and reminders that go out exactly once."""

import threading
from datetime import date, time, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from accounts.tests.factories import CustomerFactory
from bookings import services, tasks
from bookings.models import Appointment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

TUESDAY = date(2026, 12, 8)


def book(service, at=time(10), day=date(2026, 12, 7)):
    return services.appointment_book(
        customer=CustomerFactory(), service=service, booking_date=day, slot_time=at
    )


def test_created_email_goes_to_customer_and_provider_with_html_and_ics(service, deliver_mail):
    appt = book(service)
    outbox = deliver_mail()
    assert len(outbox) == 2
    to_customer = next(m for m in outbox if m.to == [appt.customer.email])
    to_provider = next(m for m in outbox if m.to == [service.provider.user.email])
    assert "token 1" in to_customer.subject
    assert "New booking" in to_provider.subject
    assert to_customer.alternatives[0].mimetype == "text/html"
    name, body, mimetype = to_customer.attachments[0]
    assert name.endswith(".ics") and mimetype.startswith("text/calendar")
    assert "DTSTART:20261207T043000Z" in body
    assert "Token: 1" in to_customer.body


def test_emails_are_queued_in_the_transaction_and_sent_only_by_the_worker(
    service, django_capture_on_commit_callbacks, deliver_mail
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        appt = book(service)
    assert mail.outbox == []
    # The event is a row written with the booking; nothing about mail waits for the commit.
    assert list(appt.notifications.values_list("event", flat=True)) == ["created"]
    assert callbacks == []
    assert len(deliver_mail()) == 2
    assert len(deliver_mail()) == 2, "a second run sends nothing again"


def test_a_rolled_back_booking_queues_no_email(service, deliver_mail):
    with pytest.raises(RuntimeError), transaction.atomic():
        book(service, at=time(10))
        raise RuntimeError("a later step of the same transaction failed")
    assert deliver_mail() == []


def test_the_event_remembers_who_caused_it_and_their_language(service):
    with translation.override("hi"):
        appt = book(service)
    (notification,) = appt.notifications.all()
    assert (notification.actor, notification.language) == (appt.customer, "hi")


@pytest.mark.parametrize("event", ["confirmed", "cancelled", "rescheduled"])
def test_transition_emails(service, event, django_capture_on_commit_callbacks, deliver_mail):
    from wallet.services import credit

    credit(provider=service.provider, amount=500, kind="adjustment", reference_id="seed")
    appt = book(service)
    deliver_mail().clear()
    owner = service.provider.user
    with django_capture_on_commit_callbacks(execute=True):
        if event == "confirmed":
            services.appointment_confirm(appointment=appt, actor=owner)
        elif event == "cancelled":
            services.appointment_cancel(appointment=appt, actor=owner, reason="Power cut")
        else:
            services.appointment_reschedule(
                appointment=appt, actor=appt.customer, booking_date=TUESDAY, slot_time=time(11)
            )
    subjects = [m.subject for m in deliver_mail()]
    assert len(subjects) == 2
    word = {"confirmed": "confirmed", "cancelled": "cancelled", "rescheduled": "moved"}[event]
    assert all(word in s for s in subjects)
    if event == "cancelled":
        assert "Power cut" in mail.outbox[0].body
        assert "METHOD:CANCEL" in mail.outbox[0].attachments[0][1]


def test_reminders_24h_and_1h_are_sent_once(service, frozen, deliver_mail):
    appt = book(service, at=time(10), day=TUESDAY)
    later_today = book(service, at=time(16))
    deliver_mail().clear()
    # Monday 07:00: Tuesday 10:00 is 27 h away, 16:00 today is 9 h away (24 h reminder due).
    assert tasks.send_reminders() == 1
    assert tasks.send_reminders() == 0
    outbox = deliver_mail()
    assert [m.to for m in outbox] == [[later_today.customer.email]]
    assert outbox[0].attachments[0][0].endswith(".ics")
    frozen.move_to("2026-12-07T10:30+05:30")  # Tuesday 10:00 is now 23.5 h away
    call_command("send_reminders")
    call_command("send_reminders")
    assert [m.to for m in deliver_mail()[1:]] == [[appt.customer.email]]
    frozen.move_to("2026-12-07T15:10+05:30")  # 16:00 today: 1 h reminder
    assert tasks.send_reminders() == 1
    assert tasks.send_reminders() == 0
    assert len(deliver_mail()) == 3
    assert "within the hour" in mail.outbox[-1].body
    later_today.refresh_from_db()
    assert later_today.reminder_24h_sent_at and later_today.reminder_1h_sent_at


def test_a_late_booking_gets_only_the_1h_reminder(service, frozen, deliver_mail):
    frozen.move_to("2026-12-07T09:10+05:30")
    appt = book(service, at=time(10))
    deliver_mail().clear()
    assert tasks.send_reminders() == 1
    assert tasks.send_reminders() == 0
    assert len(deliver_mail()) == 1
    appt.refresh_from_db()
    assert appt.reminder_1h_sent_at and appt.reminder_24h_sent_at


def test_cancelled_bookings_get_no_reminder(service, deliver_mail):
    appt = book(service, at=time(16))
    services.appointment_cancel(appointment=appt, actor=appt.customer)
    deliver_mail().clear()
    assert tasks.send_reminders() == 0
    assert deliver_mail() == []


def test_a_reminder_claim_is_won_once(service):
    appt = book(service, at=time(16))
    assert tasks.claim_reminder(appt.pk, "reminder_1h") is True
    assert tasks.claim_reminder(appt.pk, "reminder_1h") is False
    assert tasks.claim_reminder(appt.pk, "reminder_24h") is True
    assert Appointment.objects.get(pk=appt.pk).reminder_1h_sent_at is not None


def test_reschedule_resets_the_reminders(service, frozen):
    appt = book(service, at=time(16))
    tasks.send_reminders()
    services.appointment_reschedule(
        appointment=appt, actor=appt.customer, booking_date=TUESDAY, slot_time=time(16)
    )
    appt.refresh_from_db()
    assert appt.reminder_24h_sent_at is None


@pytest.mark.mariadb
@pytest.mark.django_db(transaction=True)
def test_concurrent_reminder_runs_send_each_reminder_once(service, deliver_mail):
    from django.db import connection

    appts = [book(service, at=time(h)) for h in (14, 15, 16, 17)]
    deliver_mail().clear()
    barrier = threading.Barrier(4)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(tasks.send_reminders())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) == len(appts)
    assert sorted(m.to[0] for m in deliver_mail()) == sorted(a.customer.email for a in appts)


@pytest.mark.django_db(transaction=True)
def test_old_sent_mail_is_cleaned_up_but_waiting_mail_is_kept(service, frozen, deliver_mail):
    from post_office.models import STATUS, Attachment, Email

    from bookings.models import Notification

    book(service)
    deliver_mail()
    waiting = book(service, at=time(11))
    notifications_queued = Notification.objects.exclude(appointment=waiting)
    assert Email.objects.filter(status=STATUS.sent).count() == 2
    assert Attachment.objects.count() == 2
    frozen.shift(timedelta(days=91))
    call_command("cleanup_queued_mail")
    assert Email.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert not notifications_queued.exists()
    # The second booking's event was never turned into emails: it stays for the worker.
    assert list(Notification.objects.values_list("appointment", flat=True)) == [waiting.pk]


@pytest.fixture
def timed_delivery(monkeypatch):
    """The delivery run with post-office's send step replaced by one that takes a while and
    records how many runs are sending at once."""
    state = {"sending": 0, "most": 0, "runs": 0}
    release = threading.Event()

    def send(lockfile):
        state["runs"] += 1
        state["sending"] += 1
        state["most"] = max(state["most"], state["sending"])
        release.wait(5)
        state["sending"] -= 1

    monkeypatch.setattr(tasks, "send_queued_mail_until_done", send)
    monkeypatch.setattr(tasks.notifications, "queue_pending", lambda: 0)
    monkeypatch.setattr(tasks.push, "send_due", lambda: None)
    return state, release


def test_two_threads_of_one_process_never_send_at_once(timed_delivery):
    """post-office's lock file tells runs apart by process id, so two threads of one process
    can both take it; the process's own lock lets one run send and the other return."""
    state, release = timed_delivery
    first = threading.Thread(target=tasks.deliver_mail)
    first.start()
    while state["runs"] == 0:
        threading.Event().wait(0.01)
    assert tasks.deliver_mail() == 0  # returns at once: the first run is still sending
    release.set()
    first.join()
    assert state == {"sending": 0, "most": 1, "runs": 1}
    tasks.deliver_mail()  # the lock is free again once a run ends
    assert state["runs"] == 2


def test_a_failing_run_frees_the_lock(monkeypatch):
    def broken(lockfile):
        raise RuntimeError("SMTP said no")

    monkeypatch.setattr(tasks, "send_queued_mail_until_done", broken)
    monkeypatch.setattr(tasks.notifications, "queue_pending", lambda: 0)
    monkeypatch.setattr(tasks.push, "send_due", lambda: None)
    with pytest.raises(RuntimeError):
        tasks.deliver_mail()
    assert not tasks._delivery_lock.locked()
