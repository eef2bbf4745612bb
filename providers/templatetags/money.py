"""Rupee amounts as Indians write them: ₹1,23,456.00."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


def format_inr(value, symbol: bool = True) -> str:
    try:
        amount = Decimal(value).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    rupees, paise = f"{abs(amount):.2f}".split(".")
    if len(rupees) > 3:
        head, tail = rupees[:-3], rupees[-3:]
        groups = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        if head:
            groups.insert(0, head)
        rupees = ",".join([*groups, tail])
    return f"{sign}{'₹' if symbol else ''}{rupees}.{paise}"


@register.filter
def inr(value) -> str:
    """``{{ amount|inr }}`` → ₹1,23,456.00"""
    return format_inr(value)
