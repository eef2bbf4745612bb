from django.core.management.base import BaseCommand

from bookings.tasks import cleanup_mail


class Command(BaseCommand):
    help = (
        "Delete sent and failed emails (with their logs and attachments) and booking email "
        "events older than MAIL_KEEP_DAYS (run daily from cron when Celery beat is not used)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, **options):
        deleted = cleanup_mail(days=options["days"])
        self.stdout.write(f"Deleted {deleted} email(s).")
