from datetime import time

import factory
from django.utils import timezone

from accounts.tests.factories import CustomerFactory
from adminpanel.models import FraudFlag
from bookings.models import Appointment
from providers.tests.factories import ProviderFactory, ServiceFactory


class AppointmentFactory(factory.django.DjangoModelFactory):
    """A booking row as the booking service leaves it (for report and fraud-rule data sets)."""

    class Meta:
        model = Appointment

    customer = factory.SubFactory(CustomerFactory)
    provider = factory.SubFactory(ProviderFactory)
    service = factory.SubFactory(ServiceFactory, provider=factory.SelfAttribute("..provider"))
    token_number = factory.Sequence(lambda n: n + 1)
    booking_date = factory.LazyFunction(timezone.localdate)
    slot_time = time(10)
    end_time = time(10, 30)
    status = Appointment.Status.CONFIRMED
    locked_price = factory.SelfAttribute("service.rate")


class FraudFlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FraudFlag

    rule = FraudFlag.Rule.CUSTOMER_CANCELLATIONS
    user = factory.SubFactory(CustomerFactory)
    subject_key = factory.LazyAttribute(lambda o: f"user:{o.user.pk}")
    evidence = factory.LazyFunction(lambda: {"cancelled": 6, "threshold": 5})
    status = FraudFlag.Status.OPEN
    open_key = factory.LazyAttribute(
        lambda o: (
            FraudFlag.make_open_key(o.rule, o.subject_key)
            if o.status == FraudFlag.Status.OPEN
            else None
        )
    )
