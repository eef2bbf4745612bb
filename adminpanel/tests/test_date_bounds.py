"""Extreme dates in any date filter are a form error or a default, never a 500."""

from datetime import time

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import CustomerFactory, login_verified_staff
from bookings import services as booking_services
from bookings.models import Appointment
from providers.models import Provider, WorkingHours
from providers.tests.factories import ProviderFactory, ServiceFactory

pytestmark = pytest.mark.django_db

EXTREMES = ["9999-12-31", "0001-01-01", "2100-01-01", "1999-12-31"]


@pytest.fixture
def shop():
    provider = ProviderFactory(status=Provider.Status.APPROVED, min_notice_minutes=0)
    WorkingHours.objects.bulk_create(
        WorkingHours(provider=provider, weekday=d, start_time=time(9), end_time=time(17))
        for d in range(7)
    )
    service = ServiceFactory(provider=provider, duration_minutes=30)
    return provider, service


def _clients(shop):
    provider, service = shop
    provider_client = Client()
    provider_client.force_login(provider.user)
    staff_client = Client()
    login_verified_staff(staff_client)
    customer = CustomerFactory()
    customer_client = Client()
    customer_client.force_login(customer)
    return provider_client, staff_client, customer_client, customer


def _get_urls(shop, appointment_pk):
    provider, service = shop
    return [
        ("provider", reverse("bookings:provider_bookings") + "?date={d}"),
        ("provider", reverse("wallet:home") + "?date_from={d}&date_to={d}"),
        ("provider", reverse("wallet:home") + "?date_from=2026-01-01&date_to={d}"),
        ("provider", reverse("wallet:export") + "?date_from={d}&date_to={d}"),
        ("staff", reverse("adminpanel:dashboard") + "?date_from={d}&date_to={d}"),
        ("staff", reverse("adminpanel:dashboard") + "?date_to={d}"),
        ("staff", reverse("adminpanel:export", args=["daily"]) + "?date_from={d}&date_to={d}"),
        ("staff", reverse("adminpanel:export", args=["daily"]) + "?date_to={d}"),
        ("staff", reverse("adminpanel:audit") + "?date_from={d}&date_to={d}"),
        ("staff", reverse("adminpanel:audit") + "?date_to={d}"),
        ("customer", reverse("bookings:book", args=[provider.slug, service.pk]) + "?date={d}"),
        ("customer", reverse("bookings:slots", args=[provider.slug, service.pk]) + "?date={d}"),
        ("customer", reverse("bookings:reschedule", args=[appointment_pk]) + "?date={d}"),
    ]


@pytest.mark.parametrize("day", EXTREMES)
def test_extreme_dates_never_give_a_500(shop, day):
    provider_client, staff_client, customer_client, customer = _clients(shop)
    provider, service = shop
    from bookings.selectors import booking_days

    first_day = booking_days(provider)[1]
    appointment = booking_services.appointment_book(
        customer=customer, service=service, booking_date=first_day, slot_time=time(10)
    )
    by_role = {"provider": provider_client, "staff": staff_client, "customer": customer_client}
    for role, url in _get_urls(shop, appointment.pk):
        response = by_role[role].get(url.format(d=day))
        assert response.status_code < 500, (url, response.status_code)
    # Posting dates: time off and a booking or reschedule for an extreme day.
    response = provider_client.post(
        reverse("providers:time_off"), {"start_date": day, "end_date": day, "kind": "closed"}
    )
    assert response.status_code < 500
    response = customer_client.post(
        reverse("bookings:reschedule", args=[appointment.pk]), {"date": day, "time": "10:00"}
    )
    assert response.status_code < 500
    response = customer_client.post(
        reverse("bookings:confirm", args=[provider.slug, service.pk]),
        {"date": day, "time": "10:00"},
    )
    assert response.status_code < 500
    assert Appointment.objects.count() == 1
