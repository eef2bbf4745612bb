"""Add money: the same form POSTed twice makes one order (DESIGN invariant 9)."""

import re
import threading
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse

from providers.tests.factories import ProviderFactory
from wallet import gateways, services
from wallet.models import Payment

KEY = "topup-" + "b" * 26


@pytest.fixture
def provider(db):
    return ProviderFactory()


@pytest.fixture
def orders(monkeypatch):
    """Every order the gateway was asked for."""
    made = []
    real = gateways.TestGateway.create_order

    def counting(self, **kwargs):
        made.append(kwargs)
        return real(self, **kwargs)

    monkeypatch.setattr(gateways.TestGateway, "create_order", counting)
    return made


@pytest.mark.django_db
def test_topup_page_carries_a_fresh_key(client, provider):
    client.force_login(provider.user)
    keys = [
        re.search(r'name="idempotency_key" value="([\w-]+)"', page.content.decode()).group(1)
        for page in (client.get(reverse("wallet:topup")), client.get(reverse("wallet:topup")))
    ]
    assert keys[0] != keys[1]


@pytest.mark.django_db
def test_same_add_money_form_posted_twice_makes_one_order(client, provider, orders):
    client.force_login(provider.user)
    form = {"amount": "500", "idempotency_key": KEY}
    first = client.post(reverse("wallet:topup"), form)
    second = client.post(reverse("wallet:topup"), form)
    payment = Payment.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert payment.order_id in first["Location"]
    assert payment.amount == Decimal("500.00") and payment.idempotency_key == KEY
    assert len(orders) == 1  # the repeat never reached the gateway


@pytest.mark.django_db
def test_a_new_form_makes_a_new_order(client, provider, orders):
    client.force_login(provider.user)
    client.post(reverse("wallet:topup"), {"amount": "500", "idempotency_key": KEY})
    client.post(reverse("wallet:topup"), {"amount": "500", "idempotency_key": "other"})
    assert Payment.objects.count() == 2 and len(orders) == 2


@pytest.mark.django_db
def test_the_same_form_with_another_amount_asks_again(client, provider, orders):
    """The back button keeps the key; an edited amount is a new intent, not a repeat."""
    client.force_login(provider.user)
    client.post(reverse("wallet:topup"), {"amount": "500", "idempotency_key": KEY})
    response = client.post(reverse("wallet:topup"), {"amount": "800", "idempotency_key": KEY})
    assert response.status_code == 200
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [
        "This form was already used to start a top-up of ₹500.00. "
        "Enter the amount again to start a new one."
    ]
    new_key = response.context["form"]["idempotency_key"].value()
    assert new_key and new_key != KEY
    assert response.context["form"]["amount"].value() == Decimal("800")
    assert Payment.objects.count() == 1 and len(orders) == 1
    client.post(reverse("wallet:topup"), {"amount": "800", "idempotency_key": new_key})
    assert sorted(Payment.objects.values_list("amount", flat=True)) == [500, 800]


@pytest.mark.django_db
def test_keys_belong_to_one_provider(provider, orders):
    other = ProviderFactory()
    mine = services.topup_start(provider=provider, amount=Decimal("500"), idempotency_key=KEY)
    theirs = services.topup_start(provider=other, amount=Decimal("500"), idempotency_key=KEY)
    assert mine.pk != theirs.pk and len(orders) == 2


@pytest.mark.django_db
def test_a_racing_repeat_keeps_the_stored_order(provider, monkeypatch):
    """Two copies past the look-up each get a gateway order; one Payment is stored and both
    answer with it (the unique (provider, key) is the backstop)."""
    first = services.topup_start(provider=provider, amount=Decimal("500"), idempotency_key=KEY)
    real = services._topup_made_with
    calls = []

    def missing_first(*args):
        calls.append(1)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(services, "_topup_made_with", missing_first)
    again = services.topup_start(provider=provider, amount=Decimal("500"), idempotency_key=KEY)
    assert again.pk == first.pk and Payment.objects.count() == 1


@pytest.mark.mariadb
@pytest.mark.django_db(transaction=True)
def test_same_add_money_form_from_two_threads_makes_one_payment():
    provider = ProviderFactory()
    barrier = threading.Barrier(2)
    locations: list = [None, None]

    def post(i: int) -> None:
        try:
            browser = Client()
            browser.force_login(provider.user)
            barrier.wait()
            response = browser.post(
                reverse("wallet:topup"), {"amount": "750", "idempotency_key": KEY}
            )
            locations[i] = response["Location"]
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    payment = Payment.objects.get()
    assert locations == [reverse("wallet:checkout", args=[payment.order_id])] * 2
