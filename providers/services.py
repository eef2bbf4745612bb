"""Every change to provider data: onboarding, approval decisions, services and availability.

Views and the admin call these; each write is one transaction and emails leave after commit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date, time

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User

from . import caching, emails
from .models import Category, Provider, Service, TimeOff, WorkingHours

logger = logging.getLogger(__name__)

SLUG_MAX = 140


# --- Domain errors --------------------------------------------------------------------------


class ProviderError(Exception):
    """A request the provider rules do not allow; ``message`` is safe to show to the user."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class AlreadyOnboarded(ProviderError):
    pass


class NotAProvider(ProviderError):
    pass


class InvalidStatusChange(ProviderError):
    pass


class DurationNotOnStep(ProviderError):
    pass


class OverlappingHours(ProviderError):
    pass


class OverlappingTimeOff(ProviderError):
    pass


# --- Onboarding and profile -------------------------------------------------------------------


def _slug_candidates(shop_name: str) -> Iterable[str]:
    base = slugify(shop_name)[: SLUG_MAX - 8].strip("-") or "shop"
    yield base
    for n in range(2, 6):
        yield f"{base}-{n}"
    while True:
        yield f"{base}-{get_random_string(6, 'abcdefghijkmnpqrstuvwxyz23456789')}"


def _slug_is_free(slug: str) -> bool:
    return not Provider.objects.filter(slug=slug).exists()


@transaction.atomic
def provider_onboard(
    *,
    user: User,
    shop_name: str,
    category: Category,
    address: str,
    area: str,
    city: str,
    pincode: str,
    description: str = "",
    phone: str = "",
    photo: UploadedFile | None = None,
    gstin: str = "",
) -> Provider:
    """Create the pending shop profile of a provider user, with a unique public slug.

    The slug is chosen by trying to insert it: a unique-constraint clash (another shop took the
    same name at the same moment) retries with a suffix inside a savepoint, so no check-then-insert
    race can produce duplicates or a 500.
    """
    if user.role != User.Role.PROVIDER:
        raise NotAProvider(_("Only business accounts can list a shop."))
    if Provider.objects.filter(user=user).exists():
        raise AlreadyOnboarded(_("Your shop profile already exists."))
    if not category.is_active:
        raise ProviderError(_("Choose one of the listed categories."))
    provider = Provider(
        user=user,
        shop_name=shop_name.strip(),
        category=category,
        description=description,
        address=address,
        area=area,
        city=city.strip(),
        pincode=pincode,
        phone=phone or "",
        gstin=gstin.upper(),
        status=Provider.Status.PENDING,
    )
    if photo:
        provider.photo = photo
    provider.slug = "placeholder-slug"  # replaced below; lets full_clean check the rest
    provider.full_clean(exclude=["slug", "user"])
    for attempt, candidate in enumerate(_slug_candidates(provider.shop_name)):
        if attempt > 20:  # pragma: no cover - 15 random suffixes all taken
            raise ProviderError(_("Could not reserve a web address; please try again."))
        if not _slug_is_free(candidate):
            continue
        provider.slug = candidate
        try:
            with transaction.atomic():
                provider.save()
        except IntegrityError:
            provider.pk = None
            if Provider.objects.filter(user=user).exists():
                raise AlreadyOnboarded(_("Your shop profile already exists.")) from None
            continue
        break
    emails.queue_new_provider_to_staff(provider.pk)
    return provider


PROFILE_FIELDS = (
    "shop_name",
    "category",
    "description",
    "address",
    "area",
    "city",
    "pincode",
    "phone",
    "photo",
    "gstin",
)


@transaction.atomic
def provider_update_profile(*, provider: Provider, data: Mapping[str, object]) -> Provider:
    """Save profile fields. A rejected shop that fixes its profile goes back for review.

    The public slug never changes with the name, so links customers saved keep working.
    """
    for field, value in data.items():
        if field not in PROFILE_FIELDS:
            raise ValueError(f"{field} is not a profile field")
        setattr(provider, field, value)
    if provider.gstin:
        provider.gstin = provider.gstin.upper()
    provider.full_clean(exclude=["user"])
    update_fields = [*data.keys(), "updated_at"]
    if provider.status == Provider.Status.REJECTED:
        provider.status = Provider.Status.PENDING
        provider.status_changed_at = timezone.now()
        provider.status_changed_by = provider.user
        update_fields += ["status", "status_changed_at", "status_changed_by"]
    provider.save(update_fields=update_fields)
    caching.shop_changed(provider.pk)
    if "status" in update_fields:
        emails.queue_new_provider_to_staff(provider.pk)
    return provider


@transaction.atomic
def provider_update_booking_settings(
    *,
    provider: Provider,
    slot_step_minutes: int,
    capacity: int,
    min_notice_minutes: int,
    max_days_ahead: int,
    auto_confirm: bool,
    cancellation_cutoff_hours: int,
) -> Provider:
    """Change how customers can book. Every active service must still fit the slot step."""
    locked = Provider.objects.select_for_update().get(pk=provider.pk)
    misfits = [
        s.service_name
        for s in Service.objects.filter(provider=locked, is_active=True)
        if s.duration_minutes % slot_step_minutes
    ]
    if misfits:
        raise DurationNotOnStep(
            _(
                "These services last a time that is not a multiple of %(step)s minutes: "
                "%(names)s. Change their duration first, or pick another slot step."
            )
            % {"step": slot_step_minutes, "names": ", ".join(misfits)}
        )
    values = {
        "slot_step_minutes": slot_step_minutes,
        "capacity": capacity,
        "min_notice_minutes": min_notice_minutes,
        "max_days_ahead": max_days_ahead,
        "auto_confirm": auto_confirm,
        "cancellation_cutoff_hours": cancellation_cutoff_hours,
    }
    for field, value in values.items():
        setattr(locked, field, value)
    locked.full_clean(exclude=["user", "photo"])
    locked.save(update_fields=[*values.keys(), "updated_at"])
    caching.shop_changed(locked.pk)
    for field, value in values.items():
        setattr(provider, field, value)
    return provider


# --- Approval decisions (called by the Django admin and the staff dashboard) ---------------


def _change_status(
    *,
    provider: Provider,
    actor: User,
    to: str,
    allowed_from: set[str],
    reason: str = "",
) -> Provider:
    locked = Provider.objects.select_for_update().get(pk=provider.pk)
    if locked.status not in allowed_from:
        raise InvalidStatusChange(
            _("%(shop)s is %(status)s and cannot be changed to %(to)s.")
            % {
                "shop": locked.shop_name,
                "status": locked.get_status_display().lower(),
                "to": Provider.Status(to).label.lower(),
            }
        )
    locked.status = to
    locked.rejection_reason = reason
    locked.status_changed_at = timezone.now()
    locked.status_changed_by = actor
    locked.save(
        update_fields=[
            "status",
            "rejection_reason",
            "status_changed_at",
            "status_changed_by",
            "updated_at",
        ]
    )
    for field in ("status", "rejection_reason", "status_changed_at", "status_changed_by"):
        setattr(provider, field, getattr(locked, field))
    logger.info("provider %s: %s by user %s", locked.pk, to, actor.pk)
    emails.queue_provider_status_email(locked.pk)
    caching.shop_changed(locked.pk)
    return provider


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ProviderError(_("Give a reason; the provider will see it."))
    if len(reason) > 500:
        raise ProviderError(_("Keep the reason under 500 characters."))
    return reason


@transaction.atomic
def provider_approve(*, provider: Provider, actor: User) -> Provider:
    """Make a pending, rejected or suspended shop public and bookable."""
    return _change_status(
        provider=provider,
        actor=actor,
        to=Provider.Status.APPROVED,
        allowed_from={
            Provider.Status.PENDING,
            Provider.Status.REJECTED,
            Provider.Status.SUSPENDED,
        },
    )


@transaction.atomic
def provider_reject(*, provider: Provider, actor: User, reason: str) -> Provider:
    """Turn down a shop awaiting approval, telling it why (it may fix its profile and resubmit)."""
    return _change_status(
        provider=provider,
        actor=actor,
        to=Provider.Status.REJECTED,
        allowed_from={Provider.Status.PENDING},
        reason=_clean_reason(reason),
    )


@transaction.atomic
def provider_suspend(*, provider: Provider, actor: User, reason: str) -> Provider:
    """Hide a shop and stop new bookings, telling it why."""
    return _change_status(
        provider=provider,
        actor=actor,
        to=Provider.Status.SUSPENDED,
        allowed_from={Provider.Status.APPROVED, Provider.Status.PENDING},
        reason=_clean_reason(reason),
    )


# --- Services -----------------------------------------------------------------------------


def _check_duration(provider: Provider, duration_minutes: int) -> None:
    step = provider.slot_step_minutes
    if duration_minutes % step:
        raise DurationNotOnStep(
            _("The duration must be a multiple of your %(step)s-minute slot step.") % {"step": step}
        )


@transaction.atomic
def service_create(
    *,
    provider: Provider,
    service_name: str,
    category: Category,
    rate,
    duration_minutes: int,
    description: str = "",
) -> Service:
    _check_duration(provider, duration_minutes)
    service = Service(
        provider=provider,
        service_name=service_name.strip(),
        category=category,
        rate=rate,
        duration_minutes=duration_minutes,
        description=description,
    )
    service.full_clean()
    service.save()
    caching.shop_changed(provider.pk)
    return service


SERVICE_FIELDS = ("service_name", "category", "rate", "duration_minutes", "description")


@transaction.atomic
def service_update(*, service: Service, data: Mapping[str, object]) -> Service:
    """Edit a service. Bookings keep the price locked when they were made."""
    for field, value in data.items():
        if field not in SERVICE_FIELDS:
            raise ValueError(f"{field} is not an editable service field")
        setattr(service, field, value)
    _check_duration(service.provider, service.duration_minutes)
    service.full_clean()
    service.save()
    caching.shop_changed(service.provider_id)
    return service


@transaction.atomic
def service_deactivate(*, service: Service) -> Service:
    """Stop offering a service; existing bookings of it stay as they are."""
    service.is_active = False
    service.save(update_fields=["is_active", "updated_at"])
    caching.shop_changed(service.provider_id)
    return service


@transaction.atomic
def service_reactivate(*, service: Service) -> Service:
    _check_duration(service.provider, service.duration_minutes)
    service.is_active = True
    service.save(update_fields=["is_active", "updated_at"])
    caching.shop_changed(service.provider_id)
    return service


def service_delete(*, service: Service) -> bool:
    """Delete a service nobody ever booked; a booked one is deactivated instead.

    Returns True when the row was deleted, False when it was kept and deactivated.
    """
    try:
        with transaction.atomic():
            provider_id = service.provider_id
            service.delete()
            caching.shop_changed(provider_id)
    except ProtectedError:
        service_deactivate(service=service)
        return False
    return True


# --- Availability ---------------------------------------------------------------------------


def _fmt(t: time) -> str:
    return t.strftime("%H:%M")


def check_intervals(intervals: Iterable[tuple[time, time]]) -> list[tuple[time, time]]:
    """Sort one day's intervals; raise ValidationError for an empty or overlapping one."""
    ordered = sorted(intervals)
    for start, end in ordered:
        if start >= end:
            raise ValidationError(
                _("%(start)s–%(end)s: the closing time must be after the opening time.")
                % {"start": _fmt(start), "end": _fmt(end)},
                code="end_before_start",
            )
    for (s1, e1), (s2, e2) in zip(ordered, ordered[1:], strict=False):
        if s2 < e1:
            raise ValidationError(
                _("%(a)s and %(b)s overlap. Make one end before the next begins.")
                % {"a": f"{_fmt(s1)}–{_fmt(e1)}", "b": f"{_fmt(s2)}–{_fmt(e2)}"},
                code="overlap",
            )
    return ordered


@transaction.atomic
def working_hours_set_week(
    *, provider: Provider, week: Mapping[int, Iterable[tuple[time, time]]]
) -> list[WorkingHours]:
    """Replace the whole weekly schedule. A weekday missing from ``week`` (or empty) is closed."""
    rows: list[WorkingHours] = []
    for weekday, intervals in week.items():
        if weekday not in range(7):
            raise ValueError(f"bad weekday {weekday}")
        try:
            ordered = check_intervals(intervals)
        except ValidationError as exc:
            raise OverlappingHours(
                f"{WorkingHours.Weekday(weekday).label}: {exc.messages[0]}"
            ) from None
        rows += [
            WorkingHours(provider=provider, weekday=weekday, start_time=s, end_time=e)
            for s, e in ordered
        ]
    Provider.objects.select_for_update().get(pk=provider.pk)
    WorkingHours.objects.filter(provider=provider).delete()
    created = WorkingHours.objects.bulk_create(rows)
    caching.shop_changed(provider.pk)
    return created


@transaction.atomic
def time_off_create(
    *,
    provider: Provider,
    start_date: date,
    end_date: date | None = None,
    open_time: time | None = None,
    close_time: time | None = None,
    reason: str = "",
) -> TimeOff:
    """Close (or open only for special hours) on a date or date range.

    Ranges may not overlap an existing entry, so each date has one unambiguous rule.
    """
    end_date = end_date or start_date
    Provider.objects.select_for_update().get(pk=provider.pk)
    clash = (
        TimeOff.objects.filter(
            provider=provider, start_date__lte=end_date, end_date__gte=start_date
        )
        .order_by("start_date")
        .first()
    )
    if clash is not None:
        raise OverlappingTimeOff(
            _(
                "You already have time off from %(start)s to %(end)s; "
                "delete it first or pick other dates."
            )
            % {"start": f"{clash.start_date:%d %b %Y}", "end": f"{clash.end_date:%d %b %Y}"}
        )
    entry = TimeOff(
        provider=provider,
        start_date=start_date,
        end_date=end_date,
        open_time=open_time,
        close_time=close_time,
        reason=reason.strip(),
    )
    entry.full_clean()
    entry.save()
    caching.shop_changed(provider.pk)
    return entry


@transaction.atomic
def time_off_delete(*, time_off: TimeOff) -> None:
    provider_id = time_off.provider_id
    time_off.delete()
    caching.shop_changed(provider_id)
