"""Journey 1, the customer: sign up, verify the email, search by city and category, book a
slot, see the token and the booking under "My bookings", cancel another booking."""

import re
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import User
from bookings import services as booking_services
from bookings.models import Appointment
from providers.tests.factories import (
    CategoryFactory,
    ProviderFactory,
    ServiceFactory,
    open_all_week,
)

from .flows import log_in, sign_up_and_verify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Token-Queue-2026"  # noqa: S105 - a test account


def test_customer_finds_books_and_cancels(journey):
    salon = CategoryFactory(name="Salon & Spa", slug="salon-spa", icon="scissors")
    dental = CategoryFactory(name="Dental", slug="dental", icon="emoji-smile")
    glow = ProviderFactory(shop_name="Glow Salon", slug="glow-salon", category=salon, city="Pune")
    smile = ProviderFactory(shop_name="Smile Dental", slug="smile-dental", category=dental,
                            city="Pune")  # fmt: skip
    elsewhere = ProviderFactory(shop_name="Bandra Cuts", slug="bandra-cuts", category=salon,
                                city="Mumbai")  # fmt: skip
    for provider in (glow, smile, elsewhere):
        open_all_week(provider)
    haircut = ServiceFactory(provider=glow, service_name="Haircut", rate=Decimal("300.00"))
    cleaning = ServiceFactory(provider=smile, service_name="Cleaning", rate=Decimal("800.00"))
    ServiceFactory(provider=elsewhere, service_name="Beard trim")
    page = journey.page
    tomorrow = timezone.localdate() + timedelta(days=1)

    # Sign up, verify the email, log in.
    sign_up_and_verify(
        journey, name="Meera Iyer", email="meera@example.in", role="customer", password=PASSWORD
    )
    log_in(journey, login="meera@example.in", password=PASSWORD)
    customer = User.objects.get(email="meera@example.in")
    assert customer.email_verified

    # Search by city and category.
    page.get_by_role("link", name="Find services").first.click()
    journey.settle("search-all")
    assert page.get_by_text("3 businesses take bookings").is_visible()
    page.select_option("select[name=category]", "salon-spa")
    page.select_option("select[name=city]", "Pune")
    page.get_by_role("button", name="Search").click()
    journey.settle("search-pune-salon")
    assert page.get_by_text("1 business takes bookings").is_visible()
    cards = page.locator(".provider-card")
    assert cards.count() == 1
    assert "Glow Salon" in cards.first.inner_text()
    assert "₹300.00" in cards.first.inner_text()

    # The provider's page, then its Haircut booking page.
    cards.first.get_by_role("link", name="Glow Salon").click()
    journey.settle("provider")
    assert page.get_by_role("heading", name="Glow Salon").is_visible()
    page.get_by_role("link", name="Book Haircut").click()
    journey.settle("book")
    assert page.get_by_role("heading", name="Haircut").is_visible()

    # Pick tomorrow (htmx loads its free times), then 10:00 AM.
    page.locator(f"a.day-cell[href='?date={tomorrow:%Y-%m-%d}#times']").click()
    page.wait_for_url(re.compile(f"date={tomorrow:%Y-%m-%d}"))
    journey.settle("slots")
    assert page.get_by_text(
        f"Free times on {tomorrow:%A}, {tomorrow.day} {tomorrow:%B}"
    ).is_visible()
    page.locator("#slots").get_by_role("button", name="10:00 AM").click()
    journey.settle("confirm")
    summary = page.inner_text("main")
    assert "Glow Salon" in summary and "Haircut" in summary and "10:00 AM" in summary
    assert "₹300.00" in summary
    page.get_by_role("button", name="Confirm booking").click()
    journey.settle("booked")

    booking = Appointment.objects.get(customer=customer, service=haircut)
    assert (booking.booking_date, booking.slot_time) == (tomorrow, time(10))
    assert booking.token_number == 1
    assert page.get_by_text("Booked! Your token number is 1.").is_visible()
    assert page.locator(".token-badge").inner_text().strip() == "1"

    # A second booking, made earlier elsewhere, to cancel.
    other = booking_services.appointment_book(
        customer=customer,
        service=cleaning,
        booking_date=tomorrow + timedelta(days=1),
        slot_time=time(11),
    )

    page.get_by_role("link", name="My bookings").first.click()
    journey.settle("my-bookings")
    upcoming = page.locator(".list-group").first
    assert "Haircut · Glow Salon" in upcoming.inner_text()
    assert "Cleaning · Smile Dental" in upcoming.inner_text()

    upcoming.get_by_role("link", name=re.compile("Cleaning · Smile Dental")).click()
    journey.settle("other-booking")
    page.get_by_role("link", name="Cancel booking").click()
    journey.settle("cancel")
    assert page.get_by_role("heading", name=f"Cancel token {other.token_number}?").is_visible()
    page.get_by_role("button", name="Cancel booking").click()
    journey.settle("cancelled")

    other.refresh_from_db()
    booking.refresh_from_db()
    assert other.status == Appointment.Status.CANCELLED
    assert booking.status != Appointment.Status.CANCELLED

    page.get_by_role("link", name="My bookings").first.click()
    journey.settle("my-bookings-after")
    upcoming, past = page.locator(".list-group").nth(0), page.locator(".list-group").nth(1)
    assert "Haircut · Glow Salon" in upcoming.inner_text()
    assert "Smile Dental" not in upcoming.inner_text()
    assert "Cleaning · Smile Dental" in past.inner_text()
    assert "Cancelled" in past.inner_text()
