"""Shapes of the accounts API (accounts.api): validation of input, the JSON of the output.
Rules live in accounts.services and accounts.forms, never here."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from . import services
from .models import Device, User


class MeSerializer(serializers.ModelSerializer):
    two_factor_enabled = serializers.SerializerMethodField(
        help_text=_("Whether sign-ins ask for an authenticator code.")
    )

    class Meta:
        model = User
        fields = [
            "id",
            "name",
            "email",
            "mobile",
            "role",
            "email_verified",
            "is_staff",
            "two_factor_enabled",
            "created_at",
        ]
        read_only_fields = fields

    def get_two_factor_enabled(self, user: User) -> bool:
        return services.user_has_two_factor(user)


class DeviceSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField(
        help_text=_("The device this request was made from.")
    )

    class Meta:
        model = Device
        fields = ["id", "user_agent", "ip_address", "first_seen_at", "last_seen_at", "current"]
        read_only_fields = fields

    def get_current(self, device: Device) -> bool:
        token = getattr(self.context.get("request"), "auth", None)
        return bool(token is not None and token.get("device") == device.device_id)
