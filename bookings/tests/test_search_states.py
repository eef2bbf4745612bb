"""Search answers that say what to do next: no results, and a city we do not know."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from bookings import selectors
from providers.models import Provider
from providers.tests.factories import ProviderFactory, ServiceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture(autouse=True)
def shops():
    cache.clear()
    for name, city in (("Glow Salon", "Pune"), ("Bandra Cuts", "Mumbai")):
        ServiceFactory(provider=ProviderFactory(shop_name=name, city=city))


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_a_search_without_results_says_what_to_do_next(client):
    response = client.get(reverse("bookings:search"), {"q": "zzz-nothing"})
    body = text(response)
    assert "0 businesses" not in body
    assert "No businesses match your search" in body
    assert "Check the spelling, use fewer words" in body
    assert f'<a class="btn btn-primary" href="{reverse("bookings:search")}">' in (
        response.content.decode()
    )


def test_an_unknown_city_says_so_and_lists_the_cities_that_have_businesses(client):
    response = client.get(reverse("bookings:search"), {"city": "Atlantis"})
    assert response.status_code == 200
    body = text(response)
    assert "No businesses in Atlantis" in body
    assert "Glow Salon" not in body and "Bandra Cuts" not in body
    html = response.content.decode()
    search = reverse("bookings:search")
    assert f'href="{search}?city=Mumbai"' in html and f'href="{search}?city=Pune"' in html


def test_an_unknown_city_is_escaped_and_cut_short(client):
    response = client.get(reverse("bookings:search"), {"city": "<b>x</b>" + "y" * 300})
    # The language switcher's "next" field carries the page's own (escaped) address: not shown.
    html = re.sub(r'<input type="hidden" name="next" value="[^"]*">', "", response.content.decode())
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert "y" * 101 not in html


def test_a_known_city_in_another_case_is_that_city(client):
    body = text(client.get(reverse("bookings:search"), {"city": "pune"}))
    assert "1 business takes bookings" in body and "Glow Salon" in body
    assert "Bandra Cuts" not in body


def test_the_city_choices_are_the_approved_shops_cities_once_each_in_order():
    ProviderFactory(city="Pune")  # a second shop in Pune
    ProviderFactory(city="Agra")
    ProviderFactory(city="Zirakpur", status=Provider.Status.PENDING)
    ProviderFactory(city="Yavatmal", status=Provider.Status.REJECTED)
    assert selectors.cities() == ["Agra", "Mumbai", "Pune"]
