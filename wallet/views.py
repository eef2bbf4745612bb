"""Wallet pages: balance and history, add money (checkout + callback), webhook, invoices.

Views parse input and call one service; money moves only in ``wallet.services``.
"""

import csv
import io
import logging
import zipfile
from datetime import date, timedelta
from decimal import Decimal

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import FormView, TemplateView
from django_ratelimit.decorators import ratelimit

from accounts.access import private_data_view
from accounts.ip import client_ip
from providers.mixins import ProviderRequiredMixin
from providers.models import Provider

from . import selectors, services
from .forms import HistoryFilterForm, MonthForm, TopUpForm
from .gateways import GatewayError, TestGateway, get_gateway
from .invoices import document_pdf_content, pdf_response, tax_amounts
from .models import Invoice, Payment, WalletTransaction

logger = logging.getLogger(__name__)

HISTORY_PAGE_SIZE = 25

# What Razorpay Standard Checkout loads on our page: its script, its payment iframe (served from
# api.razorpay.com) and its telemetry. Added to the site-wide policy on the checkout page only.
RAZORPAY_CHECKOUT_CSP = {
    "script-src": ["https://checkout.razorpay.com"],
    "frame-src": ["https://api.razorpay.com", "https://checkout.razorpay.com"],
    "connect-src": ["https://api.razorpay.com", "https://lumberjack.razorpay.com"],
    "img-src": ["https://cdn.razorpay.com"],
}


def _filtered_history(request: HttpRequest, provider: Provider):
    form = HistoryFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        rows = selectors.transactions_for(
            provider=provider,
            type_=data["type"],
            kind=data["kind"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    elif form.is_bound:
        rows = WalletTransaction.objects.none()
    else:
        rows = selectors.transactions_for(provider=provider)
    return form, rows


@method_decorator(never_cache, name="dispatch")
class WalletView(ProviderRequiredMixin, TemplateView):
    """Balance, filtered and paginated history, recent top-ups.

    Not cached: every part is an indexed query of this provider's own rows, and a new ledger
    row or payment shows on the very next request."""

    template_name = "wallet/wallet.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        provider = self.provider
        form, rows = _filtered_history(self.request, provider)
        page = Paginator(rows, HISTORY_PAGE_SIZE).get_page(self.request.GET.get("page"))
        page.object_list = list(page.object_list)
        for row in page.object_list:
            # ``row.document`` (a reverse one-to-one) raises on a row that made no document;
            # the template engine would swallow that for each such row after listing the
            # row's attributes (dir()), so the row carries its document or None instead.
            row.invoice = getattr(row, "document", None)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            balance=provider.wallet_balance,
            filter_form=form,
            page_obj=page,
            query=query.urlencode(),
            is_filtered=any(query.get(k) for k in ("type", "kind", "date_from", "date_to")),
            low_balance=selectors.is_low_balance(provider),
            low_balance_threshold=settings.WALLET_LOW_BALANCE,
            payments=selectors.recent_payments(provider=provider),
        )
        return context


class _Echo:
    def write(self, value: str) -> str:
        return value


class WalletExportView(ProviderRequiredMixin, View):
    """The (filtered) history as CSV, for the provider's accountant."""

    def get(self, request: HttpRequest) -> HttpResponse:
        form, rows = _filtered_history(request, self.provider)
        if form.is_bound and not form.is_valid():
            return HttpResponseBadRequest(_("Check the filter dates."))
        writer = csv.writer(_Echo())

        def lines():
            yield writer.writerow(
                [
                    _("Date"),
                    _("Type"),
                    _("For"),
                    _("Amount (INR)"),
                    _("Balance after (INR)"),
                    _("Reference"),
                    _("Notes"),
                ]
            )
            for row in rows.iterator():
                yield writer.writerow(
                    [
                        timezone.localtime(row.created_at).strftime("%Y-%m-%d %H:%M"),
                        row.get_type_display(),
                        row.get_kind_display(),
                        f"{row.signed_amount:.2f}",
                        f"{row.balance_after:.2f}",
                        _csv_safe(row.reference_id),
                        _csv_safe(row.notes),
                    ]
                )

        filename = f"wallet-{timezone.localdate():%Y-%m-%d}.csv"
        return StreamingHttpResponse(
            lines(),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )


def _csv_safe(value: str) -> str:
    """Keep spreadsheet apps from running a cell as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@method_decorator(ratelimit(key="user", rate="30/h", method="POST", block=True), name="post")
class TopUpView(ProviderRequiredMixin, FormView):
    """Add money: choose an amount; we create the gateway order and open checkout."""

    template_name = "wallet/topup.html"
    form_class = TopUpForm

    def get_initial(self):
        initial = super().get_initial()
        amount = self.request.GET.get("amount", "")
        if amount.isdigit() and len(amount) <= 6:
            initial["amount"] = amount
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["presets"] = (500, 1000, 2000, 5000)
        context["is_test_gateway"] = _gateway_is_test()
        return context

    def form_valid(self, form):
        try:
            payment = services.topup_start(
                provider=self.provider,
                amount=form.cleaned_data["amount"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except services.TopUpFormUsed as exc:
            # A form sent again with a new amount: a fresh form (and key) for the new order.
            messages.error(self.request, exc.message)
            fresh = self.get_form_class()(initial={"amount": form.cleaned_data["amount"]})
            return self.render_to_response(self.get_context_data(form=fresh))
        except GatewayError as exc:
            logger.error(
                "wallet: could not create an order for provider %s: %s", self.provider.pk, exc
            )
            form.add_error(None, services.GATEWAY_DOWN_MESSAGE)
            return self.form_invalid(form)
        return redirect("wallet:checkout", order_id=payment.order_id)


def _gateway_is_test() -> bool:
    try:
        return get_gateway().is_test
    except GatewayError:
        return False


class _OwnPaymentMixin(ProviderRequiredMixin):
    def get_payment(self, order_id: str) -> Payment:
        return get_object_or_404(Payment, order_id=order_id, provider=self.provider)


@method_decorator(never_cache, name="dispatch")
@method_decorator(csp_update(RAZORPAY_CHECKOUT_CSP), name="dispatch")
class CheckoutView(_OwnPaymentMixin, TemplateView):
    """Opens Razorpay Checkout (static/js/wallet.js) for one of our stored orders."""

    template_name = "wallet/checkout.html"

    def get(self, request, *args, **kwargs):
        payment = self.get_payment(kwargs["order_id"])
        if payment.status == Payment.Status.PAID:
            return redirect("wallet:payment", order_id=payment.order_id)
        try:
            gateway = get_gateway()
        except GatewayError as exc:
            raise Http404(str(exc)) from exc
        if gateway.is_test:
            return redirect("wallet:test_checkout", order_id=payment.order_id)
        self.payment = payment
        self.gateway = gateway
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            payment=self.payment,
            checkout={
                "key": self.gateway.key_id,
                "amount": self.payment.amount_paise,
                "currency": self.payment.currency,
                "order_id": self.payment.order_id,
                "name": settings.PLATFORM_NAME,
                "description": _("Wallet top-up"),
                "prefill_name": user.name,
                "prefill_email": user.email,
                "prefill_contact": str(user.mobile or ""),
            },
        )
        return context


@method_decorator(never_cache, name="dispatch")
@method_decorator(ratelimit(key="user", rate="60/h", method="POST", block=True), name="post")
class CallbackView(ProviderRequiredMixin, View):
    """Checkout hands the browser back here (POST, with our CSRF token) after paying."""

    def post(self, request: HttpRequest) -> HttpResponse:
        order_id = request.POST.get("razorpay_order_id", "")[:64]
        payment_id = request.POST.get("razorpay_payment_id", "")[:64]
        signature = request.POST.get("razorpay_signature", "")[:128]
        if not payment_id and request.POST.get("error[code]"):
            # Checkout reports a failed attempt; the signed webhook is what records it.
            reason = request.POST.get("error[description]", "")[:255]
            return self._failed(order_id, reason or _("The payment did not go through."))
        try:
            payment = services.payment_verify_callback(
                provider=self.provider,
                order_id=order_id,
                payment_id=payment_id,
                signature=signature,
                ip=client_ip(request),
            )
        except services.InvalidSignature:
            return self._failed(order_id, services.VERIFY_FAILED_MESSAGE, status=400)
        except GatewayError:
            return self._failed(order_id, services.PAYMENTS_UNAVAILABLE_MESSAGE, status=503)
        messages.success(
            request,
            _("₹%(amount)s added to your wallet.") % {"amount": payment.amount},
        )
        return redirect("wallet:payment", order_id=payment.order_id)

    def _failed(self, order_id: str, reason: str, status: int = 200) -> HttpResponse:
        payment = Payment.objects.filter(order_id=order_id, provider=self.provider).first()
        return render(
            self.request,
            "wallet/payment_failed.html",
            {"provider": self.provider, "payment": payment, "reason": reason},
            status=status,
        )


@method_decorator(never_cache, name="dispatch")
class PaymentDetailView(_OwnPaymentMixin, TemplateView):
    """Where a top-up stands: paid, failed or still awaiting payment."""

    template_name = "wallet/payment_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        payment = self.get_payment(kwargs["order_id"])
        context["payment"] = payment
        context["txn"] = WalletTransaction.objects.filter(
            kind=WalletTransaction.Kind.TOPUP, reference_id=payment.order_id
        ).first()
        return context


def _webhook_rate(group: str, request: HttpRequest) -> str:
    return settings.WALLET_WEBHOOK_RATE_LIMIT


@csrf_exempt
@require_POST
@ratelimit(group="wallet.webhook", key="accounts.ip.ratelimit_key", rate=_webhook_rate, block=True)
def webhook(request: HttpRequest) -> HttpResponse:
    """Razorpay webhook: the only CSRF-exempt view; trust comes from the body's signature.

    Limited per client IP (429 past WALLET_WEBHOOK_RATE_LIMIT) and to bodies of at most
    WALLET_WEBHOOK_MAX_BYTES (413, read no further); bad signatures are counted per source and
    hour (adminpanel.fraud) and answered 400.
    """
    limit = settings.WALLET_WEBHOOK_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return HttpResponseBadRequest("Malformed Content-Length.")
    if declared > limit:
        return HttpResponse("Body too large.", status=413)
    raw = request.read(limit + 1)
    if len(raw) > limit:
        return HttpResponse("Body too large.", status=413)
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        return HttpResponseBadRequest("Malformed body.")
    try:
        result = services.webhook_receive(
            body=body,
            signature=request.headers.get("X-Razorpay-Signature", ""),
            event_id=request.headers.get("X-Razorpay-Event-Id", ""),
            ip=client_ip(request),
        )
    except services.InvalidSignature:
        return HttpResponseBadRequest("Invalid signature.")
    except services.PaymentError as exc:
        return HttpResponseBadRequest(exc.message)
    except GatewayError:
        logger.error("wallet webhook received but no payment gateway is configured")
        return HttpResponse("Payments are not configured.", status=503)  # Razorpay retries
    return JsonResponse({"status": "ok", "outcome": result.outcome})


# --- TEST MODE gateway ------------------------------------------------------------------------


def _test_gateway() -> TestGateway:
    if not settings.TEST_GATEWAY_ENABLED:
        raise Http404("The test gateway is off.")
    gateway = get_gateway()
    if not isinstance(gateway, TestGateway):
        raise Http404("Razorpay keys are configured: the test gateway is off.")
    return gateway


@method_decorator(never_cache, name="dispatch")
class TestCheckoutView(_OwnPaymentMixin, View):
    """A stand-in for Razorpay Checkout when no keys are configured (local use and tests).

    "Pay" signs the payment with the local key secret exactly as Razorpay does, optionally
    delivers the signed ``payment.captured`` webhook, and posts the browser to the real
    callback; "Fail" delivers ``payment.failed``. The same verification and crediting run.
    """

    def dispatch(self, request, *args, **kwargs):
        self.gateway = _test_gateway()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, order_id: str) -> HttpResponse:
        payment = self.get_payment(order_id)
        if payment.status == Payment.Status.PAID:
            return redirect("wallet:payment", order_id=payment.order_id)
        return render(
            request, "wallet/test_checkout.html", {"payment": payment, "provider": self.provider}
        )

    def post(self, request: HttpRequest, order_id: str) -> HttpResponse:
        payment = self.get_payment(order_id)
        outcome = request.POST.get("outcome")
        if outcome not in ("pay", "fail"):
            return HttpResponseBadRequest(_("Choose pay or fail."))
        payment_id = self.gateway.new_payment_id()
        if request.POST.get("send_webhook"):
            event = "payment.captured" if outcome == "pay" else "payment.failed"
            body = self.gateway.webhook_body(
                event=event,
                order_id=payment.order_id,
                payment_id=payment_id,
                amount_paise=payment.amount_paise,
                error="" if outcome == "pay" else "TEST MODE: payment declined",
            )
            services.webhook_receive(
                body=body,
                signature=self.gateway.sign_webhook(body),
                event_id=f"evt_T{payment_id[5:]}",
                ip=client_ip(request),
            )
        if outcome == "pay":
            fields = {
                "razorpay_order_id": payment.order_id,
                "razorpay_payment_id": payment_id,
                "razorpay_signature": self.gateway.sign_payment(
                    order_id=payment.order_id, payment_id=payment_id
                ),
            }
        else:
            fields = {
                "razorpay_order_id": payment.order_id,
                "error[code]": "BAD_REQUEST_ERROR",
                "error[description]": _("TEST MODE: the payment was declined."),
                "error[metadata][order_id]": payment.order_id,
                "error[metadata][payment_id]": payment_id,
            }
        return render(
            request,
            "wallet/test_return.html",
            {"fields": fields, "outcome": outcome, "action": reverse("wallet:callback")},
        )


# --- Invoices and credit notes ---------------------------------------------------------------


@login_required
@private_data_view
@never_cache
@require_GET
def document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """An invoice or credit note as PDF, rendered from its snapshot once and then stored."""
    document = selectors.document_for(user=request.user, pk=pk)
    if document is None:
        raise Http404
    return pdf_response(document)


@login_required
@private_data_view
@never_cache
@require_GET
def transaction_invoice(request: HttpRequest, pk: int) -> HttpResponse:
    """The document a ledger row made (top-up, fee: invoice; fee refund: credit note)."""
    document = Invoice.objects.filter(ledger_row_id=pk).only("pk").first()
    if document is None:
        raise Http404
    return document_pdf(request, document.pk)


def _month(request: HttpRequest) -> date:
    if "month" not in request.GET:
        return timezone.localdate().replace(day=1)
    form = MonthForm(request.GET)
    if not form.is_valid():
        raise BadRequest(form.errors["month"][0])
    return form.cleaned_data["month"]


@method_decorator(never_cache, name="dispatch")
class DocumentsView(ProviderRequiredMixin, TemplateView):
    """A month's invoices and credit notes, with the ZIP and the GSTR-1 summary."""

    template_name = "wallet/documents.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        month = _month(self.request)
        context.update(
            month=month,
            previous_month=(month - timedelta(days=1)).replace(day=1),
            next_month=(month + timedelta(days=32)).replace(day=1),
            form=MonthForm(initial={"month": month}),
            documents=selectors.documents_of_month(provider=self.provider, month=month).defer(
                "snapshot"
            ),
        )
        return context


GSTR1_HEADER = (
    "Document type",
    "Number",
    "Date",
    "Against invoice",
    "Customer",
    "Customer GSTIN",
    "Place of supply",
    "Taxable value",
    "CGST",
    "SGST",
    "IGST",
    "Total",
)


def gstr1_rows(documents) -> list[list[str]]:
    """One CSV row per outward document, as an accountant keys GSTR-1 in: credit notes with
    negative amounts, each naming the invoice it reverses."""
    rows = []
    for document in documents:
        snapshot = document.snapshot
        amounts = tax_amounts(snapshot)
        sign = -1 if document.is_credit_note else 1
        rows.append(
            [
                document.get_doc_type_display(),
                document.number,
                timezone.localtime(document.issued_at).strftime("%Y-%m-%d"),
                document.original.number if document.original_id else "",
                _csv_safe(snapshot["buyer"]["name"]),
                snapshot["buyer"]["gstin"],
                snapshot.get("place_of_supply") or snapshot["seller"]["state"],
                *(f"{sign * amounts[key]:.2f}" for key in ("taxable", "CGST", "SGST", "IGST")),
                f"{sign * Decimal(snapshot['total']):.2f}",
            ]
        )
    return rows


def _gstr1_csv(provider: Provider, month: date) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(GSTR1_HEADER)
    writer.writerows(
        gstr1_rows(selectors.outward_documents_of_month(provider=provider, month=month))
    )
    return buffer.getvalue()


class DocumentsCsvView(ProviderRequiredMixin, View):
    """The month's outward invoices and credit notes as a GSTR-1-style CSV."""

    def get(self, request: HttpRequest) -> HttpResponse:
        month = _month(request)
        return HttpResponse(
            _gstr1_csv(self.provider, month),
            content_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="gstr1-{month:%Y-%m}.csv"',
                "Cache-Control": "private, no-store",
            },
        )


@method_decorator(ratelimit(key="user", rate="20/h", method="GET", block=True), name="get")
class DocumentsZipView(ProviderRequiredMixin, View):
    """Every document of the month as PDFs in one ZIP, with the GSTR-1 CSV beside them."""

    def get(self, request: HttpRequest) -> HttpResponse:
        month = _month(request)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for document in selectors.documents_of_month(provider=self.provider, month=month):
                archive.writestr(document.filename, document_pdf_content(document))
            archive.writestr(f"gstr1-{month:%Y-%m}.csv", _gstr1_csv(self.provider, month))
        return HttpResponse(
            buffer.getvalue(),
            content_type="application/zip",
            headers={
                "Content-Disposition": f'attachment; filename="documents-{month:%Y-%m}.zip"',
                "Cache-Control": "private, no-store",
            },
        )
