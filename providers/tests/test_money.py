from decimal import Decimal

import pytest

from providers.templatetags.money import format_inr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("0"), "₹0.00"),
        (Decimal("999.5"), "₹999.50"),
        (Decimal("1000"), "₹1,000.00"),
        (Decimal("123456"), "₹1,23,456.00"),
        (Decimal("12345678.9"), "₹1,23,45,678.90"),
        (Decimal("-2500"), "-₹2,500.00"),
        ("abc", ""),
    ],
)
def test_indian_digit_grouping(value, expected):
    assert format_inr(value) == expected
