"""Reads shared by account pages and the staff dashboard."""

from django.db.models import QuerySet

from .models import Device, LoginLog, User


def user_devices(*, user: User) -> QuerySet[Device]:
    return Device.objects.filter(user=user).order_by("-last_seen_at")


def user_recent_logins(*, user: User, limit: int = 20) -> QuerySet[LoginLog]:
    return LoginLog.objects.filter(user=user).order_by("-created_at", "-id")[:limit]
