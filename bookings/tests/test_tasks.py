"""Booking emails (HTML + text + .ics) and reminders that go out exactly once."""

import threading
from datetime import date, time

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.tests.factories import CustomerFactory
from bookings import services, tasks
from bookings.models import Appointment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

TUESDAY = date(2026, 12, 8)


def book(service, at=time(10), day=date(2026, 12, 7)):
    return services.appointment_book(
        customer=CustomerFactory(), service=service, booking_date=day, slot_time=at
    )


def test_created_email_goes_to_customer_and_provider_with_html_and_ics(
    service, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appt = book(service)
    assert len(mail.outbox) == 2
    to_customer = next(m for m in mail.outbox if m.to == [appt.customer.email])
    to_provider = next(m for m in mail.outbox if m.to == [service.provider.user.email])
    assert "token 1" in to_customer.subject
    assert "New booking" in to_provider.subject
    assert to_customer.alternatives[0].mimetype == "text/html"
    name, body, mimetype = to_customer.attachments[0]
    assert name.endswith(".ics") and mimetype.startswith("text/calendar")
    assert "DTSTART:20261207T043000Z" in body
    assert "Token: 1" in to_customer.body


def test_emails_are_sent_only_after_commit(service, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        book(service)
    assert mail.outbox == []
    assert len(callbacks) == 1  # the email, sent once the booking is committed


@pytest.mark.parametrize("event", ["confirmed", "cancelled", "rescheduled"])
def test_transition_emails(service, event, django_capture_on_commit_callbacks):
    from wallet.services import credit

    credit(provider=service.provider, amount=100, kind="adjustment", reference_id="seed")
    appt = book(service)
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
    subjects = [m.subject for m in mail.outbox]
    assert len(subjects) == 2
    word = {"confirmed": "confirmed", "cancelled": "cancelled", "rescheduled": "moved"}[event]
    assert all(word in s for s in subjects)
    if event == "cancelled":
        assert "Power cut" in mail.outbox[0].body
        assert "METHOD:CANCEL" in mail.outbox[0].attachments[0][1]


def test_reminders_24h_and_1h_are_sent_once(service, frozen):
    appt = book(service, at=time(10), day=TUESDAY)
    later_today = book(service, at=time(16))
    mail.outbox.clear()
    # Monday 07:00: Tuesday 10:00 is 27 h away, 16:00 today is 9 h away (24 h reminder due).
    assert tasks.send_reminders() == 1
    assert mail.outbox[0].to == [later_today.customer.email]
    assert tasks.send_reminders() == 0
    frozen.move_to("2026-12-07T10:30+05:30")  # Tuesday 10:00 is now 23.5 h away
    call_command("send_reminders")
    call_command("send_reminders")
    assert [m.to for m in mail.outbox[1:]] == [[appt.customer.email]]
    frozen.move_to("2026-12-07T15:10+05:30")  # 16:00 today: 1 h reminder
    assert tasks.send_reminders() == 1
    assert tasks.send_reminders() == 0
    assert "within the hour" in mail.outbox[-1].body
    later_today.refresh_from_db()
    assert later_today.reminder_24h_sent_at and later_today.reminder_1h_sent_at


def test_a_late_booking_gets_only_the_1h_reminder(service, frozen):
    frozen.move_to("2026-12-07T09:10+05:30")
    appt = book(service, at=time(10))
    mail.outbox.clear()
    assert tasks.send_reminders() == 1
    assert tasks.send_reminders() == 0
    appt.refresh_from_db()
    assert appt.reminder_1h_sent_at and appt.reminder_24h_sent_at


def test_cancelled_bookings_get_no_reminder(service):
    appt = book(service, at=time(16))
    services.appointment_cancel(appointment=appt, actor=appt.customer)
    mail.outbox.clear()
    assert tasks.send_reminders() == 0
    assert mail.outbox == []


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
def test_concurrent_reminder_runs_send_each_reminder_once(service):
    from django.db import connection

    appts = [book(service, at=time(h)) for h in (14, 15, 16, 17)]
    mail.outbox.clear()
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
    assert sorted(m.to[0] for m in mail.outbox) == sorted(a.customer.email for a in appts)
