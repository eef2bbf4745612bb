"""State changes of accounts: blocking, sessions, lockouts, devices, login logs and 2FA."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from auditlog.context import set_actor
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.sites.models import Site
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .emails import queue_enrolment_link_email, queue_new_device_email
from .identifiers import canonical_identifier
from .ip import client_ip
from .models import Device, LoginLog, TwoFactorEnrolmentLink, User

BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


class TwoFactorError(Exception):
    """A two-factor step could not be completed (wrong code, nothing to confirm)."""


# --- Blocking and sessions -----------------------------------------------------------------


class BlockRefused(Exception):
    """A block the rules refuse; the message is shown to staff."""


@transaction.atomic
def user_block(*, user: User, actor: User | None, reason: str) -> User:
    """Block a user: they cannot log in, and every session they have ends at its next request.
    Nobody blocks their own account (the admin action leaves the actor out)."""
    if actor is not None and actor.pk == user.pk:
        raise BlockRefused(_("You cannot block your own account."))
    with set_actor(actor):
        user = User.objects.select_for_update().get(pk=user.pk)
        user.is_blocked = True
        user.blocked_reason = reason.strip()[:255]
        user.session_version += 1
        user.save(update_fields=["is_blocked", "blocked_reason", "session_version", "updated_at"])
    return user


@transaction.atomic
def user_unblock(*, user: User, actor: User | None) -> User:
    with set_actor(actor):
        user = User.objects.select_for_update().get(pk=user.pk)
        user.is_blocked = False
        user.blocked_reason = ""
        user.save(update_fields=["is_blocked", "blocked_reason", "updated_at"])
    return user


def sessions_end_others(*, request: HttpRequest) -> None:
    """Sign the user out everywhere except in this browser."""
    user = request.user
    User.objects.filter(pk=user.pk).update(
        session_version=F("session_version") + 1, updated_at=timezone.now()
    )
    user.refresh_from_db(fields=["session_version"])
    update_session_auth_hash(request, user)


# --- Lockout ------------------------------------------------------------------------------


def lockout_username(user: User) -> str:
    return user.email.lower()


def lockout_reset(*, user: User) -> int:
    """Unlock a user's account (staff action, completed password reset)."""
    return axes_reset(username=lockout_username(user))


def locked_until(identifier: str) -> datetime | None:
    """When the lock on this email/mobile ends, or None if it is not locked.

    Axes keeps one attempt row per (account, client IP, user agent) and locks the account while
    the failures of the rows it still counts (those whose last failure is within the cool-off)
    add up to the limit. Failures from several addresses therefore lock the account without any
    one row reaching the limit. Rows drop out oldest first, so the lock ends one cool-off after
    the row at which the newest-first running total reaches the limit.
    """
    cool_off = settings.AXES_COOLOFF_TIME
    username = canonical_identifier(identifier)
    rows = (
        AccessAttempt.objects.filter(username=username, attempt_time__gte=timezone.now() - cool_off)
        .order_by("-attempt_time")
        .values_list("attempt_time", "failures_since_start")
    )
    total = 0
    for attempt_time, failures in rows:
        total += failures
        if total >= settings.AXES_FAILURE_LIMIT:
            return attempt_time + cool_off
    return None


# --- Login log and devices ------------------------------------------------------------------


def _user_agent(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return request.META.get("HTTP_USER_AGENT", "")[:255]


def login_log_record(
    *,
    request: HttpRequest | None,
    status: str,
    reason: str,
    identifier: str = "",
    user: User | None = None,
) -> LoginLog:
    """Write one login_logs row. Marks the request so one attempt is logged once."""
    ip = client_ip(request) if request is not None and hasattr(request, "META") else None
    entry = LoginLog.objects.create(
        user=user,
        identifier=(identifier or (user.email if user else ""))[:255],
        ip_address=ip,
        device_info=_user_agent(request),
        device_id=getattr(request, "device_id", "") or "",
        status=status,
        reason=reason,
    )
    if request is not None:
        request._login_logged = True
    return entry


def device_is_known(*, user: User, device_id: str | None) -> bool:
    return bool(device_id) and Device.objects.filter(user=user, device_id=device_id).exists()


def device_register_login(*, user: User, request: HttpRequest) -> tuple[Device | None, bool]:
    """Record the browser a user just signed in from; email them about a new device.

    The very first device of an account is recorded quietly (the person just signed up);
    every later new device triggers a "new sign-in" email.
    """
    device_id = getattr(request, "device_id", "") or ""
    if not device_id:
        return None, False
    now = timezone.now()
    ip = client_ip(request)
    had_devices = Device.objects.filter(user=user).exists()
    try:
        with transaction.atomic():
            device, created = Device.objects.get_or_create(
                user=user,
                device_id=device_id,
                defaults={"user_agent": _user_agent(request), "ip_address": ip},
            )
            if created and had_devices:
                # Queued with the device row; a broker or SMTP outage cannot fail the sign-in.
                queue_new_device_email(device)
    except IntegrityError:  # two logins from one browser at the same instant
        device, created = Device.objects.get(user=user, device_id=device_id), False
    if not created:
        Device.objects.filter(pk=device.pk).update(
            last_seen_at=now, ip_address=ip, user_agent=_user_agent(request)
        )
    User.objects.filter(pk=user.pk).update(device_id=device_id)
    user.device_id = device_id
    return device, created


# --- Two-factor (django-otp) -----------------------------------------------------------------


def user_has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_required_for_login(*, user: User, device_id: str | None) -> bool:
    """A user with 2FA signing in from a browser the account has not used asks for a code."""
    return user_has_two_factor(user) and not device_is_known(user=user, device_id=device_id)


def totp_device_pending(*, user: User) -> TOTPDevice | None:
    """The authenticator being set up (started by a POST), if any. Reading never creates one."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """Start setting up an authenticator with a fresh secret; an older pending one is dropped,
    so nobody can prepare a secret in advance for the owner to confirm."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user: User, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending authenticator with a code from the app; returns fresh backup codes."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        raise TwoFactorError("No authenticator set-up is in progress.")
    if not device.verify_token(token):
        raise TwoFactorError("That code is not right. Check the time on your phone and retry.")
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = backup_codes_regenerate(user=user)
    return device, codes


@transaction.atomic
def backup_codes_regenerate(*, user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def two_factor_disable(*, user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


# --- Staff enrolment out of band ----------------------------------------------------------------

# Out-of-band links live at most 10 minutes (OWASP ASVS 5.0 V6.5.5).
ENROLMENT_LINK_MAX_AGE = timedelta(minutes=10)
ENROLMENT_GRANT_SESSION_KEY = "accounts_2fa_enrol_grant"
ENROLMENT_GRANT_MAX_AGE_SECONDS = 15 * 60


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def enrolment_link_create(*, user: User) -> str:
    """Make a single-use set-up link for ``user`` and email it to the account's address.

    Returns the raw token (only its hash is stored). Earlier unused links stop working.
    """
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        TwoFactorEnrolmentLink.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
        TwoFactorEnrolmentLink.objects.create(
            user=user,
            token_hash=_token_hash(token),
            created_at=now,
            expires_at=now + ENROLMENT_LINK_MAX_AGE,
        )
        # Queued with the link row (the mail worker delivers it).
        queue_enrolment_link_email(user, token)
    return token


def enrolment_link_redeem(*, request: HttpRequest, token: str) -> bool:
    """Use a set-up link once: the signed-in owner may then enrol an authenticator in this
    session for a few minutes. Pending (unconfirmed) authenticators are dropped."""
    user = request.user
    now = timezone.now()
    with transaction.atomic():
        used = TwoFactorEnrolmentLink.objects.filter(
            user=user, token_hash=_token_hash(token), used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if not used:
            return False
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    request.session[ENROLMENT_GRANT_SESSION_KEY] = {"user_id": user.pk, "at": int(now.timestamp())}
    return True


def enrolment_allowed(request: HttpRequest) -> bool:
    """Customers and providers may turn 2FA on from their session; staff only right after
    opening an emailed set-up link (or via ``manage.py staff_2fa_enrol``)."""
    user = request.user
    if not user.is_staff:
        return True
    grant = request.session.get(ENROLMENT_GRANT_SESSION_KEY) or {}
    return (
        grant.get("user_id") == user.pk
        and timezone.now().timestamp() - grant.get("at", 0) <= ENROLMENT_GRANT_MAX_AGE_SECONDS
    )


def enrolment_grant_clear(request: HttpRequest) -> None:
    request.session.pop(ENROLMENT_GRANT_SESSION_KEY, None)


@transaction.atomic
def totp_device_replace(*, user: User) -> tuple[TOTPDevice, list[str]]:
    """Operator enrolment: a new confirmed authenticator and backup codes; old ones stop."""
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
    return device, backup_codes_regenerate(user=user)


# --- Login with a second factor ---------------------------------------------------------------

PENDING_2FA_SESSION_KEY = "accounts_pending_2fa"
PENDING_2FA_MAX_AGE_SECONDS = 10 * 60


def pending_two_factor_login_start(
    *, request: HttpRequest, user: User, redirect_url: str | None, identifier: str
) -> None:
    """Remember, in the (anonymous) session, who passed the password step and where to go."""
    request.session[PENDING_2FA_SESSION_KEY] = {
        "user_id": user.pk,
        "redirect_url": redirect_url or "",
        "identifier": identifier[:255],
        "at": int(timezone.now().timestamp()),
    }


def pending_two_factor_user(request: HttpRequest) -> tuple[User | None, dict]:
    data = request.session.get(PENDING_2FA_SESSION_KEY) or {}
    if not data or timezone.now().timestamp() - data.get("at", 0) > PENDING_2FA_MAX_AGE_SECONDS:
        return None, {}
    user = User.objects.filter(pk=data.get("user_id"), is_active=True, is_blocked=False).first()
    return user, data


def pending_two_factor_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_2FA_SESSION_KEY, None)


# --- The site's own name and address ----------------------------------------------------------


def site_sync() -> Site:
    """Set the current Site (``SITE_ID``) from ``SITE_URL`` and ``PLATFORM_NAME``.

    allauth names the site in every email from this row ("Hello from …", "an account on …");
    left as Django created it, that says example.com. The deploy runs ``manage.py sync_site``
    after ``migrate`` so the row follows the setting whenever ``SITE_URL`` changes.
    """
    parts = urlsplit(settings.SITE_URL)
    domain = parts.netloc or parts.path
    if not domain:
        raise ValueError(f"SITE_URL has no host: {settings.SITE_URL!r}")
    site, _ = Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": settings.PLATFORM_NAME}
    )
    Site.objects.clear_cache()
    return site


# --- Devices ------------------------------------------------------------------------------------


def device_remove(*, user: User, device_pk: int) -> bool:
    """Remove one of the user's devices: every API token issued to it stops working at once.
    Returns False when the user has no such device (someone else's id reveals nothing)."""
    deleted, _ = Device.objects.filter(user=user, pk=device_pk).delete()
    return bool(deleted)
