from datetime import timedelta

from auditlog.models import LogEntry
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.fields import BoundedDateField

from .models import FraudFlag
from .reports import DateRange

MAX_RANGE_DAYS = 366
DEFAULT_DAYS = 30


class DateRangeForm(forms.Form):
    """The period of a report: inclusive dates, the last 30 days unless chosen."""

    date_from = BoundedDateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = BoundedDateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        today = timezone.localdate()
        end = cleaned.get("date_to") or today
        start = cleaned.get("date_from") or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise forms.ValidationError(
                _("The start date must be on or before the end date."), code="reversed"
            )
        if (end - start).days + 1 > MAX_RANGE_DAYS:
            raise forms.ValidationError(
                _("Choose a period of at most %(days)s days.") % {"days": MAX_RANGE_DAYS},
                code="too_long",
            )
        cleaned["date_from"], cleaned["date_to"] = start, end
        return cleaned

    @property
    def date_range(self) -> DateRange:
        """The valid range, or the default one when the form has errors."""
        if self.is_valid():
            return DateRange(self.cleaned_data["date_from"], self.cleaned_data["date_to"])
        return DateRange.last_days(DEFAULT_DAYS)


class RejectProviderForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The provider sees this and can fix the profile before asking again."),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 5:
            raise forms.ValidationError(
                _("Tell the provider what to fix (at least 5 characters)."), code="short"
            )
        return reason


class FlagReviewForm(forms.Form):
    """One review decision on a fraud flag."""

    DISMISS = "dismiss"
    ACTIONED = "actioned"
    BLOCK = "block"
    ACTION_CHOICES = [
        (DISMISS, _("Dismiss (false alarm)")),
        (ACTIONED, _("Mark as actioned")),
        (BLOCK, _("Block the user")),
    ]

    action = forms.ChoiceField(label=_("Decision"), choices=ACTION_CHOICES)
    note = forms.CharField(
        label=_("Note or reason"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Why? (required to block)")}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == self.BLOCK and not (cleaned.get("note") or "").strip():
            self.add_error(
                "note", forms.ValidationError(_("Say why the user is blocked."), "required")
            )
        return cleaned


class FlagFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *FraudFlag.Status.choices],
    )
    rule = forms.ChoiceField(
        label=_("Rule"), required=False, choices=[("", _("Any rule")), *FraudFlag.Rule.choices]
    )


class AuditFilterForm(forms.Form):
    actor = forms.CharField(
        label=_("Who"),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"placeholder": _("Email or name")}),
    )
    model = forms.ModelChoiceField(
        label=_("What"),
        required=False,
        queryset=ContentType.objects.none(),
        empty_label=_("Any kind of record"),
    )
    action = forms.TypedChoiceField(
        label=_("Change"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any change")), *LogEntry.Action.choices],
    )
    date_from = BoundedDateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = BoundedDateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from auditlog.registry import auditlog

        models = auditlog.get_models()
        ids = [ContentType.objects.get_for_model(m).pk for m in models]
        self.fields["model"].queryset = ContentType.objects.filter(pk__in=ids).order_by(
            "app_label", "model"
        )
        self.fields["model"].label_from_instance = lambda ct: (
            f"{ct.model_class()._meta.verbose_name.capitalize()}" if ct.model_class() else ct.model
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(
                _("The start date must be on or before the end date."), code="reversed"
            )
        return cleaned
