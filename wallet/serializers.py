"""API shapes of the wallet. Input is checked by the wallet pages' forms; money moves only in
``wallet.services``."""

from __future__ import annotations

from rest_framework import serializers

from providers.serializers import FormSerializer

from .forms import HistoryFilterForm, MonthForm, TopUpForm
from .models import Invoice, Payment, WalletTransaction

MONEY = {"max_digits": 12, "decimal_places": 2, "coerce_to_string": True}


class BalanceSerializer(serializers.Serializer):
    balance = serializers.DecimalField(**MONEY)
    low_balance = serializers.BooleanField()
    low_balance_threshold = serializers.DecimalField(**MONEY)
    currency = serializers.CharField(default="INR")


class TopUpSerializer(FormSerializer):
    """``amount`` in rupees (₹100 – ₹1,00,000, at most two decimals), as the page takes it."""

    form_class = TopUpForm
    amount = serializers.CharField(help_text='Rupees as a string, e.g. "500" or "1250.50".')


class PaymentSerializer(serializers.ModelSerializer):
    """A top-up order. Open Razorpay Checkout with ``key_id``, ``order_id`` and
    ``amount_paise``; then send its result to /wallet/add/verify/."""

    amount = serializers.DecimalField(**MONEY)
    amount_paise = serializers.IntegerField()
    key_id = serializers.CharField(allow_blank=True, help_text="Razorpay key id for Checkout.")
    test_mode = serializers.BooleanField(help_text="The built-in TEST MODE gateway (no keys).")

    class Meta:
        model = Payment
        fields = [
            "order_id",
            "amount",
            "amount_paise",
            "currency",
            "status",
            "gateway",
            "key_id",
            "test_mode",
            "created_at",
            "paid_at",
        ]
        read_only_fields = fields


class VerifySerializer(serializers.Serializer):
    """What Razorpay Checkout hands back after paying."""

    razorpay_order_id = serializers.CharField(max_length=64)
    razorpay_payment_id = serializers.CharField(max_length=64)
    razorpay_signature = serializers.CharField(max_length=128)


class TransactionsQuerySerializer(FormSerializer):
    form_class = HistoryFilterForm
    type = serializers.ChoiceField(choices=WalletTransaction.Type.choices, required=False)
    kind = serializers.ChoiceField(choices=WalletTransaction.Kind.choices, required=False)
    date_from = serializers.CharField(required=False, help_text="YYYY-MM-DD")
    date_to = serializers.CharField(required=False, help_text="YYYY-MM-DD")


class TransactionSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(**MONEY)
    balance_after = serializers.DecimalField(**MONEY)
    document_id = serializers.SerializerMethodField()

    class Meta:
        model = WalletTransaction
        fields = [
            "id",
            "type",
            "kind",
            "amount",
            "balance_after",
            "reference_id",
            "notes",
            "created_at",
            "document_id",
        ]
        read_only_fields = fields

    def get_document_id(self, row) -> int | None:
        document = getattr(row, "document", None)
        return document.pk if document is not None else None


class DocumentsQuerySerializer(FormSerializer):
    form_class = MonthForm
    month = serializers.CharField(required=False, help_text="YYYY-MM; this month by default")


class DocumentSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(**MONEY)
    original_number = serializers.CharField(source="original.number", default=None)

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "doc_type",
            "kind",
            "amount",
            "issued_at",
            "reference_id",
            "original_number",
        ]
        read_only_fields = fields
