import secrets
from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from accounts.fields import BoundedDateField

from .models import WalletTransaction

TOPUP_MIN = Decimal("100.00")
TOPUP_MAX = Decimal("100000.00")


def new_idempotency_key() -> str:
    """A fresh one-time key for a form that moves money or tokens (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


class IdempotencyKeyField(forms.CharField):
    """A hidden one-time key, generated when the form is rendered and sent back with the POST.

    The service stores it with the row the request made or changed, so the same POST arriving
    twice (double tap, back button, a retry after a timeout) has the effect of one. Optional:
    without a key a request is simply not deduplicated.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("initial", new_idempotency_key)
        kwargs.setdefault(
            "validators",
            [
                RegexValidator(
                    r"^[A-Za-z0-9_-]+$",
                    _("This form has expired. Please reload the page and try again."),
                    code="idempotency_key",
                )
            ],
        )
        kwargs.setdefault(
            "error_messages",
            {"max_length": _("This form has expired. Please reload the page and try again.")},
        )
        super().__init__(**kwargs)

    def to_python(self, value) -> str | None:
        return super().to_python(value) or None


class TopUpForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (₹)"),
        min_value=TOPUP_MIN,
        max_value=TOPUP_MAX,
        max_digits=8,
        decimal_places=2,
        error_messages={
            "invalid": _("Enter an amount in rupees, like 500 or 1250.50."),
            "min_value": _("The smallest top-up is ₹100."),
            "max_value": _("The largest top-up is ₹1,00,000."),
            "max_decimal_places": _("Paise can have at most two digits."),
            "max_digits": _("The largest top-up is ₹1,00,000."),
            "required": _("Enter how much to add."),
        },
        help_text=_("Between ₹100 and ₹1,00,000."),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal", "autofocus": True}),
    )
    idempotency_key = IdempotencyKeyField()


class HistoryFilterForm(forms.Form):
    type = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("All entries")), *WalletTransaction.Type.choices],
    )
    kind = forms.ChoiceField(
        label=_("For"),
        required=False,
        choices=[("", _("Anything")), *WalletTransaction.Kind.choices],
    )
    date_from = BoundedDateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = BoundedDateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(
                _("The start date must be on or before the end date."), code="date_order"
            )
        return cleaned


class MonthForm(forms.Form):
    """A calendar month, as ``?month=2026-11`` (the documents page, ZIP and CSV)."""

    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        error_messages={"invalid": _("Pick a month, like 2026-11.")},
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month.year < 2000 or month.year > 2100:
            raise forms.ValidationError(_("Pick a month, like 2026-11."), code="invalid")
        return month
