"""After-commit side effects are robust: one that fails is logged, never reaches the response,
and never stops the callbacks or listeners after it. Staff can see the mail waiting to go out."""

from datetime import time, timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CustomerFactory
from adminpanel.models import FraudFlag
from bookings import services, signals
from bookings.models import Appointment
from providers.tests.factories import ProviderFactory, ServiceFactory, open_all_week

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def appointment():
    provider = ProviderFactory()
    open_all_week(provider)
    service = ServiceFactory(provider=provider, duration_minutes=30)
    return services.appointment_book(
        customer=CustomerFactory(),
        service=service,
        booking_date=timezone.localdate() + timedelta(days=2),
        slot_time=time(10),
    )


@pytest.fixture
def broken_listener():
    """A cancellation listener that fails, connected before every other one."""
    calls = []

    def fail(sender, appointment, **kwargs):
        calls.append(appointment.pk)
        raise RuntimeError("listener is broken")

    receivers = signals.appointment_cancelled.receivers
    signals.appointment_cancelled.connect(fail, dispatch_uid="test-broken-listener")
    # Move it to the front: it runs before the fraud rules' listener.
    receivers.insert(0, receivers.pop())
    signals.appointment_cancelled.sender_receivers_cache.clear()
    yield calls
    signals.appointment_cancelled.disconnect(dispatch_uid="test-broken-listener")


def test_a_failing_listener_neither_fails_the_request_nor_stops_the_others(
    client, appointment, broken_listener, settings, caplog
):
    settings.FRAUD_CUSTOMER_CANCELLATIONS = 1
    client.force_login(appointment.customer)
    response = client.post(reverse("bookings:cancel", args=[appointment.pk]), {"reason": ""})
    assert response.status_code == 302
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.CANCELLED
    assert broken_listener == [appointment.pk]
    # The fraud rules' listener, after the broken one, still ran.
    assert FraudFlag.objects.filter(rule=FraudFlag.Rule.CUSTOMER_CANCELLATIONS).count() == 1
    assert "listener is broken" in caplog.text


def test_a_failing_callback_does_not_skip_the_next_one(appointment, broken_listener):
    later = []
    with transaction.atomic():
        services.appointment_cancel(appointment=appointment, actor=appointment.customer)
        transaction.on_commit(lambda: later.append("ran"))
    assert broken_listener == [appointment.pk]
    assert later == ["ran"]


def test_staff_see_pending_booking_emails_and_the_mail_queue_in_the_admin(
    staff_client, appointment
):
    pending = reverse("admin:bookings_notification_changelist") + "?queued_at__isempty=1"
    response = staff_client.get(pending)
    assert response.status_code == 200
    assert "created" in response.text
    assert staff_client.get(reverse("admin:post_office_email_changelist")).status_code == 200
