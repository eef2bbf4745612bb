"""API shapes of the provider portal (profile, services, hours, time off), and
``FormSerializer``: API input checked by the page's own Django form, so both apply one set of
rules in the same words. Serializers validate and shape; every change goes through
``providers.services``."""

from __future__ import annotations

from django import forms
from django.http import QueryDict
from rest_framework import serializers

from .forms import ProviderProfileForm, ServiceForm, TimeOffForm
from .models import Category, Provider, Service, TimeOff, WorkingHours


def form_errors(form: forms.Form, rename: dict[str, str] | None = None) -> dict:
    """A bound, invalid form's errors as DRF field errors (``non_field_errors`` for the
    form-wide ones), field names as the API spells them."""
    rename = rename or {}
    errors = {}
    for field, messages in form.errors.items():
        key = "non_field_errors" if field == forms.forms.NON_FIELD_ERRORS else field
        errors[rename.get(key, key)] = [str(m) for m in messages]
    return errors


class FormSerializer(serializers.Serializer):
    """Declares the API fields (for the schema) and checks input with ``form_class``, the
    page's form. ``field_map`` renames API fields to form fields (``{"slot": "time"}``);
    ``form_kwargs`` come from the serializer context. ``validated_data`` is the form's
    ``cleaned_data`` under the API's names."""

    form_class: type[forms.Form]
    field_map: dict[str, str] = {}

    def form_data(self) -> dict:
        data = self.initial_data
        if isinstance(data, QueryDict):
            data = {k: data.get(k) for k in data}
        data = {k: v for k, v in dict(data).items() if v is not None}
        for api_name, form_name in self.field_map.items():
            if api_name in data:
                data[form_name] = data.pop(api_name)
        key = self.context.get("idempotency_key")
        if key is not None:  # the Idempotency-Key header: the form's one-time key
            data["idempotency_key"] = key
        # JSON numbers and booleans as the strings an HTML form would send.
        return {k: (v if isinstance(v, str | list) else _text(v)) for k, v in data.items()}

    def form_kwargs(self) -> dict:
        return dict(self.context.get("form_kwargs", {}))

    def validate(self, attrs):
        form = self.form_class(data=self.form_data(), **self.form_kwargs())
        if not form.is_valid():
            back = {v: k for k, v in self.field_map.items()}
            back["idempotency_key"] = "Idempotency-Key"
            raise serializers.ValidationError(form_errors(form, back))
        self.form = form
        back = {v: k for k, v in self.field_map.items()}
        # Declared fields the form does not know (e.g. the booking's service) as DRF read them.
        return {**attrs, **{back.get(k, k): v for k, v in form.cleaned_data.items()}}


def _text(value) -> str:
    if isinstance(value, bool):
        return "on" if value else ""
    return str(value)


# --- output shapes ---------------------------------------------------------------------------


class CategorySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class ServiceSerializer(serializers.ModelSerializer):
    rate = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Service
        fields = [
            "id",
            "service_name",
            "category",
            "rate",
            "duration_minutes",
            "description",
            "is_active",
        ]
        read_only_fields = fields


class ProviderProfileSerializer(serializers.ModelSerializer):
    """The provider's own shop, as the portal's profile page shows it."""

    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    phone = serializers.CharField(read_only=True)
    wallet_balance = serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=True, read_only=True
    )

    class Meta:
        model = Provider
        fields = [
            "id",
            "slug",
            "shop_name",
            "pending_shop_name",
            "category",
            "description",
            "address",
            "area",
            "city",
            "pincode",
            "phone",
            "gstin",
            "photo",
            "status",
            "rejection_reason",
            "slot_step_minutes",
            "capacity",
            "min_notice_minutes",
            "max_days_ahead",
            "auto_confirm",
            "cancellation_cutoff_hours",
            "wallet_balance",
        ]
        read_only_fields = fields


# --- input ---------------------------------------------------------------------------------


class ProfileUpdateSerializer(FormSerializer):
    """PATCH: only the fields sent change (the page's profile form checks them all)."""

    form_class = ProviderProfileForm
    shop_name = serializers.CharField(required=False)
    category = serializers.CharField(required=False, help_text="A category slug.")
    description = serializers.CharField(required=False, allow_blank=True)
    address = serializers.CharField(required=False)
    area = serializers.CharField(required=False)
    city = serializers.CharField(required=False)
    pincode = serializers.CharField(required=False)
    phone = serializers.CharField(required=False, help_text="An Indian phone number.")
    gstin = serializers.CharField(required=False, allow_blank=True)

    def form_data(self) -> dict:
        provider: Provider = self.context["provider"]
        current = {
            "shop_name": provider.pending_shop_name or provider.shop_name,
            "category": provider.category_id,
            "description": provider.description,
            "address": provider.address,
            "area": provider.area,
            "city": provider.city,
            "pincode": provider.pincode,
            "phone": str(provider.phone or ""),
            "gstin": provider.gstin,
        }
        sent = super().form_data()
        if "category" in sent:
            category = Category.objects.filter(slug=sent["category"]).first()
            sent["category"] = str(category.pk) if category else "0"
        return {**{k: _text(v) if v is not None else "" for k, v in current.items()}, **sent}

    def form_kwargs(self) -> dict:
        return {"instance": Provider.objects.get(pk=self.context["provider"].pk)}

    def validate(self, attrs):
        cleaned = super().validate(attrs)
        sent = set(self.initial_data)
        return {k: v for k, v in cleaned.items() if k in sent and k in self.fields}


class ServiceWriteSerializer(FormSerializer):
    form_class = ServiceForm
    service_name = serializers.CharField()
    category = serializers.CharField(help_text="A category slug.")
    rate = serializers.DecimalField(max_digits=12, decimal_places=2)
    duration_minutes = serializers.IntegerField()
    description = serializers.CharField(required=False, allow_blank=True)

    def form_data(self) -> dict:
        sent = super().form_data()
        instance = self.context.get("instance")
        if instance is not None:  # PATCH: what is not sent stays as it is
            current = {
                "service_name": instance.service_name,
                "category": str(instance.category_id or ""),
                "rate": str(instance.rate),
                "duration_minutes": str(instance.duration_minutes),
                "description": instance.description,
            }
            if "category" not in sent:
                return {**current, **sent}
            sent = {**current, **sent}
        if "category" in sent:
            category = Category.objects.filter(slug=sent["category"]).first()
            sent["category"] = str(category.pk) if category else "0"
        return sent

    def form_kwargs(self) -> dict:
        kwargs = {"provider": self.context["provider"]}
        if self.context.get("instance") is not None:
            kwargs["instance"] = Service.objects.get(pk=self.context["instance"].pk)
        return kwargs

    def validate(self, attrs):
        cleaned = super().validate(attrs)
        if self.context.get("instance") is not None:
            sent = set(self.initial_data)
            return {k: v for k, v in cleaned.items() if k in sent}
        return cleaned


class IntervalSerializer(serializers.Serializer):
    start_time = serializers.TimeField(format="%H:%M", input_formats=["%H:%M"])
    end_time = serializers.TimeField(format="%H:%M", input_formats=["%H:%M"])


class DayHoursSerializer(serializers.Serializer):
    weekday = serializers.ChoiceField(
        choices=WorkingHours.Weekday.choices, help_text="0 = Monday … 6 = Sunday."
    )
    intervals = IntervalSerializer(many=True)


class WeekSerializer(serializers.Serializer):
    """The whole week, as the hours page edits it; a weekday left out is closed."""

    days = DayHoursSerializer(many=True)

    def validate(self, attrs):
        from .forms import WeekForms

        data = {}
        by_day: dict[int, list] = {}
        for day in attrs["days"]:  # a weekday sent twice: its intervals together
            by_day.setdefault(int(day["weekday"]), []).extend(day["intervals"])
        for weekday, intervals in by_day.items():
            prefix = f"d{weekday}"
            data[f"{prefix}-TOTAL_FORMS"] = str(len(intervals))
            data[f"{prefix}-INITIAL_FORMS"] = "0"
            for i, interval in enumerate(intervals):
                data[f"{prefix}-{i}-start_time"] = f"{interval['start_time']:%H:%M}"
                data[f"{prefix}-{i}-end_time"] = f"{interval['end_time']:%H:%M}"
        for weekday, _label in WorkingHours.Weekday.choices:
            data.setdefault(f"d{weekday}-TOTAL_FORMS", "0")
            data.setdefault(f"d{weekday}-INITIAL_FORMS", "0")
        week = WeekForms(data)
        if not week.is_valid():
            errors = {}
            for weekday, _label, formset in week.days:
                messages = [str(m) for m in formset.non_form_errors()]
                for form in formset.forms:
                    messages += [str(m) for errs in form.errors.values() for m in errs]
                if messages:
                    errors[str(weekday)] = messages
            raise serializers.ValidationError({"days": errors})
        return {"week": week.week()}


def week_shape(week: dict[int, list[WorkingHours]]) -> dict:
    return {
        "days": [
            {
                "weekday": weekday,
                "intervals": [
                    {"start_time": h.start_time, "end_time": h.end_time}
                    for h in week.get(weekday, [])
                ],
            }
            for weekday, _label in WorkingHours.Weekday.choices
        ]
    }


class TimeOffSerializer(serializers.ModelSerializer):
    open_time = serializers.TimeField(format="%H:%M", allow_null=True)
    close_time = serializers.TimeField(format="%H:%M", allow_null=True)

    class Meta:
        model = TimeOff
        fields = ["id", "start_date", "end_date", "open_time", "close_time", "reason"]
        read_only_fields = fields


class TimeOffCreateSerializer(FormSerializer):
    form_class = TimeOffForm
    start_date = serializers.CharField(help_text="YYYY-MM-DD")
    end_date = serializers.CharField(required=False, allow_blank=True, help_text="YYYY-MM-DD")
    kind = serializers.ChoiceField(choices=["closed", "special"], required=False)
    open_time = serializers.CharField(required=False, allow_blank=True, help_text="HH:MM")
    close_time = serializers.CharField(required=False, allow_blank=True, help_text="HH:MM")
    reason = serializers.CharField(required=False, allow_blank=True)

    def form_data(self) -> dict:
        data = super().form_data()
        data.setdefault("kind", "closed")
        return data
