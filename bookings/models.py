from datetime import datetime, timedelta
from decimal import Decimal

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from providers.models import Provider, Service


class Appointment(models.Model):
    """One booking of a service at a provider, with its token number for that provider and day.

    ``booking_date``/``slot_time``/``end_time`` are the provider's wall-clock time (Asia/Kolkata).
    Created and changed only through ``bookings.services``.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CONFIRMED = "confirmed", _("Confirmed")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("No-show")
        # Still unconfirmed (its fee unpaid) when its slot began: the slot went back on sale.
        EXPIRED = "expired", _("Expired")

    class Actor(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        PROVIDER = "provider", _("Provider")
        ADMIN = "admin", _("Admin")
        SYSTEM = "system", _("System")

    ACTIVE_STATUSES = (Status.PENDING, Status.CONFIRMED)
    # The fee is paid before service: only these are called, completed or marked no-show.
    SERVABLE_STATUSES = (Status.CONFIRMED,)
    # A booking gets an invoice once the provider has accepted it.
    INVOICEABLE_STATUSES = (Status.CONFIRMED, Status.COMPLETED)

    # Null for a walk-in made at the counter: walk_in_name/walk_in_mobile identify the person.
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    walk_in_name = models.CharField(_("walk-in name"), max_length=150, blank=True)
    walk_in_mobile = PhoneNumberField(_("walk-in mobile"), blank=True)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="appointments")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="appointments")
    token_number = models.PositiveIntegerField(_("token"))
    booking_date = models.DateField(_("date"))
    slot_time = models.TimeField(_("time"))
    end_time = models.TimeField(_("ends"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    locked_price = models.DecimalField(_("price (₹)"), max_digits=12, decimal_places=2)
    # The platform fee debited from the provider's wallet on confirmation (0 until then and
    # after a refund); the ledger reference is f"appt-{id}".
    fee_charged = models.DecimalField(
        _("platform fee (₹)"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    customer_note = models.CharField(_("note for the provider"), max_length=300, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    no_show_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_by_role = models.CharField(
        _("cancelled by"), max_length=16, choices=Actor.choices, blank=True
    )
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)
    rescheduled_at = models.DateTimeField(null=True, blank=True)
    reschedule_count = models.PositiveSmallIntegerField(default=0)
    # Set once by the reminder job with a conditional UPDATE: each reminder goes out once.
    reminder_24h_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_1h_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "appointments"
        ordering = ["booking_date", "slot_time", "token_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "booking_date", "token_number"],
                name="appointment_token_unique_per_provider_day",
            ),
            models.CheckConstraint(
                condition=Q(slot_time__lt=models.F("end_time")), name="appointment_start_lt_end"
            ),
            models.CheckConstraint(
                condition=Q(locked_price__gte=0), name="appointment_price_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(customer__isnull=False) | ~Q(walk_in_name=""),
                name="appointment_customer_or_walk_in",
            ),
        ]
        indexes = [
            # The slot query: one provider, one day (or a range of days), active statuses.
            models.Index(fields=["provider", "booking_date", "status"]),
            models.Index(fields=["customer", "booking_date"]),
            models.Index(fields=["status", "booking_date"]),
        ]

    def __str__(self) -> str:
        return f"#{self.token_number} {self.provider} {self.booking_date} {self.slot_time:%H:%M}"

    @property
    def is_walk_in(self) -> bool:
        return self.customer_id is None

    @property
    def customer_name(self) -> str:
        if self.customer_id is None:
            return self.walk_in_name
        return self.customer.name or self.customer.email

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def is_invoiceable(self) -> bool:
        return self.status in self.INVOICEABLE_STATUSES

    @property
    def starts_at(self) -> datetime:
        """The aware start datetime (the wall-clock date and time in the site time zone)."""
        return timezone.make_aware(datetime.combine(self.booking_date, self.slot_time))

    @property
    def ends_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.booking_date, self.end_time))

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    @property
    def fee_reference(self) -> str:
        return f"appt-{self.pk}"


class QueueDay(models.Model):
    """The live queue of one provider on one day: which token is being served now."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="queue_days")
    date = models.DateField()
    # The token called last (0 before the first call) and when: how late the calls run today.
    now_serving = models.PositiveIntegerField(default=0)
    called_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "queue_days"
        constraints = [
            models.UniqueConstraint(fields=["provider", "date"], name="queue_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.date}: {self.now_serving}"


auditlog.register(Appointment, exclude_fields=["updated_at"])
