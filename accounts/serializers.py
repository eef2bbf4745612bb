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


# --- Sign-up, sign-in, reset ------------------------------------------------------------------
# The input serializers describe the JSON for the schema; the values are validated by the web's
# own forms (accounts.forms), so the apps get the pages' rules and messages.


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=150)
    mobile = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Indian numbers need no +91.")
    )
    role = serializers.ChoiceField(choices=[User.Role.CUSTOMER, User.Role.PROVIDER])
    password1 = serializers.CharField(write_only=True)
    password2 = serializers.CharField(write_only=True)


class RegisterResponseSerializer(serializers.Serializer):
    detail = serializers.CharField()
    email = serializers.EmailField()


class VerifyEmailSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    code = serializers.CharField(max_length=6, help_text=_("The 6-digit code from the email."))


class LoginSerializer(serializers.Serializer):
    login = serializers.CharField(max_length=254, help_text=_("Email or mobile number"))
    password = serializers.CharField(write_only=True)
    device = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("The `device` value of this app's previous sign-in, if any."),
    )


class LoginResponseSerializer(serializers.Serializer):
    otp_required = serializers.BooleanField()
    device = serializers.CharField(help_text=_("Keep it; send it with the next sign-in."))
    access = serializers.CharField(required=False)
    refresh = serializers.CharField(required=False)
    otp_challenge = serializers.CharField(
        required=False, help_text=_("Send it with the code to /api/v1/auth/login/otp/.")
    )
    user = MeSerializer(required=False)


class LoginOTPSerializer(serializers.Serializer):
    otp_challenge = serializers.CharField()
    code = serializers.CharField(
        max_length=8, help_text=_("6-digit authenticator code or 8-digit backup code")
    )


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class RefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class TokenRefreshSerializer(RefreshSerializer):
    """SIMPLE_JWT's refresh serializer: rotation through accounts.authentication, so no
    simplejwt view can rotate a token without the account checks."""

    def validate(self, attrs):
        from .authentication import tokens_refresh

        return tokens_refresh(raw_refresh=attrs["refresh"])


class ForgotPasswordSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class ResetPasswordSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    code = serializers.CharField(max_length=6)
    password = serializers.CharField(write_only=True)
