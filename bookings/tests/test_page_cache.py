"""What the public pages keep in the cache, and what a visitor sees after a change.

A booking shows on the shop's own pages (provider page, booking page, slot fragment) at the next
request; shop edits made through the services show at the next request too (their cached parts
are deleted after commit); search cards may trail by ``SEARCH_RESULTS_TTL``. Every key has a TTL
and nothing is cached for a page that does not exist.
"""

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import CustomerFactory
from bookings import services
from bookings.tests.conftest import IST
from config.tests.cache_backends import TransactionCheckingCache
from providers import caching
from providers import services as provider_services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

MONDAY = date(2026, 12, 7)


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run after-commit callbacks (the cache deletions) as a real commit would."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def slots_url(service):
    return reverse("bookings:slots", args=[service.provider.slug, service.pk])


def book_url(service):
    return reverse("bookings:book", args=[service.provider.slug, service.pk])


def page_url(service):
    return reverse("bookings:provider", args=[service.provider.slug])


def book(service, at=time(10)):
    return services.appointment_book(
        customer=CustomerFactory(), service=service, booking_date=MONDAY, slot_time=at
    )


# --- bookings show at once --------------------------------------------------------------------


def test_a_booking_shows_on_the_shops_pages_at_the_next_request(client, service):
    monday = {"date": "2026-12-07"}
    assert 'name="time" value="10:00"' in client.get(slots_url(service), monday).text
    assert 'name="time" value="10:00"' in client.get(book_url(service), monday).text
    assert "Mon 7 Dec, 9:00 AM" in client.get(page_url(service)).text
    book(service, at=time(10))
    book(service, at=time(9))
    assert 'name="time" value="10:00"' not in client.get(slots_url(service), monday).text
    assert 'name="time" value="10:00"' not in client.get(book_url(service), monday).text
    text = client.get(page_url(service)).text
    assert "Mon 7 Dec, 9:00 AM" not in text
    assert "Mon 7 Dec, 9:30 AM" in text


def test_a_cancellation_frees_the_slot_at_the_next_request(client, service):
    appointment = book(service)
    assert (
        'name="time" value="10:00"'
        not in client.get(slots_url(service), {"date": "2026-12-07"}).text
    )
    services.appointment_cancel(appointment=appointment, actor=appointment.customer, reason="")
    assert (
        'name="time" value="10:00"' in client.get(slots_url(service), {"date": "2026-12-07"}).text
    )


def test_a_full_day_shows_full_on_the_booking_page_at_the_next_request(client, provider, service):
    provider.working_hours.exclude(weekday=1).delete()
    provider.working_hours.filter(weekday=1, start_time=time(14)).delete()
    provider.working_hours.filter(weekday=1).update(end_time=time(10))
    assert "?date=2026-12-08" in client.get(book_url(service)).text
    for at in (time(9), time(9, 30)):
        services.appointment_book(
            customer=CustomerFactory(),
            service=service,
            booking_date=date(2026, 12, 8),
            slot_time=at,
        )
    assert "?date=2026-12-08" not in client.get(book_url(service)).text


def test_passed_slots_disappear_without_any_write(client, service, frozen):
    assert (
        'name="time" value="09:00"' in client.get(slots_url(service), {"date": "2026-12-07"}).text
    )
    frozen.move_to(datetime(2026, 12, 7, 9, 1, tzinfo=IST))
    text = client.get(slots_url(service), {"date": "2026-12-07"}).text
    assert 'name="time" value="09:00"' not in text
    assert 'name="time" value="10:00"' in text


# --- shop changes show at once ----------------------------------------------------------------


def test_shop_changes_through_the_services_show_at_the_next_request(
    client, provider, service, run_on_commit
):
    client.get(page_url(service))
    run_on_commit(
        provider_services.service_update, service=service, data={"service_name": "Beard trim"}
    )
    assert "Beard trim" in client.get(page_url(service)).text

    run_on_commit(
        provider_services.time_off_create,
        provider=provider,
        start_date=date(2026, 12, 8),
        reason="Diwali",
    )
    assert "(Diwali)" in client.get(page_url(service)).text
    assert "?date=2026-12-08" not in client.get(book_url(service)).text

    run_on_commit(
        provider_services.working_hours_set_week, provider=provider, week={0: [(time(9), time(12))]}
    )
    text = client.get(page_url(service)).text
    assert "9:00 AM–12:00 PM" in text and "6:00 PM" not in text
    assert (
        'name="time" value="17:30"'
        not in client.get(slots_url(service), {"date": "2026-12-07"}).text
    )

    run_on_commit(
        provider_services.provider_update_profile, provider=provider, data={"city": "Mysuru"}
    )
    assert '<option value="Mysuru">Mysuru</option>' in client.get(reverse("bookings:search")).text

    run_on_commit(provider_services.service_deactivate, service=service)
    assert "Beard trim" not in client.get(page_url(service)).text
    assert client.get(slots_url(service), {"date": "2026-12-07"}).status_code == 404


def test_a_hidden_shop_is_404_at_the_next_request(client, service):
    assert client.get(page_url(service)).status_code == 200
    owner = service.provider.user
    owner.is_blocked = True
    owner.save(update_fields=["is_blocked"])
    assert client.get(page_url(service)).status_code == 404


def test_the_shop_page_is_cached_and_its_next_free_slot_is_not(client, service):
    client.get(page_url(service))
    with CaptureQueriesContext(connection) as warm:
        client.get(page_url(service))
    sql = " ".join(q["sql"] for q in warm.captured_queries)
    assert "services" in sql  # the next free slot reads the shortest service ...
    assert "appointments" in sql  # ... and the bookings, on every request
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get(page_url(service))
    assert len(warm) < len(cold)


@pytest.mark.parametrize(
    ("name", "args", "params", "budget"),
    [
        ("home", False, {}, 0),
        ("bookings:search", False, {}, 0),
        ("bookings:provider", "slug", {}, 5),  # the shop, and its next free slot
        ("bookings:book", "service", {"date": "2026-12-07"}, 7),  # not cached
        ("bookings:slots", "service", {"date": "2026-12-07"}, 4),  # not cached
    ],
)
def test_query_budgets_of_public_pages_on_a_warm_cache(
    client, service, django_assert_max_num_queries, name, args, params, budget
):
    slug = service.provider.slug
    url = reverse(name, args={"slug": [slug], "service": [slug, service.pk]}.get(args, []))
    assert client.get(url, params).status_code == 200
    with django_assert_max_num_queries(budget):
        assert client.get(url, params).status_code == 200


# --- search -----------------------------------------------------------------------------------


def test_search_cards_may_trail_a_booking_by_their_ttl(client, service, frozen):
    search = reverse("bookings:search")
    assert "today, 9:00 AM" in client.get(search).text
    book(service, at=time(9))
    with CaptureQueriesContext(connection) as warm:
        assert "today, 9:00 AM" in client.get(search).text  # the cached cards
    assert warm.captured_queries == []
    frozen.move_to(
        datetime(2026, 12, 7, 7, 0, tzinfo=IST) + timedelta(seconds=caching.SEARCH_RESULTS_TTL + 1)
    )
    text = client.get(search).text
    assert "today, 9:00 AM" not in text
    assert "today, 9:30 AM" in text


def test_free_text_and_far_pages_are_not_cached(client, service):
    search = reverse("bookings:search")
    for params in ({"q": service.service_name}, {"page": "40"}):
        client.get(search, params)
        with CaptureQueriesContext(connection) as again:
            assert client.get(search, params).status_code == 200
        assert any("providers" in q["sql"] for q in again.captured_queries), params


def test_search_result_keys_do_not_follow_junk_parameters(client, service):
    """Unknown or invalid parameters fall back to the everyday page: they create no new key."""
    search = reverse("bookings:search")
    client.get(search)
    with CaptureQueriesContext(connection) as junk:
        response = client.get(search, {"utm_source": "mail", "sort": "hack", "city": "Nowhere"})
    assert response.status_code == 200
    assert not any("appointments" in q["sql"] for q in junk.captured_queries)
    # The language switcher's "next" field returns the visitor to the URL they are on; it sits
    # outside the cached results and is left out here.
    body = re.sub(r'<input type="hidden" name="next" value="[^"]*">', "", response.text)
    assert "utm_source" not in body


# --- keys -------------------------------------------------------------------------------------


CHECKING = {"default": {"BACKEND": "config.tests.cache_backends.TransactionCheckingCache"}}


@override_settings(CACHES=CHECKING)
@pytest.mark.django_db(transaction=True)
def test_unknown_slugs_leave_no_keys(client, service):
    TransactionCheckingCache.WRITTEN.clear()
    urls = [
        "/providers/no-such-shop-{n}/",
        "/providers/no-such-shop-{n}/book/1/",
        "/providers/no-such-shop-{n}/book/1/slots/?date=2026-12-07",
        f"/providers/{service.provider.slug}/book/9999{{n}}/",
        "/providers/no-such-shop-{n}/queue/",
    ]
    for n in range(200):  # 1,000 requests
        for url in urls:
            assert client.get(url.format(n=n)).status_code == 404
    assert TransactionCheckingCache.WRITTEN == []


@override_settings(CACHES=CHECKING)
@pytest.mark.django_db(transaction=True)
def test_every_key_has_a_ttl(client, service):
    TransactionCheckingCache.WRITTEN.clear()
    for url in (reverse("home"), reverse("bookings:search"), page_url(service)):
        assert client.get(url).status_code == 200
    assert len(TransactionCheckingCache.WRITTEN) >= 4
    assert all(t is not None and 0 < t <= 3600 for _key, t in TransactionCheckingCache.WRITTEN)
