"""The benchmark's API rows beside their page twins (bench/mix.py, bench/run.py,
bench/wrk/api_book.lua): the API slot list draws the same shops, services and days as the slot
fragment, and the API booking POST, sent as api_book.lua sends it, books."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import resolve

from bookings.models import Appointment
from bookings.tests.api_matrix import book_day, open_shop


def test_the_mix_draws_api_slot_lists_of_the_same_shops_services_and_days():
    from bench import mix

    today = date(2026, 11, 30)
    shops = [(f"shop-{n}", 3) for n in range(1, 51)]
    data = mix.MixData(
        today=today,
        shops=shops,
        services={slug: [n * 10 + 1, n * 10 + 2] for n, (slug, _a) in enumerate(shops, 1)},
        combos=[("Pune", "clinic")],
        ids={slug: 1000 + n for n, (slug, _a) in enumerate(shops, 1)},
    )
    mixes = mix.draw(data, 500)
    assert "api_slots" in mixes and "slots" in mixes
    for path in mixes["api_slots"]:
        url = urlsplit(path)
        match = resolve(url.path)
        assert match.view_name == "api:providers-slots"
        n = match.kwargs["provider_id"] - 1000
        assert match.kwargs["service_id"] in data.services[f"shop-{n}"]
        day = date.fromisoformat(parse_qs(url.query)["date"][0])
        assert today <= day <= today + timedelta(days=3)
    # Without provider ids (an older seed) the row is simply left out.
    data.ids = {}
    assert "api_slots" not in mix.draw(data, 10)


@pytest.mark.django_db
def test_an_api_booking_post_as_api_book_lua_sends_it_books():
    from accounts.tests.factories import CustomerFactory
    from bench.run import api_sessions

    _shop, service = open_shop()
    customer = CustomerFactory()
    ((authorization, _),) = api_sessions([customer.email])
    # api_book.lua's body and headers, byte for byte.
    body = f'{{"service": {service.pk}, "date": "{book_day().isoformat()}", "slot": "19:00"}}'
    response = Client().post(
        "/api/v1/bookings/",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=authorization,
        HTTP_IDEMPOTENCY_KEY="bench-abc-1-1",
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 201, response.content
    assert Appointment.objects.get().customer == customer
    lua = (Path(__file__).parents[2] / "bench" / "wrk" / "api_book.lua").read_text()
    assert """'{"service": ' .. service .. ', "date": "' .. date .. '", "slot": "' .. time""" in lua
