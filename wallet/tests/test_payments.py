from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import CustomerFactory
from providers.tests.factories import ProviderFactory
from wallet.gateways import get_gateway
from wallet.models import Payment, WalletTransaction, WebhookEvent
from wallet.signals import payment_signature_invalid
from wallet.tests.factories import PaymentFactory
from wallet.tests.helpers import post_callback, post_webhook, sign_payment, webhook_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider():
    return ProviderFactory()


@pytest.fixture
def provider_client(client, provider):
    client.force_login(provider.user)
    return client


@pytest.fixture
def signals_sent():
    sent = []

    def receiver(sender, **kwargs):
        sent.append(kwargs)

    payment_signature_invalid.connect(receiver)
    yield sent
    payment_signature_invalid.disconnect(receiver)


def topups(provider):
    return WalletTransaction.objects.filter(user=provider.user, kind=WalletTransaction.Kind.TOPUP)


def balance(provider):
    provider.refresh_from_db()
    return provider.wallet_balance


# --- Add money -------------------------------------------------------------------------------


def test_add_money_creates_a_stored_order_and_opens_the_test_checkout(provider_client, provider):
    response = provider_client.post(reverse("wallet:topup"), {"amount": "500"})
    payment = Payment.objects.get()
    assert payment.provider == provider
    assert payment.amount == Decimal("500.00")
    assert payment.status == Payment.Status.CREATED
    assert payment.gateway == "test"
    assert response.url == reverse("wallet:checkout", args=[payment.order_id])
    checkout = provider_client.get(response.url)
    assert checkout.url == reverse("wallet:test_checkout", args=[payment.order_id])
    page = provider_client.get(checkout.url).content.decode()
    assert "TEST MODE" in page
    assert "₹500.00" in page
    assert balance(provider) == 0


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("", "Enter how much to add."),
        ("abc", "Enter an amount in rupees"),
        ("-500", "The smallest top-up is ₹100."),
        ("99.99", "The smallest top-up is ₹100."),
        ("100000.01", "The largest top-up is ₹1,00,000."),
        ("1e9", "The largest top-up is ₹1,00,000."),
        ("99999999999999999999999", "The largest top-up is ₹1,00,000."),
        ("500.123", "at most two digits"),
        ("NaN", "Enter an amount in rupees"),
    ],
)
def test_bad_amounts_get_form_errors_and_write_nothing(provider_client, amount, message):
    response = provider_client.post(reverse("wallet:topup"), {"amount": amount})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Payment.objects.exists()


def test_full_test_gateway_journey_pays_and_credits_once(provider_client, provider):
    provider_client.post(reverse("wallet:topup"), {"amount": "500"})
    payment = Payment.objects.get()
    response = provider_client.post(
        reverse("wallet:test_checkout", args=[payment.order_id]),
        {"outcome": "pay", "send_webhook": "1"},
    )
    fields = response.context["fields"]
    assert response.context["action"] == reverse("wallet:callback")
    # The webhook arrived first and credited; the browser's callback then changes nothing.
    assert balance(provider) == Decimal("500.00")
    callback = provider_client.post(response.context["action"], fields)
    assert callback.url == reverse("wallet:payment", args=[payment.order_id])
    assert balance(provider) == Decimal("500.00")
    assert topups(provider).count() == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert payment.confirmed_via == "webhook"
    assert WebhookEvent.objects.get().outcome == "credited"
    page = provider_client.get(callback.url).content.decode()
    assert "is in your wallet" in page


def test_test_gateway_fail_marks_the_payment_failed_and_credits_nothing(provider_client, provider):
    payment = PaymentFactory(provider=provider)
    response = provider_client.post(
        reverse("wallet:test_checkout", args=[payment.order_id]),
        {"outcome": "fail", "send_webhook": "1"},
    )
    page = provider_client.post(response.context["action"], response.context["fields"])
    assert "Payment failed" in page.content.decode()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    assert balance(provider) == 0


def test_test_gateway_is_404_when_disabled(provider_client, provider, settings):
    payment = PaymentFactory(provider=provider)
    settings.TEST_GATEWAY_ENABLED = False
    url = reverse("wallet:test_checkout", args=[payment.order_id])
    assert provider_client.get(url).status_code == 404
    assert provider_client.post(url, {"outcome": "pay"}).status_code == 404
    assert balance(provider) == 0


def test_test_gateway_is_404_when_razorpay_keys_are_set(provider_client, provider, settings):
    payment = PaymentFactory(provider=provider)
    settings.RAZORPAY_KEY_ID = "rzp_test_abc"
    settings.RAZORPAY_KEY_SECRET = "secret"
    assert (
        provider_client.get(reverse("wallet:test_checkout", args=[payment.order_id])).status_code
        == 404
    )


# --- Callback -----------------------------------------------------------------------------------


def test_callback_with_a_valid_signature_credits_the_stored_amount(provider_client, provider):
    payment = PaymentFactory(provider=provider, amount=Decimal("1250.50"))
    response = post_callback(provider_client, payment, "pay_ABC")
    assert response.status_code == 302
    assert balance(provider) == Decimal("1250.50")
    row = topups(provider).get()
    assert row.reference_id == payment.order_id
    payment.refresh_from_db()
    assert (payment.status, payment.payment_id, payment.confirmed_via) == (
        Payment.Status.PAID,
        "pay_ABC",
        "callback",
    )


def test_callback_repeated_credits_once(provider_client, provider):
    payment = PaymentFactory(provider=provider)
    post_callback(provider_client, payment, "pay_ABC")
    post_callback(provider_client, payment, "pay_ABC")
    assert balance(provider) == Decimal("500.00")
    assert topups(provider).count() == 1


def test_callback_with_a_bad_signature_changes_nothing_and_is_reported(
    provider_client, provider, signals_sent, caplog
):
    payment = PaymentFactory(provider=provider)
    response = post_callback(provider_client, payment, "pay_ABC", signature="0" * 64)
    assert response.status_code == 400
    assert "We could not verify this payment." in response.content.decode()
    assert "Payment failed" in response.content.decode()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CREATED
    assert balance(provider) == 0
    assert signals_sent == [
        {
            "signal": payment_signature_invalid,
            "provider": provider,
            "ip": "127.0.0.1",
            "source": "callback",
        }
    ]
    assert "invalid callback signature" in caplog.text


def test_callback_signed_for_another_order_is_refused(provider_client, provider, signals_sent):
    mine = PaymentFactory(provider=provider, amount=Decimal("100"))
    bigger = PaymentFactory(provider=provider, amount=Decimal("90000"))
    # A real signature for the small order, replayed against the big one.
    response = post_callback(
        provider_client,
        bigger,
        "pay_ABC",
        signature=sign_payment(mine.order_id, "pay_ABC"),
    )
    assert response.status_code == 400
    assert balance(provider) == 0
    assert not Payment.objects.filter(status=Payment.Status.PAID).exists()
    assert len(signals_sent) == 1


def test_callback_for_another_providers_order_is_refused(provider_client, provider, signals_sent):
    other = PaymentFactory()
    response = post_callback(provider_client, other, "pay_ABC")
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.status == Payment.Status.CREATED
    assert balance(other.provider) == 0
    assert signals_sent[0]["provider"] == provider


def test_callback_reporting_a_checkout_error_changes_nothing(provider_client, provider):
    payment = PaymentFactory(provider=provider)
    response = provider_client.post(
        reverse("wallet:callback"),
        {
            "razorpay_order_id": payment.order_id,
            "error[code]": "BAD_REQUEST_ERROR",
            "error[description]": "Card declined",
        },
    )
    assert "Card declined" in response.content.decode()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CREATED


# --- Webhook ------------------------------------------------------------------------------------


def test_webhook_captured_credits_once_and_stores_the_event(client, provider):
    payment = PaymentFactory(provider=provider)
    body = webhook_body("payment.captured", payment, "pay_W1")
    assert post_webhook(client, body, "evt_1").status_code == 200
    assert post_webhook(client, body, "evt_1").json()["outcome"] == "duplicate"
    assert balance(provider) == Decimal("500.00")
    event = WebhookEvent.objects.get()
    assert (event.event_id, event.event, event.order_id, event.outcome) == (
        "evt_1",
        "payment.captured",
        payment.order_id,
        "credited",
    )


def test_order_paid_after_payment_captured_credits_nothing_more(client, provider):
    payment = PaymentFactory(provider=provider)
    post_webhook(client, webhook_body("payment.captured", payment, "pay_W1"), "evt_1")
    response = post_webhook(client, webhook_body("order.paid", payment, "pay_W1"), "evt_2")
    assert response.status_code == 200
    assert balance(provider) == Decimal("500.00")
    assert topups(provider).count() == 1
    assert WebhookEvent.objects.count() == 2


def test_order_paid_alone_credits(client, provider):
    payment = PaymentFactory(provider=provider)
    post_webhook(client, webhook_body("order.paid", payment, "pay_W1"), "evt_1")
    assert balance(provider) == Decimal("500.00")


def test_webhook_then_callback_credits_once(client, provider):
    payment = PaymentFactory(provider=provider)
    post_webhook(client, webhook_body("payment.captured", payment, "pay_1"), "evt_1")
    client.force_login(provider.user)
    post_callback(client, payment, "pay_1")
    assert balance(provider) == Decimal("500.00")
    assert topups(provider).count() == 1
    payment.refresh_from_db()
    assert payment.confirmed_via == "webhook"


def test_callback_then_webhook_credits_once(client, provider):
    payment = PaymentFactory(provider=provider)
    client.force_login(provider.user)
    post_callback(client, payment, "pay_1")
    client.logout()
    response = post_webhook(client, webhook_body("payment.captured", payment, "pay_1"), "evt_1")
    assert response.status_code == 200
    assert balance(provider) == Decimal("500.00")
    assert topups(provider).count() == 1
    payment.refresh_from_db()
    assert payment.confirmed_via == "callback"


def test_payment_failed_after_capture_leaves_it_paid(client, provider):
    payment = PaymentFactory(provider=provider)
    post_webhook(client, webhook_body("payment.captured", payment, "pay_1"), "evt_1")
    response = post_webhook(client, webhook_body("payment.failed", payment, "pay_2"), "evt_2")
    assert response.json()["outcome"] == "already paid"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert payment.payment_id == "pay_1"
    assert balance(provider) == Decimal("500.00")


def test_capture_after_a_failed_attempt_still_credits(client, provider):
    payment = PaymentFactory(provider=provider)
    post_webhook(client, webhook_body("payment.failed", payment, "pay_1"), "evt_1")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    post_webhook(client, webhook_body("payment.captured", payment, "pay_2"), "evt_2")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert balance(provider) == Decimal("500.00")


def test_webhook_with_bad_signature_gets_400_and_writes_nothing(client, provider, signals_sent):
    payment = PaymentFactory(provider=provider)
    body = webhook_body("payment.captured", payment, "pay_1")
    response = post_webhook(client, body, "evt_1", signature="f" * 64)
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    assert balance(provider) == 0
    assert signals_sent == [
        {
            "signal": payment_signature_invalid,
            "provider": None,
            "ip": "127.0.0.1",
            "source": "webhook",
        }
    ]


def test_webhook_with_tampered_amount_is_rejected(client, provider):
    payment = PaymentFactory(provider=provider, amount=Decimal("100"))
    body = webhook_body("payment.captured", payment, "pay_1")
    good_signature = get_gateway().sign_webhook(body)
    tampered = body.replace('"amount":10000', '"amount":9000000')
    assert tampered != body
    response = post_webhook(client, tampered, "evt_1", signature=good_signature)
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    assert balance(provider) == 0


def test_signed_webhook_for_a_different_amount_than_our_order_credits_nothing(client, provider):
    payment = PaymentFactory(provider=provider, amount=Decimal("100"))
    response = post_webhook(
        client, webhook_body("payment.captured", payment, "pay_1", amount_paise=9_000_000), "evt_1"
    )
    assert response.status_code == 200
    assert response.json()["outcome"] == "amount mismatch"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CREATED
    assert balance(provider) == 0


def test_webhook_without_signature_or_with_garbage_is_400(client):
    assert post_webhook(client, "not json", "evt_x", signature="").status_code == 400
    garbage = "not json"
    signed = post_webhook(client, garbage, "evt_y", signature=get_gateway().sign_webhook(garbage))
    assert signed.status_code == 400
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize(
    "body", ["[]", '{"event": "payment.captured", "payload": [1]}', '{"payload": {}}', '"x"']
)
def test_signed_but_malformed_events_are_400_and_write_nothing(client, body):
    response = post_webhook(client, body, "evt_m", signature=get_gateway().sign_webhook(body))
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_other_events_are_stored_and_ignored(client):
    body = '{"event": "refund.created", "payload": {}}'
    assert post_webhook(client, body, "evt_r").json()["outcome"] == "ignored"
    assert WebhookEvent.objects.get().event == "refund.created"


def test_webhook_for_an_unknown_order_is_acknowledged_and_ignored(client):
    payment = PaymentFactory.build(order_id="order_unknown")
    response = post_webhook(client, webhook_body("payment.captured", payment, "pay_1"), "evt_1")
    assert response.status_code == 200
    assert response.json()["outcome"] == "unknown order"


def test_webhook_is_csrf_exempt_but_the_callback_is_not(provider):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    payment = PaymentFactory(provider=provider)
    assert (
        post_webhook(client, webhook_body("payment.captured", payment, "p1"), "e1").status_code
        == 200
    )
    client.force_login(provider.user)
    assert post_callback(client, payment, "p1").status_code == 403


def test_webhook_answers_only_post(client):
    assert client.get(reverse("wallet:webhook")).status_code == 405


# --- Access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["wallet:home", "wallet:topup", "wallet:export"])
def test_wallet_pages_need_a_provider(client, name):
    url = reverse(name)
    assert client.get(url).status_code == 302  # anonymous → login
    customer = CustomerFactory()
    client.force_login(customer)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("name", ["wallet:checkout", "wallet:payment", "wallet:test_checkout"])
def test_another_providers_payment_pages_are_404(provider_client, name):
    other = PaymentFactory()
    assert provider_client.get(reverse(name, args=[other.order_id])).status_code == 404


def test_without_keys_and_without_the_test_gateway_nothing_pretends_to_pay(
    provider_client, provider, settings
):
    settings.TEST_GATEWAY_ENABLED = False  # what production settings force
    response = provider_client.post(reverse("wallet:topup"), {"amount": "500"})
    assert "not answering right now" in response.content.decode()
    assert not Payment.objects.exists()
    payment = PaymentFactory(provider=provider)
    assert (
        provider_client.get(reverse("wallet:checkout", args=[payment.order_id])).status_code == 404
    )
    body = '{"event":"payment.captured"}'
    assert post_webhook(provider_client, body, "evt_1", signature="x" * 64).status_code == 503
    callback = provider_client.post(
        reverse("wallet:callback"),
        {
            "razorpay_order_id": payment.order_id,
            "razorpay_payment_id": "p",
            "razorpay_signature": "s",
        },
    )
    assert callback.status_code == 503
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CREATED
    assert balance(provider) == 0
