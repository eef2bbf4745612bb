from datetime import date, time

import factory

from accounts.tests.factories import CustomerFactory
from bookings.models import Appointment
from providers.tests.factories import ServiceFactory


class AppointmentFactory(factory.django.DjangoModelFactory):
    """A pending booking written directly (tests of reads); real bookings use the service."""

    class Meta:
        model = Appointment

    customer = factory.SubFactory(CustomerFactory)
    service = factory.SubFactory(ServiceFactory)
    provider = factory.SelfAttribute("service.provider")
    booking_date = date(2026, 12, 7)
    slot_time = time(10)
    end_time = factory.LazyAttribute(
        lambda o: time(
            (o.slot_time.hour * 60 + o.slot_time.minute + o.service.duration_minutes) // 60,
            (o.slot_time.minute + o.service.duration_minutes) % 60,
        )
    )
    token_number = factory.Sequence(lambda n: n + 1)
    locked_price = factory.SelfAttribute("service.rate")
    status = Appointment.Status.PENDING
