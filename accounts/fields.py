"""Form fields shared by every app's forms (accounts is the app all others build on)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Every date a person may type in a filter or booking form lies in these years: the far ends
# of Python's calendar (0001-01-01, 9999-12-31) overflow as soon as a day is added or a
# datetime is made from them.
MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2099, 12, 31)


class BoundedDateField(forms.DateField):
    """A DateField that accepts only dates between MIN_DATE and MAX_DATE (a form error else)."""

    def __init__(self, *, min_date: date = MIN_DATE, max_date: date = MAX_DATE, **kwargs):
        self.min_date, self.max_date = min_date, max_date
        super().__init__(**kwargs)

    def validate(self, value) -> None:
        super().validate(value)
        if value and not (self.min_date <= value <= self.max_date):
            raise ValidationError(
                _("Choose a date between %(min)s and %(max)s."),
                code="out_of_range",
                params={"min": self.min_date.isoformat(), "max": self.max_date.isoformat()},
            )
