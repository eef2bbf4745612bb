"""Run the fraud rules as the events they watch happen, in the apps below this one.

Each receiver checks only the subject of its event. A failing check is logged and never breaks
the request that caused the event (a login, a payment callback, a cancellation).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import Device, LoginLog
from bookings.models import Appointment
from bookings.signals import appointment_cancelled
from wallet.signals import payment_signature_invalid

from . import fraud

logger = logging.getLogger(__name__)


def _safely(check: Callable[[], list[fraud.Hit]]) -> None:
    """Run one rule in a savepoint; a failure is logged, rolled back and never reaches the user
    whose login, payment or cancellation triggered it."""
    try:
        with transaction.atomic():
            fraud.raise_flags(check())
    except Exception:  # noqa: BLE001 - a side effect must not break the request
        logger.exception("Fraud check failed")


@receiver(post_save, sender=LoginLog, dispatch_uid="adminpanel_fraud_failed_login")
def on_login_logged(sender, instance: LoginLog, created: bool, **kwargs) -> None:
    if created and instance.status == LoginLog.Status.FAILED and instance.ip_address:
        _safely(lambda: fraud.find_failed_logins(ip=instance.ip_address))


@receiver(post_save, sender=Device, dispatch_uid="adminpanel_fraud_shared_device")
def on_device_seen(sender, instance: Device, created: bool, **kwargs) -> None:
    if created and instance.device_id:
        _safely(lambda: fraud.find_shared_devices(device_id=instance.device_id))


@receiver(payment_signature_invalid, dispatch_uid="adminpanel_fraud_signature")
def on_payment_signature_invalid(sender, provider=None, ip=None, source="", **kwargs) -> None:
    try:
        fraud.record_signature_failure(provider=provider, ip=ip, source=source)
    except DatabaseError:
        logger.exception("Could not record a payment signature failure")
        return
    if provider is not None:
        _safely(lambda: fraud.find_signature_failures(provider=provider))


@receiver(appointment_cancelled, dispatch_uid="adminpanel_fraud_cancellation")
def on_appointment_cancelled(sender, appointment: Appointment, actor=None, **kwargs) -> None:
    if appointment.cancelled_by_role == Appointment.Actor.PROVIDER:
        _safely(lambda: fraud.find_provider_cancellations(provider=appointment.provider))
    elif appointment.cancelled_by_role == Appointment.Actor.CUSTOMER and appointment.customer_id:
        _safely(lambda: fraud.find_customer_cancellations(customer=appointment.customer))
