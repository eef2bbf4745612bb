from celery import shared_task

from . import fraud


@shared_task(name="adminpanel.tasks.fraud_scan")
def fraud_scan() -> dict[str, int]:
    """Run every fraud rule over everyone (Celery beat, see CELERY_BEAT_SCHEDULE)."""
    return fraud.scan()
