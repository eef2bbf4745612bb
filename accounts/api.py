"""The accounts part of the JSON API: sign-up, sign-in (JWT), profile, devices.

Input is validated by the web's own forms (sign-up, login, code), so the apps get the same rules
and messages as the pages; every change goes through accounts.services.
"""

import secrets

from allauth.account.utils import has_verified_email
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import path
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_otp import match_token
from django_ratelimit.core import is_ratelimited
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import problem_response

from . import selectors, services
from .authentication import (
    device_id_from_token,
    device_token,
    otp_challenge_issue,
    otp_challenge_read,
    token_blacklist,
    tokens_refresh,
)
from .forms import LoginForm, SignupForm, TokenForm
from .identifiers import user_for_identifier
from .models import LoginLog
from .serializers import (
    DetailSerializer,
    DeviceSerializer,
    ForgotPasswordSerializer,
    LoginOTPSerializer,
    LoginResponseSerializer,
    LoginSerializer,
    MeSerializer,
    RefreshSerializer,
    RegisterResponseSerializer,
    RegisterSerializer,
    ResetPasswordSerializer,
    TokenPairSerializer,
    VerifyEmailSerializer,
)
from .views import RATE_KEY, rate

PROBLEM = OpenApiResponse(description="")  # filled in by config.api.problem_responses_hook


def form_data(request, fields: tuple[str, ...]) -> dict[str, str]:
    """The JSON object's text values for a form; anything else is a field error."""
    data = request.data
    if not isinstance(data, dict):
        raise exceptions.ValidationError({"non_field_errors": [_("Send a JSON object.")]})
    out: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for name in fields:
        value = data.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            errors[name] = [_("Enter a text value.")]
            continue
        out[name] = str(value)
    if errors:
        raise exceptions.ValidationError(errors)
    return out


def raise_form_errors(form) -> None:
    """A form's errors as the API's validation problem (same messages and codes)."""
    errors = {}
    for field, items in form.errors.get_json_data().items():
        key = "non_field_errors" if field == "__all__" else field
        errors[key] = [
            exceptions.ErrorDetail(e["message"], code=e["code"] or "invalid") for e in items
        ]
    raise exceptions.ValidationError(errors)


def limited(request, name: str, key=RATE_KEY, group: str | None = None) -> bool:
    """The web's per-IP (or per-key) limit for ``name``, sharing its counters."""
    return is_ratelimited(
        request._request,
        group=group or f"accounts.{name}",
        key=key,
        rate=rate(name),
        method="POST",
        increment=True,
    )


class PublicAuthView(APIView):
    """Sign-up/sign-in steps: no token needed, the stricter "auth" rate applies."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_scope = "auth"

    def get_authenticate_header(self, request) -> str:
        # A refused refresh token is a 401 with the Bearer challenge, as for any token.
        return 'Bearer realm="api"'


@extend_schema(tags=["auth"])
class RegisterView(PublicAuthView):
    """Create an account (customer or provider) and email a 6-digit code to verify the
    address. The answer is the same whether or not the address already has an account (its
    owner is emailed instead), so nobody can find out who has one."""

    @extend_schema(
        request=RegisterSerializer,
        responses={202: RegisterResponseSerializer, 400: PROBLEM, 429: PROBLEM},
        examples=[
            OpenApiExample(
                "New customer",
                request_only=True,
                value={
                    "email": "asha@example.in",
                    "name": "Asha Rao",
                    "mobile": "98765 43210",
                    "role": "customer",
                    "password1": "a long pass phrase",
                    "password2": "a long pass phrase",
                },
            )
        ],
    )
    def post(self, request):
        if limited(request, "signup"):
            raise exceptions.Throttled()
        fields = ("email", "name", "mobile", "role", "password1", "password2")
        form = SignupForm(data=form_data(request, fields))
        if not form.is_valid():
            raise_form_errors(form)
        services.signup_by_code(request=request._request, form=form)
        email = form.cleaned_data["email"]
        detail = _("We have sent a code to %(email)s. Enter it to verify your email address.") % {
            "email": email
        }
        return Response({"detail": detail, "email": email}, status=status.HTTP_202_ACCEPTED)


def code_invalid() -> exceptions.ValidationError:
    return exceptions.ValidationError(
        {
            "code": [
                exceptions.ErrorDetail(
                    _("That code is not right or has expired. Ask for a new one."),
                    code="code_invalid",
                )
            ]
        }
    )


@extend_schema(tags=["auth"])
class VerifyEmailView(PublicAuthView):
    """Verify the address with the code from the sign-up email (or from a sign-in attempt
    before verification). Five wrong codes end it; signing in sends a new one."""

    @extend_schema(
        request=VerifyEmailSerializer,
        responses={200: DetailSerializer, 400: PROBLEM, 429: PROBLEM},
        examples=[
            OpenApiExample(
                "Code", request_only=True, value={"email": "asha@example.in", "code": "123456"}
            )
        ],
    )
    def post(self, request):
        data = form_data(request, ("email", "code"))
        serializer = VerifyEmailSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        try:
            services.email_verify_by_code(
                request=request._request,
                email=serializer.validated_data["email"],
                code=serializer.validated_data["code"],
            )
        except services.EmailCodeInvalid:
            raise code_invalid() from None
        return Response({"detail": _("Your email address is verified. You can sign in now.")})


def locked_problem(identifier: str) -> Response:
    until = services.locked_until(identifier)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    detail = _("This account is locked.") + " "
    detail += _("After %(limit)s wrong passwords it is locked for %(minutes)s minutes.") % {
        "limit": settings.AXES_FAILURE_LIMIT,
        "minutes": minutes,
    }
    extra = {}
    if until is not None:
        local = timezone.localtime(until)
        detail += " " + _("You can try again after %(until)s (IST).") % {
            "until": formats.date_format(local, "j M Y, H:i")
        }
        extra["locked_until"] = until.isoformat()
    headers = {}
    if until is not None:
        headers["Retry-After"] = str(max(1, int((until - timezone.now()).total_seconds())))
    return problem_response(429, code="account_locked", detail=detail, headers=headers, **extra)


@extend_schema(tags=["auth"])
class LoginView(PublicAuthView):
    """Sign in with email or mobile number and password: the web's rules (email verified
    first, 5 wrong passwords lock the account for 30 minutes, per-network limits, login log,
    new-device email). Accounts with two-factor get an ``otp_challenge`` instead of tokens:
    send it with the code to /api/v1/auth/login/otp/."""

    @extend_schema(
        request=LoginSerializer,
        responses={
            200: LoginResponseSerializer,
            400: PROBLEM,
            403: OpenApiResponse(description="Email not verified yet (a code was emailed)"),
            429: OpenApiResponse(description="Too many attempts, or the account is locked"),
        },
        examples=[
            OpenApiExample(
                "Mobile number",
                request_only=True,
                value={"login": "98765 43210", "password": "a long pass phrase"},
            ),
            OpenApiExample(
                "Signed in",
                response_only=True,
                value={
                    "otp_required": False,
                    "device": "ZDRmOTA…:1t0abc:…",
                    "access": "eyJhbGciOi…",
                    "refresh": "eyJhbGciOi…",
                    "user": {"id": 7, "name": "Asha Rao", "role": "customer"},
                },
            ),
            OpenApiExample(
                "Code needed",
                response_only=True,
                value={"otp_required": True, "device": "ZDRmOTA…", "otp_challenge": "eyJ1Ijo…"},
            ),
        ],
    )
    def post(self, request):
        django_request = request._request
        data = form_data(request, ("login", "password", "device"))
        device_id = device_id_from_token(data.get("device")) or secrets.token_hex(16)
        django_request.device_id = device_id
        identifier = data.get("login", "")
        if limited(request, "login"):
            services.login_log_record(
                request=django_request,
                status=LoginLog.Status.FAILED,
                reason=LoginLog.Reason.RATE_LIMITED,
                identifier=identifier,
            )
            raise exceptions.Throttled()
        if identifier and not AxesProxyHandler.is_allowed(django_request, {"login": identifier}):
            # Refused before any password check, as the web's axes_dispatch does: attempts on
            # a locked account neither count nor extend the lock.
            services.login_log_record(
                request=django_request,
                status=LoginLog.Status.FAILED,
                reason=LoginLog.Reason.LOCKED,
                identifier=identifier,
                user=user_for_identifier(identifier),
            )
            return locked_problem(identifier)
        form = LoginForm(
            data={"login": identifier, "password": data.get("password", "")},
            request=django_request,
        )
        valid = form.is_valid()
        if getattr(django_request, "axes_locked_out", False):
            return locked_problem(identifier)
        if not valid:
            raise_form_errors(form)
        user = form.user
        if not has_verified_email(user):
            services.login_log_record(
                request=django_request,
                status=LoginLog.Status.FAILED,
                reason=LoginLog.Reason.UNVERIFIED,
                identifier=identifier,
                user=user,
            )
            services.email_verification_code_send(user=user)
            return problem_response(
                403,
                code="email_unverified",
                detail=_(
                    "Verify your email address first: we have sent a code to it. "
                    "Enter it at /api/v1/auth/verify-email/."
                ),
            )
        if services.two_factor_required_for_api_login(user=user, device_id=device_id):
            services.login_log_record(
                request=django_request,
                status=LoginLog.Status.FAILED,
                reason=LoginLog.Reason.OTP_REQUIRED,
                identifier=identifier,
                user=user,
            )
            challenge = otp_challenge_issue(user=user, device_id=device_id, identifier=identifier)
            return Response(
                {
                    "otp_required": True,
                    "device": device_token(device_id),
                    "otp_challenge": challenge,
                }
            )
        tokens = services.api_login_complete(
            request=django_request, user=user, identifier=identifier, otp=False
        )
        return Response(
            {
                "otp_required": False,
                "device": device_token(device_id),
                **tokens,
                "user": MeSerializer(user).data,
            }
        )


@extend_schema(tags=["auth"])
class LoginOTPView(PublicAuthView):
    """Second step of a two-factor sign-in: the challenge from /auth/login/ and a code from the
    authenticator app (or a backup code). Tokens from here pass the staff endpoints."""

    @extend_schema(
        request=LoginOTPSerializer,
        responses={200: LoginResponseSerializer, 400: PROBLEM, 429: PROBLEM},
    )
    def post(self, request):
        django_request = request._request
        if limited(request, "otp"):
            raise exceptions.Throttled()
        data = form_data(request, ("otp_challenge", "code"))
        pending = otp_challenge_read(data.get("otp_challenge", ""))
        if pending is None:
            raise exceptions.ValidationError(
                {
                    "otp_challenge": [
                        exceptions.ErrorDetail(
                            _("Your sign-in timed out. Please sign in again."), code="expired"
                        )
                    ]
                }
            )
        user, device_id, identifier = pending
        django_request.device_id = device_id
        form = TokenForm(data={"token": data.get("code", "")})
        if not form.is_valid():
            raise exceptions.ValidationError({"code": form.errors["token"]})
        device = match_token(user, form.cleaned_data["token"])
        if device is None:
            services.login_log_record(
                request=django_request,
                status=LoginLog.Status.FAILED,
                reason=LoginLog.Reason.OTP_FAILED,
                identifier=identifier,
                user=user,
            )
            raise exceptions.ValidationError(
                {
                    "code": [
                        exceptions.ErrorDetail(_("That code is not right. Try again."), "invalid")
                    ]
                }
            )
        tokens = services.api_login_complete(
            request=django_request, user=user, identifier=identifier, otp=True
        )
        return Response(
            {
                "otp_required": False,
                "device": device_token(device_id),
                **tokens,
                "user": MeSerializer(user).data,
            }
        )


@extend_schema(tags=["auth"])
class TokenRefreshView(PublicAuthView):
    """A new token pair for a refresh token, which is used up (rotation): sending it again is
    refused. Refused too after a block, a password change, "sign out other devices" or the
    removal of the device."""

    @extend_schema(
        request=RefreshSerializer, responses={200: TokenPairSerializer, 400: PROBLEM, 401: PROBLEM}
    )
    def post(self, request):
        serializer = RefreshSerializer(data=request.data if isinstance(request.data, dict) else {})
        serializer.is_valid(raise_exception=True)
        return Response(tokens_refresh(raw_refresh=serializer.validated_data["refresh"]))


@extend_schema(tags=["auth"])
class LogoutView(APIView):
    """Sign out this app: its refresh token stops working (the access token expires within
    minutes; to cut a device off at once, remove it at /api/v1/devices/{id}/)."""

    @extend_schema(request=RefreshSerializer, responses={204: None, 400: PROBLEM, 401: PROBLEM})
    def post(self, request):
        serializer = RefreshSerializer(data=request.data if isinstance(request.data, dict) else {})
        serializer.is_valid(raise_exception=True)
        token_blacklist(raw_refresh=serializer.validated_data["refresh"], user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


def reset_email_key(group: str, request) -> str:
    data = getattr(request, "_api_data", {})
    return str(data.get("email", "")).strip().lower()


@extend_schema(tags=["auth"])
class ForgotPasswordView(PublicAuthView):
    """Email a 6-digit code to reset the password. The answer is the same whether or not the
    address has an account."""

    @extend_schema(
        request=ForgotPasswordSerializer,
        responses={202: DetailSerializer, 400: PROBLEM, 429: PROBLEM},
    )
    def post(self, request):
        data = form_data(request, ("email",))
        serializer = ForgotPasswordSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        request._request._api_data = serializer.validated_data
        if limited(request, "password_reset") or limited(
            request, "password_reset_email", key=reset_email_key
        ):
            raise exceptions.Throttled()
        services.password_reset_code_request(
            request=request._request, email=serializer.validated_data["email"]
        )
        return Response(
            {
                "detail": _(
                    "If an account uses this address, we have emailed it a code. "
                    "Enter it with your new password."
                )
            },
            status=status.HTTP_202_ACCEPTED,
        )


@extend_schema(tags=["auth"])
class ResetPasswordView(PublicAuthView):
    """Set a new password with the emailed code. Every session and token of the account ends,
    and a lockout after wrong passwords is lifted."""

    @extend_schema(
        request=ResetPasswordSerializer,
        responses={200: DetailSerializer, 400: PROBLEM, 429: PROBLEM},
    )
    def post(self, request):
        data = form_data(request, ("email", "code", "password"))
        serializer = ResetPasswordSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        try:
            services.password_reset_by_code(
                request=request._request,
                email=serializer.validated_data["email"],
                code=serializer.validated_data["code"],
                password=serializer.validated_data["password"],
            )
        except services.EmailCodeInvalid:
            raise code_invalid() from None
        except DjangoValidationError as exc:
            raise exceptions.ValidationError({"password": list(exc.messages)}) from None
        return Response({"detail": _("Your password has been changed. Sign in with the new one.")})


class MeView(APIView):
    """The signed-in account: name, contact details, role, two-factor status."""

    @extend_schema(responses=MeSerializer, tags=["auth"])
    def get(self, request):
        return Response(MeSerializer(request.user).data)


@extend_schema(tags=["devices"])
class DeviceListView(generics.ListAPIView):
    """The devices (apps and browsers) this account has signed in from."""

    serializer_class = DeviceSerializer
    ordering = "-last_seen_at"

    def get_queryset(self):
        return selectors.user_devices(user=self.request.user)


@extend_schema(tags=["devices"])
class DeviceDetailView(APIView):
    """Remove a device: it is signed out at once (its tokens stop working)."""

    @extend_schema(responses={204: None, 404: PROBLEM})
    def delete(self, request, pk: int):
        if not services.device_remove(user=request.user, device_pk=pk):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("auth/register/", RegisterView.as_view(), name="auth-register"),
    path("auth/verify-email/", VerifyEmailView.as_view(), name="auth-verify-email"),
    path("auth/login/", LoginView.as_view(), name="auth-login"),
    path("auth/login/otp/", LoginOTPView.as_view(), name="auth-login-otp"),
    path("auth/token/refresh/", TokenRefreshView.as_view(), name="auth-token-refresh"),
    path("auth/logout/", LogoutView.as_view(), name="auth-logout"),
    path("auth/forgot-password/", ForgotPasswordView.as_view(), name="auth-forgot-password"),
    path("auth/reset-password/", ResetPasswordView.as_view(), name="auth-reset-password"),
    path("auth/me/", MeView.as_view(), name="auth-me"),
    path("devices/", DeviceListView.as_view(), name="devices-list"),
    path("devices/<int:pk>/", DeviceDetailView.as_view(), name="devices-detail"),
]
