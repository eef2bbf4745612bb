"""Each fraud rule fires at its threshold and not below, on its event and in the periodic scan."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Device, LoginLog
from accounts.tests.factories import CustomerFactory, StaffFactory
from adminpanel import fraud, tasks
from adminpanel.models import FraudEvent, FraudFlag
from adminpanel.services import flag_dismiss
from bookings.models import Appointment
from bookings.signals import appointment_cancelled
from providers.tests.factories import ProviderFactory, ServiceFactory
from wallet.models import Payment
from wallet.signals import payment_signature_invalid

from .factories import AppointmentFactory

pytestmark = pytest.mark.django_db
Rule = FraudFlag.Rule
IP = "203.0.113.9"


def flags(rule=None):
    qs = FraudFlag.objects.all()
    return qs.filter(rule=rule) if rule else qs


def failed_login(identifier, ip=IP, when=None):
    return LoginLog.objects.create(
        identifier=identifier,
        ip_address=ip,
        status=LoginLog.Status.FAILED,
        reason=LoginLog.Reason.BAD_CREDENTIALS,
        created_at=when or timezone.now(),
    )


# --- Failed logins across accounts from one IP --------------------------------------------


def test_failed_logins_fire_at_five_over_two_accounts_not_four():
    for identifier in ["a@example.in", "a@example.in", "b@example.in", "b@example.in"]:
        failed_login(identifier)
    assert not flags().exists()

    failed_login("b@example.in")

    flag = flags().get()
    assert flag.rule == Rule.FAILED_LOGINS_IP
    assert flag.subject_key == f"ip:{IP}"
    assert flag.status == FraudFlag.Status.OPEN
    assert flag.evidence["failures"] == 5
    assert flag.evidence["accounts"] == 2
    assert flag.evidence["identifiers"] == ["a@example.in", "b@example.in"]


def test_failed_logins_on_one_account_are_the_lockouts_job_not_a_flag():
    for _ in range(8):
        failed_login("a@example.in")
    assert not flags().exists()


def test_failed_logins_outside_the_window_or_from_other_ips_do_not_count(settings):
    old = timezone.now() - settings.FRAUD_FAILED_LOGIN_WINDOW - timedelta(minutes=1)
    failed_login("a@example.in", when=old)
    failed_login("b@example.in", ip="198.51.100.1")
    for identifier in ["a@example.in", "b@example.in", "c@example.in"]:
        failed_login(identifier)
    assert not flags().exists()
    assert fraud.find_failed_logins() == []


def test_successful_logins_do_not_count():
    for n in range(6):
        LoginLog.objects.create(
            identifier=f"u{n}@example.in",
            ip_address=IP,
            status=LoginLog.Status.SUCCESS,
            reason=LoginLog.Reason.OK,
        )
    assert not flags().exists()


def test_five_bad_logins_on_the_login_page_from_one_ip_on_two_accounts_raise_a_flag(client):
    cache.clear()
    first, second = CustomerFactory(), CustomerFactory()
    for user in [first, second, first, second, first]:
        response = client.post(
            reverse("account_login"),
            {"login": user.email, "password": "wrong-password"},
            REMOTE_ADDR=IP,
        )
        assert response.status_code == 200
    flag = flags(Rule.FAILED_LOGINS_IP).get()
    assert flag.evidence["ip"] == IP
    assert sorted(flag.evidence["identifiers"]) == sorted([first.email, second.email])
    cache.clear()


def test_a_repeat_refreshes_the_open_flag_instead_of_duplicating_it():
    for identifier in ["a@x.in", "b@x.in", "a@x.in", "b@x.in", "a@x.in"]:
        failed_login(identifier)
    failed_login("c@x.in")
    flag = flags().get()
    assert flag.evidence["failures"] == 6
    assert flag.evidence["accounts"] == 3


# --- Many accounts on one device ------------------------------------------------------------


def test_shared_device_fires_at_three_accounts_not_two():
    Device.objects.create(user=CustomerFactory(), device_id="dev-1")
    Device.objects.create(user=CustomerFactory(), device_id="dev-1")
    Device.objects.create(user=CustomerFactory(), device_id="dev-2")
    assert not flags().exists()

    third = CustomerFactory()
    Device.objects.create(user=third, device_id="dev-1")

    flag = flags(Rule.SHARED_DEVICE).get()
    assert flag.subject_key == "device:dev-1"
    assert flag.evidence["accounts"] == 3
    assert third.email in flag.evidence["emails"]


# --- Payment signature mismatches -----------------------------------------------------------


def send_bad_signature(provider, source="webhook"):
    payment_signature_invalid.send(sender=Payment, provider=provider, ip=IP, source=source)


def test_signature_mismatches_fire_at_three_not_two():
    provider = ProviderFactory()
    send_bad_signature(provider)
    send_bad_signature(provider, source="callback")
    send_bad_signature(ProviderFactory())
    assert FraudEvent.objects.count() == 3
    assert not flags().exists()

    send_bad_signature(provider)

    flag = flags(Rule.PAYMENT_SIGNATURE).get()
    assert flag.provider == provider
    assert flag.user == provider.user
    assert flag.evidence["failures"] == 3


def test_old_signature_mismatches_do_not_count(settings):
    provider = ProviderFactory()
    for _ in range(2):
        send_bad_signature(provider)
    FraudEvent.objects.update(
        created_at=timezone.now() - settings.FRAUD_SIGNATURE_WINDOW - timedelta(minutes=1)
    )
    send_bad_signature(provider)
    assert not flags().exists()


def test_a_mismatch_without_a_provider_is_recorded_but_flags_nobody():
    for _ in range(4):
        send_bad_signature(None)
    assert FraudEvent.objects.filter(provider=None).get().count == 4
    assert not flags().exists()


def test_mismatches_counted_in_one_row_still_fire_the_rule():
    provider = ProviderFactory()
    for _ in range(3):
        send_bad_signature(provider)
    assert FraudEvent.objects.get().count == 3
    assert flags(Rule.PAYMENT_SIGNATURE).get().evidence["failures"] == 3


# --- Cancellations --------------------------------------------------------------------------

Actor = Appointment.Actor


def cancel(appointment, role, actor):
    appointment.status = Appointment.Status.CANCELLED
    appointment.cancelled_by_role = role
    appointment.cancelled_at = timezone.now()
    appointment.save()
    appointment_cancelled.send(sender=Appointment, appointment=appointment, actor=actor)


def test_provider_cancelling_30_percent_of_10_bookings_fires_20_percent_does_not():
    provider = ProviderFactory()
    service = ServiceFactory(provider=provider)
    bookings = [AppointmentFactory(provider=provider, service=service) for _ in range(10)]
    cancel(bookings[0], Actor.PROVIDER, provider.user)
    cancel(bookings[1], Actor.PROVIDER, provider.user)
    cancel(bookings[2], Actor.CUSTOMER, bookings[2].customer)  # not the provider's doing
    assert not flags(Rule.PROVIDER_CANCELLATIONS).exists()

    cancel(bookings[3], Actor.PROVIDER, provider.user)

    flag = flags(Rule.PROVIDER_CANCELLATIONS).get()
    assert flag.provider == provider
    assert flag.evidence["bookings"] == 10
    assert flag.evidence["cancelled_by_provider"] == 3


def test_provider_with_fewer_bookings_than_the_minimum_is_not_judged():
    provider = ProviderFactory()
    service = ServiceFactory(provider=provider)
    bookings = [AppointmentFactory(provider=provider, service=service) for _ in range(9)]
    for booking in bookings:
        cancel(booking, Actor.PROVIDER, provider.user)
    assert not flags(Rule.PROVIDER_CANCELLATIONS).exists()


def test_customer_with_five_cancellations_fires_four_does_not():
    customer = CustomerFactory()
    bookings = [AppointmentFactory(customer=customer) for _ in range(6)]
    for booking in bookings[:4]:
        cancel(booking, Actor.CUSTOMER, customer)
    cancel(bookings[4], Actor.PROVIDER, bookings[4].provider.user)  # the shop's choice
    assert not flags(Rule.CUSTOMER_CANCELLATIONS).exists()

    cancel(bookings[5], Actor.CUSTOMER, customer)

    flag = flags(Rule.CUSTOMER_CANCELLATIONS).get()
    assert flag.user == customer
    assert flag.evidence["cancelled"] == 5


def test_customer_cancellations_through_the_booking_service(django_capture_on_commit_callbacks):
    from bookings.services import appointment_cancel

    customer = CustomerFactory()
    bookings = [
        AppointmentFactory(
            customer=customer,
            status=Appointment.Status.PENDING,
            booking_date=timezone.localdate() + timedelta(days=3),
        )
        for _ in range(5)
    ]
    for booking in bookings:
        with django_capture_on_commit_callbacks(execute=True):
            appointment_cancel(appointment=booking, actor=customer, reason="Plans changed")
    assert flags(Rule.CUSTOMER_CANCELLATIONS).get().user == customer


# --- Review and the periodic scan ---------------------------------------------------------


def _five_customer_cancellations():
    customer = CustomerFactory()
    for _ in range(5):
        AppointmentFactory(
            customer=customer,
            status=Appointment.Status.CANCELLED,
            cancelled_by_role=Actor.CUSTOMER,
            cancelled_at=timezone.now() - timedelta(hours=1),
        )
    return customer


def test_scan_finds_every_rule_without_events():
    customer = _five_customer_cancellations()
    Device.objects.bulk_create(
        Device(user=CustomerFactory(), device_id="shared") for _ in range(3)
    )  # bulk_create sends no signals: only the scan sees these
    assert not flags().exists()

    result = fraud.scan()

    assert result[Rule.CUSTOMER_CANCELLATIONS] == 1
    assert result[Rule.SHARED_DEVICE] == 1
    assert result[Rule.FAILED_LOGINS_IP] == 0
    assert flags(Rule.CUSTOMER_CANCELLATIONS).get().user == customer
    fraud.scan()
    assert flags().count() == 2  # a second run refreshes, never duplicates


def test_the_periodic_task_and_command_run_the_scan():
    _five_customer_cancellations()
    assert tasks.fraud_scan.delay().get()[Rule.CUSTOMER_CANCELLATIONS] == 1
    out = StringIO()
    call_command("fraud_scan", stdout=out)
    assert "Open flags: 1" in out.getvalue()
    assert flags().count() == 1


def test_beat_schedule_runs_the_scan(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["adminpanel-fraud-scan"]
    assert entry["task"] == tasks.fraud_scan.name


def test_dismissed_case_is_not_reopened_until_something_new_happens():
    customer = _five_customer_cancellations()
    fraud.scan()
    flag_dismiss(flag=flags().get(), reviewer=StaffFactory(), note="Known customer")

    fraud.scan()
    assert flags().count() == 1

    later = AppointmentFactory(customer=customer)
    cancel(later, Actor.CUSTOMER, customer)
    assert flags().count() == 2
    assert flags().filter(status=FraudFlag.Status.OPEN).get().evidence["cancelled"] == 6


def test_a_failing_rule_never_breaks_the_event_that_triggered_it(monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("rule bug")

    monkeypatch.setattr(fraud, "find_failed_logins", broken)
    row = failed_login("a@example.in")  # the login log is still written
    assert LoginLog.objects.filter(pk=row.pk).exists()
    assert "Fraud check failed" in caplog.text


def test_a_forged_webhook_flood_is_counted_in_one_row_per_source_and_hour(client, settings):
    from django.db.models import Sum
    from django.urls import reverse

    settings.WALLET_WEBHOOK_RATE_LIMIT = "1000/m"
    for n in range(60):
        response = client.post(
            reverse("wallet:webhook"),
            data=json.dumps({"event": "payment.captured", "n": n}),
            content_type="application/json",
            headers={"X-Razorpay-Signature": "forged", "X-Razorpay-Event-Id": f"evt_{n}"},
        )
        assert response.status_code == 400
    assert FraudEvent.objects.count() == 1
    assert FraudEvent.objects.aggregate(n=Sum("count"))["n"] == 60
    # Another hour starts another row.
    FraudEvent.objects.update(created_at=timezone.now() - timedelta(hours=2))
    client.post(
        reverse("wallet:webhook"),
        data="{}",
        content_type="application/json",
        headers={"X-Razorpay-Signature": "forged"},
    )
    assert FraudEvent.objects.count() == 2
