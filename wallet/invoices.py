"""What an invoice or credit note shows, and its PDF.

Issuing (numbering and storing the snapshot) is ``wallet.services.invoice_issue`` /
``credit_note_issue``; this module builds the parties and tax of a snapshot and lays a stored
snapshot out as a PDF (``templates/wallet/document.html``, django-weasyprint). The PDF is a
function of the snapshot alone: no model is read while rendering it. It is rendered once, on
the first download, and kept in ``Invoice.pdf`` (``document_pdf_content``).
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from providers.models import Provider
from providers.templatetags.money import format_inr

from .models import Invoice

logger = logging.getLogger(__name__)

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


# GST state codes (the first two digits of a GSTIN) and their states / union territories.
GST_STATES = {
    "01": "Jammu and Kashmir", "02": "Himachal Pradesh", "03": "Punjab", "04": "Chandigarh",
    "05": "Uttarakhand", "06": "Haryana", "07": "Delhi", "08": "Rajasthan",
    "09": "Uttar Pradesh", "10": "Bihar", "11": "Sikkim", "12": "Arunachal Pradesh",
    "13": "Nagaland", "14": "Manipur", "15": "Mizoram", "16": "Tripura", "17": "Meghalaya",
    "18": "Assam", "19": "West Bengal", "20": "Jharkhand", "21": "Odisha",
    "22": "Chhattisgarh", "23": "Madhya Pradesh", "24": "Gujarat",
    "26": "Dadra and Nagar Haveli and Daman and Diu", "27": "Maharashtra", "29": "Karnataka",
    "30": "Goa", "31": "Lakshadweep", "32": "Kerala", "33": "Tamil Nadu", "34": "Puducherry",
    "35": "Andaman and Nicobar Islands", "36": "Telangana", "37": "Andhra Pradesh",
    "38": "Ladakh", "97": "Other Territory",
}  # fmt: skip


def format_money(amount: Decimal) -> str:
    """₹1,23,456.00, as the snapshot's text fields show an amount."""
    return format_inr(amount)


def state_of_gstin(gstin: str) -> str:
    """The state a GSTIN is registered in, e.g. "29…" → "29-Karnataka"; "" without one."""
    code = (gstin or "")[:2]
    return f"{code}-{GST_STATES[code]}" if code in GST_STATES else ""


def platform_party() -> dict:
    return {
        "name": settings.PLATFORM_NAME,
        "address": settings.PLATFORM_ADDRESS,
        "gstin": settings.PLATFORM_GSTIN,
        "state": state_of_gstin(settings.PLATFORM_GSTIN) or settings.PLATFORM_STATE,
    }


def provider_party(provider: Provider) -> dict:
    """A shop as it is now: the snapshot keeps this copy, never a reference to the shop."""
    return {
        "name": provider.shop_name,
        "address": ", ".join(
            part
            for part in (provider.address, provider.area, provider.city, provider.pincode)
            if part
        ),
        "gstin": provider.gstin,
        "state": state_of_gstin(provider.gstin),
    }


def platform_fee_interstate(provider: Provider) -> bool | None:
    """How GST applies to a platform fee: None when the platform is not GST registered, else
    whether the provider is registered in another state (IGST) or not (CGST + SGST)."""
    if not settings.PLATFORM_GSTIN:
        return None
    return bool(provider.gstin) and provider.gstin[:2] != settings.PLATFORM_GSTIN[:2]


def tax_snapshot(total: Decimal, *, interstate: bool | None) -> dict | None:
    """The tax split of a GST-inclusive ``total`` as plain JSON; None without GST."""
    if interstate is None:
        return None
    tax = gst_inclusive(total, interstate=interstate)
    return {
        "taxable": str(tax.taxable),
        "lines": [
            {"label": t.label, "rate": str(t.rate), "amount": str(t.amount)} for t in tax.lines
        ],
    }


def tax_amounts(snapshot: dict) -> dict[str, Decimal]:
    """Taxable value and CGST/SGST/IGST of a stored snapshot (zeros without GST)."""
    amounts = {"taxable": Decimal(snapshot["total"]), "CGST": Decimal(0), "SGST": Decimal(0)}
    amounts["IGST"] = Decimal(0)
    tax = snapshot.get("tax")
    if tax:
        amounts["taxable"] = Decimal(tax["taxable"])
        for line in tax["lines"]:
            amounts[line["label"]] += Decimal(line["amount"])
    return amounts


DOCUMENT_TEMPLATE = "wallet/document.html"


def render_pdf(snapshot: dict) -> bytes:
    """Lay the PDF out from the stored snapshot alone: no request, no models, no cache.

    The same snapshot gives the same document; the number, date, parties, lines and amounts
    can only come from it.
    """
    # Imported here: WeasyPrint is heavy to load and only a PDF download needs it.
    from django_weasyprint.views import WeasyTemplateResponse

    base_url = getattr(settings, "WEASYPRINT_BASEURL", None) or "file:///"
    context = {
        "doc": snapshot,
        "issued_at": datetime.fromisoformat(snapshot["issued_at"]),
        "original_issued_at": (
            datetime.fromisoformat(snapshot["original"]["issued_at"])
            if snapshot.get("original")
            else None
        ),
    }

    class DocumentPDF(WeasyTemplateResponse):
        def get_base_url(self) -> str:
            return base_url

    return DocumentPDF(None, DOCUMENT_TEMPLATE, context=context).rendered_content


def document_pdf_content(document: Invoice) -> bytes:
    """The document's PDF: the stored file if it has one, else rendered from the snapshot and
    stored for the next download.

    A render costs up to a second of CPU and an issued document never changes, so the first
    render is kept. The name is recorded with a conditional update, never ``save()``: of two
    first downloads racing, one records its file and the other deletes its own. A storage
    that fails costs only the saving: the freshly rendered bytes are served all the same.
    """
    field = document.pdf
    stored = field.name or ""
    if stored:
        try:
            with field.storage.open(stored, "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            # The row names a file the storage lacks (e.g. a database restored without its
            # documents): render again and put it back.
            logger.warning("Stored PDF %s of %s is missing; rendering it again", stored, document)
        except Exception:
            logger.warning("Could not read the stored PDF of %s", document, exc_info=True)
            return render_pdf(document.snapshot)
    content = render_pdf(document.snapshot)
    try:
        name = field.storage.save(
            field.field.generate_filename(document, document.filename), ContentFile(content)
        )
    except Exception:
        logger.warning("Could not store the PDF of %s", document, exc_info=True)
        return content
    if Invoice.objects.filter(pk=document.pk, pdf=stored).update(pdf=name):
        field.name = name
    else:  # another download recorded its file first: keep that one
        try:
            field.storage.delete(name)
        except Exception:
            logger.warning("Could not delete the spare PDF %s", name, exc_info=True)
    return content


def pdf_response(document: Invoice) -> HttpResponse:
    """The document as a downloadable PDF named after its number (``document_pdf_content``).
    An invoice numbered before snapshots existed has none until ``manage.py
    documents_backfill`` gives it one."""
    if not document.pdf and not document.snapshot:
        raise Http404(_("This document is being prepared. Please try again later."))
    return HttpResponse(
        document_pdf_content(document),
        content_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition_header(True, document.filename),
            "Cache-Control": "private, no-store",
        },
    )
