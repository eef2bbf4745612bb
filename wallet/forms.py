from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import WalletTransaction

TOPUP_MIN = Decimal("100.00")
TOPUP_MAX = Decimal("100000.00")


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
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
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
