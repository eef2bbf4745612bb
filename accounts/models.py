from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.update(is_staff=True, is_superuser=True, role=User.Role.ADMIN, email_verified=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who uses the site: customer, provider (shop owner) or admin."""

    class Role(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        PROVIDER = "provider", _("Service provider")
        ADMIN = "admin", _("Admin")

    name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("email address"), max_length=254, unique=True)
    mobile = PhoneNumberField(_("mobile number"), unique=True, null=True, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.CUSTOMER)
    # The language the user chose (the switcher, their security page): their pages after
    # signing in, their emails, reminders and PDFs. Blank: not chosen yet (the browser's).
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True, default=""
    )
    # Cache of allauth's verified EmailAddress, kept in step by accounts.signals. The column is
    # the plan's ``is_verified``; the attribute is ``email_verified`` because django-otp puts an
    # ``is_verified()`` method on request.user (OTP passed this session), which would shadow it.
    email_verified = models.BooleanField(
        _("email verified"), default=False, db_column="is_verified"
    )
    is_blocked = models.BooleanField(_("blocked"), default=False)
    blocked_reason = models.CharField(_("reason for blocking"), max_length=255, blank=True)
    # The device id (see accounts.Device) of the most recent successful login.
    device_id = models.CharField(_("last device"), max_length=64, blank=True)
    # Bumped to end every session of the user at once (sign out elsewhere, blocking).
    session_version = models.PositiveIntegerField(default=0, editable=False)
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("joined"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    def language_or(self, fallback: str = "") -> str:
        """The language this user's emails and documents are written in: their saved
        choice, else ``fallback`` (e.g. the page they were on), else the site's."""
        return self.language or fallback or settings.LANGUAGE_CODE

    class Meta:
        db_table = "users"
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            ("block_user", _("Can block and unblock users")),
            ("unlock_user", _("Can unlock accounts locked after failed sign-ins")),
        ]
        indexes = [models.Index(fields=["role", "created_at"])]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email

    def get_session_auth_hash(self) -> str:
        """Sessions carry this hash; bumping ``session_version`` invalidates all of them."""
        return salted_hmac(
            "accounts.User.get_session_auth_hash",
            f"{self.password}:{self.session_version}",
            algorithm="sha256",
        ).hexdigest()

    @property
    def is_provider(self) -> bool:
        return self.role == self.Role.PROVIDER

    @property
    def is_customer(self) -> bool:
        return self.role == self.Role.CUSTOMER


class LoginLog(models.Model):
    """One row per login attempt, successful or not. Never holds the password."""

    class Status(models.TextChoices):
        SUCCESS = "success", _("Success")
        FAILED = "failed", _("Failed")

    class Reason(models.TextChoices):
        OK = "ok", _("Signed in")
        BAD_CREDENTIALS = "bad_credentials", _("Wrong email/mobile or password")
        LOCKED = "locked", _("Account locked")
        BLOCKED = "blocked", _("Account blocked")
        UNVERIFIED = "unverified", _("Email not verified")
        OTP_REQUIRED = "otp_required", _("Waiting for two-factor code")
        OTP_FAILED = "otp_failed", _("Wrong two-factor code")
        RATE_LIMITED = "rate_limited", _("Too many attempts from this network")

    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="login_logs"
    )
    identifier = models.CharField(_("identifier tried"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    device_info = models.CharField(_("user agent"), max_length=255, blank=True)
    device_id = models.CharField(_("device id"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=32, choices=Reason.choices)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        db_table = "login_logs"
        ordering = ["-created_at", "-id"]
        verbose_name = _("login attempt")
        verbose_name_plural = _("login log")
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["ip_address", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} {self.status} {self.created_at:%Y-%m-%d %H:%M}"


class Device(models.Model):
    """A browser a user has signed in from, recognised by its signed device cookie."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="devices")
    device_id = models.CharField(_("device id"), max_length=64)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("last IP address"), null=True, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)

    class Meta:
        db_table = "devices"
        ordering = ["-last_seen_at"]
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        constraints = [
            models.UniqueConstraint(fields=["user", "device_id"], name="device_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.user_agent[:40]}"


auditlog.register(User, exclude_fields=["password", "last_login", "session_version"])


class TwoFactorEnrolmentLink(models.Model):
    """A one-time, short-lived link emailed to a staff member to set up two-factor.

    Staff cannot enrol an authenticator from a session that passed the password only (whoever
    knows the password could enrol theirs); the link proves control of the account's mailbox.
    Only a hash of the token is stored.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "two_factor_enrolment_links"
        verbose_name = _("two-factor set-up link")
        verbose_name_plural = _("two-factor set-up links")

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"


class PushSubscription(models.Model):
    """A browser's Web Push subscription, bound to the signed-in user's device (its cookie).

    Removed when the push service answers 404/410 (the browser dropped it), when the user signs
    out on that device, and when they sign out every other device."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="push_subscriptions")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(_("push endpoint"), max_length=1000)
    # A unique index on a 1000-character utf8mb4 column is too long for InnoDB: the hash is
    # the unique key. One browser subscription belongs to one account at a time.
    endpoint_hash = models.CharField(max_length=64, unique=True, editable=False)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("subscribed"), default=timezone.now)
    last_sent_at = models.DateTimeField(_("last push"), null=True, blank=True)

    class Meta:
        db_table = "push_subscriptions"
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self) -> str:
        return f"{self.user} · {self.endpoint[:50]}"

    @property
    def info(self) -> dict:
        """The shape pywebpush expects (and the browser's PushSubscription.toJSON() gives)."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class PushDelivery(models.Model):
    """One push of one event to one subscription: the unique (subscription, event_key) row is
    what makes a push go out at most once per event and device, however often the worker runs.

    The payload is rendered (in the recipient's language) when the row is written; the worker
    claims due rows with a conditional UPDATE and retries push-service failures later."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    subscription = models.ForeignKey(
        PushSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_key = models.CharField(max_length=80)
    kind = models.CharField(max_length=32)
    payload = models.JSONField()
    urgency = models.CharField(max_length=10, default="normal")
    ttl = models.PositiveIntegerField(default=3600)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        db_table = "push_deliveries"
        verbose_name = _("push delivery")
        verbose_name_plural = _("push deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_key"], name="push_once_per_event_and_device"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event_key} → {self.subscription_id} ({self.status})"


class NotificationPreference(models.Model):
    """A user's choice of channels for one kind of notification (no row: both channels on).

    The kinds are named by the apps that send them (bookings.notifications.KINDS)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=32)
    email = models.BooleanField(_("email"), default=True)
    push = models.BooleanField(_("push"), default=True)

    class Meta:
        db_table = "notification_preferences"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} email={self.email} push={self.push}"


class EmailCode(models.Model):
    """A short code emailed to an address, for the apps, which cannot open a link inside
    themselves: verifying the address after sign-up, or resetting the password.

    Only an HMAC of the code is stored (keyed with SECRET_KEY, so a database dump does not give
    the six digits away); a code works once, for a few minutes, and a few wrong tries end it.
    A new code for the same purpose ends the older ones."""

    class Purpose(models.TextChoices):
        VERIFY_EMAIL = "verify_email", _("Verify email address")
        RESET_PASSWORD = "reset_password", _("Reset password")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="email_codes")
    email = models.EmailField(max_length=254)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "email_codes"
        verbose_name = _("emailed code")
        verbose_name_plural = _("emailed codes")
        indexes = [models.Index(fields=["email", "purpose", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.email} · {self.purpose} · {self.created_at:%Y-%m-%d %H:%M}"
