from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WalletTransaction(models.Model):
    """One append-only ledger row of a provider's wallet (user = the provider's user).

    Written only by ``wallet.services.credit/debit`` in the same transaction that changes
    ``providers.wallet_balance``.
    """

    class Type(models.TextChoices):
        CREDIT = "credit", _("Credit")
        DEBIT = "debit", _("Debit")

    class Kind(models.TextChoices):
        TOPUP = "topup", _("Top-up")
        BOOKING_FEE = "booking_fee", _("Booking fee")
        FEE_REFUND = "fee_refund", _("Booking fee refund")
        ADJUSTMENT = "adjustment", _("Adjustment")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="wallet_transactions"
    )
    type = models.CharField(_("type"), max_length=6, choices=Type.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(_("amount (₹)"), max_digits=12, decimal_places=2)
    balance_after = models.DecimalField(_("balance after (₹)"), max_digits=12, decimal_places=2)
    reference_id = models.CharField(_("reference"), max_length=64)
    notes = models.CharField(_("notes"), max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        db_table = "wallet_transactions"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "reference_id"], name="wallet_txn_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="wallet_txn_amount_positive"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="wallet_txn_balance_non_negative"
            ),
        ]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ₹{self.amount} ({self.get_kind_display()})"

    @property
    def signed_amount(self):
        return self.amount if self.type == self.Type.CREDIT else -self.amount
