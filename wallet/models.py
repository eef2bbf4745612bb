from django.conf import settings
from django.core.files.storage import storages
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
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="wallet_transactions",
        verbose_name=_("user"),
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
        verbose_name = _("wallet entry")
        verbose_name_plural = _("wallet entries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "reference_id"], name="wallet_txn_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="wallet_txn_amount_positive"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="wallet_txn_balance_non_negative"
            ),
        ]
        indexes = [
            # The history page, newest first with the id as tie-breaker: read in index order.
            models.Index(fields=["user", "-created_at", "-id"]),
            # The newest row of a wallet (its history's version): one look-up.
            models.Index(fields=["user", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ₹{self.amount} ({self.get_kind_display()})"

    @property
    def signed_amount(self):
        return self.amount if self.type == self.Type.CREDIT else -self.amount


class Payment(models.Model):
    """A wallet top-up: one Razorpay order created by us, paid at most once."""

    class Status(models.TextChoices):
        CREATED = "created", _("Awaiting payment")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")

    provider = models.ForeignKey(
        "providers.Provider",
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("provider"),
    )
    # The amount of the order as we created it: the only amount ever credited for it.
    amount = models.DecimalField(_("amount (₹)"), max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="INR")
    order_id = models.CharField(_("order id"), max_length=64, unique=True)
    receipt = models.CharField(_("receipt"), max_length=40, unique=True)
    gateway = models.CharField(_("gateway"), max_length=16, default="razorpay")
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.CREATED
    )
    payment_id = models.CharField(_("payment id"), max_length=64, blank=True)
    method = models.CharField(_("method"), max_length=32, blank=True)
    failure_reason = models.CharField(_("failure reason"), max_length=255, blank=True)
    # How the payment was first confirmed: callback, webhook or reconcile.
    confirmed_via = models.CharField(_("confirmed via"), max_length=16, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    # The one-time key of the "add money" form that created this order: a repeated POST of the
    # same form answers with this order instead of creating another (null for older rows).
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, editable=False)

    class Meta:
        db_table = "wallet_payments"
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "idempotency_key"], name="wallet_payment_key_once"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="wallet_payment_amount_positive"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.order_id} ₹{self.amount} ({self.get_status_display()})"

    @property
    def amount_paise(self) -> int:
        return int(self.amount * 100)


class WebhookEvent(models.Model):
    """A Razorpay webhook delivery whose signature checked out, stored once per event id."""

    event_id = models.CharField(_("event id"), max_length=64, unique=True)
    event = models.CharField(_("event"), max_length=64)
    order_id = models.CharField(_("order id"), max_length=64, blank=True, db_index=True)
    payment_id = models.CharField(_("payment id"), max_length=64, blank=True)
    payload = models.JSONField(_("payload"))
    # What we did with it: credited, failed, ignored, duplicate payment, amount mismatch…
    outcome = models.CharField(_("outcome"), max_length=32, blank=True)
    received_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        db_table = "wallet_webhook_events"
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.event} {self.event_id}"


class InvoiceSequence(models.Model):
    """The last number issued in one series (invoices, credit notes) of one Indian financial
    year (April–March).

    Its row is locked while a number is taken, so numbers have no gaps or repeats.
    """

    class Series(models.TextChoices):
        INVOICE = "INV", _("Invoices")
        CREDIT_NOTE = "CN", _("Credit notes")

    series = models.CharField(max_length=3, choices=Series.choices, default=Series.INVOICE)
    financial_year = models.CharField(max_length=7)  # "2026-27"
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "wallet_invoice_sequences"
        constraints = [
            models.UniqueConstraint(
                fields=["series", "financial_year"], name="wallet_invoice_sequence_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.financial_year}: {self.last_number}"


def documents_storage():
    """The private storage of rendered document PDFs (``STORAGES["documents"]``); a callable,
    so migrations name it rather than freezing one deployment's location."""
    return storages["documents"]


def document_pdf_path(document: "Invoice", filename: str) -> str:
    return f"{document.doc_type}/{document.financial_year}/{filename}"


class Invoice(models.Model):
    """An issued invoice or credit note. Everything it shows is frozen in ``snapshot`` at issue.

    Written only by ``wallet.services.invoice_issue`` / ``credit_note_issue`` in the
    transaction of the event that makes it (a top-up captured, a fee debited or refunded, a
    booking confirmed or cancelled); never changed afterwards. The PDF is rendered from the
    snapshot alone (``wallet.invoices.render_pdf``), so later edits to shops, services or
    prices change nothing already issued; the first download stores it in ``pdf``.
    """

    class Kind(models.TextChoices):
        TOPUP = "topup", _("Wallet top-up")
        BOOKING_FEE = "booking_fee", _("Booking fee")
        BOOKING = "booking", _("Booking")

    class DocType(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    doc_type = models.CharField(
        _("document"), max_length=12, choices=DocType.choices, default=DocType.INVOICE
    )
    number = models.CharField(_("number"), max_length=24, unique=True)
    financial_year = models.CharField(_("financial year"), max_length=7)
    sequence = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # The ledger reference (Razorpay order id, "appt-<id>") the document is for.
    reference_id = models.CharField(_("reference"), max_length=64)
    provider = models.ForeignKey(
        "providers.Provider",
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("provider"),
    )
    # The buyer of a booking invoice; empty for platform → provider invoices.
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    # A credit note's invoice.
    original = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name=_("against invoice"),
    )
    # The wallet ledger row that made it (top-up, fee, fee refund); none for a booking's.
    ledger_row = models.OneToOneField(
        WalletTransaction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="document",
    )
    amount = models.DecimalField(_("amount (₹)"), max_digits=12, decimal_places=2)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now, editable=False)
    # Number, date, parties, lines, tax and totals as they were at issue (plain JSON).
    snapshot = models.JSONField(_("snapshot"), default=dict, editable=False)
    # The PDF rendered from the snapshot, stored on its first download
    # (``wallet.invoices.document_pdf_content``) and served as stored ever after.
    pdf = models.FileField(
        _("PDF"),
        upload_to=document_pdf_path,
        storage=documents_storage,
        blank=True,
        editable=False,
    )

    class Meta:
        db_table = "wallet_invoices"
        verbose_name = _("invoice or credit note")
        verbose_name_plural = _("invoices and credit notes")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["doc_type", "kind", "reference_id"], name="wallet_document_once"
            ),
            models.UniqueConstraint(
                fields=["doc_type", "financial_year", "sequence"],
                name="wallet_document_sequence_unique",
            ),
        ]
        indexes = [models.Index(fields=["provider", "issued_at"])]

    def __str__(self) -> str:
        return self.number

    @property
    def is_credit_note(self) -> bool:
        return self.doc_type == self.DocType.CREDIT_NOTE

    @property
    def filename(self) -> str:
        return self.number.replace("/", "-") + ".pdf"
