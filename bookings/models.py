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
        verbose_name=_("customer"),
    )
    walk_in_name = models.CharField(_("walk-in name"), max_length=150, blank=True)
    walk_in_mobile = PhoneNumberField(_("walk-in mobile"), blank=True)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("provider")
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("service")
    )
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
    # Set once, when the live queue comes within two tokens of this booking ("your turn is
    # near"); cleared by a reschedule, like the reminders.
    turn_near_sent_at = models.DateTimeField(null=True, blank=True)
    # One-time keys of the forms behind this row (null for older rows): the booking form that
    # made it (unique per customer; a walk-in's is looked up under the provider lock), and the
    # form of its latest change (confirm, complete, no-show, cancel, reschedule). The same form
    # POSTed again answers with the result of the first.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    last_change_key = models.CharField(max_length=64, null=True, blank=True, editable=False)

    class Meta:
        db_table = "appointments"
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["booking_date", "slot_time", "token_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "booking_date", "token_number"],
                name="appointment_token_unique_per_provider_day",
            ),
            # Not conditional (MySQL would not create it): NULL keys never collide.
            models.UniqueConstraint(
                fields=["customer", "idempotency_key"], name="appointment_key_once_per_customer"
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
            # The slot query: one provider, one day (or a range of days), active statuses; with
            # the times in the index it is answered from the index alone (no row reads).
            models.Index(
                fields=["provider", "booking_date", "status", "slot_time", "end_time"],
                name="appointment_day_slots_idx",
            ),
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


class Notification(models.Model):
    """A booking event whose emails and pushes the worker has yet to render and queue.

    Written in the transaction that changes the appointment, while the provider row is locked:
    one small row instead of two rendered HTML emails and a calendar file. The worker
    (``notifications.queue_pending``) turns it into queued post-office emails exactly once.
    """

    class Event(models.TextChoices):
        CREATED = "created", _("created")
        CONFIRMED = "confirmed", _("confirmed")
        CANCELLED = "cancelled", _("cancelled")
        RESCHEDULED = "rescheduled", _("rescheduled")
        EXPIRED = "expired", _("expired")
        REMINDER_24H = "reminder_24h", _("reminder a day before")
        REMINDER_1H = "reminder_1h", _("reminder an hour before")
        TURN_NEAR = "turn_near", _("turn is near")
        AWAITING_FEE = "awaiting_fee", _("waiting for wallet money")
        LOW_BALANCE = "low_balance", _("low wallet balance")

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(max_length=20, choices=Event.choices)
    # Whoever caused the event gets their email in the language they were using.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        db_table = "booking_notifications"

    def __str__(self) -> str:
        return f"{self.appointment_id} {self.event}"
