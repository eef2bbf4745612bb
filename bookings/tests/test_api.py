"""The bookings API (/api/v1/): search → book → token → cancel, availability, the provider's
actions, problems with the pages' messages, Idempotency-Key, and the races on MariaDB. Access
(401/403/404) is the matrix's (bookings/tests/api_matrix.py)."""

from __future__ import annotations

import threading
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import CustomerFactory, ProviderUserFactory
from bookings import services
from bookings.models import Appointment
from bookings.tests.api_matrix import (
    book_day,
    booking_of,
    counter_shop,
    open_shop,
    walk_in_slot,
)
from bookings.tests.conftest import MONDAY
from bookings.tests.factories import AppointmentFactory
from providers.models import Provider, TimeOff
from providers.tests.factories import ProviderFactory, ServiceFactory
from tests.api import PROBLEM_JSON, api_client_for
from wallet.models import WalletTransaction

pytestmark = pytest.mark.django_db


# Device, service (with its owner's flags), then in one transaction (and its savepoint, in a
# test): the shop lock, the one-time key, the day's schedule and bookings, the booking, its
# audit entry and notification row. A pending booking has no documents to read for the answer.
BOOKING_POST_STATEMENTS = 13


def url(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content[:400]
    assert response["Content-Type"].startswith(PROBLEM_JSON)
    return response.json()


# --- search and a shop's pages ----------------------------------------------------------------


def test_search_filters_sorts_and_pages_with_cursors():
    cheap, _s = open_shop(city="Pune", shop_name="Zed Cuts")
    ServiceFactory(provider=cheap, rate=Decimal("100.00"))
    dear, _s = open_shop(city="Pune", shop_name="Alpha Salon")
    ServiceFactory(provider=dear, rate=Decimal("900.00"))
    open_shop(city="Mumbai")
    client = APIClient()

    by_name = client.get(url("providers-list"), {"city": "Pune", "page_size": 1}).json()
    assert [r["shop_name"] for r in by_name["results"]] == ["Alpha Salon"]
    assert by_name["results"][0]["next_free"] is not None
    second = client.get(by_name["next"]).json()
    assert [r["shop_name"] for r in second["results"]] == ["Zed Cuts"]
    assert second["next"] is None

    by_price = client.get(url("providers-list"), {"city": "Pune", "sort": "price"}).json()
    assert [r["shop_name"] for r in by_price["results"]] == ["Zed Cuts", "Alpha Salon"]
    assert by_price["results"][0]["min_rate"] == "100.00"

    soonest = client.get(url("providers-list"), {"sort": "soonest", "page_size": 2}).json()
    assert len(soonest["results"]) == 2
    assert len(client.get(soonest["next"]).json()["results"]) == 1


def test_search_by_text_and_unknown_filters_are_field_errors():
    shop, service = open_shop(shop_name="Priya Studio")
    client = APIClient()
    found = client.get(url("providers-list"), {"q": service.service_name}).json()
    assert [r["id"] for r in found["results"]] == [shop.pk]
    body = _problem(client.get(url("providers-list"), {"city": "Atlantis"}), 400)
    assert "city" in body["errors"]
    body = _problem(client.get(url("providers-list"), {"sort": "random"}), 400)
    assert "sort" in body["errors"]


def test_pending_shop_is_not_public():
    shop, service = open_shop(status=Provider.Status.PENDING)
    client = APIClient()
    assert client.get(url("providers-list")).json()["results"] == []
    _problem(client.get(url("providers-detail", provider_id=shop.pk)), 404)
    _problem(client.get(url("providers-slots", provider_id=shop.pk, service_id=service.pk)), 404)


def test_shop_page_and_services():
    shop, service = open_shop()
    ServiceFactory(provider=shop, is_active=False)
    client = APIClient()
    detail = client.get(url("providers-detail", provider_id=shop.pk)).json()
    assert detail["slug"] == shop.slug and len(detail["hours"]) == 7
    services_page = client.get(url("providers-services", provider_id=shop.pk)).json()
    assert [s["id"] for s in services_page["results"]] == [service.pk]


def test_availability_gives_days_with_free_counts():
    shop, service = open_shop()
    day = book_day()
    TimeOff.objects.create(provider=shop, start_date=day, end_date=day)
    response = APIClient().get(
        url("providers-availability", provider_id=shop.pk, service_id=service.pk),
        {"month": f"{day:%Y-%m}"},
    )
    assert response.status_code == 200
    days = {d["date"]: d for d in response.json()["days"]}
    assert days[day.isoformat()] == {"date": day.isoformat(), "state": "closed", "free": 0}
    following = day + timedelta(days=1)
    if following.month == day.month:
        # 08:00–20:00 in 15-minute steps for a 30-minute service: 47 start times.
        assert days[following.isoformat()] == {
            "date": following.isoformat(),
            "state": "free",
            "free": 47,
        }


def test_availability_and_slots_reject_malformed_input_with_the_pages_words():
    shop, service = open_shop()
    client = APIClient()
    kwargs = {"provider_id": shop.pk, "service_id": service.pk}
    body = _problem(client.get(url("providers-availability", **kwargs), {"month": "11/2026"}), 400)
    assert body["errors"]["month"] == ["Pick a month, like 2026-11."]
    body = _problem(client.get(url("providers-slots", **kwargs), {"date": "tomorrow"}), 400)
    assert body["errors"]["date"] == ["Enter a date like 2026-01-31."]
    _problem(client.get(url("providers-slots", **kwargs)), 400)


def test_slots_and_availability_cost_what_the_booking_page_does(django_assert_max_num_queries):
    shop, service = open_shop()
    for n in range(5):
        services.appointment_book(
            customer=CustomerFactory(), service=service, booking_date=book_day(),
            slot_time=time(9 + n),
        )  # fmt: skip
    client = APIClient()
    kwargs = {"provider_id": shop.pk, "service_id": service.pk}
    with django_assert_max_num_queries(3):  # the service, the schedule, the day's bookings
        assert client.get(url("providers-slots", **kwargs), {"date": book_day().isoformat()}).json()
    with django_assert_max_num_queries(3):
        client.get(url("providers-availability", **kwargs), {"month": f"{book_day():%Y-%m}"})


def test_search_sorted_by_soonest_pages_in_that_order():
    from datetime import datetime

    shops = [open_shop(shop_name=f"Shop {n}")[0] for n in range(3)]
    base = timezone.make_aware(datetime.combine(book_day(), time(9)))
    Provider.objects.filter(pk=shops[2].pk).update(next_free_at=base)
    Provider.objects.filter(pk=shops[0].pk).update(next_free_at=base + timedelta(hours=2))
    client = APIClient()
    seen, page = [], client.get(url("providers-list"), {"sort": "soonest", "page_size": 1})
    while True:
        body = page.json()
        seen += [r["id"] for r in body["results"]]
        if not body["next"]:
            break
        page = client.get(body["next"])
    assert seen == [shops[2].pk, shops[0].pk, shops[1].pk]  # unknown soonest last


def test_slots_list_free_times_and_say_why_a_day_has_none():
    shop, service = open_shop()
    day = book_day()
    booking_of(CustomerFactory())  # another shop: no effect here
    services.appointment_book(
        customer=CustomerFactory(), service=service, booking_date=day, slot_time=time(10)
    )
    client = APIClient()
    kwargs = {"provider_id": shop.pk, "service_id": service.pk}
    body = client.get(url("providers-slots", **kwargs), {"date": day.isoformat()}).json()
    assert not {"09:45", "10:00", "10:15"} & set(body["slots"])
    assert {"08:00", "09:30", "10:30"} <= set(body["slots"]) and body["reason"] == ""
    past = timezone.localdate() - timedelta(days=1)
    body = client.get(url("providers-slots", **kwargs), {"date": past.isoformat()}).json()
    assert body["slots"] == []
    assert body["reason"] == "That date is in the past. Pick today or a later day."


# --- search → book → token → cancel ----------------------------------------------------------


def test_search_book_see_token_cancel():
    shop, service = open_shop(city="Pune")
    customer = CustomerFactory()
    client = api_client_for(customer)
    found = client.get(url("providers-list"), {"city": "Pune"}).json()["results"]
    assert [r["id"] for r in found] == [shop.pk]
    slots = client.get(
        url("providers-slots", provider_id=shop.pk, service_id=service.pk),
        {"date": book_day().isoformat()},
    ).json()["slots"]
    booked = client.post(
        url("bookings-list"),
        {"service": service.pk, "date": book_day().isoformat(), "slot": slots[0]},
        HTTP_IDEMPOTENCY_KEY="first-booking",
    )
    assert booked.status_code == 201, booked.content
    token = booked.json()["token_number"]
    assert token == 1 and booked.json()["slot"] == slots[0]
    detail = client.get(url("bookings-detail", pk=booked.json()["id"])).json()
    assert detail["token_number"] == token and detail["can_change"] is True
    mine = client.get(url("bookings-list")).json()["results"]
    assert [b["id"] for b in mine] == [detail["id"]]
    cancelled = client.post(url("bookings-cancel", pk=detail["id"]), {})
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert Appointment.objects.get(pk=detail["id"]).cancelled_by == customer


def test_booking_validation_errors_write_nothing():
    _shop, service = open_shop()
    client = api_client_for(CustomerFactory())
    body = _problem(client.post(url("bookings-list"), {"service": service.pk}), 400)
    assert set(body["errors"]) >= {"date", "slot"}
    body = _problem(
        client.post(
            url("bookings-list"),
            {"service": service.pk, "date": "2026-13-01", "slot": "25:00"},
        ),
        400,
    )
    assert body["errors"]["date"] == ["Enter a date like 2026-01-31."]
    assert body["errors"]["slot"] == ["Enter a time like 09:30."]
    body = _problem(
        client.post(
            url("bookings-list"),
            {"service": service.pk, "date": book_day().isoformat(), "slot": "10:00"},
            HTTP_IDEMPOTENCY_KEY="not a key!",
        ),
        400,
    )
    assert "Idempotency-Key" in body["errors"]
    _problem(
        client.post(
            url("bookings-list"),
            {"service": 999999, "date": book_day().isoformat(), "slot": "10:00"},
        ),
        404,
    )
    assert not Appointment.objects.exists()


def test_domain_refusals_are_problems_with_the_pages_messages():
    shop, service = open_shop()
    taker = api_client_for(CustomerFactory())
    data = {"service": service.pk, "date": book_day().isoformat(), "slot": "10:00"}
    assert taker.post(url("bookings-list"), data).status_code == 201
    body = _problem(api_client_for(CustomerFactory()).post(url("bookings-list"), data), 409)
    assert body["code"] == "SlotUnavailable"
    assert body["detail"] == "That time was just taken. Please pick another slot."
    closed = {**data, "date": (timezone.localdate() - timedelta(days=2)).isoformat()}
    body = _problem(taker.post(url("bookings-list"), closed), 422)
    assert body["detail"] == "That date is in the past. Pick today or a later day."
    own = api_client_for(shop.user)
    body = _problem(own.post(url("bookings-list"), {**data, "slot": "12:00"}), 422)
    assert body["detail"] == "You cannot book your own business."


def test_idempotency_key_retry_returns_the_first_booking_and_a_changed_body_is_refused():
    _shop, service = open_shop()
    client = api_client_for(CustomerFactory())
    data = {"service": service.pk, "date": book_day().isoformat(), "slot": "10:00"}
    first = client.post(url("bookings-list"), data, HTTP_IDEMPOTENCY_KEY="retry-1")
    again = client.post(url("bookings-list"), data, HTTP_IDEMPOTENCY_KEY="retry-1")
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["token_number"] == first.json()["token_number"]
    changed = client.post(
        url("bookings-list"), {**data, "slot": "11:00"}, HTTP_IDEMPOTENCY_KEY="retry-1"
    )
    body = _problem(changed, 422)
    assert body["code"] == "IdempotencyKeyReused"
    assert Appointment.objects.count() == 1
    # Without a key every request is a new one.
    other = client.post(url("bookings-list"), {**data, "slot": "11:00"})
    assert other.status_code == 201 and Appointment.objects.count() == 2


def test_booking_answer_is_the_stored_booking_without_reading_it_again(
    django_assert_max_num_queries,
):
    """The 201 answer is built from the rows the booking read and wrote (the service with its
    owner's flags, the locked shop, the new booking), and says what a later GET says."""
    _shop, service = open_shop()
    client = api_client_for(CustomerFactory())
    data = {"service": service.pk, "date": book_day().isoformat(), "slot": "10:00"}
    client.post(url("bookings-list"), {**data, "slot": "09:00"})  # caches warm
    with django_assert_max_num_queries(BOOKING_POST_STATEMENTS) as queries:
        booked = client.post(url("bookings-list"), data, HTTP_IDEMPOTENCY_KEY="once")
    assert booked.status_code == 201, booked.content
    sql = [q["sql"].replace("`", "").replace('"', "") for q in queries.captured_queries]
    inserted = next(n for n, q in enumerate(sql) if q.startswith("INSERT INTO appointments"))
    assert not any("FROM appointments" in q for q in sql[inserted:]), sql[inserted:]
    assert booked.json()["status"] == "pending" and booked.json()["documents"] == []
    assert not any("FROM invoices" in q for q in sql), "a pending booking has no documents"
    assert booked.json() == client.get(url("bookings-detail", pk=booked.json()["id"])).json()


def test_customer_list_filters_and_validates():
    customer = CustomerFactory()
    kept = booking_of(customer)
    gone = booking_of(customer)
    services.appointment_cancel(appointment=gone, actor=customer)
    client = api_client_for(customer)
    rows = client.get(url("bookings-list"), {"status": "cancelled"}).json()["results"]
    assert [r["id"] for r in rows] == [gone.pk]
    rows = client.get(url("bookings-list"), {"upcoming": "true"}).json()["results"]
    assert [r["id"] for r in rows] == [kept.pk]
    rows = client.get(url("bookings-list"), {"date": book_day().isoformat()}).json()["results"]
    assert {r["id"] for r in rows} == {kept.pk, gone.pk}
    _problem(client.get(url("bookings-list"), {"status": "lost"}), 400)
    _problem(client.get(url("bookings-list"), {"date": "yesterday"}), 400)


def test_cancel_after_cutoff_is_refused_with_the_pages_message():
    customer = CustomerFactory()
    appointment = booking_of(customer)
    Provider.objects.filter(pk=appointment.provider_id).update(cancellation_cutoff_hours=24 * 30)
    body = _problem(
        api_client_for(customer).post(url("bookings-cancel", pk=appointment.pk), {}), 409
    )
    assert body["detail"].startswith("Bookings can be cancelled online up to 720 hours")


def test_cancel_and_reschedule_repeat_with_the_same_key_answer_the_first_result():
    customer = CustomerFactory()
    appointment = booking_of(customer)
    client = api_client_for(customer)
    move = {"date": (book_day() + timedelta(days=1)).isoformat(), "slot": "11:00"}
    first = client.post(url("bookings-reschedule", pk=appointment.pk), move,
                        HTTP_IDEMPOTENCY_KEY="move-1")  # fmt: skip
    again = client.post(url("bookings-reschedule", pk=appointment.pk), move,
                        HTTP_IDEMPOTENCY_KEY="move-1")  # fmt: skip
    assert first.status_code == again.status_code == 200
    assert first.json()["slot"] == "11:00" and again.json() == first.json()
    assert Appointment.objects.get(pk=appointment.pk).reschedule_count == 1
    same = client.post(url("bookings-reschedule", pk=appointment.pk), move)
    assert _problem(same, 422)["detail"] == "Pick a different time from your current one."
    _problem(client.post(url("bookings-reschedule", pk=appointment.pk), {"slot": "x"}), 400)


def test_ics_and_queue():
    customer = CustomerFactory()
    appointment = booking_of(customer)
    client = api_client_for(customer)
    ics = client.get(url("bookings-ics", pk=appointment.pk))
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in ics.content
    queue = client.get(url("bookings-queue", pk=appointment.pk)).json()
    assert queue["show"] is False and queue["token_number"] == appointment.token_number


def test_queue_today_shows_place_and_estimate(frozen):
    # At 07:00 on a fixed Monday, so "later today" exists whatever the hour of the run.
    owner = ProviderUserFactory()
    shop, service = counter_shop(owner)
    customer = CustomerFactory()
    appointment = services.appointment_book(
        customer=customer, service=service, booking_date=MONDAY, slot_time=time(7, 30)
    )
    services.appointment_confirm(appointment=appointment, actor=owner)
    body = api_client_for(customer).get(url("bookings-queue", pk=appointment.pk)).json()
    assert body["show"] is True and body["state"] in ("next", "waiting")
    assert body["now_serving"] == 0 and body["expected_at"]


# --- the provider's side ----------------------------------------------------------------------


def test_provider_list_filters_and_actions():
    owner = ProviderUserFactory()
    shop, service = open_shop(owner=owner)
    customer = CustomerFactory(name="Meera")
    appointment = services.appointment_book(
        customer=customer, service=service, booking_date=book_day(), slot_time=time(10)
    )
    client = api_client_for(owner)
    rows = client.get(url("provider-bookings-list"), {"date": book_day().isoformat()}).json()
    assert [r["id"] for r in rows["results"]] == [appointment.pk]
    rows = client.get(
        url("provider-bookings-list"), {"date": book_day().isoformat(), "q": "meera"}
    ).json()
    assert len(rows["results"]) == 1
    rows = client.get(url("provider-bookings-list"), {"date": book_day().isoformat(), "q": "zzqq"})
    assert rows.json()["results"] == []
    _problem(client.get(url("provider-bookings-list"), {"status": "nope"}), 400)

    confirmed = client.post(url("provider-bookings-confirm", pk=appointment.pk))
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert WalletTransaction.objects.filter(kind=WalletTransaction.Kind.BOOKING_FEE).count() == 1
    body = _problem(client.post(url("provider-bookings-complete", pk=appointment.pk)), 409)
    assert body["detail"] == "A booking can be completed on its day, not before."
    body = _problem(client.post(url("provider-bookings-cancel", pk=appointment.pk), {}), 400)
    assert "reason" in body["errors"]
    cancelled = client.post(
        url("provider-bookings-cancel", pk=appointment.pk), {"reason": "Shop closed"}
    )
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancel_reason"] == "Shop closed"


def test_confirm_with_a_short_wallet_is_a_conflict_naming_the_top_up():
    owner = ProviderUserFactory()
    shop = ProviderFactory(user=owner)
    appointment = AppointmentFactory(
        service=ServiceFactory(provider=shop), booking_date=book_day(), status="pending"
    )
    body = _problem(
        api_client_for(owner).post(url("provider-bookings-confirm", pk=appointment.pk)), 409
    )
    assert body["code"] == "FeeNotPaid"
    assert Appointment.objects.get(pk=appointment.pk).status == "pending"


def test_provider_cannot_act_on_another_shops_booking():
    owner = ProviderUserFactory()
    open_shop(owner=owner)
    others = booking_of(CustomerFactory())
    client = api_client_for(owner)
    for name in ("provider-bookings-confirm", "provider-bookings-cancel"):
        _problem(client.post(url(name, pk=others.pk), {"reason": "x"}), 404)
    assert Appointment.objects.get(pk=others.pk).status == "pending"


def test_provider_without_a_shop_is_told_to_describe_it():
    body = _problem(api_client_for(ProviderUserFactory()).get(url("provider-bookings-list")), 403)
    assert body["detail"] == "Tell us about your shop first."


def test_walk_in_and_call_next(frozen):
    owner = ProviderUserFactory()
    shop, service = counter_shop(owner)
    client = api_client_for(owner)
    slot = walk_in_slot(shop)
    made = client.post(
        url("provider-walk-ins"),
        {"service": service.pk, "name": "Ravi", "slot": slot},
        HTTP_IDEMPOTENCY_KEY="walk-1",
    )
    assert made.status_code == 201, made.content
    assert made.json()["is_walk_in"] is True and made.json()["customer_name"] == "Ravi"
    again = client.post(
        url("provider-walk-ins"),
        {"service": service.pk, "name": "Ravi", "slot": slot},
        HTTP_IDEMPOTENCY_KEY="walk-1",
    )
    assert again.json()["id"] == made.json()["id"]
    body = _problem(client.post(url("provider-walk-ins"), {"service": service.pk}), 400)
    assert {"name", "slot"} <= set(body["errors"])
    called = client.post(url("provider-queue-call-next"))
    assert called.status_code == 200
    assert called.json()["now_serving"] == made.json()["token_number"]
    body = _problem(client.post(url("provider-queue-call-next")), 422)
    assert body["detail"] == "No one else is waiting in today's queue."


def test_walk_in_of_another_shops_service_is_a_field_error(frozen):
    owner = ProviderUserFactory()
    shop, _service = counter_shop(owner)
    _other_shop, foreign = open_shop()
    body = _problem(
        api_client_for(owner).post(
            url("provider-walk-ins"),
            {"service": foreign.pk, "name": "Ravi", "slot": walk_in_slot(shop)},
        ),
        400,
    )
    assert "service" in body["errors"]


def test_staff_need_their_second_factor_for_someone_elses_booking():
    from accounts.tests.factories import StaffFactory

    appointment = booking_of(CustomerFactory())
    staff = StaffFactory()
    assert api_client_for(staff).get(url("bookings-detail", pk=appointment.pk)).status_code == 200
    response = api_client_for(staff, otp=False).get(url("bookings-detail", pk=appointment.pk))
    assert _problem(response, 403)["code"] == "second_factor_required"


def test_messages_follow_accept_language():
    _shop, service = open_shop()
    client = api_client_for(CustomerFactory(), language="hi")
    response = client.post(url("bookings-list"), {"service": service.pk})
    assert response.status_code == 400
    assert response.headers.get("Content-Language") == "hi"


# --- races on MariaDB -------------------------------------------------------------------------

THREADS = 30


def _race(work, n: int = THREADS) -> list:
    barrier = threading.Barrier(n)
    outcomes: list = [None] * n

    def target(i):
        try:
            barrier.wait()
            outcomes[i] = work(i)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.mariadb
@pytest.mark.django_db(transaction=True)
def test_thirty_api_clients_racing_one_slot_book_exactly_capacity():
    shop, service = open_shop(capacity=3)
    clients = [api_client_for(CustomerFactory()) for _ in range(THREADS)]
    data = {"service": service.pk, "date": book_day().isoformat(), "slot": "10:00"}
    responses = _race(lambda i: clients[i].post(url("bookings-list"), data))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] * 3 + [409] * (THREADS - 3), codes
    assert all(
        r.json()["detail"] == "That time was just taken. Please pick another slot."
        for r in responses
        if r.status_code == 409
    )
    rows = Appointment.objects.filter(provider=shop, status__in=Appointment.ACTIVE_STATUSES)
    assert rows.count() == 3
    assert sorted(rows.values_list("token_number", flat=True)) == [1, 2, 3]


@pytest.mark.mariadb
@pytest.mark.django_db(transaction=True)
def test_same_idempotency_key_from_two_threads_makes_one_booking():
    _shop, service = open_shop()
    customer = CustomerFactory()
    clients = [api_client_for(customer) for _ in range(2)]
    data = {"service": service.pk, "date": book_day().isoformat(), "slot": "10:00"}
    responses = _race(
        lambda i: clients[i].post(url("bookings-list"), data, HTTP_IDEMPOTENCY_KEY="twice-1"), 2
    )
    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].json()["id"] == responses[1].json()["id"]
    assert Appointment.objects.filter(customer=customer).count() == 1


def test_booking_posts_are_limited_per_user_like_the_page_but_not_the_list(monkeypatch):
    from config import api as api_config

    rates = {**api_config.ScopedRateThrottle.THROTTLE_RATES, "booking": "2/min"}
    monkeypatch.setattr(api_config.ScopedRateThrottle, "THROTTLE_RATES", rates)
    _shop, service = open_shop()
    client = api_client_for(CustomerFactory())
    for at in ("10:00", "11:00"):
        data = {"service": service.pk, "date": book_day().isoformat(), "slot": at}
        assert client.post(url("bookings-list"), data).status_code == 201
    data = {"service": service.pk, "date": book_day().isoformat(), "slot": "12:00"}
    _problem(client.post(url("bookings-list"), data), 429)
    assert Appointment.objects.count() == 2
    for _ in range(3):
        assert client.get(url("bookings-list")).status_code == 200


def test_provider_action_with_a_malformed_key_changes_nothing():
    owner = ProviderUserFactory()
    _shop, service = open_shop(owner=owner)
    appointment = services.appointment_book(
        customer=CustomerFactory(), service=service, booking_date=book_day(), slot_time=time(10)
    )
    response = api_client_for(owner).post(
        url("provider-bookings-confirm", pk=appointment.pk), HTTP_IDEMPOTENCY_KEY="x" * 65
    )
    assert "Idempotency-Key" in _problem(response, 400)["errors"]
    assert Appointment.objects.get(pk=appointment.pk).status == "pending"


def test_ids_beyond_any_database_column_are_not_found():
    huge = 10**30
    _problem(APIClient().get(url("providers-detail", provider_id=huge)), 404)
    _problem(api_client_for(CustomerFactory()).get(url("bookings-detail", pk=huge)), 404)


def test_a_confirmed_booking_lists_its_documents_for_each_viewer():
    """Confirming issues the customer's invoice and the platform's fee invoice: the customer
    is shown the first, the shop both."""
    owner = ProviderUserFactory()
    _shop, service = open_shop(owner=owner, auto_confirm=True)
    customer = CustomerFactory()
    booking = services.appointment_book(
        customer=customer, service=service, booking_date=book_day(), slot_time=time(10)
    )
    assert booking.status == Appointment.Status.CONFIRMED
    path = url("bookings-detail", pk=booking.pk)
    as_customer = api_client_for(customer).get(path).json()["documents"]
    as_shop = api_client_for(owner).get(path).json()["documents"]
    assert [(d["kind"], d["doc_type"]) for d in as_customer] == [("booking", "invoice")]
    assert sorted((d["kind"], d["doc_type"]) for d in as_shop) == [
        ("booking", "invoice"),
        ("booking_fee", "invoice"),
    ]
