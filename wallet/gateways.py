"""Payment gateways behind one interface: Razorpay, and a local TEST MODE stand-in.

Both verify signatures with the razorpay SDK's own ``Utility`` (HMAC-SHA256), so the code that
decides whether money moves is the same locally and in production. Only the Razorpay gateway
talks to the network; callers must never hold a database transaction while calling it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

import razorpay
from django.conf import settings
from django.utils.crypto import salted_hmac
from razorpay.errors import SignatureVerificationError

REQUEST_TIMEOUT_SECONDS = 10


class GatewayError(Exception):
    """The gateway could not be reached or refused the request."""


@dataclass(frozen=True)
class Order:
    id: str
    amount_paise: int
    receipt: str


class Gateway:
    """What the wallet needs from a payment gateway."""

    name = ""
    key_id = ""
    is_test = False

    def __init__(self, *, key_id: str, key_secret: str, webhook_secret: str) -> None:
        self.key_id = key_id
        self._webhook_secret = webhook_secret
        self.client = razorpay.Client(auth=(key_id, key_secret))

    def create_order(self, *, amount_paise: int, receipt: str, notes: dict[str, str]) -> Order:
        raise NotImplementedError

    def order_payments(self, order_id: str) -> list[dict[str, Any]]:
        """The gateway's payments for one order (each with id, status, amount, method)."""
        raise NotImplementedError

    def verify_payment_signature(self, *, order_id: str, payment_id: str, signature: str) -> bool:
        """True when ``signature`` is HMAC-SHA256("order_id|payment_id") under our key secret."""
        try:
            return bool(
                self.client.utility.verify_payment_signature(
                    {
                        "razorpay_order_id": order_id,
                        "razorpay_payment_id": payment_id,
                        "razorpay_signature": signature,
                    }
                )
            )
        except (SignatureVerificationError, TypeError, ValueError):
            return False

    def verify_webhook_signature(self, *, body: str, signature: str) -> bool:
        """True when ``signature`` is HMAC-SHA256 of the raw body under the webhook secret."""
        if not self._webhook_secret or not signature:
            return False
        try:
            return bool(
                self.client.utility.verify_webhook_signature(body, signature, self._webhook_secret)
            )
        except (SignatureVerificationError, TypeError, ValueError):
            return False


class RazorpayGateway(Gateway):
    name = "razorpay"

    def create_order(self, *, amount_paise: int, receipt: str, notes: dict[str, str]) -> Order:
        try:
            data = self.client.order.create(
                {"amount": amount_paise, "currency": "INR", "receipt": receipt, "notes": notes},
                timeout=REQUEST_TIMEOUT_SECONDS,
            )
        except Exception as exc:  # noqa: BLE001 - SDK and requests errors alike
            raise GatewayError(str(exc)) from exc
        if int(data.get("amount", -1)) != amount_paise or not data.get("id"):
            raise GatewayError("Razorpay answered with an unexpected order.")
        return Order(id=data["id"], amount_paise=amount_paise, receipt=receipt)

    def order_payments(self, order_id: str) -> list[dict[str, Any]]:
        try:
            data = self.client.order.payments(order_id, timeout=REQUEST_TIMEOUT_SECONDS)
        except Exception as exc:  # noqa: BLE001
            raise GatewayError(str(exc)) from exc
        return list(data.get("items", []))


class TestGateway(Gateway):
    """TEST MODE: orders are made up locally and signed with a local secret like Razorpay does.

    Its checkout page lives in the wallet app and is reachable only when
    ``settings.TEST_GATEWAY_ENABLED`` is true (never in production settings).
    """

    __test__ = False  # not a pytest test class
    name = "test"
    is_test = True

    def create_order(self, *, amount_paise: int, receipt: str, notes: dict[str, str]) -> Order:
        return Order(
            id=f"order_T{secrets.token_hex(7)}", amount_paise=amount_paise, receipt=receipt
        )

    def order_payments(self, order_id: str) -> list[dict[str, Any]]:
        # The test gateway keeps no state of its own: what was paid reached us by callback/webhook.
        return []

    # What the test checkout page does in place of Razorpay's servers.
    def new_payment_id(self) -> str:
        return f"pay_T{secrets.token_hex(7)}"

    def sign_payment(self, *, order_id: str, payment_id: str) -> str:
        return _hmac(self.client.auth[1], f"{order_id}|{payment_id}")

    def sign_webhook(self, body: str) -> str:
        return _hmac(self._webhook_secret, body)

    def webhook_body(
        self, *, event: str, order_id: str, payment_id: str, amount_paise: int, error: str = ""
    ) -> str:
        entity = {
            "id": payment_id,
            "entity": "payment",
            "amount": amount_paise,
            "currency": "INR",
            "status": "failed" if event == "payment.failed" else "captured",
            "order_id": order_id,
            "method": "upi",
            "captured": event != "payment.failed",
            "error_description": error or None,
        }
        return json.dumps(
            {
                "entity": "event",
                "account_id": "acc_TESTMODE",
                "event": event,
                "contains": ["payment"],
                "payload": {"payment": {"entity": entity}},
            },
            separators=(",", ":"),
        )


def _hmac(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def _local_secret(purpose: str) -> str:
    return salted_hmac(f"wallet.test-gateway.{purpose}", "local", algorithm="sha256").hexdigest()


def get_gateway() -> Gateway:
    """Razorpay when keys are configured, else the TEST MODE gateway if it is enabled."""
    if settings.RAZORPAY_KEY_ID and settings.RAZORPAY_KEY_SECRET:
        return RazorpayGateway(
            key_id=settings.RAZORPAY_KEY_ID,
            key_secret=settings.RAZORPAY_KEY_SECRET,
            webhook_secret=settings.RAZORPAY_WEBHOOK_SECRET,
        )
    if settings.TEST_GATEWAY_ENABLED:
        return TestGateway(
            key_id="rzp_test_local",
            key_secret=_local_secret("key"),
            webhook_secret=settings.RAZORPAY_WEBHOOK_SECRET or _local_secret("webhook"),
        )
    raise GatewayError("No payment gateway is configured.")
