"""Every change to a provider's wallet: one ledger row and the balance, in one transaction."""

import hashlib
import json
import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from providers.models import Provider

from . import invoices
from .gateways import GatewayError, get_gateway
from .models import Invoice, InvoiceSequence, Payment, WalletTransaction, WebhookEvent
from .signals import payment_signature_invalid

logger = logging.getLogger(__name__)

PAISE = Decimal("0.01")


class InsufficientBalance(Exception):
    """The wallet cannot pay for this debit."""

    def __init__(self, *, balance: Decimal, amount: Decimal) -> None:
        self.balance = balance
        self.amount = amount
        super().__init__(f"Wallet balance ₹{balance} is less than ₹{amount}.")


def platform_fee(price: Decimal) -> Decimal:
    """The fee the platform charges a provider for one confirmed booking of ``price``."""
    percent = price * settings.PLATFORM_FEE_PERCENT / Decimal(100)
    return (settings.PLATFORM_FEE_FLAT + percent).quantize(PAISE, rounding=ROUND_HALF_UP)


def _repeat(
    existing: WalletTransaction, *, provider: Provider, locked: Provider
) -> WalletTransaction:
    """A repeat of an already posted (kind, reference): nothing moves, the caller sees the row.

    A reference already used for another provider's wallet is a bug in the caller, never a
    silent no-op that would leave this wallet uncharged or uncredited.
    """
    if existing.user_id != locked.user_id:
        raise ValueError(
            f"Ledger reference {existing.kind}/{existing.reference_id} belongs to another wallet."
        )
    provider.wallet_balance = locked.wallet_balance
    return existing


def _post(
    *,
    provider: Provider,
    type_: str,
    amount: Decimal,
    kind: str,
    reference_id: str,
    notes: str,
) -> WalletTransaction:
    amount = Decimal(amount).quantize(PAISE)
    if amount <= 0:
        raise ValueError("A ledger amount must be positive.")
    # The provider row is the one lock for its wallet, slots and tokens: one lock order.
    locked = Provider.objects.select_for_update().get(pk=provider.pk)
    existing = WalletTransaction.objects.filter(kind=kind, reference_id=reference_id).first()
    if existing is not None:
        return _repeat(existing, provider=provider, locked=locked)
    balance = locked.wallet_balance + (
        amount if type_ == WalletTransaction.Type.CREDIT else -amount
    )
    if balance < 0:
        raise InsufficientBalance(balance=locked.wallet_balance, amount=amount)
    try:
        with transaction.atomic():
            row = WalletTransaction.objects.create(
                user_id=locked.user_id,
                type=type_,
                kind=kind,
                amount=amount,
                balance_after=balance,
                reference_id=reference_id,
                notes=notes[:255],
            )
    except IntegrityError:
        # Backstop: the same (kind, reference) was written by someone not holding our lock.
        existing = WalletTransaction.objects.get(kind=kind, reference_id=reference_id)
        return _repeat(existing, provider=provider, locked=locked)
    Provider.objects.filter(pk=locked.pk).update(wallet_balance=balance)
    provider.wallet_balance = balance
    _ledger_documents(row, locked)
    return row


@transaction.atomic
def credit(
    *, provider: Provider, amount: Decimal, kind: str, reference_id: str, notes: str = ""
) -> WalletTransaction:
    """Add money to the wallet once per (kind, reference_id); a repeat returns the first row."""
    return _post(
        provider=provider,
        type_=WalletTransaction.Type.CREDIT,
        amount=amount,
        kind=kind,
        reference_id=reference_id,
        notes=notes,
    )


@transaction.atomic
def debit(
    *, provider: Provider, amount: Decimal, kind: str, reference_id: str, notes: str = ""
) -> WalletTransaction:
    """Take money from the wallet once per (kind, reference_id); never below zero."""
    return _post(
        provider=provider,
        type_=WalletTransaction.Type.DEBIT,
        amount=amount,
        kind=kind,
        reference_id=reference_id,
        notes=notes,
    )


# --- Top-ups --------------------------------------------------------------------------------


class PaymentError(Exception):
    """A payment request we refuse; ``message`` is safe to show the user."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class TopUpFormUsed(PaymentError):
    """The add-money form was already used for an order of another amount."""

    def __init__(self, payment: Payment) -> None:
        self.payment = payment
        super().__init__(
            _(
                "This form was already used to start a top-up of ₹%(amount)s. "
                "Enter the amount again to start a new one."
            )
            % {"amount": payment.amount}
        )


class InvalidSignature(PaymentError):
    """A callback or webhook whose signature does not verify: nothing was written."""


# What the add-money page and the API say when the gateway fails (``GatewayError``) or a
# payment cannot be verified. Lazy: shown in each request's language.
GATEWAY_DOWN_MESSAGE = gettext_lazy(
    "The payment service is not answering right now. Please try again."
)
PAYMENTS_UNAVAILABLE_MESSAGE = gettext_lazy("Payments are unavailable right now. Please try later.")
VERIFY_FAILED_MESSAGE = gettext_lazy("We could not verify this payment.")


def to_paise(amount: Decimal) -> int:
    """Rupees (Decimal) to integer paise, only at the gateway boundary."""
    return int((Decimal(amount).quantize(PAISE) * 100).to_integral_value())


def topup_start(
    *, provider: Provider, amount: Decimal, idempotency_key: str | None = None
) -> Payment:
    """Create a gateway order for ``amount`` rupees and remember it as a Payment.

    The gateway is called before any transaction is opened; the Payment row is written after it
    answers, so a slow gateway never holds a database lock.

    ``idempotency_key`` (the add-money form's one-time key): a repeat of the same form answers
    with the order it already created, without asking the gateway again. Two copies racing past
    that look-up may each get a gateway order, but only one is stored (unique per provider and
    key); the other is never shown to anyone, so it can never be paid.
    """
    amount = Decimal(amount).quantize(PAISE)
    if idempotency_key:
        existing = _topup_made_with(provider, idempotency_key, amount)
        if existing is not None:
            return existing
    gateway = get_gateway()
    receipt = f"wt-{provider.pk}-{secrets.token_hex(8)}"
    order = gateway.create_order(
        amount_paise=to_paise(amount),
        receipt=receipt,
        notes={"provider_id": str(provider.pk), "purpose": "wallet top-up"},
    )
    try:
        with transaction.atomic():
            return Payment.objects.create(
                provider=provider,
                amount=amount,
                order_id=order.id,
                receipt=receipt,
                gateway=gateway.name,
                idempotency_key=idempotency_key or None,
            )
    except IntegrityError:
        existing = _topup_made_with(provider, idempotency_key, amount) if idempotency_key else None
        if existing is None:
            raise
        logger.info(
            "wallet: repeated top-up form for provider %s; order %s dropped, %s kept",
            provider.pk,
            order.id,
            existing.order_id,
        )
        return existing


def _topup_made_with(provider: Provider, key: str, amount: Decimal) -> Payment | None:
    """The order this provider's form with ``key`` already created, if any.

    The same key with another amount is the form sent again after its amount was edited (the
    back button keeps the key): refused, so the provider never pays an amount they did not ask
    for this time.
    """
    existing = Payment.objects.filter(provider=provider, idempotency_key=key).first()
    if existing is not None and existing.amount != amount:
        raise TopUpFormUsed(existing)
    return existing


@transaction.atomic
def payment_capture(*, order_id: str, payment_id: str, source: str, method: str = "") -> Payment:
    """Mark the stored order paid and credit its amount, once, whoever calls first.

    Locks the provider row (the wallet's one lock) and then the payment row, so callback,
    webhook and reconciliation racing for the same order are serialised; the ledger's unique
    (kind, reference) on the order id is the backstop.
    """
    payment = Payment.objects.get(order_id=order_id)
    Provider.objects.select_for_update().get(pk=payment.provider_id)
    payment = Payment.objects.select_for_update().select_related("provider").get(pk=payment.pk)
    if payment.status == Payment.Status.PAID:
        return payment
    payment.status = Payment.Status.PAID
    payment.payment_id = payment_id[:64]
    payment.method = method[:32]
    payment.failure_reason = ""
    payment.confirmed_via = source
    payment.paid_at = timezone.now()
    payment.save()
    credit(
        provider=payment.provider,
        amount=payment.amount,
        kind=WalletTransaction.Kind.TOPUP,
        reference_id=payment.order_id,
        # Gateway and payment id only: the row is shown as recorded in either language.
        notes=f"Razorpay {payment_id}" if payment.gateway == "razorpay" else f"TEST {payment_id}",
    )
    logger.info("wallet top-up %s credited ₹%s via %s", order_id, payment.amount, source)
    return payment


@transaction.atomic
def payment_mark_failed(*, order_id: str, payment_id: str = "", reason: str = "") -> Payment:
    """Record a failed attempt. A paid payment is never moved back."""
    payment = Payment.objects.get(order_id=order_id)
    Provider.objects.select_for_update().get(pk=payment.provider_id)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status == Payment.Status.PAID:
        return payment
    payment.status = Payment.Status.FAILED
    payment.payment_id = payment_id[:64]
    payment.failure_reason = (reason or "Payment failed")[:255]
    payment.save()
    return payment


def _signature_rejected(*, provider: Provider | None, ip: str, source: str, detail: str) -> None:
    logger.warning(
        "wallet: invalid %s signature (provider=%s, ip=%s): %s",
        source,
        provider.pk if provider else None,
        ip,
        detail,
    )
    payment_signature_invalid.send(sender=Payment, provider=provider, ip=ip, source=source)


def payment_verify_callback(
    *, provider: Provider, order_id: str, payment_id: str, signature: str, ip: str = ""
) -> Payment:
    """The browser came back from checkout: verify against OUR stored order, then credit.

    Raises ``InvalidSignature`` (nothing written) for an unknown order, someone else's order,
    or a signature that does not match the stored order id.
    """
    payment = Payment.objects.filter(order_id=order_id, provider=provider).first()
    if payment is None:
        _signature_rejected(
            provider=provider, ip=ip, source="callback", detail=f"unknown order {order_id!r}"
        )
        raise InvalidSignature("We could not verify this payment.")
    gateway = get_gateway()
    if not payment_id or not gateway.verify_payment_signature(
        order_id=payment.order_id, payment_id=payment_id, signature=signature
    ):
        _signature_rejected(
            provider=provider, ip=ip, source="callback", detail=f"order {payment.order_id}"
        )
        raise InvalidSignature("We could not verify this payment.")
    return payment_capture(order_id=payment.order_id, payment_id=payment_id, source="callback")


# --- Webhooks -------------------------------------------------------------------------------


@dataclass
class WebhookResult:
    event_id: str
    outcome: str
    duplicate: bool = False


def webhook_receive(*, body: str, signature: str, event_id: str, ip: str = "") -> WebhookResult:
    """Verify a Razorpay webhook over its raw body, store it once per event id and apply it.

    Raises ``InvalidSignature`` (nothing written) when the signature does not verify and
    ``PaymentError`` for a body that is not a JSON event. Storing the event and applying it
    happen in one transaction: if applying fails, the event is not stored and Razorpay's retry
    gets another chance.
    """
    gateway = get_gateway()
    if not gateway.verify_webhook_signature(body=body, signature=signature):
        _signature_rejected(provider=None, ip=ip, source="webhook", detail="webhook body")
        raise InvalidSignature("Invalid signature.")
    try:
        data = json.loads(body)
        event = str(data["event"])
        payload = data.get("payload") or {}
        if not isinstance(payload, dict):
            raise TypeError("payload is not an object")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PaymentError("Malformed event.") from exc
    event_id = (event_id or "").strip()[:64] or "sha256-" + hashlib.sha256(
        body.encode()
    ).hexdigest()[:56]
    payment_entity = _entity(payload, "payment")
    order_entity = _entity(payload, "order")
    order_id = str(payment_entity.get("order_id") or order_entity.get("id") or "")[:64]
    payment_id = str(payment_entity.get("id") or "")[:64]

    if WebhookEvent.objects.filter(event_id=event_id).exists():
        return WebhookResult(event_id=event_id, outcome="duplicate", duplicate=True)
    with transaction.atomic():
        try:
            with transaction.atomic():
                stored = WebhookEvent.objects.create(
                    event_id=event_id,
                    event=event[:64],
                    order_id=order_id,
                    payment_id=payment_id,
                    payload=data,
                )
        except IntegrityError:
            # The same event is being (or was just) handled by a concurrent delivery.
            return WebhookResult(event_id=event_id, outcome="duplicate", duplicate=True)
        outcome = _apply_event(
            event=event,
            order_id=order_id,
            payment_id=payment_id,
            payment_entity=payment_entity,
            order_entity=order_entity,
        )
        stored.outcome = outcome
        stored.save(update_fields=["outcome"])
    return WebhookResult(event_id=event_id, outcome=outcome)


def _entity(payload: dict, name: str) -> dict:
    value = payload.get(name)
    if isinstance(value, dict) and isinstance(value.get("entity"), dict):
        return value["entity"]
    return {}


def _apply_event(
    *, event: str, order_id: str, payment_id: str, payment_entity: dict, order_entity: dict
) -> str:
    if event not in ("payment.captured", "order.paid", "payment.failed"):
        return "ignored"
    payment = Payment.objects.filter(order_id=order_id).first() if order_id else None
    if payment is None:
        logger.warning("wallet webhook %s for unknown order %r", event, order_id)
        return "unknown order"
    if event == "payment.failed":
        payment = payment_mark_failed(
            order_id=order_id,
            payment_id=payment_id,
            reason=str(payment_entity.get("error_description") or "Payment failed"),
        )
        return "failed" if payment.status == Payment.Status.FAILED else "already paid"
    if event == "order.paid":
        paid = order_entity.get("amount_paid", payment_entity.get("amount"))
    else:
        paid = payment_entity.get("amount")
    currency = payment_entity.get("currency") or order_entity.get("currency") or "INR"
    if str(paid) != str(payment.amount_paise) or currency != payment.currency:
        logger.error(
            "wallet webhook %s amount %s %s does not match order %s (₹%s): not credited",
            event,
            paid,
            currency,
            order_id,
            payment.amount,
        )
        return "amount mismatch"
    if payment_entity and payment_entity.get("status") not in (None, "captured"):
        return "not captured"
    payment_capture(
        order_id=order_id,
        payment_id=payment_id,
        source="webhook",
        method=str(payment_entity.get("method") or ""),
    )
    return "credited"


# --- Reconciliation ---------------------------------------------------------------------------


@dataclass
class ReconcileReport:
    checked: int = 0
    credited: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def payments_reconcile(
    *, older_than: timedelta = timedelta(minutes=15), max_age: timedelta = timedelta(days=3)
) -> ReconcileReport:
    """Ask the gateway about orders still open after ``older_than`` and credit captured ones.

    Each gateway call happens outside any transaction; crediting goes through
    ``payment_capture``, so an order already credited by callback or webhook is left alone.
    """
    report = ReconcileReport()
    gateway = get_gateway()
    now = timezone.now()
    open_payments = Payment.objects.filter(
        status=Payment.Status.CREATED,
        gateway=gateway.name,
        created_at__lte=now - older_than,
        created_at__gte=now - max_age,
    ).order_by("created_at")
    for payment in open_payments.iterator():
        report.checked += 1
        try:
            items = gateway.order_payments(payment.order_id)
        except GatewayError as exc:
            report.errors.append(f"{payment.order_id}: {exc}")
            logger.warning("wallet reconcile: %s: %s", payment.order_id, exc)
            continue
        captured = [
            item
            for item in items
            if item.get("status") == "captured"
            and str(item.get("amount")) == str(payment.amount_paise)
            and item.get("order_id", payment.order_id) == payment.order_id
        ]
        if not captured:
            continue
        item = captured[0]
        result = payment_capture(
            order_id=payment.order_id,
            payment_id=str(item.get("id", "")),
            source="reconcile",
            method=str(item.get("method") or ""),
        )
        if result.confirmed_via == "reconcile":
            report.credited.append(payment.order_id)
    return report


# --- Invoices ------------------------------------------------------------------------------


def financial_year(at: datetime) -> str:
    """The Indian financial year (April–March) of ``at`` in local time, e.g. "2026-27"."""
    local = timezone.localtime(at)
    start = local.year if local.month >= 4 else local.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def _lock_sequence(series: str, issued_at: datetime) -> InvoiceSequence:
    """The counter row of ``series`` in the financial year of ``issued_at``, locked until the
    transaction ends: concurrent issues get consecutive numbers (a rolled-back issue rolls its
    number back too) and no repeats."""
    year = financial_year(issued_at)
    try:
        return InvoiceSequence.objects.select_for_update().get(series=series, financial_year=year)
    except InvoiceSequence.DoesNotExist:
        # Rows are created ahead of time by migrations; this covers years beyond those.
        try:
            with transaction.atomic():
                InvoiceSequence.objects.create(series=series, financial_year=year)
        except IntegrityError:
            pass
        return InvoiceSequence.objects.select_for_update().get(series=series, financial_year=year)


def _next_number(sequence: InvoiceSequence) -> tuple[str, int]:
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.financial_year, sequence.last_number


def _issued(*, doc_type: str, kind: str, reference_id: str) -> Invoice | None:
    return Invoice.objects.filter(doc_type=doc_type, kind=kind, reference_id=reference_id).first()


@transaction.atomic
def invoice_issue(
    *,
    kind: str,
    reference_id: str,
    provider: Provider,
    amount: Decimal,
    title: str,
    seller: dict,
    buyer: dict,
    lines: list[dict],
    interstate: bool | None,
    details: list[tuple[str, str]] = (),
    note: str = "",
    customer: User | None = None,
    ledger_row: WalletTransaction | None = None,
) -> Invoice:
    """Issue the invoice of (kind, reference) now: INV/2026-27/000123, with its snapshot.

    Called by the event that makes it, inside that event's transaction. ``seller``/``buyer``
    are party dicts (name, address, gstin, state), ``lines`` dicts with description, detail
    and amount, ``details`` (label, value) pairs; ``interstate`` None means no GST lines, else
    IGST (True) or CGST + SGST (False). Asking again for the same (kind, reference) returns the
    invoice already issued, unchanged.
    """
    existing = _issued(doc_type=Invoice.DocType.INVOICE, kind=kind, reference_id=reference_id)
    if existing is not None and existing.snapshot:
        return existing
    amount = Decimal(amount).quantize(PAISE)
    if existing is not None:
        # Numbered before invoices kept a snapshot (opened once as a PDF): it keeps its number
        # and date and gets the snapshot now, from a write path (documents_backfill), once.
        year, number, issued_at = existing.financial_year, existing.sequence, existing.issued_at
    else:
        issued_at = timezone.now()
        sequence = _lock_sequence(InvoiceSequence.Series.INVOICE, issued_at)
        # Asked for twice at once: the second caller waited for the lock and finds the first's.
        existing = _issued(doc_type=Invoice.DocType.INVOICE, kind=kind, reference_id=reference_id)
        if existing is not None:
            return existing
        year, number = _next_number(sequence)
    code = f"INV/{year}/{number:06d}"
    snapshot = {
        "doc_type": Invoice.DocType.INVOICE,
        "title": str(title),
        "number": code,
        "issued_at": timezone.localtime(issued_at).isoformat(),
        "seller": _party(seller),
        "buyer": _party(buyer),
        "place_of_supply": seller.get("state", "") if kind == Invoice.Kind.BOOKING else "",
        "lines": [
            {
                "description": str(line["description"]),
                "detail": str(line.get("detail", "")),
                "amount": str(Decimal(line["amount"]).quantize(PAISE)),
            }
            for line in lines
        ],
        "tax": invoices.tax_snapshot(amount, interstate=interstate),
        "total": str(amount),
        "amount_words": invoices.amount_in_words(amount),
        "details": [[str(label), str(value)] for label, value in details],
        "note": str(note),
        "original": None,
        "reason": "",
    }
    if existing is not None:
        Invoice.objects.filter(pk=existing.pk, snapshot={}).update(
            snapshot=snapshot, ledger_row=ledger_row
        )
        return Invoice.objects.get(pk=existing.pk)
    return Invoice.objects.create(
        doc_type=Invoice.DocType.INVOICE,
        number=code,
        financial_year=year,
        sequence=number,
        kind=kind,
        reference_id=reference_id,
        provider=provider,
        customer=customer,
        ledger_row=ledger_row,
        amount=amount,
        issued_at=issued_at,
        snapshot=snapshot,
    )


def _party(party: dict) -> dict:
    return {key: str(party.get(key) or "") for key in ("name", "address", "gstin", "state")}


@transaction.atomic
@translation.override(settings.LANGUAGE_CODE)
def credit_note_issue(
    *, original: Invoice, reason: str, ledger_row: WalletTransaction | None = None
) -> Invoice:
    """Issue the credit note that reverses ``original`` in full: CN/2026-27/000045.

    Its own series, numbered like invoices; the parties, lines and tax are the original's as
    issued (the snapshot, not the shop as it is today). Once per invoice: asking again
    returns the credit note already issued.
    """
    existing = _issued(
        doc_type=Invoice.DocType.CREDIT_NOTE,
        kind=original.kind,
        reference_id=original.reference_id,
    )
    if existing is not None:
        return existing
    issued_at = timezone.now()
    sequence = _lock_sequence(InvoiceSequence.Series.CREDIT_NOTE, issued_at)
    existing = _issued(
        doc_type=Invoice.DocType.CREDIT_NOTE,
        kind=original.kind,
        reference_id=original.reference_id,
    )
    if existing is not None:
        return existing
    year, number = _next_number(sequence)
    code = f"CN/{year}/{number:06d}"
    source = original.snapshot
    snapshot = {
        **source,
        "doc_type": Invoice.DocType.CREDIT_NOTE,
        "title": _("Credit note"),
        "number": code,
        "issued_at": timezone.localtime(issued_at).isoformat(),
        "original": {"number": original.number, "issued_at": source["issued_at"]},
        "reason": str(reason)[:300],
        "note": "",
    }
    return Invoice.objects.create(
        doc_type=Invoice.DocType.CREDIT_NOTE,
        number=code,
        financial_year=year,
        sequence=number,
        kind=original.kind,
        reference_id=original.reference_id,
        provider_id=original.provider_id,
        customer_id=original.customer_id,
        original=original,
        ledger_row=ledger_row,
        amount=original.amount,
        issued_at=issued_at,
        snapshot=snapshot,
    )


@translation.override(settings.LANGUAGE_CODE)
def _ledger_documents(row: WalletTransaction, provider: Provider) -> None:
    """The document a new ledger row makes: a top-up or a booking fee is invoiced by the
    platform; a refunded fee gets a credit note against the fee's invoice.

    Its stored texts are in the site's language whoever's request issued it; the PDF shows
    them in the reader's (wallet/document.html translates the stored labels)."""
    Kind = WalletTransaction.Kind
    if row.kind == Kind.TOPUP:
        payment = Payment.objects.filter(order_id=row.reference_id).first()
        details = [(_("Credited to wallet on"), _local_stamp(row.created_at))]
        if payment is not None:
            details.append((_("Razorpay order"), payment.order_id))
            if payment.payment_id:
                method = f" ({payment.method.upper()})" if payment.method else ""
                details.append((_("Razorpay payment"), payment.payment_id + method))
            if payment.gateway == "test":
                details.append((_("Gateway"), _("TEST MODE — not a real payment")))
        details.append((_("Wallet balance after"), invoices.format_money(row.balance_after)))
        invoice_issue(
            kind=Invoice.Kind.TOPUP,
            reference_id=row.reference_id,
            provider=provider,
            amount=row.amount,
            title=_("Wallet top-up invoice"),
            seller=invoices.platform_party(),
            buyer=invoices.provider_party(provider),
            lines=[{"description": _("Prepaid wallet balance"), "amount": row.amount}],
            interstate=None,
            details=details,
            note=_(
                "Wallet top-ups are prepaid balances for platform fees; GST, where applicable, "
                "is charged on each fee when it is used."
            ),
            ledger_row=row,
        )
    elif row.kind == Kind.BOOKING_FEE:
        interstate = invoices.platform_fee_interstate(provider)
        invoice_issue(
            kind=Invoice.Kind.BOOKING_FEE,
            reference_id=row.reference_id,
            provider=provider,
            amount=row.amount,
            title=_("Tax invoice") if interstate is not None else _("Invoice"),
            seller=invoices.platform_party(),
            buyer=invoices.provider_party(provider),
            lines=[
                {
                    "description": _("Platform fee for booking %(ref)s")
                    % {"ref": row.reference_id},
                    "detail": row.notes,
                    "amount": row.amount,
                }
            ],
            interstate=interstate,
            details=[
                (_("Debited from wallet on"), _local_stamp(row.created_at)),
                (_("Booking reference"), row.reference_id),
                (_("Wallet balance after"), invoices.format_money(row.balance_after)),
            ],
            ledger_row=row,
        )
    elif row.kind == Kind.FEE_REFUND:
        original = _issued(
            doc_type=Invoice.DocType.INVOICE,
            kind=Invoice.Kind.BOOKING_FEE,
            reference_id=row.reference_id,
        )
        if original is not None:
            credit_note_issue(
                original=original,
                reason=_("Booking fee refunded to the wallet: %(notes)s") % {"notes": row.notes},
                ledger_row=row,
            )


def ledger_documents_backfill() -> int:
    """Give every top-up and fee ledger row its invoice (and every refunded fee its credit
    note) that it does not have yet, or whose invoice predates snapshots. Returns how many
    rows were looked at. Run once after deploying snapshots: ``manage.py documents_backfill``.
    """
    Kind = WalletTransaction.Kind
    done = set(
        Invoice.objects.exclude(snapshot={})
        .exclude(ledger_row=None)
        .values_list("ledger_row_id", flat=True)
    )
    rows = WalletTransaction.objects.filter(
        kind__in=(Kind.TOPUP, Kind.BOOKING_FEE, Kind.FEE_REFUND)
    ).order_by("id")
    count = 0
    for row in rows.iterator():
        if row.pk in done:
            continue
        with transaction.atomic():
            provider = Provider.objects.select_for_update().get(user_id=row.user_id)
            _ledger_documents(row, provider)
        count += 1
    return count


def _local_stamp(at: datetime) -> str:
    return timezone.localtime(at).strftime("%d %b %Y, %H:%M")
