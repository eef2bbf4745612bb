"""Pages: discovery, the booking flow, customers' and providers' bookings, access and bad input."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import CustomerFactory, StaffFactory, login_verified_staff
from bookings import next_free, services
from bookings.models import Appointment
from providers.models import Provider
from providers.tests.factories import (
    CategoryFactory,
    ProviderFactory,
    ServiceFactory,
    open_all_week,
)
from wallet.models import WalletTransaction
from wallet.services import credit
from wallet.tests.factories import fund

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

MONDAY = date(2026, 12, 7)


@pytest.fixture
def customer():
    return CustomerFactory()


def book(service, customer, at=time(10), day=MONDAY):
    return services.appointment_book(
        customer=customer, service=service, booking_date=day, slot_time=at
    )


def confirmed(service, customer, at=time(10), day=MONDAY):
    """A booking its shop has confirmed, the fee paid from a funded wallet: it can be served."""
    if service.provider.wallet_balance < 50:
        fund(service.provider, "100")
    appointment = book(service, customer, at=at, day=day)
    return services.appointment_confirm(appointment=appointment, actor=service.provider.user)


# --- discovery -------------------------------------------------------------------------------


def test_search_lists_approved_providers_only(client, service):
    hidden = ServiceFactory(provider=ProviderFactory(status=Provider.Status.PENDING))
    response = client.get(reverse("bookings:search"))
    assert response.status_code == 200
    assert service.provider.shop_name in response.text
    assert hidden.provider.shop_name not in response.text


def test_search_filters_by_text_category_and_city(client, service):
    salon = service.provider
    ServiceFactory(provider=salon, service_name="Beard trim")
    dentist = ProviderFactory(
        shop_name="Smile Dental", city="Mumbai", category=CategoryFactory(slug="dental")
    )
    ServiceFactory(provider=dentist, service_name="Cleaning")
    url = reverse("bookings:search")
    assert "Smile Dental" not in client.get(url, {"q": "beard"}).text
    assert salon.shop_name in client.get(url, {"q": "beard"}).text
    assert "Smile Dental" in client.get(url, {"q": "smile"}).text
    by_city = client.get(url, {"city": "Mumbai"}).text
    assert "Smile Dental" in by_city and salon.shop_name not in by_city
    by_category = client.get(url, {"category": "dental"}).text
    assert "Smile Dental" in by_category and salon.shop_name not in by_category


def test_search_shows_price_range_and_next_free_slot(client, service):
    ServiceFactory(provider=service.provider, rate=Decimal("1250.00"))
    text = client.get(reverse("bookings:search")).text
    assert "₹300.00 – ₹1,250.00" in text
    assert "Next free: <strong>today, 9:00 AM</strong>" in " ".join(text.split())


def test_search_sorts_by_price_and_soonest(client, provider, service):
    cheap = ProviderFactory(shop_name="Zed Cheap")
    open_all_week(cheap, start=time(15), end=time(16))
    ServiceFactory(provider=cheap, rate=Decimal("50.00"))
    url = reverse("bookings:search")
    by_name = client.get(url, {"sort": "name"}).text
    assert by_name.index(provider.shop_name) < by_name.index("Zed Cheap")
    by_price = client.get(url, {"sort": "price"}).text
    assert by_price.index("Zed Cheap") < by_price.index(provider.shop_name)
    late = ProviderFactory(shop_name="Aaa Late")  # first by name, open only in the afternoon
    open_all_week(late, start=time(15), end=time(16))
    ServiceFactory(provider=late)
    next_free.refresh()  # what the minutely task does
    soonest = client.get(url, {"sort": "soonest"}).text
    assert soonest.index(provider.shop_name) < soonest.index("Aaa Late")
    assert soonest.index(provider.shop_name) < soonest.index("Zed Cheap")


def test_search_bad_params_are_ignored_not_500(client, service):
    response = client.get(
        reverse("bookings:search"), {"sort": "hack", "page": "zz", "q": "x" * 500}
    )
    assert response.status_code == 200


def _make_providers(n):
    category = CategoryFactory()
    for _ in range(n):
        p = ProviderFactory(category=category)
        open_all_week(p)
        ServiceFactory(provider=p)
        ServiceFactory(provider=p, rate=Decimal("500.00"))


@pytest.mark.parametrize("sort", ["name", "soonest"])
def test_search_query_count_does_not_grow_with_results(client, sort):
    _make_providers(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("bookings:search"), {"sort": sort}).status_code == 200
    _make_providers(19)
    cache.clear()  # compare two uncached renderings
    with CaptureQueriesContext(connection) as twenty:
        response = client.get(reverse("bookings:search"), {"sort": sort})
    assert response.text.count("provider-card") == 12  # one page
    # At most the count of all matches more: a first page that holds every match needs none.
    assert len(one) <= len(twenty) <= len(one) + 1
    _make_providers(20)
    cache.clear()
    with CaptureQueriesContext(connection) as forty:
        client.get(reverse("bookings:search"), {"sort": sort})
    assert len(forty) == len(twenty)


def test_provider_page_shows_services_hours_and_book_buttons(client, service):
    response = client.get(reverse("bookings:provider", args=[service.provider.slug]))
    assert response.status_code == 200
    assert service.service_name in response.text
    assert reverse("bookings:book", args=[service.provider.slug, service.pk]) in response.text
    assert "Closed" in response.text  # Sunday


def test_provider_page_query_count_is_flat(client, provider):
    ServiceFactory(provider=provider)
    url = reverse("bookings:provider", args=[provider.slug])
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(19):
        ServiceFactory(provider=provider)
    cache.clear()  # compare two uncached renderings
    with CaptureQueriesContext(connection) as twenty:
        client.get(url)
    assert len(one) == len(twenty)


def test_unapproved_provider_page_is_404(client):
    hidden = ProviderFactory(status=Provider.Status.PENDING)
    assert client.get(reverse("bookings:provider", args=[hidden.slug])).status_code == 404


# --- booking flow ----------------------------------------------------------------------------


def test_booking_page_shows_days_closed_and_free(client, service):
    url = reverse("bookings:book", args=[service.provider.slug, service.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Closed" in response.text  # Sunday 13 Dec
    assert "?date=2026-12-08" in response.text
    assert "2026-12-22" not in response.text  # beyond the 14-day horizon


def test_slot_fragment_lists_free_times(client, service, customer):
    book(service, customer, at=time(10))
    url = reverse("bookings:slots", args=[service.provider.slug, service.pk])
    response = client.get(url, {"date": "2026-12-07"})
    assert response.status_code == 200
    assert 'name="time" value="09:30"' in response.text
    assert 'value="10:00"' not in response.text
    assert 'value="13:00"' not in response.text


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-12-06", "in the past"),
        ("2027-01-30", "days ahead"),
        ("2026-12-13", "closed"),
    ],
)
def test_slot_fragment_explains_days_without_slots(client, service, value, message):
    url = reverse("bookings:slots", args=[service.provider.slug, service.pk])
    response = client.get(url, {"date": value})
    assert response.status_code == 200
    assert message in response.text
    assert 'name="time"' not in response.text


@pytest.mark.parametrize("value", ["", "tomorrow", "2026-13-45", "9" * 40])
def test_slot_fragment_malformed_date_is_400(client, service, value):
    url = reverse("bookings:slots", args=[service.provider.slug, service.pk])
    response = client.get(url, {"date": value})
    assert response.status_code == 400
    assert "Enter a date" in response.text or "required" in response.text


def test_slot_fragment_query_count_is_flat(client, service):
    url = reverse("bookings:slots", args=[service.provider.slug, service.pk])
    for i in range(1):
        book(service, CustomerFactory(), at=time(9 + i))
    with CaptureQueriesContext(connection) as one:
        client.get(url, {"date": "2026-12-07"})
    Provider.objects.filter(pk=service.provider_id).update(capacity=20)
    for _ in range(19):
        book(service, CustomerFactory(), at=time(11))
    with CaptureQueriesContext(connection) as twenty:
        client.get(url, {"date": "2026-12-07"})
    assert len(one) == len(twenty)
    assert sum("appointments" in q["sql"] for q in twenty.captured_queries) == 1


def test_full_booking_flow(client, service, customer):
    client.force_login(customer)
    confirm = reverse("bookings:confirm", args=[service.provider.slug, service.pk])
    summary = client.get(confirm, {"date": "2026-12-07", "time": "10:00"})
    assert summary.status_code == 200
    assert "₹300.00" in summary.text
    response = client.post(confirm, {"date": "2026-12-07", "time": "10:00", "note": "Window seat"})
    appt = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("bookings:detail", args=[appt.pk])
    page = client.get(response["Location"])
    assert "token-badge" in page.text and ">1<" in page.text
    assert appt.customer == customer and appt.customer_note == "Window seat"


@pytest.mark.parametrize("value", ["31-12-2026", "2026-02-30", "<script>"])
def test_booking_page_with_a_malformed_date_says_so(client, service, value):
    url = reverse("bookings:book", args=[service.provider.slug, service.pk])
    response = client.get(url, {"date": value})
    assert response.status_code == 200
    assert "Enter a date like" in response.text
    assert 'name="time"' not in response.text


def test_booking_needs_login(client, service):
    confirm = reverse("bookings:confirm", args=[service.provider.slug, service.pk])
    response = client.post(confirm, {"date": "2026-12-07", "time": "10:00"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "2026-12-06", "time": "10:00"}, "past"),
        ({"date": "2027-02-01", "time": "10:00"}, "days ahead"),
        ({"date": "2026-12-13", "time": "10:00"}, "closed"),
        ({"date": "2026-12-07", "time": "10:10"}, "bookable slots"),
        ({"date": "2026-12-07", "time": "25:00"}, "Enter a time"),
        ({"date": "07/12/2026", "time": "10:00"}, "Enter a date"),
        ({"date": "2026-12-07"}, "required"),
    ],
)
def test_bad_booking_posts_show_a_message_and_write_nothing(
    client, service, customer, data, message
):
    client.force_login(customer)
    confirm = reverse("bookings:confirm", args=[service.provider.slug, service.pk])
    response = client.post(confirm, data, follow=True)
    assert response.status_code == 200
    assert message in response.text
    assert not Appointment.objects.exists()


def test_tampered_service_ids_are_404(client, service, customer):
    client.force_login(customer)
    other = ServiceFactory()  # another provider's service
    inactive = ServiceFactory(provider=service.provider, is_active=False)
    pending = ServiceFactory(provider=ProviderFactory(status=Provider.Status.PENDING))
    slug = service.provider.slug
    for svc_slug, svc_id in [
        (slug, other.pk),
        (slug, inactive.pk),
        (pending.provider.slug, pending.pk),
        (slug, 999999),
    ]:
        for name in ("book", "slots", "confirm"):
            url = reverse(f"bookings:{name}", args=[svc_slug, svc_id])
            assert client.get(url, {"date": "2026-12-07", "time": "10:00"}).status_code == 404
        assert (
            client.post(
                reverse("bookings:confirm", args=[svc_slug, svc_id]),
                {"date": "2026-12-07", "time": "10:00"},
            ).status_code
            == 404
        )
    assert not Appointment.objects.exists()


def test_taken_slot_post_says_just_taken(client, service, customer):
    book(service, CustomerFactory())
    client.force_login(customer)
    confirm = reverse("bookings:confirm", args=[service.provider.slug, service.pk])
    response = client.post(confirm, {"date": "2026-12-07", "time": "10:00"}, follow=True)
    assert "just taken" in response.text
    assert Appointment.objects.count() == 1


# --- customer pages and access control ------------------------------------------------------


@pytest.fixture
def appointment(service, customer):
    return book(service, customer)


CUSTOMER_URLS = ["detail", "detail_queue", "ics", "cancel", "reschedule"]


@pytest.mark.parametrize("name", CUSTOMER_URLS)
def test_other_customers_and_providers_get_404(client, appointment, name):
    url = reverse(f"bookings:{name}", args=[appointment.pk])
    for intruder in (CustomerFactory(), ProviderFactory().user):
        client.force_login(intruder)
        assert client.get(url).status_code == 404
        posted = client.post(url, {"reason": "x", "date": "2026-12-08", "time": "10:00"})
        # Read-only pages answer a POST with 405 before looking anything up.
        assert posted.status_code == (404 if name in ("cancel", "reschedule") else 405)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.PENDING
    assert appointment.booking_date == MONDAY


@pytest.mark.parametrize("name", CUSTOMER_URLS)
def test_anonymous_users_are_sent_to_login(client, appointment, name):
    response = client.get(reverse(f"bookings:{name}", args=[appointment.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("name", ["detail", "ics"])
def test_owner_provider_and_staff_can_see(client, appointment, name):
    url = reverse(f"bookings:{name}", args=[appointment.pk])
    for viewer in (appointment.customer, appointment.provider.user):
        client.force_login(viewer)
        assert client.get(url).status_code == 200
    login_verified_staff(client)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", ["detail", "detail_queue", "ics", "invoice"])
def test_staff_without_second_factor_are_sent_to_the_code_step(client, appointment, name):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    url = reverse(f"bookings:{name}", args=[appointment.pk])
    staff = StaffFactory()
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor")
    TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify") + "?next=")
    assert appointment.customer.email not in response.content.decode()


def test_my_bookings_lists_only_mine(client, appointment, service):
    theirs = book(service, CustomerFactory(), at=time(11))
    client.force_login(appointment.customer)
    response = client.get(reverse("bookings:mine"))
    assert reverse("bookings:detail", args=[appointment.pk]) in response.text
    assert reverse("bookings:detail", args=[theirs.pk]) not in response.text


def test_ics_download(client, appointment):
    client.force_login(appointment.customer)
    response = client.get(reverse("bookings:ics", args=[appointment.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VEVENT" in body and "DTSTART:20261207T043000Z" in body


def test_ics_escapes_what_providers_type(client, appointment):
    """A lone CR, LF, comma or semicolon in a shop's name or address cannot start a new
    property in the customer's calendar."""
    from icalendar import Calendar

    provider = appointment.provider
    provider.shop_name = "Evil; Shop, Inc"
    provider.address = "12 Road\rATTENDEE:mailto:x@evil.in\nORGANIZER:mailto:y@evil.in"
    provider.save()
    client.force_login(appointment.customer)
    body = client.get(reverse("bookings:ics", args=[appointment.pk])).content.decode()
    lines = body.split("\r\n")
    assert not any(line.startswith(("ATTENDEE", "ORGANIZER")) for line in lines)
    assert "\r" not in body.replace("\r\n", "")
    assert "\n" not in body.replace("\r\n", "")
    assert r"Evil\; Shop\, Inc" in body.replace("\r\n ", "")
    event = Calendar.from_ical(body).walk("VEVENT")[0]
    assert "ATTENDEE" not in event and "ORGANIZER" not in event
    assert str(event["LOCATION"]).startswith("12 Road\nATTENDEE:mailto:x@evil.in")


def test_customer_cancels_with_optional_reason(client, appointment):
    client.force_login(appointment.customer)
    url = reverse("bookings:cancel", args=[appointment.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Plans changed"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "cancelled" and appointment.cancel_reason == "Plans changed"


def test_customer_cancel_after_cutoff_changes_nothing(client, appointment, frozen):
    frozen.move_to("2026-12-07T09:00+05:30")
    client.force_login(appointment.customer)
    response = client.post(reverse("bookings:cancel", args=[appointment.pk]), {}, follow=True)
    assert "2 hours" in response.text
    appointment.refresh_from_db()
    assert appointment.status == "pending"


def test_customer_reschedules(client, appointment):
    client.force_login(appointment.customer)
    url = reverse("bookings:reschedule", args=[appointment.pk])
    page = client.get(url, {"date": "2026-12-08"})
    assert page.status_code == 200 and 'value="10:00"' in page.text
    response = client.post(url, {"date": "2026-12-08", "time": "10:00"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.booking_date == date(2026, 12, 8) and appointment.token_number == 1


@pytest.mark.parametrize(
    "data", [{"date": "bad", "time": "10:00"}, {"date": "2026-12-13", "time": "10:00"}, {}]
)
def test_bad_reschedule_writes_nothing(client, appointment, data):
    client.force_login(appointment.customer)
    response = client.post(reverse("bookings:reschedule", args=[appointment.pk]), data, follow=True)
    assert response.status_code == 200
    appointment.refresh_from_db()
    assert appointment.booking_date == MONDAY and appointment.reschedule_count == 0


def test_customer_sees_the_live_queue_on_the_booking_page(client, service, customer):
    confirmed(service, CustomerFactory(), at=time(9))
    confirmed(service, CustomerFactory(), at=time(9, 30))
    mine = confirmed(service, customer, at=time(10))
    client.force_login(customer)
    url = reverse("bookings:detail_queue", args=[mine.pk])
    services.queue_advance(provider=service.provider, actor=service.provider.user)
    text = client.get(url).text
    token = '<span class="visually-hidden">Token </span>'
    assert f'fs-3 fw-bold">{token}1<' in text and f'fs-3 fw-bold">{token}3<' in text
    # 07:00 now, the slot at 10:00: never earlier than the slot, told as a clock time.
    assert "Expected at about 10:00 AM (1 ahead of you)" in " ".join(text.split())
    services.queue_advance(provider=service.provider, actor=service.provider.user)
    assert "1 ahead" not in client.get(url).text
    services.queue_advance(provider=service.provider, actor=service.provider.user)
    assert "your turn now" in client.get(url).text


# --- provider pages --------------------------------------------------------------------------


def test_provider_bookings_lists_the_day(client, appointment):
    client.force_login(appointment.provider.user)
    response = client.get(reverse("bookings:provider_bookings"), {"date": "2026-12-07"})
    assert response.status_code == 200
    assert appointment.customer.name in response.text
    other_day = client.get(reverse("bookings:provider_bookings"), {"date": "2026-12-08"})
    assert appointment.customer.name not in other_day.text


def test_provider_pages_refuse_customers(client, customer):
    client.force_login(customer)
    for name in ("provider_bookings", "walk_in"):
        assert client.get(reverse(f"bookings:{name}")).status_code == 403
    assert client.post(reverse("bookings:queue_advance")).status_code == 403


@pytest.mark.parametrize("action", ["confirm", "complete", "no_show"])
def test_another_provider_cannot_act_on_a_booking(client, appointment, action):
    client.force_login(ProviderFactory().user)
    url = reverse("bookings:provider_action", args=[appointment.pk, action])
    assert client.post(url).status_code == 404
    cancel_url = reverse("bookings:provider_cancel", args=[appointment.pk])
    assert client.post(cancel_url, {"reason": "x"}).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == "pending"


def test_customer_cannot_use_provider_actions(client, appointment):
    client.force_login(appointment.customer)
    url = reverse("bookings:provider_action", args=[appointment.pk, "confirm"])
    assert client.post(url).status_code == 403


def test_provider_confirms_with_enough_balance(client, appointment):
    provider = appointment.provider
    credit(provider=provider, amount=Decimal("50"), kind="adjustment", reference_id="seed")
    client.force_login(provider.user)
    client.post(reverse("bookings:provider_action", args=[appointment.pk, "confirm"]))
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"


def test_provider_confirm_on_empty_wallet_links_to_top_up(client, appointment):
    client.force_login(appointment.provider.user)
    response = client.post(
        reverse("bookings:provider_action", args=[appointment.pk, "confirm"]), follow=True
    )
    assert "Add money to your wallet" in response.text
    assert 'href="/wallet/' in response.text
    appointment.refresh_from_db()
    assert appointment.status == "pending"
    assert not WalletTransaction.objects.exists()


def test_unknown_action_is_404(client, appointment):
    client.force_login(appointment.provider.user)
    url = reverse("bookings:provider_action", args=[appointment.pk, "delete"])
    assert client.post(url).status_code == 404


def test_provider_cancel_needs_a_reason(client, appointment):
    client.force_login(appointment.provider.user)
    url = reverse("bookings:provider_cancel", args=[appointment.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "required" in response.text
    appointment.refresh_from_db()
    assert appointment.status == "pending"
    client.post(url, {"reason": "Power cut"})
    appointment.refresh_from_db()
    assert appointment.status == "cancelled" and appointment.cancelled_by_role == "provider"


def test_walk_in_form(client, service, frozen):
    fund(service.provider, "100")
    frozen.move_to("2026-12-07T10:05+05:30")
    client.force_login(service.provider.user)
    url = reverse("bookings:walk_in")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"service": service.pk, "name": "Ramesh", "mobile": "98123 45678", "time": "10:00"}
    )
    assert response.status_code == 302
    appt = Appointment.objects.get()
    assert appt.walk_in_name == "Ramesh" and str(appt.walk_in_mobile) == "+919812345678"


def test_walk_in_with_another_providers_service_is_refused(client, service):
    client.force_login(service.provider.user)
    other = ServiceFactory()
    response = client.post(
        reverse("bookings:walk_in"), {"service": other.pk, "name": "X", "time": "10:00"}
    )
    assert response.status_code == 200 and "Select a valid choice" in response.text
    assert not Appointment.objects.exists()


def test_queue_board_is_public_and_moves(client, service, customer):
    confirmed(service, customer, at=time(9))
    confirmed(service, CustomerFactory(), at=time(9, 30))
    board = reverse("bookings:queue", args=[service.provider.slug])
    assert client.get(board).status_code == 200
    client.force_login(service.provider.user)
    client.post(reverse("bookings:queue_advance"))
    client.logout()
    fragment = client.get(reverse("bookings:queue_board", args=[service.provider.slug])).text
    assert (
        'class="now-serving" aria-live="polite"><span class="visually-hidden">Token </span>1<'
        in fragment
    )
    assert 'next-token"><span class="visually-hidden">Token </span>2<' in fragment


def test_queue_board_of_unapproved_provider_is_404(client):
    hidden = ProviderFactory(status=Provider.Status.SUSPENDED)
    assert client.get(reverse("bookings:queue", args=[hidden.slug])).status_code == 404


def test_dashboard_shows_todays_bookings_and_queue_controls(client, service, customer):
    appointment = confirmed(service, customer)
    client.force_login(appointment.provider.user)
    response = client.get(reverse("bookings:dashboard"))
    assert response.status_code == 200
    assert appointment.customer.name in response.text
    assert reverse("bookings:queue_advance") in response.text
    client.post(reverse("bookings:queue_advance"), {"next": reverse("bookings:dashboard")})
    response = client.get(reverse("bookings:dashboard"))
    assert "table-warning" in response.text  # the token being served is highlighted


def test_provider_without_a_shop_is_sent_to_onboarding(client):
    from accounts.tests.factories import ProviderUserFactory

    client.force_login(ProviderUserFactory())
    response = client.get(reverse("bookings:provider_bookings"))
    assert response.status_code == 302
    assert response["Location"] == reverse("providers:onboarding")


@pytest.mark.parametrize(
    ("day", "at"),
    [
        (date(2026, 12, 6), time(10)),  # yesterday
        (date(2026, 12, 13), time(10)),  # a Sunday: closed
        (date(2027, 1, 30), time(10)),  # beyond the horizon
    ],
)
def test_booking_page_and_booking_service_give_the_same_reason(client, service, day, at):
    """One rule (slots.unbookable_reason) behind both: the page's words are the service's."""
    with pytest.raises(services.BookingError) as refused:
        book(service, CustomerFactory(), at=at, day=day)
    page = client.get(
        reverse("bookings:slots", args=[service.provider.slug, service.pk]),
        {"date": day.isoformat()},
    )
    assert refused.value.message in page.content.decode().replace("&#x27;", "'")


def test_portal_pages_share_one_access_rule(client, provider):
    """Function views (bookings' portal) and class views (wallet, dashboard) answer alike."""
    from accounts.tests.factories import ProviderUserFactory

    pages = [
        reverse("bookings:provider_bookings"),  # function view
        reverse("bookings:walk_in"),  # function view
        reverse("bookings:dashboard"),  # class view
        reverse("wallet:home"),  # class view
    ]
    for page in pages:
        client.logout()
        response = client.get(page)
        assert response.status_code == 302 and "/login/" in response["Location"], page
        assert "next=" in response["Location"]
        for outsider in (CustomerFactory(), StaffFactory()):
            client.force_login(outsider)
            assert client.get(page).status_code == 403, page
        client.force_login(ProviderUserFactory())
        response = client.get(page)
        assert response["Location"] == reverse("providers:onboarding"), page
        client.force_login(provider.user)
        assert client.get(page).status_code == 200, page
