from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FraudFlag(models.Model):
    """Something a fraud rule noticed, waiting for (or after) a staff member's review.

    A rule keeps at most one *open* flag per subject: while a flag is open, ``open_key`` holds
    ``"<rule>:<subject_key>"`` and is unique; review clears it, so a later occurrence opens a new
    flag. (MySQL cannot hold a conditional unique constraint; a unique nullable column can.)
    """

    class Rule(models.TextChoices):
        FAILED_LOGINS_IP = "failed_logins_ip", _("Failed logins across accounts from one IP")
        SHARED_DEVICE = "shared_device", _("Many accounts on one device")
        PAYMENT_SIGNATURE = "payment_signature", _("Payment signature mismatches")
        PROVIDER_CANCELLATIONS = "provider_cancellations", _("Provider cancels many bookings")
        CUSTOMER_CANCELLATIONS = "customer_cancellations", _("Customer cancels many bookings")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DISMISSED = "dismissed", _("Dismissed")
        ACTIONED = "actioned", _("Actioned")

    rule = models.CharField(_("rule"), max_length=32, choices=Rule.choices)
    # What the flag is about, as text that also covers subjects without a row (an IP, a device
    # cookie): "ip:203.0.113.7", "device:…", "user:42", "provider:7".
    subject_key = models.CharField(_("subject"), max_length=128)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="fraud_flags",
        verbose_name=_("user"),
    )
    provider = models.ForeignKey(
        "providers.Provider",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="fraud_flags",
        verbose_name=_("provider"),
    )
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    open_key = models.CharField(max_length=170, unique=True, null=True, blank=True, editable=False)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    note = models.CharField(_("review note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("raised at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last seen"), default=timezone.now)

    class Meta:
        db_table = "fraud_flags"
        ordering = ["-created_at", "-id"]
        verbose_name = _("fraud flag")
        verbose_name_plural = _("fraud flags")
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["rule", "subject_key"]),
        ]
        permissions = [("review_fraudflag", _("Can dismiss, action and block on fraud flags"))]

    def __str__(self) -> str:
        return f"{self.get_rule_display()}: {self.subject_label}"

    @property
    def subject_label(self) -> str:
        if self.provider_id is not None:
            return str(self.provider)
        if self.user_id is not None:
            return str(self.user.email)
        return self.subject_key.split(":", 1)[-1]

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @staticmethod
    def make_open_key(rule: str, subject_key: str) -> str:
        return f"{rule}:{subject_key}"


class FraudEvent(models.Model):
    """Suspicious events that no other table records (e.g. payments with a bad signature),
    kept so the fraud rules can count them over a window.

    One row per kind, source (provider, IP, channel) and hour, counting its events: a flood of
    forged webhooks adds to one row's ``count`` instead of writing a row each. ``created_at``
    is the start of that hour.
    """

    class Kind(models.TextChoices):
        PAYMENT_SIGNATURE_INVALID = "payment_signature", _("Payment signature mismatch")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    provider = models.ForeignKey(
        "providers.Provider",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("provider"),
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=32, blank=True)
    # "<source>:<provider id or ->:<ip or ->": what one hour's row counts.
    bucket_key = models.CharField(max_length=128, default="", editable=False)
    count = models.PositiveIntegerField(_("events"), default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    last_at = models.DateTimeField(_("last event"), null=True, blank=True)

    class Meta:
        db_table = "fraud_events"
        ordering = ["-created_at", "-id"]
        verbose_name = _("fraud event")
        verbose_name_plural = _("fraud events")
        indexes = [models.Index(fields=["kind", "provider", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "bucket_key", "created_at"], name="fraud_event_one_row_per_hour"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class StaffReport(models.Model):
    """No table: holds the permissions of the staff dashboard's reports and exports, which
    are about no single model (Django keeps permissions per model)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_reports", _("Can see the staff dashboard and its reports")),
            ("export_reports", _("Can download report CSVs")),
        ]

    def __str__(self) -> str:
        return "staff reports"
