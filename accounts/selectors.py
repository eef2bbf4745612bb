"""Reads shared by account pages and the staff dashboard."""

from django.db.models import Exists, OuterRef, QuerySet

from .models import Device, LoginLog, NotificationPreference, PushSubscription, User


def user_devices(*, user: User) -> QuerySet[Device]:
    """The user's devices, each with ``push_on`` (it has a push subscription)."""
    return (
        Device.objects.filter(user=user)
        .annotate(push_on=Exists(PushSubscription.objects.filter(device=OuterRef("pk"))))
        .order_by("-last_seen_at")
    )


def user_recent_logins(*, user: User, limit: int = 20) -> QuerySet[LoginLog]:
    return LoginLog.objects.filter(user=user).order_by("-created_at", "-id")[:limit]


def notification_channels(*, user: User, kinds) -> dict[str, tuple[bool, bool]]:
    """(email, push) for each kind: the user's choice, or both on where they made none."""
    chosen = {
        p.kind: (p.email, p.push)
        for p in NotificationPreference.objects.filter(user=user, kind__in=list(kinds))
    }
    return {kind: chosen.get(kind, (True, True)) for kind in kinds}


def device_push_subscribed(*, user: User, device_id: str) -> bool:
    return (
        bool(device_id)
        and PushSubscription.objects.filter(user=user, device__device_id=device_id).exists()
    )
