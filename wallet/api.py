"""JSON API of the provider's wallet (mounted under /api/v1/ by config): balance, add money
(the same Razorpay order and verification as the web page), history and documents. Money moves
only in ``wallet.services``."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.access import SecondFactorRequired
from accounts.ip import client_ip
from config.api import paged
from providers.api import (
    IDEMPOTENCY_KEY,
    ApiView,
    DomainProblem,
    IsProvider,
    PostThrottleScope,
    errors,
    paginate,
    provider_of,
)

from . import selectors, services
from .gateways import GatewayError, get_gateway
from .invoices import pdf_response
from .models import Payment
from .serializers import (
    BalanceSerializer,
    DocumentSerializer,
    DocumentsQuerySerializer,
    PaymentSerializer,
    TopUpSerializer,
    TransactionSerializer,
    TransactionsQuerySerializer,
    VerifySerializer,
)

logger = logging.getLogger(__name__)


def _payment_data(payment: Payment, gateway=None) -> dict:
    payment.key_id = getattr(gateway, "key_id", "")
    payment.test_mode = bool(getattr(gateway, "is_test", False))
    return PaymentSerializer(payment).data


class BalanceView(ApiView):
    permission_classes = [IsProvider]

    @extend_schema(
        operation_id="wallet_balance",
        summary="My wallet balance",
        responses={200: BalanceSerializer, **errors(401, 403)},
        examples=[
            OpenApiExample(
                "Balance",
                value={
                    "balance": "1250.00",
                    "low_balance": False,
                    "low_balance_threshold": "100.00",
                    "currency": "INR",
                },
                response_only=True,
            )
        ],
    )
    def get(self, request):
        provider = provider_of(request)
        return Response(
            BalanceSerializer(
                {
                    "balance": provider.wallet_balance,
                    "low_balance": selectors.is_low_balance(provider),
                    "low_balance_threshold": settings.WALLET_LOW_BALANCE,
                    "currency": "INR",
                }
            ).data
        )


class TopUpView(PostThrottleScope, ApiView):
    permission_classes = [IsProvider]
    post_throttle_scope = "payment"

    @extend_schema(
        operation_id="wallet_add",
        summary="Start a top-up: creates the Razorpay order",
        description=(
            "The same order the web page creates. With an `Idempotency-Key`, the same request "
            "again answers with the same order (no second order); the same key with another "
            "amount is refused (422). Then open Razorpay Checkout and send its result to "
            "`/wallet/add/verify/`."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=TopUpSerializer,
        responses={201: PaymentSerializer, **errors(400, 401, 403, 422, 503)},
        examples=[OpenApiExample("₹500", value={"amount": "500"}, request_only=True)],
    )
    def post(self, request):
        provider = provider_of(request)
        body = TopUpSerializer(
            data=request.data, context={"idempotency_key": request.headers.get("Idempotency-Key")}
        )
        body.is_valid(raise_exception=True)
        try:
            payment = services.topup_start(
                provider=provider,
                amount=body.validated_data["amount"],
                idempotency_key=body.validated_data["idempotency_key"],
            )
            gateway = get_gateway()
        except services.TopUpFormUsed as exc:
            raise DomainProblem(exc.message, status=422, code="TopUpFormUsed") from exc
        except GatewayError as exc:
            logger.error("wallet: could not create an order for provider %s: %s", provider.pk, exc)
            raise DomainProblem(
                services.GATEWAY_DOWN_MESSAGE, status=503, code="gateway_unavailable"
            ) from exc
        return Response(_payment_data(payment, gateway), status=status.HTTP_201_CREATED)


class VerifyView(PostThrottleScope, ApiView):
    permission_classes = [IsProvider]
    post_throttle_scope = "payment"

    @extend_schema(
        operation_id="wallet_add_verify",
        summary="Verify a paid top-up and credit the wallet (once)",
        description="Checked against the stored order: the amount credited is the order's.",
        request=VerifySerializer,
        responses={200: PaymentSerializer, **errors(400, 401, 403, 422, 503)},
        examples=[
            OpenApiExample(
                "Checkout result",
                value={
                    "razorpay_order_id": "order_Nx1",
                    "razorpay_payment_id": "pay_Nx1",
                    "razorpay_signature": "9f2c…",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        provider = provider_of(request)
        body = VerifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            payment = services.payment_verify_callback(
                provider=provider,
                order_id=data["razorpay_order_id"],
                payment_id=data["razorpay_payment_id"],
                signature=data["razorpay_signature"],
                ip=client_ip(request),
            )
            gateway = get_gateway()
        except services.InvalidSignature as exc:
            raise DomainProblem(
                services.VERIFY_FAILED_MESSAGE, status=422, code="InvalidSignature"
            ) from exc
        except GatewayError as exc:
            raise DomainProblem(
                services.PAYMENTS_UNAVAILABLE_MESSAGE, status=503, code="gateway_unavailable"
            ) from exc
        return Response(_payment_data(payment, gateway))


class TransactionsView(ApiView):
    permission_classes = [IsProvider]

    @extend_schema(
        operation_id="wallet_transactions",
        summary="My wallet history, newest first",
        parameters=[TransactionsQuerySerializer],
        responses={200: paged(TransactionSerializer), **errors(400, 401, 403)},
    )
    def get(self, request):
        query = TransactionsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        rows = selectors.transactions_for(
            provider=provider_of(request),
            type_=data["type"],
            kind=data["kind"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
        return paginate(request, self, rows, TransactionSerializer, ordering=("-created_at", "-id"))


class DocumentsView(ApiView):
    permission_classes = [IsProvider]

    @extend_schema(
        operation_id="wallet_documents",
        summary="A month's invoices and credit notes",
        parameters=[DocumentsQuerySerializer],
        responses={200: paged(DocumentSerializer), **errors(400, 401, 403)},
    )
    def get(self, request):
        if "month" in request.query_params:
            query = DocumentsQuerySerializer(data=request.query_params)
            query.is_valid(raise_exception=True)
            month = query.validated_data["month"]
        else:
            month = timezone.localdate().replace(day=1)
        rows = selectors.documents_of_month(provider=provider_of(request), month=month).defer(
            "snapshot"
        )
        return paginate(request, self, rows, DocumentSerializer, ordering=("issued_at", "id"))


class DocumentPdfView(ApiView):
    """Any signed-in user: the shop, a booking's customer or staff past their second factor
    get the PDF; anyone else 404 (``selectors.document_for``)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="wallet_document_pdf",
        summary="An invoice or credit note as PDF",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **errors(401, 403, 404)},
    )
    def get(self, request, pk: int):
        try:
            document = selectors.document_for(user=request.user, pk=pk)
        except SecondFactorRequired:
            raise DomainProblem(
                _("Enter your two-factor code first."), status=403, code="second_factor_required"
            ) from None
        if document is None:
            raise Http404
        return pdf_response(document)


urlpatterns = [
    path("wallet/balance/", BalanceView.as_view(), name="wallet-balance"),
    path("wallet/add/", TopUpView.as_view(), name="wallet-add"),
    path("wallet/add/verify/", VerifyView.as_view(), name="wallet-add-verify"),
    path("wallet/transactions/", TransactionsView.as_view(), name="wallet-transactions"),
    path("wallet/documents/", DocumentsView.as_view(), name="wallet-documents"),
    path("wallet/documents/<int:pk>/pdf/", DocumentPdfView.as_view(), name="wallet-documents-pdf"),
]
