from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from .icons import CATEGORY_ICONS

pincode_validator = RegexValidator(r"^[1-9][0-9]{5}$", _("Enter a valid 6-digit PIN code."))
gstin_validator = RegexValidator(
    r"^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$",
    _("Enter a valid 15-character GSTIN, e.g. 29ABCDE1234F1ZW."),
)


def _minutes(m: int) -> str:
    return gettext("%(m)s minutes") % {"m": m}


_minutes_label = lazy(_minutes, str)


class Category(models.Model):
    """An admin-managed kind of business (Salon & Spa, Clinic, …)."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=255, blank=True)
    icon = models.CharField(
        _("icon"),
        max_length=40,
        choices=CATEGORY_ICONS,
        default="shop",
        help_text=_("Shown beside the name (Bootstrap Icons, providers/icons.py)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        db_table = "categories"
        ordering = ["sort_order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Provider(models.Model):
    """A shop or professional that takes bookings. Public only once approved."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    # Lazy: formatted when shown, in the language of the page (not frozen at import).
    SLOT_STEP_CHOICES = [(m, _minutes_label(m)) for m in (5, 10, 15, 20, 30, 60)]

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="provider",
        verbose_name=_("owner"),
    )
    shop_name = models.CharField(_("shop name"), max_length=120)
    # A new name an approved shop asked for; the public pages keep ``shop_name`` until staff
    # approve it (providers.services.provider_name_approve), so a listed shop cannot rename
    # itself after another one unseen.
    pending_shop_name = models.CharField(_("new name awaiting review"), max_length=120, blank=True)
    slug = models.SlugField(_("public address"), max_length=140, unique=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="providers",
        db_column="category",
        verbose_name=_("category"),
    )
    description = models.TextField(_("about"), max_length=2000, blank=True)
    address = models.CharField(_("street address"), max_length=255)
    # The plan's `location` column: the area / locality within the city.
    area = models.CharField(_("area / locality"), max_length=120, db_column="location")
    city = models.CharField(_("city"), max_length=80, db_index=True)
    pincode = models.CharField(_("PIN code"), max_length=6, validators=[pincode_validator])
    phone = PhoneNumberField(_("shop phone"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="providers/%Y/%m/", blank=True)
    gstin = models.CharField(_("GSTIN"), max_length=15, blank=True, validators=[gstin_validator])

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    # The plan's is_approved column, derived from status by the database itself.
    is_approved = models.GeneratedField(
        expression=models.Case(
            models.When(status="approved", then=models.Value(True)),
            default=models.Value(False),
            output_field=models.BooleanField(),
        ),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=_("approved"),
    )
    rejection_reason = models.CharField(_("reason"), max_length=500, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # Wallet balance in rupees: a cache of the ledger, changed only by wallet.services.
    wallet_balance = models.DecimalField(
        _("wallet balance"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )

    # Booking settings.
    slot_step_minutes = models.PositiveSmallIntegerField(
        _("slot step"), choices=SLOT_STEP_CHOICES, default=15
    )
    capacity = models.PositiveSmallIntegerField(
        _("parallel capacity"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("How many customers you can serve at the same time (chairs, staff)."),
    )
    min_notice_minutes = models.PositiveIntegerField(
        _("minimum notice (minutes)"),
        default=60,
        validators=[MaxValueValidator(7 * 24 * 60)],
    )
    max_days_ahead = models.PositiveSmallIntegerField(
        _("book up to (days ahead)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
    )
    auto_confirm = models.BooleanField(_("confirm bookings automatically"), default=False)
    cancellation_cutoff_hours = models.PositiveSmallIntegerField(
        _("customer cancellation cut-off (hours)"),
        default=2,
        validators=[MaxValueValidator(168)],
    )

    # The start of the soonest free slot, for sorting search results by it: recomputed for every
    # shop each minute by bookings.next_free, its only writer, so it may trail a booking by up to
    # a minute.
    next_free_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "providers"
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["shop_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(wallet_balance__gte=0), name="provider_wallet_balance_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=50), name="provider_capacity_range"
            ),
        ]
        indexes = [models.Index(fields=["status", "city", "category"])]
        permissions = [("review_provider", _("Can approve, reject or suspend shops"))]

    def __str__(self) -> str:
        return self.shop_name


class Service(models.Model):
    """Something a provider offers at a rate for a duration. Deactivated, never deleted, once
    booked."""

    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="services", verbose_name=_("provider")
    )
    service_name = models.CharField(_("service"), max_length=120)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="services",
        db_column="category",
        verbose_name=_("category"),
    )
    rate = models.DecimalField(
        _("rate (₹)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("1.00")), MaxValueValidator(Decimal("500000.00"))],
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    description = models.TextField(_("description"), max_length=1000, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "services"
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["service_name"]
        constraints = [
            models.CheckConstraint(condition=Q(rate__gt=0), name="service_rate_positive"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0), name="service_duration_positive"
            ),
        ]
        indexes = [models.Index(fields=["provider", "is_active"])]

    def __str__(self) -> str:
        return self.service_name


class WorkingHours(models.Model):
    """One opening interval on a weekday; several per day make breaks."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    start_time = models.TimeField(_("opens"))
    end_time = models.TimeField(_("closes"))

    class Meta:
        db_table = "working_hours"
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__lt=models.F("end_time")), name="working_hours_start_lt_end"
            ),
        ]
        verbose_name_plural = _("working hours")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class TimeOff(models.Model):
    """A closed date range, or special opening hours on those dates."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="time_off")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    # Both empty: closed all day. Both set: open only between them on those dates.
    open_time = models.TimeField(_("special opening"), null=True, blank=True)
    close_time = models.TimeField(_("special closing"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=120, blank=True)

    class Meta:
        db_table = "time_off"
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lte=models.F("end_date")), name="time_off_dates_ordered"
            ),
            models.CheckConstraint(
                condition=(Q(open_time__isnull=True) & Q(close_time__isnull=True))
                | (
                    Q(open_time__isnull=False)
                    & Q(close_time__isnull=False)
                    & Q(open_time__lt=models.F("close_time"))
                ),
                name="time_off_special_hours_valid",
            ),
        ]
        indexes = [models.Index(fields=["provider", "start_date", "end_date"])]
        verbose_name_plural = _("time off")

    def __str__(self) -> str:
        return f"{self.provider} {self.start_date}–{self.end_date}"

    @property
    def is_closed(self) -> bool:
        return self.open_time is None
