import secrets
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

DEVICE_COOKIE = "bmt_device"
DEVICE_COOKIE_SALT = "accounts.device"
DEVICE_COOKIE_MAX_AGE = 2 * 365 * 24 * 60 * 60


def has_session_cookie(request: HttpRequest) -> bool:
    """Whether the browser sent a session cookie: without one nobody is signed in, so a
    middleware need not load the session or the user to find that out."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


class UserLanguageMiddleware:
    """A signed-in user's saved language (``users.language``) for their pages.

    LocaleMiddleware has already chosen from the language cookie, else the browser's
    Accept-Language. The switcher and a sign-in set that cookie to the user's choice
    (``request.language_cookie``, written here on the response), so the user row is looked
    at only when a signed-in browser has no language cookie yet; every other request costs
    two dictionary look-ups."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_session_cookie(request) and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            user = getattr(request, "user", None)
            language = getattr(user, "language", "") if user is not None else ""
            if language and user.is_authenticated:
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
                request.language_cookie = language
        response = self.get_response(request)
        language = getattr(request, "language_cookie", "")
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


class BlockedUserMiddleware:
    """End the session of a user who was blocked while logged in, at their next request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not has_session_cookie(request):
            return self.get_response(request)
        return self.check(request) or self.get_response(request)

    @staticmethod
    def check(request: HttpRequest) -> HttpResponse | None:
        """The redirect that ends a blocked user's session, or None."""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_blocked:
            logout(request)
            messages.error(request, _("Your account has been blocked. Contact support for help."))
            return redirect("account_login")
        return None


class DeviceCookieMiddleware:
    """Give a signed-in browser a long-lived signed device id (``request.device_id``).

    The id is random and carries no personal data; a login from an id the account has not
    used before counts as a new device (see accounts.services.device_register_login).
    Every request gets ``request.device_id`` (the cookie's, or a fresh one), but the cookie is
    only issued when the id was put to use: at a sign-in attempt (it went into a login log
    and, on success, the account's devices) and for signed-in users. Anonymous visits, bots
    and first page views get no cookie and cost no signing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.serve(request, self.get_response)

    @classmethod
    def serve(
        cls, request: HttpRequest, get_response: Callable[[HttpRequest], HttpResponse]
    ) -> HttpResponse:
        device_id = ""
        if DEVICE_COOKIE in request.COOKIES:
            device_id = request.get_signed_cookie(
                DEVICE_COOKIE, default="", salt=DEVICE_COOKIE_SALT
            )
        is_new = not (device_id and len(device_id) == 32 and device_id.isalnum())
        if is_new:
            device_id = secrets.token_hex(16)
        request.device_id = device_id
        response = get_response(request)
        if is_new and cls._issue(request):
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

    @staticmethod
    def _issue(request: HttpRequest) -> bool:
        if request.path_info.startswith("/api/"):
            return False  # the apps keep their device id from the sign-in answer instead
        # A sign-in attempt, successful or not, wrote this id into login_logs (and a successful
        # one into the account's devices): the browser must keep it. ``login()`` replaces
        # ``request.user``, so a sign-in in this request is seen without a session cookie.
        if getattr(request, "_login_logged", False):
            return True
        if not has_session_cookie(request):
            return False
        user = getattr(request, "user", None)
        return user is not None and user.is_authenticated


class AdminOTPMiddleware:
    """Keep /admin/ behind our login page and, for staff, behind a two-factor code.

    Anonymous visitors are sent to the site login (so axes, rate limits and login logs apply);
    signed-in non-staff get 403; staff whose session has not passed OTP are asked for a code
    (or to set up an authenticator) when ``settings.ADMIN_OTP_REQUIRED`` is on.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # The admin's path for each script prefix the site is served under (one, in practice):
        # reversed once, not on every request.
        self._admin_prefixes: dict[str, str] = {}

    def _admin_prefix(self) -> str:
        script_prefix = get_script_prefix()
        prefix = self._admin_prefixes.get(script_prefix)
        if prefix is None:
            prefix = self._admin_prefixes[script_prefix] = reverse("admin:index")
        return prefix

    def __call__(self, request: HttpRequest) -> HttpResponse:
        admin_prefix = self._admin_prefix()
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
        if not has_session_cookie(request):
            return self.get_response(request)
        return self.check(request) or self.get_response(request)

    @staticmethod
    def check(request: HttpRequest) -> HttpResponse | None:
        """The redirect that ends an expired staff session (after noting activity), or None."""
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
        return None


class AccountGuardMiddleware:
    """``BlockedUserMiddleware``, ``StaffSessionMiddleware``, ``AdminOTPMiddleware`` and
    ``DeviceCookieMiddleware`` in one layer, in that order and with their code: every request
    passes one call instead of four. A request without a session cookie skips the first two at
    once, a request outside /admin/ the third (a prefix test of ``path_info`` against the
    admin's path, reversed once); the device id is set as before."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._blocked = BlockedUserMiddleware(get_response)
        self._staff = StaffSessionMiddleware(get_response)
        self._admin = AdminOTPMiddleware(get_response)
        self._admin_path: str | None = None  # the admin's path_info prefix, script-independent

    def _admin_path_info(self) -> str:
        if self._admin_path is None:
            self._admin_path = reverse("admin:index")[len(get_script_prefix()) - 1 :]
        return self._admin_path

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_session_cookie(request):
            response = self._blocked.check(request) or self._staff.check(request)
            if response is not None:
                return response
        if request.path_info.startswith(self._admin_path_info()):
            response = self._admin._guard(request, self._admin._admin_prefix())
            if response is not None:
                return response
        return DeviceCookieMiddleware.serve(request, self.get_response)
