"""Tokens are labelled wherever they appear, and the logo link is named by the site."""

import re
from datetime import time

import pytest
from django.urls import reverse

from accounts.tests.factories import CustomerFactory
from bookings import services
from bookings.tests.test_views import MONDAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def text(html: str) -> str:
    """Roughly what a screen reader reads: the text without aria-hidden parts."""
    html = re.sub(r'<(\w+)[^>]*aria-hidden="true"[^>]*>.*?</\1>', " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_my_bookings_and_the_booking_page_say_token_n(client, service):
    customer = CustomerFactory()
    booking = services.appointment_book(
        customer=customer, service=service, booking_date=MONDAY, slot_time=time(10)
    )
    client.force_login(customer)
    mine = client.get(reverse("bookings:mine")).text
    assert re.search(r'<span class="token-chip-label">Token </span>1</span>', mine)
    detail = client.get(reverse("bookings:detail", args=[booking.pk])).text
    assert "Token 1" in text(detail.split('id="token"', 1)[1].split("</p>", 1)[0])


def test_the_logo_link_is_named_by_the_site_not_a_hash(client):
    html = client.get(reverse("home")).text
    brand = re.search(r'<a class="navbar-brand[^"]*"[^>]*>(.*?)</a>', html, re.S).group(1)
    assert text(brand) == "BookMyToken"
