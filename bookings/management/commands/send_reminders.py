from django.core.management.base import BaseCommand

from bookings.tasks import send_reminders


class Command(BaseCommand):
    help = "Send the 24-hour and 1-hour booking reminders that are due (safe to run from cron)."

    def handle(self, *args, **options):
        sent = send_reminders()
        self.stdout.write(f"Sent {sent} reminder(s).")
