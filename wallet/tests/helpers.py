"""Signing like Razorpay does, for tests: HMAC-SHA256 with the configured secrets."""

import json

from django.urls import reverse

from wallet.gateways import get_gateway


def sign_payment(order_id: str, payment_id: str) -> str:
    return get_gateway().sign_payment(order_id=order_id, payment_id=payment_id)


def webhook_body(event: str, payment, payment_id: str, amount_paise: int | None = None) -> str:
    amount = payment.amount_paise if amount_paise is None else amount_paise
    if event == "order.paid":
        data = {
            "entity": "event",
            "event": "order.paid",
            "contains": ["payment", "order"],
            "payload": {
                "payment": {
                    "entity": {
                        "id": payment_id,
                        "amount": amount,
                        "currency": "INR",
                        "status": "captured",
                        "order_id": payment.order_id,
                        "method": "card",
                    }
                },
                "order": {
                    "entity": {
                        "id": payment.order_id,
                        "amount": amount,
                        "amount_paid": amount,
                        "currency": "INR",
                        "status": "paid",
                    }
                },
            },
        }
        return json.dumps(data)
    return get_gateway().webhook_body(
        event=event, order_id=payment.order_id, payment_id=payment_id, amount_paise=amount
    )


def post_webhook(client, body: str, event_id: str, signature: str | None = None):
    return client.post(
        reverse("wallet:webhook"),
        data=body,
        content_type="application/json",
        headers={
            "X-Razorpay-Signature": signature
            if signature is not None
            else get_gateway().sign_webhook(body),
            "X-Razorpay-Event-Id": event_id,
        },
    )


def post_callback(client, payment, payment_id: str, signature: str | None = None, order_id=None):
    return client.post(
        reverse("wallet:callback"),
        {
            "razorpay_order_id": order_id or payment.order_id,
            "razorpay_payment_id": payment_id,
            "razorpay_signature": signature
            if signature is not None
            else sign_payment(payment.order_id, payment_id),
        },
    )
