"""The shop's phone: asked for on the dashboard of a shop that has none, and shown as a tel:
link wherever a customer is told to call the business."""

from datetime import time

import pytest
from django.urls import reverse

from accounts.tests.factories import CustomerFactory
from bookings import services
from bookings.tests.test_views import MONDAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
TEL = '<a href="tel:+919845012345">+91 98450 12345</a>'


@pytest.fixture
def appointment(service):
    return services.appointment_book(
        customer=CustomerFactory(), service=service, booking_date=MONDAY, slot_time=time(10)
    )


def with_phone(provider):
    provider.phone = "+919845012345"
    provider.save(update_fields=["phone"])


def test_a_shop_without_a_phone_is_asked_for_it_on_its_dashboard(client, provider):
    client.force_login(provider.user)
    html = client.get(reverse("bookings:dashboard")).text
    assert 'id="add-phone"' in html
    assert f'href="{reverse("providers:profile")}#id_phone"' in html
    with_phone(provider)
    assert 'id="add-phone"' not in client.get(reverse("bookings:dashboard")).text


def test_the_booking_page_shows_the_shop_phone_as_a_tel_link(client, service):
    with_phone(service.provider)
    html = client.get(reverse("bookings:book", args=[service.provider.slug, service.pk])).text
    assert TEL in html
    html = client.get(reverse("bookings:provider", args=[service.provider.slug])).text
    assert TEL in html


def test_please_call_the_business_names_the_phone_after_the_cutoff(client, appointment, frozen):
    with_phone(appointment.provider)
    frozen.move_to("2026-12-07T09:00+05:30")  # 1 hour before a 10:00 slot, cut-off 2 hours
    client.force_login(appointment.customer)
    detail = client.get(reverse("bookings:detail", args=[appointment.pk])).text
    assert f"please call the business on {TEL}." in detail
    cancel = client.get(reverse("bookings:cancel", args=[appointment.pk])).text
    assert f"Please call the business on {TEL}." in cancel
    with pytest.raises(services.InvalidTransition) as refused:
        services.appointment_cancel(appointment=appointment, actor=appointment.customer)
    assert f"Please call {appointment.provider.shop_name} on +91 98450 12345." in str(
        refused.value.message
    )


def test_without_a_phone_the_text_still_reads(client, appointment, frozen):
    frozen.move_to("2026-12-07T09:00+05:30")
    client.force_login(appointment.customer)
    detail = client.get(reverse("bookings:detail", args=[appointment.pk])).text
    assert "please call the business." in detail
    assert "tel:" not in detail
