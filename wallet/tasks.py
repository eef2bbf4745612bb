from celery import shared_task
from django.conf import settings

from . import services


@shared_task(ignore_result=True)
def reconcile_payments() -> dict:
    """Credit top-ups Razorpay captured but neither callback nor webhook reported."""
    from datetime import timedelta

    report = services.payments_reconcile(
        older_than=timedelta(minutes=settings.WALLET_RECONCILE_AFTER_MINUTES)
    )
    return {"checked": report.checked, "credited": report.credited, "errors": report.errors}
