from django.core.management.base import BaseCommand

from bookings.tasks import deliver_mail


class Command(BaseCommand):
    help = (
        "Queue pending booking emails and send every queued email that is due (run every "
        "minute from cron when Celery beat is not used)."
    )

    def handle(self, *args, **options):
        queued = deliver_mail()
        self.stdout.write(f"{queued} booking event(s) queued; queued mail sent.")
