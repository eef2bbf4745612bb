"""Access-matrix entries of the wallet API (tests/test_api_access_matrix.py)."""

from __future__ import annotations

from providers.tests.factories import ProviderFactory
from tests.api import Endpoint, Setup
from wallet import services
from wallet.models import Invoice
from wallet.tests.factories import PaymentFactory
from wallet.tests.helpers import sign_payment


def _shop(data=None, headers=None):
    def arrange(user) -> Setup:
        ProviderFactory(user=user)
        return Setup(data=data, headers=headers or {})

    return arrange


def _paid_order(user) -> Setup:
    payment = PaymentFactory(provider=ProviderFactory(user=user))
    payment_id = f"pay_T{payment.pk:010d}"
    return Setup(
        data={
            "razorpay_order_id": payment.order_id,
            "razorpay_payment_id": payment_id,
            "razorpay_signature": sign_payment(payment.order_id, payment_id),
        }
    )


def topped_up_document(shop) -> Invoice:
    """The invoice a captured top-up issues to ``shop``."""
    payment = PaymentFactory(provider=shop)
    services.payment_capture(order_id=payment.order_id, payment_id="pay_Tdoc", source="callback")
    return Invoice.objects.get(provider=payment.provider)


def _document(user) -> Setup:
    return Setup(kwargs={"pk": topped_up_document(ProviderFactory(user=user)).pk})


P = {"role": "provider", "wrong_role": "customer"}

ENDPOINTS = [
    Endpoint("wallet-balance", "GET", arrange=_shop(), **P),
    Endpoint("wallet-add", "POST", arrange=_shop({"amount": "500"}), success=201, **P),
    Endpoint("wallet-add-verify", "POST", arrange=_paid_order, **P),
    Endpoint("wallet-transactions", "GET", arrange=_shop(), **P),
    Endpoint("wallet-documents", "GET", arrange=_shop(), **P),
    # Any signed-in reader of the document (the shop, a booking's customer, staff); others 404.
    Endpoint("wallet-documents-pdf", "GET", role="provider", arrange=_document),
]
