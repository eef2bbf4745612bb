"""API shapes of search, availability and bookings. Input is checked by the pages' own forms
(``providers.serializers.FormSerializer``); every change goes through ``bookings.services``."""

from __future__ import annotations

from rest_framework import serializers

from providers.models import Provider, WorkingHours
from providers.serializers import CategorySerializer, FormSerializer
from wallet.forms import MonthForm

from .forms import (
    ActionForm,
    BookForm,
    CancelForm,
    DayForm,
    ProviderBookingsFilterForm,
    SlotForm,
    WalkInForm,
)
from .models import Appointment

HHMM = "%H:%M"


# --- search and shops -------------------------------------------------------------------------


class SearchQuerySerializer(serializers.Serializer):
    """The search page's filters. ``category`` and ``city`` must be ones the search offers."""

    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    category = serializers.CharField(required=False, allow_blank=True, help_text="A slug.")
    city = serializers.CharField(required=False, allow_blank=True)
    sort = serializers.ChoiceField(
        choices=["name", "price", "soonest"], required=False, default="name"
    )

    def validate(self, attrs):
        from .forms import SearchForm

        categories, cities = self.context["choices"]
        form = SearchForm(
            data={k: v for k, v in attrs.items() if v}, categories=categories, cities=cities
        )
        if not form.is_valid():
            from providers.serializers import form_errors

            raise serializers.ValidationError(form_errors(form))
        cleaned = {k: v or "" for k, v in form.cleaned_data.items()}
        cleaned["sort"] = cleaned["sort"] or "name"
        return cleaned


class ProviderCardSerializer(serializers.ModelSerializer):
    """One search result: the shop, its price range and its next free time."""

    category = CategorySerializer()
    min_rate = serializers.DecimalField(max_digits=12, decimal_places=2)
    max_rate = serializers.DecimalField(max_digits=12, decimal_places=2)
    service_count = serializers.IntegerField()
    next_free = serializers.DateTimeField(
        allow_null=True, help_text="Wall-clock time in the shop's time zone (Asia/Kolkata)."
    )

    class Meta:
        model = Provider
        fields = [
            "id",
            "slug",
            "shop_name",
            "category",
            "area",
            "city",
            "photo",
            "min_rate",
            "max_rate",
            "service_count",
            "next_free",
        ]
        read_only_fields = fields


class HoursSerializer(serializers.ModelSerializer):
    start_time = serializers.TimeField(format=HHMM)
    end_time = serializers.TimeField(format=HHMM)

    class Meta:
        model = WorkingHours
        fields = ["weekday", "start_time", "end_time"]


class ProviderPublicSerializer(serializers.ModelSerializer):
    category = CategorySerializer()
    phone = serializers.CharField()
    hours = HoursSerializer(many=True, source="working_hours")
    next_free = serializers.DateTimeField(allow_null=True)

    class Meta:
        model = Provider
        fields = [
            "id",
            "slug",
            "shop_name",
            "category",
            "description",
            "address",
            "area",
            "city",
            "pincode",
            "phone",
            "photo",
            "capacity",
            "slot_step_minutes",
            "max_days_ahead",
            "min_notice_minutes",
            "cancellation_cutoff_hours",
            "hours",
            "next_free",
        ]
        read_only_fields = fields


class MonthQuerySerializer(FormSerializer):
    form_class = MonthForm
    month = serializers.CharField(help_text="YYYY-MM")


class AvailabilityDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    state = serializers.ChoiceField(choices=["free", "full", "closed", "unavailable"])
    free = serializers.IntegerField(help_text="How many start times are free that day.")


class AvailabilitySerializer(serializers.Serializer):
    month = serializers.CharField()
    days = AvailabilityDaySerializer(many=True)


class DayQuerySerializer(FormSerializer):
    form_class = DayForm
    date = serializers.CharField(help_text="YYYY-MM-DD")


class SlotsSerializer(serializers.Serializer):
    date = serializers.DateField()
    slots = serializers.ListField(
        child=serializers.CharField(), help_text="Free start times, HH:MM."
    )
    reason = serializers.CharField(
        help_text="Why the day has no free slot (empty when it has some), as the page says it."
    )


# --- bookings ---------------------------------------------------------------------------------


class _ProviderRef(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    shop_name = serializers.CharField()


class _ServiceRef(serializers.Serializer):
    id = serializers.IntegerField()
    service_name = serializers.CharField()
    duration_minutes = serializers.IntegerField()


class BookingSerializer(serializers.ModelSerializer):
    provider = _ProviderRef()
    service = _ServiceRef()
    slot = serializers.TimeField(source="slot_time", format=HHMM)
    end_time = serializers.TimeField(format=HHMM)
    date = serializers.DateField(source="booking_date")
    locked_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    customer_name = serializers.CharField()
    is_walk_in = serializers.BooleanField()

    class Meta:
        model = Appointment
        fields = [
            "id",
            "token_number",
            "status",
            "date",
            "slot",
            "end_time",
            "provider",
            "service",
            "locked_price",
            "customer_name",
            "is_walk_in",
            "customer_note",
            "created_at",
            "confirmed_at",
            "cancelled_at",
            "cancel_reason",
            "reschedule_count",
        ]
        read_only_fields = fields


class BookingDetailSerializer(BookingSerializer):
    can_change = serializers.BooleanField(
        help_text="Whether the customer may still cancel or reschedule online."
    )
    documents = serializers.ListField(
        child=serializers.DictField(), help_text="Invoice / credit note ids and numbers."
    )

    class Meta(BookingSerializer.Meta):
        fields = [*BookingSerializer.Meta.fields, "can_change", "documents"]
        read_only_fields = fields


class CustomerBookingsQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Appointment.Status.choices, required=False)
    date = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])
    upcoming = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true: upcoming only; false: past"
    )


class BookingCreateSerializer(FormSerializer):
    form_class = BookForm
    field_map = {"slot": "time"}
    service = serializers.IntegerField()
    date = serializers.CharField(help_text="YYYY-MM-DD")
    slot = serializers.CharField(help_text="HH:MM, one of the day's free slots")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class RescheduleSerializer(FormSerializer):
    form_class = SlotForm
    field_map = {"slot": "time"}
    date = serializers.CharField(help_text="YYYY-MM-DD")
    slot = serializers.CharField(help_text="HH:MM")


class CancelSerializer(FormSerializer):
    """``reason``: optional for the customer, required for the business (the page's rule)."""

    form_class = CancelForm
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class ActionSerializer(FormSerializer):
    """No body: only the ``Idempotency-Key`` header, checked as the page's one-time key."""

    form_class = ActionForm


class QueueSerializer(serializers.Serializer):
    show = serializers.BooleanField(help_text="False unless the booking is active and today.")
    token_number = serializers.IntegerField()
    now_serving = serializers.IntegerField(help_text="Token called last; 0 before the first.")
    state = serializers.ChoiceField(
        choices=["serving", "called", "next", "waiting", "pending"], allow_null=True
    )
    ahead = serializers.IntegerField(allow_null=True)
    expected_at = serializers.DateTimeField(allow_null=True)
    minutes = serializers.IntegerField(allow_null=True)


class ProviderBookingsQuerySerializer(FormSerializer):
    form_class = ProviderBookingsFilterForm
    date = serializers.CharField(required=False, help_text="YYYY-MM-DD, today by default")
    status = serializers.ChoiceField(choices=Appointment.Status.choices, required=False)
    service = serializers.IntegerField(required=False)
    q = serializers.CharField(required=False, help_text="Customer name, email or token number")


class WalkInSerializer(FormSerializer):
    form_class = WalkInForm
    field_map = {"slot": "time"}
    service = serializers.IntegerField()
    name = serializers.CharField(max_length=150)
    mobile = serializers.CharField(required=False, allow_blank=True)
    slot = serializers.CharField(help_text="HH:MM today, on the slot grid")


class QueueCallSerializer(serializers.Serializer):
    now_serving = serializers.IntegerField()
    called_at = serializers.DateTimeField(allow_null=True)
