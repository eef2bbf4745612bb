from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand

from wallet.services import payments_reconcile


class Command(BaseCommand):
    help = "Ask Razorpay about top-up orders still open and credit any captured payment once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=settings.WALLET_RECONCILE_AFTER_MINUTES,
            help="Only orders created at least this many minutes ago (default: %(default)s).",
        )
        parser.add_argument(
            "--max-age-days", type=int, default=3, help="Ignore orders older than this."
        )

    def handle(self, *args, older_than: int, max_age_days: int, **options):
        report = payments_reconcile(
            older_than=timedelta(minutes=older_than), max_age=timedelta(days=max_age_days)
        )
        self.stdout.write(
            f"Checked {report.checked} open order(s); credited {len(report.credited)}"
            + (f": {', '.join(report.credited)}" if report.credited else "")
        )
        for error in report.errors:
            self.stderr.write(error)
