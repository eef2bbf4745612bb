"""Invoice helpers shared by wallet (top-up, fee) and bookings (booking) invoices.

Rendering: one base template (templates/wallet/invoice_base.html) turned into a PDF by
django-weasyprint; numbering: ``wallet.services.invoice_issue``.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header

from providers.models import Provider

from .models import Invoice

PAISE = Decimal("0.01")
GST_RATE = Decimal("18")

_ONES = [
    "Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten",
    "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen",
    "Nineteen",
]  # fmt: skip
_TENS = ["", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety"]


def _below_hundred(n: int) -> str:
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")


def _below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds:
        words.append(f"{_ONES[hundreds]} Hundred")
    if rest:
        words.append(_below_hundred(rest))
    return " ".join(words)


def number_in_words(n: int) -> str:
    """An integer in words in the Indian system: 1,23,45,678 → One Crore Twenty-Three Lakh …"""
    if n == 0:
        return "Zero"
    parts = []
    crore, n = divmod(n, 10_000_000)
    if crore:
        parts.append(f"{number_in_words(crore)} Crore")
    lakh, n = divmod(n, 100_000)
    if lakh:
        parts.append(f"{_below_hundred(lakh)} Lakh")
    thousand, n = divmod(n, 1000)
    if thousand:
        parts.append(f"{_below_hundred(thousand)} Thousand")
    if n:
        parts.append(_below_thousand(n))
    return " ".join(parts)


def amount_in_words(amount: Decimal) -> str:
    """₹1,250.50 → "Rupees One Thousand Two Hundred Fifty and Fifty Paise Only"."""
    amount = Decimal(amount).quantize(PAISE, rounding=ROUND_HALF_UP)
    rupees, paise = divmod(int(amount * 100), 100)
    words = f"Rupees {number_in_words(rupees)}"
    if paise:
        words += f" and {number_in_words(paise)} Paise"
    return words + " Only"


@dataclass(frozen=True)
class TaxLine:
    label: str
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class TaxBreakdown:
    """A GST-inclusive total split into taxable value and tax lines."""

    taxable: Decimal
    lines: list[TaxLine]
    total: Decimal


def gst_inclusive(total: Decimal, *, interstate: bool, rate: Decimal = GST_RATE) -> TaxBreakdown:
    """Split a price that includes GST: CGST + SGST within a state, IGST across states."""
    total = Decimal(total).quantize(PAISE)
    taxable = (total * 100 / (100 + rate)).quantize(PAISE, rounding=ROUND_HALF_UP)
    tax = total - taxable
    if interstate:
        lines = [TaxLine("IGST", rate, tax)]
    else:
        half = (tax / 2).quantize(PAISE, rounding=ROUND_HALF_UP)
        lines = [TaxLine("CGST", rate / 2, half), TaxLine("SGST", rate / 2, tax - half)]
    return TaxBreakdown(taxable=taxable, lines=lines, total=total)


def platform_party() -> dict:
    return {
        "name": settings.PLATFORM_NAME,
        "address": settings.PLATFORM_ADDRESS,
        "gstin": settings.PLATFORM_GSTIN,
    }


def provider_party(provider: Provider) -> dict:
    return {
        "name": provider.shop_name,
        "address": ", ".join(
            part
            for part in (provider.address, provider.area, provider.city, provider.pincode)
            if part
        ),
        "gstin": provider.gstin,
        "email": provider.user.email,
    }


def platform_tax(amount: Decimal, provider: Provider) -> TaxBreakdown | None:
    """GST on a platform fee, when the platform is GST registered."""
    if not settings.PLATFORM_GSTIN:
        return None
    interstate = bool(provider.gstin) and provider.gstin[:2] != settings.PLATFORM_GSTIN[:2]
    return gst_inclusive(amount, interstate=interstate)


def _base_url(request: HttpRequest) -> str:
    return getattr(settings, "WEASYPRINT_BASEURL", None) or request.build_absolute_uri("/")


def _render_pdf(*, template: str, context: dict, base_url: str) -> bytes:
    """Lay the PDF out from ``context`` alone: no request, so no context processors."""
    # Imported here: WeasyPrint is heavy to load and only invoice downloads need it.
    from django_weasyprint.views import WeasyTemplateResponse

    class InvoicePDF(WeasyTemplateResponse):
        def get_base_url(self) -> str:
            return base_url

    return InvoicePDF(None, template, context=context).rendered_content


def pdf_response(
    request: HttpRequest, *, invoice: Invoice, template: str, context: dict
) -> HttpResponse:
    """The invoice as a downloadable PDF named after its number, laid out on each download
    (an invoice is opened a handful of times, so it is not worth a cache entry)."""
    context = {
        "invoice": {"number": invoice.number, "issued_at": invoice.issued_at},
        "amount_words": amount_in_words(context.get("total", invoice.amount)),
        **context,
    }
    pdf = _render_pdf(template=template, context=context, base_url=_base_url(request))
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition_header(True, invoice.filename),
            "Cache-Control": "private, no-store",
        },
    )
