from auditlog.registry import auditlog
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
