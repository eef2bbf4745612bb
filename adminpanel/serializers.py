"""API shapes of the staff endpoints. Input is checked by the staff pages' forms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rest_framework import serializers

from accounts.forms import BlockUserForm
from providers.models import Provider
from providers.serializers import FormSerializer

from .forms import DateRangeForm, RejectProviderForm


class PendingProviderSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.slug")
    owner_email = serializers.EmailField(source="user.email")
    owner_name = serializers.CharField(source="user.name")

    class Meta:
        model = Provider
        fields = [
            "id",
            "slug",
            "shop_name",
            "category",
            "area",
            "city",
            "pincode",
            "owner_email",
            "owner_name",
            "status",
            "created_at",
        ]
        read_only_fields = fields


class ProviderDecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Provider
        fields = ["id", "shop_name", "status", "rejection_reason", "status_changed_at"]
        read_only_fields = fields


class RejectSerializer(FormSerializer):
    form_class = RejectProviderForm
    reason = serializers.CharField(max_length=500, help_text="The provider sees it.")


class BlockSerializer(FormSerializer):
    form_class = BlockUserForm
    reason = serializers.CharField(max_length=255)


class UserStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    is_blocked = serializers.BooleanField()
    blocked_reason = serializers.CharField(allow_blank=True)


class ReportQuerySerializer(FormSerializer):
    """The period, inclusive; the last 30 days by default, at most 366 days."""

    form_class = DateRangeForm
    date_from = serializers.CharField(required=False, help_text="YYYY-MM-DD")
    date_to = serializers.CharField(required=False, help_text="YYYY-MM-DD")


def plain(value):
    """A report's numbers as JSON: money and rates as decimal strings, days as ISO dates."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


class ReportSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    bookings = serializers.DictField(help_text="Bookings by status, booked value, rates.")
    revenue = serializers.DictField(help_text="Platform fees and top-ups (₹, strings).")
    people = serializers.DictField(help_text="New customers and providers, pending, active.")
    daily = serializers.ListField(child=serializers.DictField())
    top_providers = serializers.ListField(child=serializers.DictField())
    top_categories = serializers.ListField(child=serializers.DictField())
