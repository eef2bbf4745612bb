from django.core.management.base import BaseCommand

from bookings.tasks import refresh_next_free


class Command(BaseCommand):
    help = (
        "Recompute each shop's soonest free slot for the search's 'soonest' sort "
        "(run every minute from cron when Celery beat is not used)."
    )

    def handle(self, *args, **options):
        changed = refresh_next_free()
        self.stdout.write(f"Updated {changed} shop(s).")
