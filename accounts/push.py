"""Web Push (VAPID, aes128gcm) to the browsers users opted in from.

Apps that notify write ``PushDelivery`` rows (``push_queue``) in the transaction that records
their event; the mail worker (``bookings.tasks.deliver_mail``) sends the due ones here, outside
any transaction and never inside a request. Each row is claimed by one conditional UPDATE, so two
overlapping runs never send it twice; a push-service failure is retried later, a 404/410 (the
browser dropped the subscription) removes the subscription.
"""

from __future__ import annotations

import binascii
import hashlib
import json
import logging
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from pywebpush import WebPushException, webpush

from .models import PushDelivery, PushSubscription, User
from .vapid import b64url, b64url_decode

logger = logging.getLogger(__name__)

# A run that claimed a row and died (killed worker) leaves it "sending": after this long it is
# due again. The notification's tag makes a browser replace, not stack, a rare second copy.
STALE_CLAIM = timedelta(minutes=15)
# Push services accept at least 4 KB; ours are a title, a line and a link.
MAX_PAYLOAD_BYTES = 2048


def push_configured() -> bool:
    return bool(
        settings.PUSH_ENABLED
        and settings.VAPID_PUBLIC_KEY
        and settings.VAPID_PRIVATE_KEY
        and settings.VAPID_SUBJECT
    )


def endpoint_allowed(endpoint: str) -> bool:
    """Only a known push service over https (the server posts to this URL)."""
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    schemes = ("https", "http") if settings.PUSH_ALLOW_HTTP_ENDPOINTS else ("https",)
    if parts.scheme not in schemes or not host or parts.username or parts.password:
        return False
    return any(host == h or host.endswith("." + h) for h in settings.PUSH_ENDPOINT_HOSTS)


def subscription_keys_valid(p256dh: str, auth: str) -> bool:
    """The browser's key: an uncompressed P-256 point; its auth secret: 16 bytes."""
    try:
        point = b64url_decode(p256dh)
        secret = b64url_decode(auth)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except (ValueError, TypeError, binascii.Error):
        return False
    return len(point) == 65 and len(secret) == 16


def endpoint_hash(endpoint: str) -> str:
    return hashlib.sha256(endpoint.encode()).hexdigest()


# --- Queueing (inside the caller's transaction) ------------------------------------------------


def push_queue(
    *,
    user: User,
    event_key: str,
    kind: str,
    payload: dict,
    urgency: str = "normal",
    ttl: int = 3600,
) -> int:
    """Write one delivery per subscribed device of ``user`` for ``event_key``; returns how many
    are new. A device that already has this event is skipped (the unique row is the backstop:
    its collision is caught in a savepoint, so the caller's transaction goes on)."""
    if not push_configured():
        return 0
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    if len(body.encode()) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"Push payload for {event_key} is {len(body.encode())} bytes")
    made = 0
    for subscription_id in PushSubscription.objects.filter(user=user).values_list("pk", flat=True):
        try:
            with transaction.atomic():
                _, created = PushDelivery.objects.get_or_create(
                    subscription_id=subscription_id,
                    event_key=event_key,
                    defaults={"kind": kind, "payload": payload, "urgency": urgency, "ttl": ttl},
                )
        except IntegrityError:  # the same event queued by an overlapping run: already there
            created = False
        made += created
    return made


# --- Sending (the worker) -------------------------------------------------------------------


def _topic(event_key: str) -> str:
    # Topic: at most 32 URL-safe characters. A push service replaces a message still waiting
    # for the device with a newer one of the same topic.
    return b64url(hashlib.sha256(event_key.encode()).digest())[:32]


def _retry(delivery: PushDelivery, error: str, *, after: timedelta | None = None) -> str:
    now = timezone.now()
    if delivery.attempts >= settings.PUSH_MAX_RETRIES:
        status, next_at = PushDelivery.Status.FAILED, now
    else:
        status = PushDelivery.Status.PENDING
        next_at = now + (after or timedelta(minutes=settings.PUSH_RETRY_MINUTES))
    PushDelivery.objects.filter(pk=delivery.pk).update(
        status=status, next_attempt_at=next_at, last_error=error[:255], claimed_at=None
    )
    return "failed" if status == PushDelivery.Status.FAILED else "retry"


def _send_one(delivery: PushDelivery, session: requests.Session) -> str:
    """Post one claimed delivery; returns "sent", "gone", "retry" or "failed"."""
    subscription = delivery.subscription
    try:
        webpush(
            subscription_info=subscription.info,
            data=json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")),
            vapid_private_key=settings.VAPID_PRIVATE_KEY,
            # A fresh dict per call: pywebpush writes "aud" and "exp" into it.
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=delivery.ttl,
            timeout=settings.PUSH_TIMEOUT,
            headers={"Urgency": delivery.urgency, "Topic": _topic(delivery.event_key)},
            requests_session=session,
        )
    except WebPushException as exc:
        response = exc.response
        code = getattr(response, "status_code", None)
        if code in (404, 410):
            # The browser unsubscribed or the subscription expired: forget it (and its queue).
            PushSubscription.objects.filter(pk=subscription.pk).delete()
            return "gone"
        if code is None or code >= 500 or code == 429:
            after = None
            retry_after = getattr(response, "headers", {}).get("Retry-After", "")
            if code == 429 and retry_after.isdigit():
                after = timedelta(seconds=min(int(retry_after), 3600))
            return _retry(delivery, f"{code or ''} {exc}".strip(), after=after)
        # 400/401/403/413: retrying the same message cannot help (e.g. a changed VAPID key).
        logger.warning("Push %s refused with %s: %s", delivery.pk, code, exc)
        PushDelivery.objects.filter(pk=delivery.pk).update(
            status=PushDelivery.Status.FAILED, last_error=str(exc)[:255]
        )
        return "failed"
    except requests.RequestException as exc:  # timeout, refused connection, DNS
        return _retry(delivery, f"{type(exc).__name__}: {exc}")
    now = timezone.now()
    PushDelivery.objects.filter(pk=delivery.pk).update(
        status=PushDelivery.Status.SENT, sent_at=now, last_error=""
    )
    PushSubscription.objects.filter(pk=subscription.pk).update(last_sent_at=now)
    return "sent"


def send_due(*, limit: int = 500) -> dict[str, int]:
    """Send every due push once; returns counts by outcome. Safe to run concurrently."""
    counts = {"sent": 0, "gone": 0, "retry": 0, "failed": 0}
    if not push_configured():
        return counts
    now = timezone.now()
    PushDelivery.objects.filter(
        status=PushDelivery.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).update(status=PushDelivery.Status.PENDING, claimed_at=None)
    due = list(
        PushDelivery.objects.filter(status=PushDelivery.Status.PENDING, next_attempt_at__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    with requests.Session() as session:
        for pk in due:
            # The claim: one conditional UPDATE, committed on its own. Only one run wins it.
            claimed = PushDelivery.objects.filter(
                pk=pk, status=PushDelivery.Status.PENDING, next_attempt_at__lte=timezone.now()
            ).update(
                status=PushDelivery.Status.SENDING,
                claimed_at=timezone.now(),
                attempts=F("attempts") + 1,
            )
            if not claimed:
                continue
            delivery = PushDelivery.objects.select_related("subscription").filter(pk=pk).first()
            if delivery is None:  # its subscription was removed meanwhile
                continue
            try:
                outcome = _send_one(delivery, session)
            except Exception as exc:  # noqa: BLE001 - one bad row must not stop the others
                logger.exception("Push %s could not be sent", pk)
                outcome = _retry(delivery, f"{type(exc).__name__}: {exc}")
            counts[outcome] += 1
    return counts
