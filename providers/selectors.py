"""Reads of provider data shared by several apps (public pages, booking flow, dashboards)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Category, Provider, Service, TimeOff, WorkingHours


def public_providers() -> QuerySet[Provider]:
    """Providers anyone may see and book: approved, with an active, unblocked owner."""
    return Provider.objects.filter(
        status=Provider.Status.APPROVED,
        user__is_active=True,
        user__is_blocked=False,
    ).select_related("category")


def public_provider_by_slug(slug: str) -> Provider:
    """The public provider at ``slug``; raises ``Provider.DoesNotExist`` for hidden ones."""
    return public_providers().get(slug=slug)


def provider_for_user(user) -> Provider | None:
    """The provider profile of ``user``, or None (anonymous, customers, not yet onboarded)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:  # one-to-one: a unique look-up, no ordering or LIMIT to work out
        return Provider.objects.select_related("category").get(user_id=user.pk)
    except Provider.DoesNotExist:
        return None


def active_categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True)


def provider_services(provider: Provider, *, active_only: bool = False) -> QuerySet[Service]:
    """A provider's services, active ones first; ``active_only`` for what customers can book."""
    qs = Service.objects.filter(provider=provider).select_related("category")
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("-is_active", "service_name")


def working_hours_by_weekday(provider: Provider) -> dict[int, list[WorkingHours]]:
    """Opening intervals of each weekday (0 = Monday … 6 = Sunday), in time order."""
    week: dict[int, list[WorkingHours]] = {day: [] for day in range(7)}
    for interval in WorkingHours.objects.filter(provider=provider).order_by(
        "weekday", "start_time"
    ):
        week[interval.weekday].append(interval)
    return week


def time_off_between(provider: Provider, start: date, end: date) -> QuerySet[TimeOff]:
    """Time off entries of ``provider`` touching any date in [start, end]."""
    return TimeOff.objects.filter(provider=provider, start_date__lte=end, end_date__gte=start)


def upcoming_time_off(provider: Provider, *, today: date) -> QuerySet[TimeOff]:
    """Time off that has not ended yet, soonest first."""
    return TimeOff.objects.filter(provider=provider, end_date__gte=today).order_by("start_date")


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    done: bool
    url: str
    hint: str


def provider_setup_checklist(provider: Provider) -> list[ChecklistItem]:
    """What a provider still has to do before customers can book them."""
    has_profile = bool(provider.description and provider.phone)
    has_services = Service.objects.filter(provider=provider, is_active=True).exists()
    has_hours = WorkingHours.objects.filter(provider=provider).exists()
    return [
        ChecklistItem(
            "profile",
            _("Complete your shop profile"),
            has_profile,
            reverse("providers:profile"),
            _("Add a short description and a phone number customers can call."),
        ),
        ChecklistItem(
            "services",
            _("Add your services"),
            has_services,
            reverse("providers:services"),
            _("At least one active service with its rate and duration."),
        ),
        ChecklistItem(
            "hours",
            _("Set your working hours"),
            has_hours,
            reverse("providers:hours"),
            _("Opening hours for each day, with breaks if you take them."),
        ),
        ChecklistItem(
            "approval",
            _("Get approved"),
            provider.status == Provider.Status.APPROVED,
            reverse("providers:profile"),
            _("Our team reviews new shops, usually within one working day."),
        ),
    ]
