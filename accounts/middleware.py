import secrets
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

DEVICE_COOKIE = "bmt_device"
DEVICE_COOKIE_SALT = "accounts.device"
DEVICE_COOKIE_MAX_AGE = 2 * 365 * 24 * 60 * 60


class BlockedUserMiddleware:
    """End the session of a user who was blocked while logged in, at their next request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_blocked:
            logout(request)
            messages.error(request, _("Your account has been blocked. Contact support for help."))
            return redirect("account_login")
        return self.get_response(request)


class DeviceCookieMiddleware:
    """Give every browser a long-lived signed device id (``request.device_id``).

    The id is random and carries no personal data; a login from an id the account has not
    used before counts as a new device (see accounts.services.device_register_login).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        device_id = request.get_signed_cookie(DEVICE_COOKIE, default="", salt=DEVICE_COOKIE_SALT)
        is_new = not (device_id and len(device_id) == 32 and device_id.isalnum())
        if is_new:
            device_id = secrets.token_hex(16)
        request.device_id = device_id
        response = self.get_response(request)
        if is_new:
            response.set_signed_cookie(
                DEVICE_COOKIE,
                device_id,
                salt=DEVICE_COOKIE_SALT,
                max_age=DEVICE_COOKIE_MAX_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


class AdminOTPMiddleware:
    """Keep /admin/ behind our login page and, for staff, behind a two-factor code.

    Anonymous visitors are sent to the site login (so axes, rate limits and login logs apply);
    signed-in non-staff get 403; staff whose session has not passed OTP are asked for a code
    (or to set up an authenticator) when ``settings.ADMIN_OTP_REQUIRED`` is on.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        admin_prefix = reverse("admin:index")
        if request.path.startswith(admin_prefix):
            response = self._guard(request, admin_prefix)
            if response is not None:
                return response
        return self.get_response(request)

    def _guard(self, request: HttpRequest, admin_prefix: str) -> HttpResponse | None:
        user = request.user
        target = request.get_full_path()
        if request.path.startswith(admin_prefix + "login/"):
            target = request.GET.get("next") or admin_prefix
        if not user.is_authenticated:
            return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")
        if not user.is_staff:
            raise PermissionDenied
        if settings.ADMIN_OTP_REQUIRED and not user.is_verified():
            from .services import user_has_two_factor

            if user_has_two_factor(user):
                return redirect(f"{reverse('accounts:otp_verify')}?{urlencode({'next': target})}")
            messages.warning(request, _("Set up two-factor authentication to use the admin site."))
            return redirect("accounts:two_factor")
        return None


STAFF_SESSION_STARTED = "accounts_staff_started"
STAFF_SESSION_SEEN = "accounts_staff_seen"


class StaffSessionMiddleware:
    """Staff sessions end after ``STAFF_SESSION_IDLE_SECONDS`` without a request and at most
    ``STAFF_SESSION_MAX_SECONDS`` after sign-in; customers' and providers' sessions keep
    Django's settings. Activity is written at most once a minute."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            session = request.session
            now = int(time.time())
            started = session.get(STAFF_SESSION_STARTED) or now
            seen = session.get(STAFF_SESSION_SEEN) or now
            if (
                now - seen > settings.STAFF_SESSION_IDLE_SECONDS
                or now - started > settings.STAFF_SESSION_MAX_SECONDS
            ):
                logout(request)
                messages.info(request, _("Your staff session has ended. Please sign in again."))
                return redirect(
                    f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"
                )
            if STAFF_SESSION_STARTED not in session:
                session[STAFF_SESSION_STARTED] = started
            if STAFF_SESSION_SEEN not in session or now - seen >= 60:
                session[STAFF_SESSION_SEEN] = now
                session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return self.get_response(request)
