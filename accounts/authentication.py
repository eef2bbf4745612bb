"""JWT for the JSON API: the tokens carry the same bindings as a web session.

Every token (access and refresh) carries ``user_id``, ``device`` (the device id of the sign-in,
a row of accounts.Device, as the web's device cookie), ``sv`` (the user's ``session_version``
at sign-in) and ``otp`` (whether the sign-in passed a second factor). A token stops working
when the user is blocked or deactivated, when ``session_version`` moves on (password change or
reset, "sign out other devices", blocking) or when its device is removed from the account.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication as BaseJWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken, Token

from .models import Device, User

CLAIM_DEVICE = "device"
CLAIM_SESSION_VERSION = "sv"
CLAIM_OTP = "otp"
# The start of the user's session hash (password + session_version, as web sessions carry it):
# a new password ends the tokens as it ends the sessions.
CLAIM_SESSION_HASH = "sh"
SESSION_HASH_CHARS = 16


class SessionEnded(AuthenticationFailed):
    default_detail = _("Your session has ended. Please sign in again.")
    default_code = "session_ended"


def token_user(token: Token) -> User:
    """The user a validated token speaks for, or AuthenticationFailed (one query)."""
    try:
        user_id = int(token[jwt_settings.USER_ID_CLAIM])
        device_id = str(token[CLAIM_DEVICE])
        session_version = int(token[CLAIM_SESSION_VERSION])
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidToken(_("Token contained no recognizable user identification")) from exc
    device = (
        Device.objects.select_related("user").filter(user_id=user_id, device_id=device_id).first()
    )
    if device is None:
        # The user is gone or this device was removed (signed out) from the account.
        raise SessionEnded()
    issued_at = token.get("iat")
    if issued_at and device.first_seen_at.timestamp() > int(issued_at) + 1:
        # The device was removed and has signed in afresh since: older tokens stay dead.
        raise SessionEnded()
    user = device.user
    if user.is_blocked:
        raise AuthenticationFailed(
            _("This account has been blocked. Contact support if you think this is a mistake."),
            code="blocked",
        )
    if not user.is_active or user.session_version != session_version:
        raise SessionEnded()
    if not constant_time_compare(str(token.get(CLAIM_SESSION_HASH, "")), session_hash(user)):
        raise SessionEnded()  # the password changed since this sign-in
    return user


def session_hash(user: User) -> str:
    return user.get_session_auth_hash()[:SESSION_HASH_CHARS]


def _mark_second_factor(user: User, token: Token) -> None:
    """What django-otp's middleware does for a session: ``user.is_verified()`` says whether this
    sign-in passed the second factor (accounts.access and the staff permission read it)."""
    passed = bool(token.get(CLAIM_OTP, False))
    user.is_verified = lambda: passed
    user.otp_device = None


class JWTAuthentication(BaseJWTAuthentication):
    """``Authorization: Bearer <access token>``, checked against the account on every request."""

    www_authenticate_realm = "api"

    def get_user(self, validated_token: Token) -> User:
        user = token_user(validated_token)
        _mark_second_factor(user, validated_token)
        return user


def tokens_issue(*, user: User, device_id: str, otp: bool) -> dict[str, str]:
    """A fresh refresh/access pair for a completed sign-in (records the refresh token)."""
    refresh = RefreshToken.for_user(user)
    refresh[CLAIM_DEVICE] = device_id
    refresh[CLAIM_SESSION_VERSION] = user.session_version
    refresh[CLAIM_OTP] = bool(otp)
    refresh[CLAIM_SESSION_HASH] = session_hash(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


@transaction.atomic
def tokens_refresh(*, raw_refresh: str) -> dict[str, str]:
    """Rotate a refresh token: the old one is blacklisted, a new pair is returned.

    The outstanding row is locked, so the same refresh token sent twice at once rotates once;
    a rotated (blacklisted) token is refused, as is one whose account or device no longer
    allows it.
    """
    try:
        refresh = RefreshToken(raw_refresh)
    except TokenError as exc:
        raise InvalidToken(exc.args[0]) from exc
    jti = refresh.get(jwt_settings.JTI_CLAIM)
    outstanding = OutstandingToken.objects.select_for_update().filter(jti=jti).first()
    if outstanding is None or BlacklistedToken.objects.filter(token=outstanding).exists():
        raise InvalidToken(_("Token is blacklisted"))
    token_user(refresh)
    BlacklistedToken.objects.create(token=outstanding)
    refresh.set_jti()
    refresh.set_exp()
    refresh.set_iat()
    refresh.outstand()
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def token_blacklist(*, raw_refresh: str, user: User) -> None:
    """Sign out: the refresh token (of this user) can no longer be used."""
    try:
        refresh = RefreshToken(raw_refresh)
    except TokenError as exc:
        raise InvalidToken(exc.args[0]) from exc
    if str(refresh.get(jwt_settings.USER_ID_CLAIM)) != str(user.pk):
        raise InvalidToken(_("Token is invalid"))
    refresh.blacklist()


def tokens_revoke_all(*, user: User) -> int:
    """Blacklist every outstanding refresh token of a user (block, password change)."""
    pending = OutstandingToken.objects.filter(user=user).exclude(blacklistedtoken__isnull=False)
    created = BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=t) for t in pending], ignore_conflicts=True
    )
    return len(created)


# --- Two-step sign-in and the app's device id ---------------------------------------------------

OTP_CHALLENGE_SALT = "accounts.api.otp-challenge"
DEVICE_TOKEN_SALT = "accounts.device.api"  # noqa: S105 - a signing salt, not a secret


def otp_challenge_issue(*, user: User, device_id: str, identifier: str) -> str:
    """A short-lived signed note that ``user`` passed the password step on ``device_id``."""
    payload = {"u": user.pk, "d": device_id, "i": identifier[:255], "sh": session_hash(user)}
    return signing.dumps(payload, salt=OTP_CHALLENGE_SALT, compress=True)


def otp_challenge_read(raw: str) -> tuple[User, str, str] | None:
    """(user, device id, identifier typed) of a live challenge; None when it is expired,
    forged, or the account changed since (blocked, deactivated, new password)."""
    try:
        data = signing.loads(
            raw or "", salt=OTP_CHALLENGE_SALT, max_age=settings.API_OTP_CHALLENGE_SECONDS
        )
        user_id, device_id, identifier = int(data["u"]), str(data["d"]), str(data["i"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    user = User.objects.filter(pk=user_id, is_active=True, is_blocked=False).first()
    if user is None or not constant_time_compare(str(data.get("sh", "")), session_hash(user)):
        return None
    return user, device_id, identifier


def device_token(device_id: str) -> str:
    """What the app keeps and sends back at its next sign-in (``device``), as a browser keeps
    the signed device cookie: the same device is then recognised (no new-device email)."""
    return signing.dumps(device_id, salt=DEVICE_TOKEN_SALT)


def device_id_from_token(raw: str | None) -> str | None:
    if not raw or not isinstance(raw, str):
        return None
    try:
        device_id = signing.loads(raw, salt=DEVICE_TOKEN_SALT)
    except signing.BadSignature:
        return None
    if isinstance(device_id, str) and len(device_id) == 32 and device_id.isalnum():
        return device_id
    return None


# --- OpenAPI ------------------------------------------------------------------------------------

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme  # noqa: E402


class JWTScheme(SimpleJWTScheme):
    """The schema's "jwtAuth" bearer scheme for our JWTAuthentication."""

    target_class = "accounts.authentication.JWTAuthentication"
    name = "jwtAuth"
