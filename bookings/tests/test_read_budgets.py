"""The booking engine without its cache: each public page in a small, fixed number of queries
whether the day has one booking or fifty, and the slot engine's answers on a busy day."""

import random
from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.dateformat import time_format

from accounts.tests.factories import CustomerFactory
from bookings import selectors, slots
from bookings.models import Appointment
from providers.models import Provider
from providers.tests.factories import (
    CategoryFactory,
    ProviderFactory,
    ServiceFactory,
    open_all_week,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "no_cache")]

MONDAY = date(2026, 12, 7)


@pytest.fixture
def no_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def fill(service, count: int, day: date = MONDAY) -> None:
    """``count`` active bookings of ``service`` on ``day`` (raising the shop's capacity so
    they may overlap), written directly as a busy shop's day would look."""
    provider = service.provider
    Provider.objects.filter(pk=provider.pk).update(capacity=max(count, 1))
    customer = CustomerFactory()
    Appointment.objects.bulk_create(
        Appointment(
            customer=customer,
            provider=provider,
            service=service,
            token_number=n + 1,
            booking_date=day,
            slot_time=time(9 + n % 8),
            end_time=time(9 + n % 8, 30),
            status=Appointment.Status.CONFIRMED,
            locked_price=service.rate,
        )
        for n in range(count)
    )


def counted(client, django_assert_max_num_queries, budget: int, url: str, **params) -> int:
    with django_assert_max_num_queries(budget) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("page", ["slots", "book", "book-day", "provider"])
def test_a_shops_pages_take_the_same_few_queries_on_a_quiet_and_a_busy_day(
    client, django_assert_max_num_queries, service, page
):
    slug = service.provider.slug
    url, params, budget = {
        "slots": (reverse("bookings:slots", args=[slug, service.pk]), {"date": "2026-12-07"}, 3),
        "book": (reverse("bookings:book", args=[slug, service.pk]), {}, 3),
        "book-day": (reverse("bookings:book", args=[slug, service.pk]), {"date": "2026-12-07"}, 5),
        "provider": (reverse("bookings:provider", args=[slug]), {}, 5),
    }[page]
    fill(service, 1)
    quiet = counted(client, django_assert_max_num_queries, budget, url, **params)
    fill(service, 50, day=MONDAY + timedelta(days=1))
    Appointment.objects.filter(booking_date=MONDAY).delete()
    fill(service, 50)
    busy = counted(client, django_assert_max_num_queries, budget, url, **params)
    assert quiet == busy


def test_a_closed_day_adds_at_most_the_reason_query(client, django_assert_max_num_queries, service):
    url = reverse("bookings:slots", args=[service.provider.slug, service.pk])
    with django_assert_max_num_queries(4):
        response = client.get(url, {"date": "2026-12-13"})  # a Sunday
    assert "closed" in response.text


def test_search_takes_the_same_few_queries_for_one_shop_and_a_full_page(
    client, django_assert_max_num_queries
):
    category = CategoryFactory(slug="clinic")

    def shop() -> None:
        provider = ProviderFactory(category=category)
        open_all_week(provider)
        fill(ServiceFactory(provider=provider), 20)

    shop()
    url = reverse("bookings:search")
    params = {"city": "Bengaluru", "category": "clinic"}
    one = counted(client, django_assert_max_num_queries, 6, url, **params)
    for _ in range(14):
        shop()
    # A second page of results: the count of all matches takes one query more.
    many = counted(client, django_assert_max_num_queries, 7, url, **params)
    assert many == one + 1
    for _ in range(30):
        shop()
    assert counted(client, django_assert_max_num_queries, 7, url, **params) == many
    assert counted(client, django_assert_max_num_queries, 7, url, page=3, **params) == many


def test_busy_day_slots_match_a_direct_count_of_overlaps(service):
    """The sorted-interval count the engine uses agrees with checking every booking."""
    rng = random.Random(14)
    taken = []
    for _ in range(400):
        start = rng.randrange(8 * 60, 19 * 60)
        taken.append((start, start + rng.choice((15, 30, 45, 60))))
    count = slots.overlap_counter(taken)
    for start in range(8 * 60, 20 * 60, 5):
        for duration in (15, 30, 60):
            assert count(start, start + duration) == slots.overlapping(
                start, start + duration, taken
            )


def test_slot_times_carry_their_form_value_and_label(service):
    fill(service, 1)
    free = selectors.day_slots(service, MONDAY)
    assert free[0] == time(9, 30)  # 09:00 is taken (capacity 1)
    assert (free[0].value, free[0].label) == ("09:30", "9:30 AM")
    later = [t for t in free if t.hour >= 12][0]
    assert (later.value, later.label) == ("12:00", "12:00 PM")
    with translation.override("hi"):
        in_hindi = selectors.day_slots(service, MONDAY)[0]
        assert in_hindi.label == time_format(time(9, 30), "g:i A")
    assert selectors.day_slots(service, MONDAY)[0].label == "9:30 AM"
