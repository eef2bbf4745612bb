from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from accounts.fields import BoundedDateField
from providers.models import Provider, Service
from wallet.forms import IdempotencyKeyField

from .models import Appointment

DATE_FORMATS = ["%Y-%m-%d"]
TIME_FORMATS = ["%H:%M"]


class SearchForm(forms.Form):
    SORTS = [("name", _("Name")), ("price", _("Lowest price")), ("soonest", _("Soonest free slot"))]

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ChoiceField(label=_("Category"), required=False)
    city = forms.ChoiceField(label=_("City"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)

    def __init__(self, *args, categories: list[tuple[str, str]], cities: list[str], **kwargs):
        """``categories`` are (slug, name) pairs (cached with the cities: providers.caching)."""
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories")), *categories]
        self.fields["city"].choices = [("", _("All cities"))] + [(c, c) for c in cities]
        self.fields["q"].widget.attrs["placeholder"] = _("Shop or service, e.g. haircut")


class DayForm(forms.Form):
    date = BoundedDateField(
        label=_("Date"),
        input_formats=DATE_FORMATS,
        error_messages={"invalid": _("Enter a date like 2026-01-31.")},
    )


class SlotForm(DayForm):
    time = forms.TimeField(
        label=_("Time"),
        input_formats=TIME_FORMATS,
        error_messages={"invalid": _("Enter a time like 09:30.")},
    )
    idempotency_key = IdempotencyKeyField()


class BookForm(SlotForm):
    note = forms.CharField(
        label=_("Note for the business (optional)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    idempotency_key = IdempotencyKeyField()

    def __init__(self, *args, reason_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        if reason_required:
            self.fields["reason"].help_text = _("The customer sees this reason.")
        else:
            self.fields["reason"].label = _("Reason (optional)")


class WalkInForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none())
    name = forms.CharField(label=_("Customer name"), max_length=150)
    mobile = PhoneNumberField(label=_("Mobile (optional)"), required=False, region="IN")
    time = forms.TimeField(
        label=_("Time"),
        input_formats=TIME_FORMATS,
        help_text=_("Today, on your slot grid; the slot in progress counts."),
        error_messages={"invalid": _("Enter a time like 09:30.")},
    )
    idempotency_key = IdempotencyKeyField()

    def __init__(self, *args, provider: Provider, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = provider.services.filter(is_active=True)
        self.fields["time"].widget = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ActionForm(forms.Form):
    """A provider's one-click action on a booking (confirm, complete, no-show)."""

    idempotency_key = IdempotencyKeyField()


class ProviderBookingsFilterForm(forms.Form):
    date = BoundedDateField(label=_("Day"), required=False, input_formats=DATE_FORMATS)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Appointment.Status.choices],
    )
    service = forms.ModelChoiceField(
        label=_("Service"), required=False, queryset=Service.objects.none(), empty_label=_("All")
    )
    q = forms.CharField(label=_("Customer or token"), required=False, max_length=100)

    def __init__(self, *args, provider: Provider, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = provider.services.all()
        self.fields["date"].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NotificationPreferencesForm(forms.Form):
    """Email and push, on or off, for each kind of notification the user can receive."""

    def __init__(self, *args, kinds: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        for kind, label in kinds.items():
            self.fields[f"{kind}__email"] = forms.BooleanField(
                label=_("Email: %(kind)s") % {"kind": label}, required=False
            )
            self.fields[f"{kind}__push"] = forms.BooleanField(
                label=_("Push: %(kind)s") % {"kind": label}, required=False
            )

    @staticmethod
    def initial_from(channels: dict[str, tuple[bool, bool]]) -> dict:
        initial = {}
        for kind, (email, push) in channels.items():
            initial[f"{kind}__email"] = email
            initial[f"{kind}__push"] = push
        return initial

    def rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(label, self[f"{k}__email"], self[f"{k}__push"]) for k, label in self.kinds.items()]

    def choices(self) -> dict[str, tuple[bool, bool]]:
        data = self.cleaned_data
        return {k: (data[f"{k}__email"], data[f"{k}__push"]) for k in self.kinds}
