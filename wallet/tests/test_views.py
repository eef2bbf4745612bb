import csv
import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from providers.tests.factories import ProviderFactory
from wallet import services
from wallet.models import WalletTransaction
from wallet.tests.factories import PaymentFactory, fund

pytestmark = pytest.mark.django_db
IST = ZoneInfo("Asia/Kolkata")


@pytest.fixture
def provider():
    return ProviderFactory()


@pytest.fixture
def provider_client(client, provider):
    client.force_login(provider.user)
    return client


def fee(provider, ref, amount="5.00"):
    return services.debit(
        provider=provider,
        amount=Decimal(amount),
        kind=WalletTransaction.Kind.BOOKING_FEE,
        reference_id=ref,
    )


def test_wallet_page_shows_balance_history_and_invoice_links(provider_client, provider):
    fund(provider, "1500", reference="opening")
    row = fee(provider, "appt-11")
    response = provider_client.get(reverse("wallet:home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "₹1,495.00" in body
    assert "appt-11" in body and "opening" in body
    assert reverse("wallet:document", args=[row.document.pk]) in body
    assert reverse("wallet:topup") in body
    assert "below" not in body  # no low-balance warning


def test_each_history_row_carries_its_document_or_none(provider_client, provider):
    """A row that made no document carries None: asking the row itself (a reverse one-to-one)
    raises for each such row, which the template engine swallows at a cost on every page."""
    fund(provider, "1500", reference="opening")
    row = fee(provider, "appt-12")
    response = provider_client.get(reverse("wallet:home"))
    rows = {r.reference_id: r for r in response.context["page_obj"].object_list}
    assert rows["appt-12"].invoice == row.document
    assert rows["opening"].invoice is None
    body = response.content.decode()
    assert body.count('class="btn btn-sm btn-outline-primary" href="/wallet/documents/') == 1


def test_wallet_page_warns_when_the_balance_is_low(provider_client, provider, settings):
    settings.WALLET_LOW_BALANCE = Decimal("100.00")
    fund(provider, "99.99")
    body = provider_client.get(reverse("wallet:home")).content.decode()
    assert "Your balance is below ₹100.00" in body


def test_history_filters_by_type_and_local_date_range(provider_client, provider):
    with time_machine.travel(datetime(2026, 11, 1, 23, 30, tzinfo=IST)):
        fund(provider, "100", reference="nov-1")
    with time_machine.travel(datetime(2026, 11, 2, 0, 30, tzinfo=IST)):
        fee(provider, "appt-nov-2")
    with time_machine.travel(datetime(2026, 11, 3, 12, 0, tzinfo=IST)):
        fee(provider, "appt-nov-3")
    page = provider_client.get(
        reverse("wallet:home"),
        {"type": "debit", "date_from": "2026-11-02", "date_to": "2026-11-02"},
    )
    rows = list(page.context["page_obj"])
    assert [r.reference_id for r in rows] == ["appt-nov-2"]
    credits = provider_client.get(reverse("wallet:home"), {"type": "credit"})
    assert [r.reference_id for r in credits.context["page_obj"]] == ["nov-1"]


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "2026-11-05", "date_to": "2026-11-01"},
        {"date_from": "yesterday"},
        {"type": "bonus"},
    ],
)
def test_bad_filters_get_a_message_not_a_500(provider_client, provider, params):
    fund(provider, "10")
    response = provider_client.get(reverse("wallet:home"), params)
    assert response.status_code == 200
    assert response.context["filter_form"].errors
    assert list(response.context["page_obj"]) == []
    assert provider_client.get(reverse("wallet:export"), params).status_code == 400


def test_history_is_paginated_and_keeps_filters(provider_client, provider):
    fund(provider, "1000")
    for i in range(30):
        fee(provider, f"appt-{i}", amount="1.00")
    first = provider_client.get(reverse("wallet:home"), {"type": "debit"})
    assert len(first.context["page_obj"]) == 25
    assert "type=debit&amp;page=2" in first.content.decode()
    second = provider_client.get(reverse("wallet:home"), {"type": "debit", "page": "2"})
    assert len(second.context["page_obj"]) == 5
    beyond = provider_client.get(reverse("wallet:home"), {"page": "999"})
    assert beyond.status_code == 200


def test_csv_export_has_every_filtered_row(provider_client, provider):
    fund(provider, "100", reference="=HYPERLINK(evil)")
    fee(provider, "appt-1", amount="12.50")
    response = provider_client.get(reverse("wallet:export"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:5] == ["Date", "Type", "For", "Amount (INR)", "Balance after (INR)"]
    assert [r[3] for r in rows[1:]] == ["-12.50", "100.00"]
    assert [r[4] for r in rows[1:]] == ["87.50", "100.00"]
    assert rows[2][5] == "'=HYPERLINK(evil)"  # never a live formula in a spreadsheet
    only_debits = provider_client.get(reverse("wallet:export"), {"type": "debit"})
    assert len(list(csv.reader(io.StringIO(b"".join(only_debits.streaming_content).decode())))) == 2


def test_other_providers_never_see_my_rows(client, provider):
    fund(provider, "100", reference="mine-only")
    client.force_login(ProviderFactory().user)
    assert "mine-only" not in client.get(reverse("wallet:home")).content.decode()
    assert (
        "mine-only" not in b"".join(client.get(reverse("wallet:export")).streaming_content).decode()
    )


def test_provider_without_a_shop_is_sent_to_onboarding(client):
    from accounts.tests.factories import ProviderUserFactory

    client.force_login(ProviderUserFactory())
    response = client.get(reverse("wallet:home"))
    assert response.status_code == 302
    assert response.url == reverse("providers:onboarding")


def test_topup_page_prefills_a_suggested_amount(provider_client):
    response = provider_client.get(reverse("wallet:topup"), {"amount": "750"})
    assert response.context["form"].initial["amount"] == "750"
    assert "TEST MODE" in response.content.decode()


def test_dashboard_shows_balance_and_warns_when_low(provider_client, provider, settings):
    settings.WALLET_LOW_BALANCE = Decimal("100.00")
    fund(provider, "40")
    body = provider_client.get(reverse("bookings:dashboard")).content.decode()
    assert "₹40.00" in body
    assert 'id="wallet-low"' in body
    assert reverse("wallet:topup") in body
    fund(provider, "60")
    body = provider_client.get(reverse("bookings:dashboard")).content.decode()
    assert "₹100.00" in body
    assert 'id="wallet-low"' not in body


def test_wallet_page_shows_a_new_ledger_row_on_the_next_request(provider_client, provider):
    fund(provider, "100", reference="opening")
    first = provider_client.get(reverse("wallet:home")).content.decode()
    assert "opening" in first
    fee(provider, "appt-77", amount="12.00")
    body = provider_client.get(reverse("wallet:home")).content.decode()
    assert "appt-77" in body
    assert "₹88.00" in body  # the balance card follows the ledger too


def test_wallet_page_follows_a_top_up_changing_status(provider_client, provider):
    payment = PaymentFactory(provider=provider, amount=Decimal("750.00"))
    assert "Awaiting payment" in provider_client.get(reverse("wallet:home")).content.decode()
    services.payment_capture(order_id=payment.order_id, payment_id="pay_W1", source="callback")
    body = provider_client.get(reverse("wallet:home")).content.decode()
    assert "Awaiting payment" not in body
    assert "Paid" in body and payment.order_id in body
    assert "₹750.00" in body


def test_wallet_pages_and_filters_each_show_their_own_rows(provider_client, provider):
    fund(provider, "1000", reference="opening")
    for i in range(30):
        fee(provider, f"appt-{i}", amount="1.00")
    for _ in range(2):
        first = provider_client.get(reverse("wallet:home")).content.decode()
        second = provider_client.get(reverse("wallet:home"), {"page": "2"}).content.decode()
        credits = provider_client.get(reverse("wallet:home"), {"type": "credit"}).content.decode()
        assert "appt-29" in first and "appt-0<" not in first and "opening" not in first
        assert "appt-0<" in second and "opening" in second and "appt-29" not in second
        assert "opening" in credits and "appt-" not in credits
        assert "Page 2 of 2" in second


@pytest.mark.parametrize("rows", [30, 90])
def test_wallet_page_queries_do_not_grow_with_the_ledger(
    provider_client, provider, rows, django_assert_max_num_queries
):
    fund(provider, "1000")
    for i in range(rows):
        fee(provider, f"appt-{i}", amount="1.00")
    PaymentFactory(provider=provider)
    # session, user, shop, recent top-ups, count and page of rows
    with django_assert_max_num_queries(6):
        provider_client.get(reverse("wallet:home"), {"page": "2"})
    with django_assert_max_num_queries(6):
        provider_client.get(reverse("wallet:home"), {"date_from": "2026-01-01", "page": "2"})


def test_a_date_range_still_filters_and_follows_new_rows(provider_client, provider):
    with time_machine.travel(datetime(2026, 11, 2, 10, 0, tzinfo=IST)):
        fund(provider, "100", reference="nov-2")
        params = {"date_from": "2026-11-02", "date_to": "2026-11-02"}
        assert "nov-2" in provider_client.get(reverse("wallet:home"), params).content.decode()
        fee(provider, "appt-nov-2b")
        body = provider_client.get(reverse("wallet:home"), params).content.decode()
    assert "nov-2" in body and "appt-nov-2b" in body
