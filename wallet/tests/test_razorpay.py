"""The real razorpay SDK runs; only its HTTP calls are answered by ``responses``."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
import responses
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from providers.tests.factories import ProviderFactory
from wallet import services
from wallet.gateways import GatewayError, RazorpayGateway, get_gateway
from wallet.models import Payment, WalletTransaction
from wallet.tasks import reconcile_payments
from wallet.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db

ORDERS = "https://api.razorpay.com/v1/orders"


@pytest.fixture(autouse=True)
def razorpay_keys(settings):
    settings.RAZORPAY_KEY_ID = "rzp_test_key"
    settings.RAZORPAY_KEY_SECRET = "rzp_test_secret"
    settings.RAZORPAY_WEBHOOK_SECRET = "whsec_test"


@pytest.fixture
def provider():
    return ProviderFactory()


def payments_url(order_id: str) -> str:
    return f"{ORDERS}/{order_id}/payments"


def test_with_keys_the_razorpay_gateway_is_used():
    assert isinstance(get_gateway(), RazorpayGateway)


@responses.activate
def test_topup_creates_a_razorpay_order_in_paise_with_a_unique_receipt(client, provider):
    responses.post(
        ORDERS,
        json={"id": "order_R1", "amount": 125050, "currency": "INR", "status": "created"},
    )
    client.force_login(provider.user)
    response = client.post(reverse("wallet:topup"), {"amount": "1250.50"})
    assert response.url == reverse("wallet:checkout", args=["order_R1"])
    sent = json.loads(responses.calls[0].request.body)
    assert sent["amount"] == 125050
    assert sent["currency"] == "INR"
    assert sent["receipt"].startswith(f"wt-{provider.pk}-")
    assert len(sent["receipt"]) <= 40
    assert responses.calls[0].request.headers["Authorization"].startswith("Basic ")
    payment = Payment.objects.get()
    assert (payment.order_id, payment.amount, payment.receipt, payment.gateway) == (
        "order_R1",
        Decimal("1250.50"),
        sent["receipt"],
        "razorpay",
    )
    page = client.get(response.url).content.decode()
    assert 'data-order-id="order_R1"' in page
    assert 'data-amount="125050"' in page
    assert 'data-key="rzp_test_key"' in page
    assert "https://checkout.razorpay.com/v1/checkout.js" in page
    assert "rzp_test_secret" not in page


@responses.activate
def test_razorpay_down_gives_a_form_error_and_writes_nothing(client, provider):
    responses.post(
        ORDERS,
        status=500,
        json={"error": {"code": "SERVER_ERROR", "description": "The server is down"}},
    )
    client.force_login(provider.user)
    response = client.post(reverse("wallet:topup"), {"amount": "500"})
    assert response.status_code == 200
    assert "not answering right now" in response.content.decode()
    assert not Payment.objects.exists()


@responses.activate
def test_an_order_for_another_amount_is_refused():
    responses.post(ORDERS, json={"id": "order_R1", "amount": 1, "currency": "INR"})
    with pytest.raises(GatewayError):
        get_gateway().create_order(amount_paise=50000, receipt="r", notes={})


def test_callback_signature_uses_the_key_secret(client, provider):
    import hashlib
    import hmac

    payment = PaymentFactory(provider=provider, gateway="razorpay", order_id="order_R9")
    signature = hmac.new(b"rzp_test_secret", b"order_R9|pay_R9", hashlib.sha256).hexdigest()
    client.force_login(provider.user)
    response = client.post(
        reverse("wallet:callback"),
        {
            "razorpay_order_id": "order_R9",
            "razorpay_payment_id": "pay_R9",
            "razorpay_signature": signature,
        },
    )
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID


def test_webhook_signature_uses_the_webhook_secret(client, provider):
    import hashlib
    import hmac

    payment = PaymentFactory(provider=provider, gateway="razorpay", order_id="order_W1")
    body = json.dumps(
        {
            "event": "payment.captured",
            "payload": {
                "payment": {
                    "entity": {
                        "id": "pay_W1",
                        "order_id": "order_W1",
                        "amount": payment.amount_paise,
                        "currency": "INR",
                        "status": "captured",
                    }
                }
            },
        }
    )
    for secret, expected in ((b"rzp_test_secret", 400), (b"whsec_test", 200)):
        signature = hmac.new(secret, body.encode(), hashlib.sha256).hexdigest()
        response = client.post(
            reverse("wallet:webhook"),
            data=body,
            content_type="application/json",
            headers={"X-Razorpay-Signature": signature, "X-Razorpay-Event-Id": "evt_W1"},
        )
        assert response.status_code == expected
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID


# --- Reconciliation ---------------------------------------------------------------------


def open_payment(provider, order_id, minutes_ago=30, **kwargs):
    payment = PaymentFactory(provider=provider, gateway="razorpay", order_id=order_id, **kwargs)
    Payment.objects.filter(pk=payment.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return payment


@responses.activate
def test_reconcile_credits_a_captured_payment_exactly_once(provider):
    payment = open_payment(provider, "order_C1")
    responses.get(
        payments_url("order_C1"),
        json={
            "entity": "collection",
            "count": 2,
            "items": [
                {"id": "pay_F", "order_id": "order_C1", "amount": 50000, "status": "failed"},
                {
                    "id": "pay_C",
                    "order_id": "order_C1",
                    "amount": 50000,
                    "status": "captured",
                    "method": "upi",
                },
            ],
        },
    )
    report = services.payments_reconcile(older_than=timedelta(minutes=15))
    assert report.credited == ["order_C1"]
    again = services.payments_reconcile(older_than=timedelta(minutes=15))
    assert again.checked == 0
    payment.refresh_from_db()
    assert (payment.status, payment.payment_id, payment.confirmed_via, payment.method) == (
        Payment.Status.PAID,
        "pay_C",
        "reconcile",
        "upi",
    )
    provider.refresh_from_db()
    assert provider.wallet_balance == Decimal("500.00")
    assert len(responses.calls) == 1


@responses.activate
def test_reconcile_skips_young_old_and_unpaid_orders(provider):
    open_payment(provider, "order_young", minutes_ago=5)
    open_payment(provider, "order_ancient", minutes_ago=60 * 24 * 5)
    unpaid = open_payment(provider, "order_unpaid")
    responses.get(
        payments_url("order_unpaid"),
        json={
            "entity": "collection",
            "count": 1,
            "items": [
                {"id": "pay_A", "order_id": "order_unpaid", "amount": 50000, "status": "authorized"}
            ],
        },
    )
    report = services.payments_reconcile(older_than=timedelta(minutes=15))
    assert report.checked == 1
    assert report.credited == []
    unpaid.refresh_from_db()
    assert unpaid.status == Payment.Status.CREATED
    assert not WalletTransaction.objects.exists()


@responses.activate
def test_reconcile_never_credits_a_captured_amount_that_differs(provider):
    open_payment(provider, "order_X")
    responses.get(
        payments_url("order_X"),
        json={
            "entity": "collection",
            "count": 1,
            "items": [{"id": "pay_X", "order_id": "order_X", "amount": 1, "status": "captured"}],
        },
    )
    assert services.payments_reconcile().credited == []
    assert not WalletTransaction.objects.exists()


@responses.activate
def test_reconcile_leaves_an_order_the_callback_already_credited(client, provider):
    payment = open_payment(provider, "order_D")
    services.payment_capture(order_id="order_D", payment_id="pay_D", source="callback")
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.CREATED)  # a stale read
    responses.get(
        payments_url("order_D"),
        json={
            "entity": "collection",
            "count": 1,
            "items": [
                {"id": "pay_D", "order_id": "order_D", "amount": 50000, "status": "captured"}
            ],
        },
    )
    services.payments_reconcile()
    provider.refresh_from_db()
    assert provider.wallet_balance == Decimal("500.00")
    assert WalletTransaction.objects.count() == 1


@responses.activate
def test_reconcile_reports_gateway_errors_and_carries_on(provider):
    open_payment(provider, "order_E1", minutes_ago=40)
    open_payment(provider, "order_E2", minutes_ago=30)
    responses.get(
        payments_url("order_E1"),
        status=502,
        json={"error": {"code": "GATEWAY_ERROR", "description": "bad gateway"}},
    )
    responses.get(
        payments_url("order_E2"),
        json={
            "entity": "collection",
            "count": 1,
            "items": [
                {"id": "pay_E2", "order_id": "order_E2", "amount": 50000, "status": "captured"}
            ],
        },
    )
    report = services.payments_reconcile()
    assert report.credited == ["order_E2"]
    assert report.errors and report.errors[0].startswith("order_E1")


@responses.activate
def test_reconcile_command_and_periodic_task(provider, capsys, settings):
    open_payment(provider, "order_M")
    responses.get(
        payments_url("order_M"),
        json={
            "entity": "collection",
            "count": 1,
            "items": [
                {"id": "pay_M", "order_id": "order_M", "amount": 50000, "status": "captured"}
            ],
        },
    )
    call_command("reconcile_payments", "--older-than", "10")
    assert "credited 1: order_M" in capsys.readouterr().out
    assert reconcile_payments.delay().get() == {"checked": 0, "credited": [], "errors": []}
    assert (
        settings.CELERY_BEAT_SCHEDULE["wallet-reconcile-payments"]["task"]
        == "wallet.tasks.reconcile_payments"
    )


def test_reconcile_with_the_test_gateway_asks_nobody(settings, provider):
    settings.RAZORPAY_KEY_ID = ""
    settings.RAZORPAY_KEY_SECRET = ""
    with time_machine.travel(timezone.now() - timedelta(hours=1)):
        PaymentFactory(provider=provider)
    with responses.RequestsMock():  # any HTTP call would fail the test
        report = services.payments_reconcile()
    assert report.checked == 1
    assert report.credited == []


@responses.activate
def test_razorpay_hosts_are_allowed_on_the_checkout_page_only(client, provider):
    responses.post(ORDERS, json={"id": "order_CSP", "amount": 50000, "currency": "INR"})
    client.force_login(provider.user)
    client.post(reverse("wallet:topup"), {"amount": "500"})
    checkout = client.get(reverse("wallet:checkout", args=["order_CSP"]))
    policy = checkout.headers["Content-Security-Policy"]
    assert "script-src 'self' https://checkout.razorpay.com" in policy
    assert "frame-src https://api.razorpay.com https://checkout.razorpay.com" in policy
    assert "'unsafe-inline'" not in policy
    elsewhere = client.get(reverse("wallet:home")).headers["Content-Security-Policy"]
    assert "razorpay" not in elsewhere


def test_webhook_refuses_oversized_bodies_before_reading_them(client, settings):
    settings.WALLET_WEBHOOK_MAX_BYTES = 1024
    body = json.dumps({"event": "payment.captured", "pad": "x" * 2000})
    response = client.post(
        reverse("wallet:webhook"),
        data=body,
        content_type="application/json",
        headers={"X-Razorpay-Signature": "whatever"},
    )
    assert response.status_code == 413
    from wallet.models import WebhookEvent

    assert not WebhookEvent.objects.exists()


def test_webhook_is_rate_limited_per_client_ip(client, settings):
    settings.WALLET_WEBHOOK_RATE_LIMIT = "5/m"
    codes = [
        client.post(
            reverse("wallet:webhook"),
            data="{}",
            content_type="application/json",
            headers={"X-Razorpay-Signature": "forged"},
        ).status_code
        for _ in range(7)
    ]
    assert codes == [400] * 5 + [429] * 2
    other_ip = client.post(
        reverse("wallet:webhook"),
        data="{}",
        content_type="application/json",
        headers={"X-Razorpay-Signature": "forged"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert other_ip.status_code == 400
