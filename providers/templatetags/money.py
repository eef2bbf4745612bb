"""Rupee amounts as Indians write them: ₹1,23,456.00."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


def format_inr(value, symbol: bool = True) -> str:
    """Digits grouped by the active language's format (config/formats: Indian grouping,
    1,00,000, in English and Hindi alike), always two decimals."""
    try:
        amount = Decimal(value).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    digits = number_format(abs(amount), decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{sign}{'₹' if symbol else ''}{digits}"


@register.filter
def inr(value) -> str:
    """``{{ amount|inr }}`` → ₹1,23,456.00"""
    return format_inr(value)
