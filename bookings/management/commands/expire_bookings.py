from django.core.management.base import BaseCommand

from bookings.services import appointments_expire


class Command(BaseCommand):
    help = (
        "Expire pending bookings still unconfirmed when their slot began, freeing the slot and "
        "telling the customer (safe to run from cron every minute)."
    )

    def handle(self, *args, **options):
        expired = appointments_expire()
        self.stdout.write(f"Expired {len(expired)} booking(s).")
