"""Free slots and day calendars are cached; every change that affects them shows at once."""

from datetime import date, datetime, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import CustomerFactory
from bookings import services
from bookings.tests.conftest import IST
from providers.models import TimeOff, WorkingHours
from providers.services import working_hours_set_week
from providers.tests.factories import ProviderFactory, ServiceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

MONDAY = date(2026, 12, 7)


def slots_url(service):
    return reverse("bookings:slots", args=[service.provider.slug, service.pk])


def test_repeat_requests_are_served_from_the_cache(client, service):
    client.get(slots_url(service), {"date": "2026-12-07"})
    with CaptureQueriesContext(connection) as again:
        response = client.get(slots_url(service), {"date": "2026-12-07"})
    assert "time=10:00" in response.text
    assert not any("appointments" in q["sql"] for q in again.captured_queries)


def test_a_booking_is_visible_on_the_next_request(client, service):
    assert "time=10:00" in client.get(slots_url(service), {"date": "2026-12-07"}).text
    book_page = reverse("bookings:book", args=[service.provider.slug, service.pk])
    assert "time=10:00" in client.get(book_page, {"date": "2026-12-07"}).text
    services.appointment_book(
        customer=CustomerFactory(), service=service, booking_date=MONDAY, slot_time=time(10)
    )
    assert "time=10:00" not in client.get(slots_url(service), {"date": "2026-12-07"}).text
    assert "time=10:00" not in client.get(book_page, {"date": "2026-12-07"}).text


def test_time_off_and_new_hours_are_visible_on_the_next_request(client, service):
    book_page = reverse("bookings:book", args=[service.provider.slug, service.pk])
    assert "?date=2026-12-08" in client.get(book_page).text
    TimeOff.objects.create(
        provider=service.provider, start_date=date(2026, 12, 8), end_date=date(2026, 12, 8)
    )
    assert "?date=2026-12-08" not in client.get(book_page).text

    assert "time=17:30" in client.get(slots_url(service), {"date": "2026-12-07"}).text
    working_hours_set_week(provider=service.provider, week={0: [(time(9), time(12))]})
    text = client.get(slots_url(service), {"date": "2026-12-07"}).text
    assert "time=11:30" in text
    assert "time=17:30" not in text


def test_passed_slots_disappear_without_any_write(client, service, frozen):
    assert "time=09:00" in client.get(slots_url(service), {"date": "2026-12-07"}).text
    frozen.move_to(datetime(2026, 12, 7, 9, 1, tzinfo=IST))
    text = client.get(slots_url(service), {"date": "2026-12-07"}).text
    assert "time=09:00" not in text
    assert "time=10:00" in text


def test_a_deactivated_service_is_404_on_the_next_request(client, service):
    assert client.get(slots_url(service), {"date": "2026-12-07"}).status_code == 200
    service.is_active = False
    service.save()
    assert client.get(slots_url(service), {"date": "2026-12-07"}).status_code == 404


def test_search_and_provider_page_follow_changes_on_the_next_request(client, service):
    provider = service.provider
    search = reverse("bookings:search")
    page = reverse("bookings:provider", args=[provider.slug])
    assert provider.shop_name in client.get(search).text
    client.get(page)
    with CaptureQueriesContext(connection) as again:
        client.get(search)
    assert not any("appointments" in q["sql"] for q in again.captured_queries)

    provider.shop_name = "Renamed Studio"
    provider.save()
    assert "Renamed Studio" in client.get(search).text

    provider.user.is_blocked = True
    provider.user.save(update_fields=["is_blocked"])
    assert "Renamed Studio" not in client.get(search).text
    assert client.get(page).status_code == 404


def test_provider_page_next_free_slot_follows_bookings(client, service):
    page = reverse("bookings:provider", args=[service.provider.slug])
    assert "Mon 7 Dec, 9:00 AM" in client.get(page).text
    services.appointment_book(
        customer=CustomerFactory(), service=service, booking_date=MONDAY, slot_time=time(9)
    )
    text = client.get(page).text
    assert "Mon 7 Dec, 9:00 AM" not in text
    assert "Mon 7 Dec, 9:30 AM" in text


def test_search_on_a_warm_cache_makes_no_query_and_follows_category_changes(client, service):
    search = reverse("bookings:search")
    category = service.provider.category
    client.get(search, {"category": category.slug})
    with CaptureQueriesContext(connection) as again:
        response = client.get(search, {"category": category.slug})
    assert again.captured_queries == []
    assert service.provider.shop_name in response.text
    assert f'<option value="{category.slug}" selected>{category.name}</option>' in response.text

    category.name = "Hair and beauty"
    category.save()
    response = client.get(search, {"category": category.slug})
    assert f'<option value="{category.slug}" selected>Hair and beauty</option>' in response.text


def test_booking_page_and_slot_fragment_on_a_warm_cache_make_no_query(client, service):
    book_page = reverse("bookings:book", args=[service.provider.slug, service.pk])
    for url, params in (
        (book_page, {}),
        (book_page, {"date": "2026-12-07"}),
        (slots_url(service), {"date": "2026-12-07"}),
    ):
        client.get(url, params)
        with CaptureQueriesContext(connection) as again:
            response = client.get(url, params)
        assert response.status_code == 200
        assert again.captured_queries == []
    assert "time=10:00" in response.text


def test_booking_page_title_escapes_the_shop_name_and_errors_are_not_cached(client, service):
    service.provider.shop_name = "<b>Bold</b> Salon"
    service.provider.save()
    book_page = reverse("bookings:book", args=[service.provider.slug, service.pk])
    text = client.get(book_page).text
    assert "<b>Bold</b>" not in text
    assert "&lt;b&gt;Bold&lt;/b&gt; Salon" in text
    assert "Enter a date like" in client.get(book_page, {"date": "soon"}).text
    assert "Enter a date like" not in client.get(book_page).text


def test_a_booking_retires_only_its_own_providers_pages(client, service):
    other_provider = ProviderFactory(
        slot_step_minutes=30, capacity=1, min_notice_minutes=0, max_days_ahead=14
    )
    WorkingHours.objects.create(
        provider=other_provider, weekday=0, start_time=time(9), end_time=time(13)
    )
    other = ServiceFactory(provider=other_provider, duration_minutes=30)
    pages = [
        (reverse("bookings:provider", args=[other_provider.slug]), {}),
        (reverse("bookings:book", args=[other_provider.slug, other.pk]), {}),
        (slots_url(other), {"date": "2026-12-07"}),
    ]
    for url, params in pages:
        client.get(url, params)

    services.appointment_book(
        customer=CustomerFactory(), service=service, booking_date=MONDAY, slot_time=time(10)
    )
    with CaptureQueriesContext(connection) as after:
        for url, params in pages:
            assert client.get(url, params).status_code == 200
    assert after.captured_queries == []
    assert "time=10:00" not in client.get(slots_url(service), {"date": "2026-12-07"}).text


def test_search_cards_follow_a_booking_within_the_minute(client, service, frozen):
    search = reverse("bookings:search")
    assert "today, 9:00 AM" in client.get(search).text
    services.appointment_book(
        customer=CustomerFactory(), service=service, booking_date=MONDAY, slot_time=time(9)
    )
    with CaptureQueriesContext(connection) as again:
        assert "today, 9:00 AM" in client.get(search).text  # the cards of this minute
    assert again.captured_queries == []
    frozen.move_to(datetime(2026, 12, 7, 7, 1, tzinfo=IST))
    text = client.get(search).text
    assert "today, 9:00 AM" not in text
    assert "today, 9:30 AM" in text


def test_city_and_category_choices_outlive_the_minute_but_follow_the_catalogue(
    client, service, frozen
):
    search = reverse("bookings:search")
    client.get(search)
    frozen.move_to(datetime(2026, 12, 7, 7, 5, tzinfo=IST))
    with CaptureQueriesContext(connection) as later:
        client.get(search)
    sql = " ".join(q["sql"].replace("`", '"') for q in later.captured_queries)
    assert 'FROM "categories" WHERE' not in sql  # the category choices
    assert "SELECT DISTINCT" not in sql  # the list of cities

    service.provider.city = "Mysuru"
    service.provider.save()
    assert '<option value="Mysuru">Mysuru</option>' in client.get(search).text


def test_while_one_request_renews_an_entry_the_others_get_the_last_minutes(
    client, service, frozen, monkeypatch
):
    from providers import public_cache

    url = slots_url(service)
    client.get(url, {"date": "2026-12-07"})
    frozen.move_to(datetime(2026, 12, 7, 7, 1, tzinfo=IST))
    monkeypatch.setattr(public_cache.cache, "add", lambda *args, **kwargs: False)  # lock taken
    with CaptureQueriesContext(connection) as meanwhile:
        assert "time=09:00" in client.get(url, {"date": "2026-12-07"}).text
    assert meanwhile.captured_queries == []  # the entry of 07:00, for the moment
    monkeypatch.undo()
    with CaptureQueriesContext(connection) as renewed:
        assert "time=09:00" in client.get(url, {"date": "2026-12-07"}).text
    assert any("appointments" in q["sql"] for q in renewed.captured_queries)
    with CaptureQueriesContext(connection) as again:
        client.get(url, {"date": "2026-12-07"})
    assert again.captured_queries == []
