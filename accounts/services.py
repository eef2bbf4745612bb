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
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_ratelimit.core import is_ratelimited

from . import push
from .emails import queue_email_code_email, queue_enrolment_link_email, queue_new_device_email
from .identifiers import canonical_identifier
from .ip import client_ip
from .models import (
    Device,
    EmailCode,
    LoginLog,
    NotificationPreference,
    PushSubscription,
    TwoFactorEnrolmentLink,
    User,
)

BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


class TwoFactorError(Exception):
    """A two-factor step could not be completed (wrong code, nothing to confirm)."""


# --- Blocking and sessions -----------------------------------------------------------------


class BlockRefused(Exception):
    """A block the rules refuse; the message is shown to staff."""


@transaction.atomic
def user_set_language(*, user: User, language: str) -> None:
    """Save the language ``user`` chose (the switcher, their security page) for their pages,
    emails, reminders and PDFs. An unknown code is ignored."""
    try:
        language = translation.get_supported_language_variant(language)
    except LookupError:
        return
    if user.language == language:
        return
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language


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
    """Sign the user out everywhere except in this browser; the other browsers' push
    subscriptions go too (a signed-out device gets no more of the account's notifications)."""
    user = request.user
    PushSubscription.objects.filter(user=user).exclude(
        device__device_id=getattr(request, "device_id", "") or ""
    ).delete()
    User.objects.filter(pk=user.pk).update(
        session_version=F("session_version") + 1, updated_at=timezone.now()
    )
    user.refresh_from_db(fields=["session_version"])
    update_session_auth_hash(request, user)


# --- Web push subscriptions and notification preferences ------------------------------------


class PushSubscriptionInvalid(Exception):
    """The browser's subscription cannot be used (unknown push service, malformed keys)."""


def push_subscribe(
    *, user: User, device_id: str, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> PushSubscription:
    """Store this browser's push subscription with the user's device (the signed cookie).

    The same subscription sent again updates its row; one a previous account of this browser
    left behind moves to this user."""
    if not device_id:
        raise PushSubscriptionInvalid("This browser has no device cookie.")
    if len(endpoint) > 1000 or not push.endpoint_allowed(endpoint):
        raise PushSubscriptionInvalid("Not a push service this site sends to.")
    if not push.subscription_keys_valid(p256dh, auth):
        raise PushSubscriptionInvalid("The subscription's keys are malformed.")
    with transaction.atomic():
        device, _ = Device.objects.get_or_create(
            user=user, device_id=device_id, defaults={"user_agent": user_agent[:255]}
        )
        subscription, _ = PushSubscription.objects.update_or_create(
            endpoint_hash=push.endpoint_hash(endpoint),
            defaults={
                "user": user,
                "device": device,
                "endpoint": endpoint,
                "p256dh": p256dh,
                "auth": auth,
            },
        )
    return subscription


def push_unsubscribe(*, user: User, endpoint: str) -> int:
    """Forget this user's subscription for ``endpoint``; returns how many rows went."""
    return (
        PushSubscription.objects.filter(user=user, endpoint_hash=push.endpoint_hash(endpoint))
        .delete()[1]
        .get("accounts.PushSubscription", 0)
    )


def push_forget_device(*, user: User, device_id: str) -> None:
    """The user signed out on this device: it gets no more of their pushes."""
    if device_id:
        PushSubscription.objects.filter(user=user, device__device_id=device_id).delete()


def notification_preferences_set(*, user: User, choices: dict[str, tuple[bool, bool]]) -> None:
    """Save the (email, push) choice for each kind in ``choices``."""
    with transaction.atomic():
        for kind, (email, push_on) in choices.items():
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"email": email, "push": push_on}
            )


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


def two_factor_required_for_api_login(*, user: User, device_id: str | None) -> bool:
    """The apps' rule: as the web's, and staff with 2FA always give a code, because an API
    token is staff-capable only when its sign-in passed the second factor (there is no later
    "enter your code" step for a token, as /admin/ has for a session)."""
    if user.is_staff and user_has_two_factor(user):
        return True
    return two_factor_required_for_login(user=user, device_id=device_id)


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


# --- Email verification: the address waiting for its link, and sending it again -------------

VERIFICATION_EMAIL_SESSION_KEY = "accounts_verification_email"


def verification_email_remember(request: HttpRequest, email: str) -> None:
    """The "check your email" page names the address and can send its link again."""
    if request is not None and hasattr(request, "session"):
        request.session[VERIFICATION_EMAIL_SESSION_KEY] = email


def verification_email_pending(request: HttpRequest) -> str:
    return request.session.get(VERIFICATION_EMAIL_SESSION_KEY, "")


def verification_email_allowed(request: HttpRequest, email: str) -> bool:
    """Counts one verification email to ``email`` and says whether it may go out
    (``ACCOUNTS_RATE_LIMITS["verification_email"]`` per address). django-ratelimit fails open:
    with the cache down the email is sent (the per-IP limits still bound the requests)."""
    return not is_ratelimited(
        request,
        group="accounts.verification_email",
        key=lambda group, req: email.strip().lower(),
        rate=settings.ACCOUNTS_RATE_LIMITS["verification_email"],
        increment=True,
    )


def verification_email_resend(*, request: HttpRequest, email: str) -> bool:
    """Send a new confirmation link to ``email`` when it is an unconfirmed address of an active
    account. Returns False when the address's limit is reached (nothing sent). Answers the same
    whether or not such an address exists, so it reveals nothing about accounts."""
    from allauth.account.models import EmailAddress

    if not verification_email_allowed(request, email):
        return False
    address = (
        EmailAddress.objects.filter(
            email__iexact=email, verified=False, user__is_active=True, user__is_blocked=False
        )
        .select_related("user")
        .first()
    )
    if address is not None:
        address.send_confirmation(request, signup=False)
    return True


# --- Devices ------------------------------------------------------------------------------------


def device_remove(*, user: User, device_pk: int) -> bool:
    """Remove one of the user's devices: every API token issued to it stops working at once.
    Returns False when the user has no such device (someone else's id reveals nothing)."""
    deleted, _ = Device.objects.filter(user=user, pk=device_pk).delete()
    return bool(deleted)


# --- Emailed codes (the apps: verify the address, reset the password) -------------------------

EMAIL_CODE_MAX_AGE = timedelta(minutes=15)
EMAIL_CODE_MAX_ATTEMPTS = 5


class EmailCodeInvalid(Exception):
    """The code is wrong, used, expired or tried too often (one answer for all of them)."""


def _email_code_hash(*, purpose: str, email: str, code: str) -> str:
    return salted_hmac(
        "accounts.EmailCode", f"{purpose}:{email.lower()}:{code}", algorithm="sha256"
    ).hexdigest()


@transaction.atomic
def email_code_send(*, user: User, purpose: str, email: str | None = None) -> str:
    """Email a fresh 6-digit code (queued with its row); older unused codes stop working."""
    email = (email or user.email).lower()
    now = timezone.now()
    EmailCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True).update(used_at=now)
    code = f"{secrets.randbelow(10**6):06d}"
    EmailCode.objects.create(
        user=user,
        email=email,
        purpose=purpose,
        code_hash=_email_code_hash(purpose=purpose, email=email, code=code),
        created_at=now,
        expires_at=now + EMAIL_CODE_MAX_AGE,
    )
    queue_email_code_email(
        user=user,
        email=email,
        purpose=purpose,
        code=code,
        minutes=int(EMAIL_CODE_MAX_AGE.total_seconds() // 60),
    )
    return code


def _email_code_match(*, email: str, purpose: str, code: str, consume: bool) -> User | None:
    """Check (and with ``consume`` use up) the newest live code for the address. A wrong code
    counts as a try, and the last allowed try ends the code. Committed either way."""
    email = (email or "").strip().lower()
    code = "".join((code or "").split())
    now = timezone.now()
    with transaction.atomic():
        row = (
            EmailCode.objects.select_for_update()
            .select_related("user")
            .filter(email=email, purpose=purpose, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at", "-pk")
            .first()
        )
        if row is None:
            return None
        if not constant_time_compare(
            row.code_hash, _email_code_hash(purpose=purpose, email=email, code=code)
        ):
            row.attempts += 1
            if row.attempts >= EMAIL_CODE_MAX_ATTEMPTS:
                row.used_at = now
            row.save(update_fields=["attempts", "used_at"])
            return None
        if consume:
            row.used_at = now
            row.save(update_fields=["used_at"])
        return row.user


def email_verification_code_send(*, user: User) -> bool:
    """Email a verification code to the account's unverified primary address, if any."""
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is not None and address.verified:
        return False
    email_code_send(user=user, purpose=EmailCode.Purpose.VERIFY_EMAIL, email=user.email)
    return True


def email_verify_by_code(*, request: HttpRequest | None, email: str, code: str) -> User:
    """Mark the address verified, as allauth's confirmation does (its ``email_confirmed``
    signal keeps users.is_verified in step)."""
    from allauth.account.models import EmailAddress
    from allauth.account.signals import email_confirmed

    user = _email_code_match(
        email=email, purpose=EmailCode.Purpose.VERIFY_EMAIL, code=code, consume=True
    )
    if user is None:
        raise EmailCodeInvalid
    with transaction.atomic():
        address, _ = EmailAddress.objects.get_or_create(
            user=user, email=email.strip().lower(), defaults={"primary": True}
        )
        address.set_verified(commit=True)
        address.set_as_primary(conditional=True)
        email_confirmed.send(sender=EmailAddress, request=request, email_address=address)
    return user


def password_reset_code_request(*, request: HttpRequest, email: str) -> None:
    """Email a reset code to the account of this address. Unknown addresses get allauth's
    "no account here" email, as on the web; the caller answers the same either way."""
    from allauth.account.adapter import get_adapter
    from allauth.account.models import EmailAddress

    email = (email or "").strip().lower()
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        address = EmailAddress.objects.filter(email__iexact=email, verified=True).first()
        user = address.user if address is not None and address.user.is_active else None
    if user is not None:
        email_code_send(user=user, purpose=EmailCode.Purpose.RESET_PASSWORD, email=email)
        return
    from allauth.account import app_settings as allauth_settings
    from django.urls import reverse

    if allauth_settings.EMAIL_UNKNOWN_ACCOUNTS:
        signup_url = settings.SITE_URL.rstrip("/") + reverse("account_signup")
        get_adapter().send_mail(
            "account/email/unknown_account", email, {"request": request, "signup_url": signup_url}
        )


def password_reset_by_code(*, request: HttpRequest, email: str, code: str, password: str) -> User:
    """Set a new password with an emailed code. The password passes the same validators as
    the web's reset form (ValidationError otherwise, the code kept); every API token and web
    session of the account ends; a lockout is lifted (allauth's password_reset signal); the
    address counts as verified (the code proved the mailbox)."""
    from allauth.account.adapter import get_adapter
    from allauth.account.signals import password_reset

    from .authentication import tokens_revoke_all

    purpose = EmailCode.Purpose.RESET_PASSWORD
    user = _email_code_match(email=email, purpose=purpose, code=code, consume=False)
    if user is None:
        raise EmailCodeInvalid
    password = get_adapter().clean_password(password, user=user)
    if _email_code_match(email=email, purpose=purpose, code=code, consume=True) is None:
        raise EmailCodeInvalid
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(password)
        user.session_version += 1
        user.save(update_fields=["password", "session_version", "updated_at"])
        tokens_revoke_all(user=user)
    password_reset.send(sender=User, request=request, user=user)
    return user


# --- Sign-in through the API --------------------------------------------------------------------


def api_login_complete(*, request: HttpRequest, user: User, identifier: str, otp: bool) -> dict:
    """Finish an API sign-in that passed every check: what a web sign-in does (Django's
    ``user_logged_in``: the device is recorded and a new one emailed about, the login log, the
    axes reset, last_login), then a token pair for ``request.device_id``."""
    from django.contrib.auth.signals import user_logged_in

    from .authentication import tokens_issue

    request.login_identifier = identifier
    request.jwt_login = True
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return tokens_issue(user=user, device_id=request.device_id, otp=otp)


@transaction.atomic
def signup_by_code(*, request: HttpRequest, form) -> User | None:
    """Sign-up from the apps with the web's sign-up form (already valid): the account and a
    verification code by email. An address that already has an account gets allauth's
    "you already have an account" email instead, and the caller answers the same."""
    from allauth.account.adapter import get_adapter

    if form.account_already_exists:
        get_adapter().send_account_already_exists_mail(form.cleaned_data["email"])
        return None
    user = form.save(request)
    email_verification_code_send(user=user)
    return user
