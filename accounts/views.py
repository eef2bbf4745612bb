"""Login wiring (rate limit, axes lockout, 2FA step) and the account security pages."""

import base64
import json
from io import BytesIO

from allauth.account import views as allauth_views
from allauth.account.utils import perform_login
from axes.decorators import axes_dispatch, axes_form_invalid
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views import View
from django.views import i18n as i18n_views
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticToken
from django_ratelimit.decorators import ratelimit

from . import selectors, services
from .forms import LoginForm, SecondFactorConfirmForm, TokenForm
from .models import LoginLog

RATE_KEY = "accounts.ip.ratelimit_key"


def rate(name: str):
    """django-ratelimit rate callable reading settings.ACCOUNTS_RATE_LIMITS at request time."""

    def _rate(group: str, request: HttpRequest) -> str:
        return settings.ACCOUNTS_RATE_LIMITS[name]

    return _rate


def limit_posts(name: str):
    """Per-client-IP limit on POSTs; sets ``request.limited`` for the view to answer 429."""
    return method_decorator(
        ratelimit(
            group=f"accounts.{name}", key=RATE_KEY, rate=rate(name), method="POST", block=False
        )
    )


# --- Login ------------------------------------------------------------------------------------


def _lockout_identifier(request: HttpRequest, credentials) -> str:
    if credentials:
        return credentials.get("login") or credentials.get("email") or ""
    return ""


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page, saying the account is locked and until when.

    The API's login answers a lockout itself (a problem document, accounts.api): its response
    is kept."""
    from config.api import is_api_request

    if is_api_request(request):
        if original_response is not None and original_response.status_code == 429:
            return original_response
        from .api import locked_problem

        response = locked_problem(_lockout_identifier(request, credentials))
        from rest_framework.renderers import JSONRenderer

        response.accepted_renderer = JSONRenderer()
        response.accepted_media_type = "application/json"
        response.renderer_context = {}
        return response.render()
    identifier = ""
    if credentials:
        identifier = credentials.get("login") or credentials.get("email") or ""
    identifier = identifier or request.POST.get("login", "")
    if request.method == "POST" and not getattr(request, "_login_logged", False):
        from .identifiers import user_for_identifier

        services.login_log_record(
            request=request,
            status=LoginLog.Status.FAILED,
            reason=LoginLog.Reason.LOCKED,
            identifier=identifier,
            user=user_for_identifier(identifier),
        )
    form = LoginForm(initial={"login": identifier}, request=request)
    context = {
        "form": form,
        "locked_until": services.locked_until(identifier),
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "account/login.html", context, status=429)


@method_decorator(axes_dispatch, name="dispatch")
@method_decorator(axes_form_invalid, name="form_invalid")
class LoginView(allauth_views.LoginView):
    """allauth's login, wired to axes as its documentation describes, plus a per-IP limit.

    Rate limiting runs first (per IP, across accounts); then axes refuses a locked account
    before any password is checked; allauth authenticates with the request, so axes sees it.
    """

    @limit_posts("login")
    def dispatch(self, request, *args, **kwargs):
        if getattr(request, "limited", False):
            services.login_log_record(
                request=request,
                status=LoginLog.Status.FAILED,
                reason=LoginLog.Reason.RATE_LIMITED,
                identifier=request.POST.get("login", ""),
            )
            return import_string(settings.RATELIMIT_VIEW)(request)
        return super().dispatch(request, *args, **kwargs)


class SignupView(allauth_views.SignupView):
    @method_decorator(
        ratelimit(
            group="accounts.signup", key=RATE_KEY, rate=rate("signup"), method="POST", block=True
        )
    )
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict:
        initial = super().get_initial()
        if self.request.GET.get("role") == "provider":
            initial["role"] = "provider"
        return initial


def reset_email_key(group: str, request: HttpRequest) -> str:
    """django-ratelimit key: the address a password reset is asked for."""
    return request.POST.get("email", "").strip().lower()


class PasswordResetView(allauth_views.PasswordResetView):
    @method_decorator(
        ratelimit(
            group="accounts.password_reset",
            key=RATE_KEY,
            rate=rate("password_reset"),
            method="POST",
            block=True,
        )
    )
    # Per address, so no one floods an inbox from many IPs. Here rather than allauth's own
    # "reset_password" limit, which refuses every reset while the cache is down.
    @method_decorator(
        ratelimit(
            group="accounts.password_reset_email",
            key=reset_email_key,
            rate=rate("password_reset_email"),
            method="POST",
            block=True,
        )
    )
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)


# --- Email verification -------------------------------------------------------------------


class VerificationSentView(allauth_views.EmailVerificationSentView):
    """ "Check your email": names the address, offers to send the link again and says how to
    reach support (allauth's page was a dead end)."""

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context.update(
            pending_email=services.verification_email_pending(self.request),
            support_email=settings.SUPPORT_EMAIL,
            support_phone=settings.SUPPORT_PHONE,
        )
        return context


@method_decorator(
    ratelimit(
        group="accounts.verification_resend",
        key=RATE_KEY,
        rate=rate("verification_resend"),
        method="POST",
        block=True,
    ),
    name="dispatch",
)
class VerificationResendView(View):
    """POST: send the remembered address a new confirmation link (per-IP and per-address
    limits); either way back to "Check your email" with a message saying what happened."""

    http_method_names = ["post"]

    def post(self, request):
        email = services.verification_email_pending(request)
        if not email:
            messages.info(
                request,
                _("Sign in with your email address and password: we will send a new link."),
            )
            return redirect("account_login")
        if services.verification_email_resend(request=request, email=email):
            messages.success(
                request, _("We have sent a new confirmation link to %(email)s.") % {"email": email}
            )
        else:
            messages.warning(
                request,
                _(
                    "We sent a link to %(email)s only a few minutes ago. Wait a little, and "
                    "check your spam folder."
                )
                % {"email": email},
            )
        return redirect("account_email_verification_sent")


def _safe_next(request: HttpRequest, url: str, default: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


@method_decorator(never_cache, name="dispatch")
@method_decorator(sensitive_post_parameters("token"), name="dispatch")
class LoginTwoFactorView(FormView):
    """Second step of a login from a new browser for a user with 2FA."""

    form_class = TokenForm
    template_name = "accounts/login_2fa.html"

    @method_decorator(
        ratelimit(group="accounts.otp", key=RATE_KEY, rate=rate("otp"), method="POST", block=True)
    )
    def dispatch(self, request, *args, **kwargs):
        self.pending_user, self.pending = services.pending_two_factor_user(request)
        if self.pending_user is None:
            services.pending_two_factor_clear(request)
            messages.info(request, _("Your sign-in timed out. Please sign in again."))
            return redirect("account_login")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        user = self.pending_user
        device = match_token(user, form.cleaned_data["token"])
        if device is None:
            services.login_log_record(
                request=self.request,
                status=LoginLog.Status.FAILED,
                reason=LoginLog.Reason.OTP_FAILED,
                identifier=self.pending.get("identifier", ""),
                user=user,
            )
            form.add_error("token", _("That code is not right. Try again."))
            return self.form_invalid(form)
        services.pending_two_factor_clear(self.request)
        # What the person typed at the password step, for the login log's success row.
        self.request.login_identifier = self.pending.get("identifier", "")
        response = perform_login(
            self.request,
            user,
            email_verification=settings.ACCOUNT_EMAIL_VERIFICATION,
            redirect_url=self.pending.get("redirect_url") or None,
        )
        if self.request.user.is_authenticated:
            otp_login(self.request, device)
        return response


@method_decorator(never_cache, name="dispatch")
class OTPVerifyView(LoginRequiredMixin, FormView):
    """A signed-in user proves their second factor for this session (needed for /admin/)."""

    form_class = TokenForm
    template_name = "accounts/otp_verify.html"

    @method_decorator(
        ratelimit(group="accounts.otp", key=RATE_KEY, rate=rate("otp"), method="POST", block=True)
    )
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.user_has_two_factor(request.user):
            return redirect("accounts:two_factor")
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        device = match_token(self.request.user, form.cleaned_data["token"])
        if device is None:
            form.add_error("token", _("That code is not right. Try again."))
            return self.form_invalid(form)
        otp_login(self.request, device)
        messages.success(self.request, _("Code accepted."))
        nxt = self.request.POST.get("next") or self.request.GET.get("next", "")
        return redirect(_safe_next(self.request, nxt, "accounts:security"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = self.request.GET.get("next", "")
        return context


# --- Language ------------------------------------------------------------------------------


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language`` (cookie, then back to ``next``); a signed-in user's choice is
    also saved on their account for their emails, reminders and PDFs."""
    response = i18n_views.set_language(request)
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=request.POST.get("language", ""))
    return response


# --- Security page --------------------------------------------------------------------------


class SecurityView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/security.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            devices=selectors.user_devices(user=user),
            login_logs=selectors.user_recent_logins(user=user),
            current_device_id=getattr(self.request, "device_id", ""),
            two_factor_enabled=services.user_has_two_factor(user),
            backup_codes_left=StaticToken.objects.filter(device__user=user).count(),
        )
        return context


class SessionsEndOthersView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        services.sessions_end_others(request=request)
        messages.success(request, _("You have been signed out on every other browser."))
        return redirect("accounts:security")


# --- Web push opt-in (static/js/pwa.js posts the browser's PushSubscription.toJSON()) --------

PUSH_BODY_MAX_BYTES = 4096


def _push_json(request: HttpRequest) -> dict | None:
    if len(request.body) > PUSH_BODY_MAX_BYTES:
        return None
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


class PushSubscribeView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        data = _push_json(request)
        keys = (data or {}).get("keys")
        if not data or not isinstance(keys, dict):
            return JsonResponse({"error": _("Malformed subscription.")}, status=400)
        try:
            services.push_subscribe(
                user=request.user,
                device_id=getattr(request, "device_id", ""),
                endpoint=str(data.get("endpoint") or ""),
                p256dh=str(keys.get("p256dh") or ""),
                auth=str(keys.get("auth") or ""),
                user_agent=request.headers.get("User-Agent", ""),
            )
        except services.PushSubscriptionInvalid:
            return JsonResponse(
                {"error": _("This browser's push service cannot be used.")}, status=400
            )
        return JsonResponse({"subscribed": True}, status=201)


class PushUnsubscribeView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        data = _push_json(request)
        if not data or not isinstance(data.get("endpoint"), str):
            return JsonResponse({"error": _("Malformed subscription.")}, status=400)
        services.push_unsubscribe(user=request.user, endpoint=data["endpoint"])
        return JsonResponse({"subscribed": False})


# --- Two-factor set-up ------------------------------------------------------------------------


def _qr_data_uri(text: str) -> str:
    # Imported here: qrcode pulls in Pillow (33 ms, thousands of objects) for one set-up page.
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@method_decorator(never_cache, name="dispatch")
class TwoFactorView(LoginRequiredMixin, FormView):
    """Turn on 2FA: start (POST), scan the QR code, confirm with a code, keep the backup codes.

    Opening the page never writes. Staff reach the set-up steps only from a session that has
    just used an emailed one-time link (``TwoFactorEnrolLinkView``) or are enrolled by an
    operator (``manage.py staff_2fa_enrol``): a password alone never enrols an authenticator.
    """

    form_class = TokenForm
    template_name = "accounts/two_factor.html"

    @method_decorator(
        ratelimit(group="accounts.otp", key=RATE_KEY, rate=rate("otp"), method="POST", block=True)
    )
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        enabled = services.user_has_two_factor(user)
        allowed = services.enrolment_allowed(self.request)
        context["two_factor_enabled"] = enabled
        context["enrolment_allowed"] = allowed
        if enabled:
            context["backup_codes_left"] = StaticToken.objects.filter(device__user=user).count()
        elif allowed:
            device = services.totp_device_pending(user=user)
            if device is not None:
                secret = base64.b32encode(device.bin_key).decode()
                context["secret"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
                context["qr_data_uri"] = _qr_data_uri(device.config_url)
        return context

    def post(self, request, *args, **kwargs):
        if services.user_has_two_factor(request.user):
            return redirect("accounts:two_factor")
        if not services.enrolment_allowed(request):
            raise PermissionDenied
        if "start" in request.POST:
            services.totp_device_start(user=request.user)
            return redirect("accounts:two_factor")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            device, codes = services.totp_device_confirm(
                user=self.request.user, token=form.cleaned_data["token"]
            )
        except services.TwoFactorError:
            form.add_error("token", _("That code is not right. Check the time on your phone."))
            return self.form_invalid(form)
        services.enrolment_grant_clear(self.request)
        otp_login(self.request, device)
        # This browser is where 2FA was set up: trust it.
        services.device_register_login(user=self.request.user, request=self.request)
        messages.success(self.request, _("Two-factor authentication is on."))
        return render(self.request, "accounts/backup_codes.html", {"codes": codes})


class TwoFactorLinkRequestView(LoginRequiredMixin, View):
    """A staff member without 2FA asks for a one-time set-up link to the account's email."""

    http_method_names = ["post"]

    @method_decorator(
        ratelimit(group="accounts.otp", key=RATE_KEY, rate=rate("otp"), method="POST", block=True)
    )
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def post(self, request):
        if request.user.is_staff and not services.user_has_two_factor(request.user):
            services.enrolment_link_create(user=request.user)
            messages.success(
                request,
                _("We emailed you a set-up link. Open it in this browser within 10 minutes."),
            )
        return redirect("accounts:two_factor")


@method_decorator(never_cache, name="dispatch")
class TwoFactorEnrolLinkView(LoginRequiredMixin, TemplateView):
    """The emailed link. Opening it only shows a button (mail scanners open links); the POST
    uses the link once and lets this session set up an authenticator."""

    template_name = "accounts/two_factor_enrol.html"

    @method_decorator(
        ratelimit(group="accounts.otp", key=RATE_KEY, rate=rate("otp"), method="POST", block=True)
    )
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, token: str):
        if services.enrolment_link_redeem(request=request, token=token):
            return redirect("accounts:two_factor")
        messages.error(
            request, _("That set-up link has expired or was already used. Ask for a new one.")
        )
        return redirect("accounts:two_factor")


@method_decorator(never_cache, name="dispatch")
class BackupCodesView(LoginRequiredMixin, FormView):
    """New backup codes (the old ones stop working); asks for the password and a code first."""

    form_class = SecondFactorConfirmForm
    template_name = "accounts/backup_codes_confirm.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.user_has_two_factor(request.user):
            return redirect("accounts:two_factor")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        codes = services.backup_codes_regenerate(user=self.request.user)
        return render(self.request, "accounts/backup_codes.html", {"codes": codes})


@method_decorator(never_cache, name="dispatch")
@method_decorator(sensitive_post_parameters("password", "token"), name="dispatch")
class TwoFactorDisableView(LoginRequiredMixin, FormView):
    """Turning 2FA off needs the password and a current code, not the password alone."""

    form_class = SecondFactorConfirmForm
    template_name = "accounts/two_factor_disable.html"

    @method_decorator(
        ratelimit(group="accounts.otp", key=RATE_KEY, rate=rate("otp"), method="POST", block=True)
    )
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.user_has_two_factor(request.user):
            return redirect("accounts:two_factor")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        services.two_factor_disable(user=self.request.user)
        messages.success(self.request, _("Two-factor authentication is off."))
        return redirect("accounts:security")
