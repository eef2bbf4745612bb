"""A broker or SMTP outage never fails a page, a sign-in or a booking, and loses no email.

The broker is a Redis URL at a closed loopback port with Celery not eager; SMTP is Django's real
SMTP backend at a closed loopback port. When SMTP comes back (a local aiosmtpd server on that
port) the queued mail goes out once, however many delivery runs overlap.
"""

import socket
import threading
import time as clock
from datetime import time, timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError
from post_office.models import STATUS, Email

from accounts.models import Device
from accounts.tests.factories import PASSWORD, CustomerFactory
from bookings.models import Appointment, Notification
from bookings.tasks import deliver_mail
from config.celery import app
from providers.tests.factories import ProviderFactory, ServiceFactory, open_all_week


def free_port() -> int:
    """A loopback port nobody listens on (bound, read, closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def broker_down(settings):
    url = f"redis://127.0.0.1:{free_port()}/0"
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    settings.CELERY_BROKER_URL = url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.update(broker_url=url, task_always_eager=False)
    # Really down, really not eager: sending a task there fails (on a connection of its own:
    # Celery's producer pool may hold one made for an earlier test's URL).
    with app.connection_for_write(url) as conn, pytest.raises(OperationalError):
        deliver_mail.apply_async(retry=False, connection=conn)
    yield url
    app.conf.update(saved)


@pytest.fixture
def smtp_port(settings):
    """Django's SMTP backend behind the queue, pointed at a closed port."""
    port = free_port()
    settings.POST_OFFICE = {
        **settings.POST_OFFICE,
        "BACKENDS": {"default": "django.core.mail.backends.smtp.EmailBackend"},
    }
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    return port


class Collect:
    """aiosmtpd handler keeping every message; slow enough that delivery runs overlap."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        clock.sleep(0.05)
        message = message_from_bytes(envelope.original_content, policy=default_policy)
        for rcpt in envelope.rcpt_tos:
            self.messages.append((rcpt, message))
        return "250 OK"


@pytest.fixture
def site():
    provider = ProviderFactory()
    open_all_week(provider)
    service = ServiceFactory(provider=provider, duration_minutes=30)
    customer = CustomerFactory()
    return provider, service, customer


def use_the_site(site) -> dict:
    """Every page and form a visitor, a customer and a provider use; returns who should get
    which email."""
    provider, service, customer = site
    slug = provider.slug
    anonymous = Client()
    day = timezone.localdate() + timedelta(days=1)
    for url, params in [
        ("/", {}),
        (reverse("bookings:search"), {}),
        (reverse("bookings:provider", args=[slug]), {}),
        (reverse("bookings:book", args=[slug, service.pk]), {}),
        (reverse("bookings:slots", args=[slug, service.pk]), {"date": day.isoformat()}),
        (reverse("account_login"), {}),
        (reverse("account_signup"), {}),
    ]:
        response = anonymous.get(url, params)
        assert response.status_code < 400, (url, response.status_code)

    response = anonymous.post(
        reverse("account_signup"),
        {
            "name": "Asha Verma",
            "email": "asha@example.in",
            "role": "customer",
            "password1": "a-long-Secret-2026",
            "password2": "a-long-Secret-2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    laptop = Client(HTTP_USER_AGENT="Laptop Firefox")
    login = {"login": customer.email, "password": PASSWORD}
    assert laptop.post(reverse("account_login"), login).status_code == 302
    phone = Client(HTTP_USER_AGENT="Phone Chrome")
    assert phone.post(reverse("account_login"), login).status_code == 302  # new device
    assert Device.objects.filter(user=customer).count() == 2

    response = phone.post(
        reverse("bookings:confirm", args=[slug, service.pk]),
        {"date": day.isoformat(), "time": "10:00", "note": ""},
    )
    appointment = Appointment.objects.get(customer=customer)  # exactly one
    assert (appointment.booking_date, appointment.slot_time) == (day, time(10))
    assert response.status_code == 302
    assert response["Location"] == reverse("bookings:detail", args=[appointment.pk])
    assert phone.get(response["Location"]).status_code == 200
    assert phone.get(reverse("bookings:mine")).status_code == 200

    owner = Client()
    owner.force_login(provider.user)
    for url in (reverse("bookings:dashboard"), reverse("wallet:home")):
        response = owner.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return {
        "asha@example.in": "Confirm",  # allauth's verification email
        customer.email: None,  # the new-device alert and the booking
        provider.user.email: None,  # the new booking
    }


def by_recipient(pairs) -> dict:
    found: dict = {}
    for rcpt, message in pairs:
        found.setdefault(rcpt, []).append(message)
    return found


@pytest.mark.django_db(transaction=True)
def test_broker_down_pages_and_forms_answer_and_mail_waits_in_the_queue(broker_down, site):
    use_the_site(site)
    assert mail.outbox == []
    # The verification and new-device emails queued in their requests; the booking recorded
    # for the worker, which renders its two emails.
    assert Email.objects.filter(status=STATUS.queued).count() == 2
    assert Notification.objects.filter(queued_at__isnull=True).count() == 1

    # The broker is back: beat runs the delivery task.
    app.conf.task_always_eager = True
    deliver_mail.delay()
    deliver_mail.delay()
    provider, service, customer = site
    received = {}
    for message in mail.outbox:
        (rcpt,) = message.to
        received.setdefault(rcpt, []).append(message.subject)
    assert sorted(received) == sorted(["asha@example.in", customer.email, provider.user.email])
    assert len(received["asha@example.in"]) == 1
    assert len(received[customer.email]) == 2  # new sign-in + booking made
    assert len(received[provider.user.email]) == 1


@pytest.mark.django_db(transaction=True)
def test_smtp_down_nothing_fails_and_each_email_goes_out_once_when_it_is_back(smtp_port, site):
    provider, service, customer = site
    use_the_site(site)

    # SMTP refuses: the worker's run fails every message and schedules a retry.
    deliver_mail()
    emails = Email.objects.all()
    assert emails.count() == 4  # verification, new sign-in, booking to customer and provider
    assert {e.status for e in emails} == {STATUS.requeued}
    assert all(e.number_of_retries == 1 for e in emails)

    handler = Collect()
    server = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    server.start()
    try:
        deliver_mail()  # before the retry is due: nothing is sent yet
        assert handler.messages == []
        with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=True):
            errors = []

            def run():
                try:
                    deliver_mail()
                except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                    errors.append(exc)
                finally:
                    connection.close()

            runs = [threading.Thread(target=run) for _ in range(2)]
            for thread in runs:
                thread.start()
            for thread in runs:
                thread.join()
            assert errors == []
            deliver_mail()
    finally:
        server.stop()

    received = by_recipient(handler.messages)
    assert sorted(received) == sorted(["asha@example.in", customer.email, provider.user.email])
    assert len(received["asha@example.in"]) == 1
    assert "Confirm" in received["asha@example.in"][0]["Subject"]
    subjects = sorted(m["Subject"] for m in received[customer.email])
    assert len(subjects) == 2
    assert any("New sign-in" in s for s in subjects), subjects
    (to_provider,) = received[provider.user.email]
    assert "New booking" in to_provider["Subject"]
    booking_mail = next(m for m in received[customer.email] if "Booking received" in m["Subject"])
    assert booking_mail.get_body(("html",)) is not None
    (ics,) = list(booking_mail.iter_attachments())
    assert ics.get_content_type() == "text/calendar"
    assert ics.get_filename() == f"booking-{Appointment.objects.get(customer=customer).pk}.ics"
    assert "BEGIN:VEVENT" in ics.get_content()
    assert {e.status for e in Email.objects.all()} == {STATUS.sent}


@pytest.mark.django_db(transaction=True)
def test_local_delivery_right_after_commit_never_fails_a_request(settings, smtp_port, site):
    """Local development without a broker delivers after each commit; SMTP being down there
    still fails nothing and loses nothing."""
    settings.MAIL_DELIVER_ON_COMMIT = True
    use_the_site(site)
    emails = Email.objects.all()
    assert emails.count() == 4
    assert {e.status for e in emails} == {STATUS.requeued}  # tried after commit, kept


def test_beat_delivers_the_queue_every_ten_seconds(settings):
    """A sign-in code or a sign-up link is waited for: it goes out within seconds, and a run
    that waited longer than that for a worker is dropped for the next one."""
    entry = settings.CELERY_BEAT_SCHEDULE["bookings-deliver-mail"]
    assert entry["task"] == deliver_mail.name
    assert entry["schedule"] == timedelta(seconds=10)
    assert entry["options"]["expires"] < entry["schedule"].total_seconds()


@pytest.mark.django_db(transaction=True)
def test_cron_command_delivers_the_queue(site):
    from django.core.management import call_command

    provider, service, customer = site
    from bookings import services

    services.appointment_book(
        customer=customer,
        service=service,
        booking_date=timezone.localdate() + timedelta(days=1),
        slot_time=time(11),
    )
    call_command("deliver_mail")
    call_command("deliver_mail")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([customer.email, provider.user.email])


def test_server_error_reports_bypass_the_queue():
    """A 500 (or the database down) must not depend on the queue's table to report itself."""
    import logging

    from django.utils.log import AdminEmailHandler

    (handler,) = [
        h for h in logging.getLogger("django").handlers if isinstance(h, AdminEmailHandler)
    ]
    # The transport EMAIL_URL names (the console one here), never the queue's backend.
    assert handler.email_backend.startswith("django.core.mail.backends.")
