"""The wallet API: balance, top-up through the real razorpay SDK (its HTTP answered by
``responses``), verification, history and documents. Access is the matrix's
(wallet/tests/api_matrix.py)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import responses
from django.urls import reverse

from accounts.tests.factories import CustomerFactory, ProviderUserFactory
from providers.tests.factories import ProviderFactory
from tests.api import PROBLEM_JSON, api_client_for
from wallet.models import Invoice, Payment, WalletTransaction
from wallet.tests.api_matrix import topped_up_document
from wallet.tests.factories import PaymentFactory, fund
from wallet.tests.helpers import sign_payment

pytestmark = pytest.mark.django_db

ORDERS = "https://api.razorpay.com/v1/orders"


def url(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content[:400]
    assert response["Content-Type"].startswith(PROBLEM_JSON)
    return response.json()


@pytest.fixture
def shop():
    return ProviderFactory(user=ProviderUserFactory())


@pytest.fixture
def client(shop):
    return api_client_for(shop.user)


@pytest.fixture
def razorpay_keys(settings):
    settings.RAZORPAY_KEY_ID = "rzp_test_key"
    settings.RAZORPAY_KEY_SECRET = "rzp_test_secret"
    settings.RAZORPAY_WEBHOOK_SECRET = "whsec_test"


def test_balance(client, shop):
    fund(shop, "250.50")
    body = client.get(url("wallet-balance")).json()
    assert body["balance"] == "250.50" and body["currency"] == "INR"
    assert isinstance(body["low_balance"], bool)


@responses.activate
@pytest.mark.usefixtures("razorpay_keys")
def test_add_money_creates_the_razorpay_order_as_the_web_page_does(client, shop):
    responses.post(
        ORDERS, json={"id": "order_A1", "amount": 125050, "currency": "INR", "status": "created"}
    )
    response = client.post(url("wallet-add"), {"amount": "1250.50"}, HTTP_IDEMPOTENCY_KEY="add-1")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["order_id"] == "order_A1" and body["amount_paise"] == 125050
    assert body["key_id"] == "rzp_test_key" and body["test_mode"] is False
    sent = json.loads(responses.calls[0].request.body)
    assert sent["amount"] == 125050 and sent["receipt"].startswith(f"wt-{shop.pk}-")
    # A retry with the same key: the same order, no second call to Razorpay.
    again = client.post(url("wallet-add"), {"amount": "1250.50"}, HTTP_IDEMPOTENCY_KEY="add-1")
    assert again.json()["order_id"] == "order_A1" and len(responses.calls) == 1
    # The same key with another amount is refused with the page's message.
    body = _problem(
        client.post(url("wallet-add"), {"amount": "99999"}, HTTP_IDEMPOTENCY_KEY="add-1"), 422
    )
    assert body["code"] == "TopUpFormUsed" and "₹1250.50" in body["detail"]
    assert Payment.objects.count() == 1


@responses.activate
@pytest.mark.usefixtures("razorpay_keys")
def test_razorpay_down_is_a_503_problem_and_writes_nothing(client):
    responses.post(ORDERS, status=500, json={"error": {"description": "down"}})
    body = _problem(client.post(url("wallet-add"), {"amount": "500"}), 503)
    assert body["detail"] == "The payment service is not answering right now. Please try again."
    assert not Payment.objects.exists()


def test_add_money_validation_uses_the_pages_messages(client):
    body = _problem(client.post(url("wallet-add"), {"amount": "50"}), 400)
    assert body["errors"]["amount"] == ["The smallest top-up is ₹100."]
    body = _problem(client.post(url("wallet-add"), {"amount": "12.345"}), 400)
    assert body["errors"]["amount"]
    body = _problem(client.post(url("wallet-add"), {}), 400)
    assert "amount" in body["errors"]


def test_verify_credits_the_stored_orders_amount_once(client, shop):
    payment = PaymentFactory(provider=shop, amount=Decimal("700.00"))
    data = {
        "razorpay_order_id": payment.order_id,
        "razorpay_payment_id": "pay_T1",
        "razorpay_signature": sign_payment(payment.order_id, "pay_T1"),
    }
    first = client.post(url("wallet-add-verify"), data)
    assert first.status_code == 200 and first.json()["status"] == "paid"
    assert client.post(url("wallet-add-verify"), data).status_code == 200
    shop.refresh_from_db()
    assert shop.wallet_balance == Decimal("700.00")
    assert WalletTransaction.objects.filter(kind=WalletTransaction.Kind.TOPUP).count() == 1


def test_verify_with_a_bad_signature_or_someone_elses_order_writes_nothing(client, shop):
    payment = PaymentFactory(provider=shop)
    bad = {
        "razorpay_order_id": payment.order_id,
        "razorpay_payment_id": "pay_T2",
        "razorpay_signature": "0" * 64,
    }
    body = _problem(client.post(url("wallet-add-verify"), bad), 422)
    assert body["detail"] == "We could not verify this payment."
    foreign = PaymentFactory()
    theirs = {
        "razorpay_order_id": foreign.order_id,
        "razorpay_payment_id": "pay_T3",
        "razorpay_signature": sign_payment(foreign.order_id, "pay_T3"),
    }
    _problem(client.post(url("wallet-add-verify"), theirs), 422)
    _problem(client.post(url("wallet-add-verify"), {}), 400)
    assert not WalletTransaction.objects.filter(kind=WalletTransaction.Kind.TOPUP).exists()


def test_transactions_filter_and_page(client, shop):
    for n in range(3):
        fund(shop, f"{100 + n}.00")
    page = client.get(url("wallet-transactions"), {"page_size": 2}).json()
    assert [r["amount"] for r in page["results"]] == ["102.00", "101.00"]
    rest = client.get(page["next"]).json()
    assert [r["amount"] for r in rest["results"]] == ["100.00"]
    assert client.get(url("wallet-transactions"), {"type": "debit"}).json()["results"] == []
    body = _problem(
        client.get(
            url("wallet-transactions"), {"date_from": "2026-11-30", "date_to": "2026-11-01"}
        ),
        400,
    )
    assert body["detail"] == "The start date must be on or before the end date."


def test_documents_of_a_month_and_the_pdf(client, shop):
    document = topped_up_document(shop)
    month = document.issued_at.astimezone().strftime("%Y-%m")
    rows = client.get(url("wallet-documents"), {"month": month}).json()["results"]
    assert [r["number"] for r in rows] == [document.number]
    assert client.get(url("wallet-documents"), {"month": "2001-01"}).json()["results"] == []
    body = _problem(client.get(url("wallet-documents"), {"month": "Nov"}), 400)
    assert body["errors"]["month"] == ["Pick a month, like 2026-11."]
    pdf = client.get(url("wallet-documents-pdf", pk=document.pk))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert Invoice.objects.count() == 1  # opening it wrote nothing


def test_a_customer_cannot_open_a_shops_document():
    document = topped_up_document(ProviderFactory())
    _problem(
        api_client_for(CustomerFactory()).get(url("wallet-documents-pdf", pk=document.pk)), 404
    )
