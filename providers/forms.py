"""Forms of the provider portal. They check the shape of input; rules live in services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from accounts.fields import BoundedDateField

from .models import Provider, Service, WorkingHours
from .photos import PhotoError, photo_reencode
from .selectors import active_categories
from .services import PROFILE_FIELDS, check_intervals, shop_name_normalise

PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
GSTIN_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
TIME_OFF_MAX_DAYS = 366


def gstin_check_digit(gstin: str) -> str:
    """The 15th character of a GSTIN, computed from the first 14 (mod-36 Luhn variant)."""
    total = 0
    for i, char in enumerate(gstin[:14]):
        product = GSTIN_CHARS.index(char) * (2 if i % 2 else 1)
        total += product // 36 + product % 36
    return GSTIN_CHARS[(36 - total % 36) % 36]


def photo_clean(photo):
    """A newly uploaded shop photo, size- and format-checked and re-encoded
    (``providers.photos``); an unchanged or cleared photo as it is. Every form that accepts a
    shop photo (the portal's profile, the Django admin) cleans it here."""
    if not photo or not hasattr(photo, "image"):
        return photo
    if photo.size > PHOTO_MAX_BYTES:
        raise ValidationError(
            _("The photo is %(size).1f MB; the limit is 2 MB. Please upload a smaller image."),
            code="too_large",
            params={"size": photo.size / 1024 / 1024},
        )
    if (photo.image.format or "").upper() not in PHOTO_FORMATS:
        raise ValidationError(_("Upload a JPEG, PNG or WebP image."), code="bad_format")
    try:
        return photo_reencode(photo)
    except PhotoError:
        raise ValidationError(_("Upload a JPEG, PNG or WebP image."), code="bad_format") from None


class ProviderAdminForm(forms.ModelForm):
    """The Django admin's shop form: its photo is cleaned like the portal's. (The admin passes
    its own field list; ``fields`` here only names the one this form cares about.)"""

    class Meta:
        model = Provider
        fields = ["photo"]

    def clean_photo(self):
        return photo_clean(self.cleaned_data.get("photo"))


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ProviderProfileForm(forms.ModelForm):
    """The shop profile, used both to onboard and to edit it later."""

    phone = PhoneNumberField(
        label=_("Shop phone"),
        region="IN",
        help_text=_("Customers call this number; e.g. 98450 12345 or 080 4123 4567."),
    )

    class Meta:
        model = Provider
        fields = list(PROFILE_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "pincode": forms.TextInput(
                attrs={"inputmode": "numeric", "maxlength": 6, "autocomplete": "postal-code"}
            ),
            "photo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
            "gstin": forms.TextInput(attrs={"class": "text-uppercase", "maxlength": 15}),
        }
        help_texts = {
            "shop_name": _("As customers know it, e.g. “Priya's Hair & Beauty Studio”."),
            "description": _(
                "What you offer, your speciality, languages spoken. Up to 2000 characters."
            ),
            "area": _("Neighbourhood customers search for, e.g. Koramangala."),
            "photo": _("A photo of your shop front or work: JPEG, PNG or WebP, up to 2 MB."),
            "gstin": _("Optional. Shown on invoices when you are GST registered."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = active_categories()
        self.fields["category"].empty_label = _("Choose a category")
        self.fields["shop_name"].widget.attrs["autofocus"] = True

    def clean_shop_name(self) -> str:
        name = shop_name_normalise(self.cleaned_data["shop_name"])
        if len(name) < 3:
            raise ValidationError(_("Enter your shop's full name."), code="too_short")
        return name

    def clean_pincode(self) -> str:
        return self.cleaned_data["pincode"].strip().replace(" ", "")

    def clean_photo(self):
        return photo_clean(self.cleaned_data.get("photo"))

    def clean_gstin(self) -> str:
        gstin = self.cleaned_data.get("gstin", "").strip().upper().replace(" ", "")
        if not gstin:
            return ""
        if len(gstin) != 15 or any(c not in GSTIN_CHARS for c in gstin):
            raise ValidationError(
                _("A GSTIN has 15 letters and digits, e.g. 27AAPFU0939F1ZV."), code="format"
            )
        for validator in Provider._meta.get_field("gstin").validators:
            validator(gstin)
        if gstin_check_digit(gstin) != gstin[-1]:
            raise ValidationError(
                _("This GSTIN's last character does not match; please check it for typos."),
                code="checksum",
            )
        return gstin


class ServiceForm(forms.ModelForm):
    rate = forms.DecimalField(
        label=_("Rate (₹)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("1.00"),
        max_value=Decimal("500000.00"),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        help_text=_("The price customers pay, including taxes."),
    )

    class Meta:
        model = Service
        fields = ["service_name", "category", "rate", "duration_minutes", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {"service_name": _("Service name")}

    def __init__(self, *args, provider: Provider, **kwargs):
        super().__init__(*args, **kwargs)
        self.provider = provider
        self.fields["category"].queryset = active_categories()
        if not self.instance.pk:
            self.initial.setdefault("category", provider.category_id)
        step = provider.slot_step_minutes
        duration = self.fields["duration_minutes"]
        duration.widget.attrs.update({"step": step, "min": step, "max": 600})
        duration.help_text = _("A multiple of your %(step)s-minute slot step, up to 10 hours.") % {
            "step": step
        }

    def clean_service_name(self) -> str:
        return " ".join(self.cleaned_data["service_name"].split())

    def clean_duration_minutes(self) -> int:
        minutes = self.cleaned_data["duration_minutes"]
        step = self.provider.slot_step_minutes
        if minutes and minutes % step:
            raise ValidationError(
                _("Use a multiple of %(step)s minutes (your slot step), e.g. %(a)s or %(b)s."),
                code="not_on_step",
                params={
                    "step": step,
                    "a": max(step, minutes - minutes % step),
                    "b": minutes - minutes % step + step,
                },
            )
        return minutes


class BookingSettingsForm(forms.ModelForm):
    class Meta:
        model = Provider
        fields = [
            "slot_step_minutes",
            "capacity",
            "min_notice_minutes",
            "max_days_ahead",
            "auto_confirm",
            "cancellation_cutoff_hours",
        ]
        help_texts = {
            "slot_step_minutes": _("Customers can start a booking every this many minutes."),
            "min_notice_minutes": _("How long before a slot the last booking is accepted."),
            "max_days_ahead": _("How far into the future customers can book (1–180 days)."),
            "auto_confirm": _(
                "Off: you confirm each booking yourself. On: bookings are confirmed at once."
            ),
            "cancellation_cutoff_hours": _(
                "Customers can cancel online until this many hours before the slot."
            ),
        }
        widgets = {
            "capacity": forms.NumberInput(attrs={"min": 1, "max": 50}),
            "min_notice_minutes": forms.NumberInput(attrs={"min": 0, "max": 10080, "step": 5}),
            "max_days_ahead": forms.NumberInput(attrs={"min": 1, "max": 180}),
            "cancellation_cutoff_hours": forms.NumberInput(attrs={"min": 0, "max": 168}),
        }


class IntervalForm(forms.Form):
    """One opening interval of a weekday. Both times empty: the row is ignored."""

    start_time = forms.TimeField(label=_("Opens"), required=False, widget=TimeInput())
    end_time = forms.TimeField(label=_("Closes"), required=False, widget=TimeInput())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if self.errors:
            return cleaned
        if (start is None) != (end is None):
            raise ValidationError(
                _("Give both the opening and the closing time, or clear both."), code="incomplete"
            )
        if start is not None and start >= end:
            raise ValidationError(
                _("%(start)s–%(end)s: the closing time must be after the opening time."),
                code="end_before_start",
                params={"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")},
            )
        return cleaned


class BaseDayFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_many_forms": _("Up to %(num)d opening intervals a day, please."),
    }

    def clean(self):
        if any(self.errors):
            return
        try:
            check_intervals(self.intervals())
        except ValidationError as exc:
            raise ValidationError(exc.messages[0], code=exc.code) from None

    def intervals(self):
        return [
            (f.cleaned_data["start_time"], f.cleaned_data["end_time"])
            for f in self.forms
            if f.cleaned_data.get("start_time") is not None
        ]


DayFormSet = formset_factory(
    IntervalForm, formset=BaseDayFormSet, extra=0, max_num=8, validate_max=True, absolute_max=12
)


class WeekForms:
    """Seven interval formsets (prefixes ``d0`` … ``d6``), edited and saved as one week."""

    def __init__(self, data=None, *, week: dict[int, list[WorkingHours]] | None = None):
        self.days = []
        for weekday, label in WorkingHours.Weekday.choices:
            initial = [
                {"start_time": i.start_time, "end_time": i.end_time}
                for i in (week or {}).get(weekday, [])
            ]
            formset = DayFormSet(
                data, prefix=f"d{weekday}", initial=initial if data is None else None
            )
            if data is None and not initial:
                formset.extra = 0
            self.days.append((weekday, label, formset))

    def is_valid(self) -> bool:
        # Validate every day (not just up to the first bad one) so all errors show at once.
        results = [formset.is_valid() for _w, _l, formset in self.days]
        return all(results)

    def week(self):
        return {weekday: formset.intervals() for weekday, _l, formset in self.days}


class TimeOffForm(forms.Form):
    CLOSED, SPECIAL = "closed", "special"

    start_date = BoundedDateField(label=_("From"), widget=DateInput())
    end_date = BoundedDateField(
        label=_("To"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for a single day."),
    )
    kind = forms.ChoiceField(
        label=_("On these days"),
        choices=[(CLOSED, _("Closed all day")), (SPECIAL, _("Open with special hours"))],
        initial=CLOSED,
        widget=forms.RadioSelect,
    )
    open_time = forms.TimeField(label=_("Opens"), required=False, widget=TimeInput())
    close_time = forms.TimeField(label=_("Closes"), required=False, widget=TimeInput())
    reason = forms.CharField(
        label=_("Note"),
        max_length=120,
        required=False,
        help_text=_("Optional, e.g. Diwali, staff training. Customers see it."),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start is None:
            return cleaned
        today = timezone.localdate()
        if start < today:
            self.add_error("start_date", _("Choose today or a later date."))
        end = end or start
        cleaned["end_date"] = end
        if end < start:
            self.add_error("end_date", _("The last day cannot be before the first day."))
        elif (end - start) > timedelta(days=TIME_OFF_MAX_DAYS):
            self.add_error("end_date", _("Time off can span at most one year."))
        if cleaned.get("kind") == self.SPECIAL:
            opens, closes = cleaned.get("open_time"), cleaned.get("close_time")
            if opens is None:
                self.add_error("open_time", _("When do you open on these days?"))
            if closes is None:
                self.add_error("close_time", _("When do you close on these days?"))
            if opens and closes and opens >= closes:
                self.add_error("close_time", _("The closing time must be after the opening time."))
        else:
            cleaned["open_time"] = cleaned["close_time"] = None
        return cleaned


class ReasonForm(forms.Form):
    """The reason an admin gives when rejecting or suspending shops."""

    reason = forms.CharField(
        label=_("Reason (sent to the provider)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give a reason; the provider will see it."), code="required")
        return reason
