"""Decoupled side effects of authentication events (login logs, devices, verification cache)."""

import time

from allauth.account.signals import email_confirmation_sent, email_confirmed, password_reset
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import services
from .identifiers import user_for_identifier
from .middleware import STAFF_SESSION_SEEN, STAFF_SESSION_STARTED
from .models import LoginLog, User


def _from_site_request(request) -> bool:
    """True for real requests through our middleware (not test client force_login)."""
    return request is not None and hasattr(request, "device_id")


@receiver(user_logged_in, dispatch_uid="accounts_login_succeeded")
def on_user_logged_in(sender, request, user: User, **kwargs) -> None:
    api = getattr(request, "jwt_login", False)
    if user.is_staff and request is not None and hasattr(request, "session") and not api:
        # The staff session's 12-hour limit counts from this sign-in (accounts.middleware).
        now = int(time.time())
        request.session[STAFF_SESSION_STARTED] = request.session[STAFF_SESSION_SEEN] = now
    if request is not None and user.language:
        # Their saved language from now on in this browser (accounts.middleware).
        request.language_cookie = user.language
    if not _from_site_request(request):
        return
    identifier = getattr(request, "login_identifier", "") or (
        request.POST.get("login", "") if request.method == "POST" else ""
    )
    services.device_register_login(user=user, request=request)
    services.login_log_record(
        request=request,
        status=LoginLog.Status.SUCCESS,
        reason=LoginLog.Reason.OK,
        identifier=identifier or user.email,
        user=user,
    )


@receiver(user_login_failed, dispatch_uid="accounts_login_failed")
def on_user_login_failed(sender, credentials: dict, request=None, **kwargs) -> None:
    if not _from_site_request(request) or getattr(request, "_login_logged", False):
        return
    # Django has already replaced the password in ``credentials`` with asterisks.
    identifier = (
        credentials.get("login") or credentials.get("email") or credentials.get("username") or ""
    )
    locked = bool(getattr(request, "axes_locked_out", False))
    services.login_log_record(
        request=request,
        status=LoginLog.Status.FAILED,
        reason=LoginLog.Reason.LOCKED if locked else LoginLog.Reason.BAD_CREDENTIALS,
        identifier=identifier,
        user=user_for_identifier(identifier),
    )


@receiver(email_confirmed, dispatch_uid="accounts_email_confirmed")
def on_email_confirmed(sender, request, email_address, **kwargs) -> None:
    """users.is_verified (User.email_verified) caches "this person owns their email"."""
    User.objects.filter(pk=email_address.user_id).update(email_verified=True)


@receiver(password_reset, dispatch_uid="accounts_password_reset_unlocks")
def on_password_reset(sender, request, user: User, **kwargs) -> None:
    """The real owner proved control of the mailbox: lift a lockout an attacker caused."""
    services.lockout_reset(user=user)


@receiver(email_confirmation_sent, dispatch_uid="accounts_email_confirmation_sent")
def on_email_confirmation_sent(sender, request, confirmation, **kwargs) -> None:
    """Remember the address, so "Check your email" can name it and send the link again."""
    services.verification_email_remember(request, confirmation.email_address.email)


@receiver(user_logged_out, dispatch_uid="accounts_logout_forgets_push")
def on_user_logged_out(sender, request, user: User | None, **kwargs) -> None:
    """A signed-out browser gets no more of the account's pushes."""
    if user is not None and request is not None:
        services.push_forget_device(user=user, device_id=getattr(request, "device_id", ""))
