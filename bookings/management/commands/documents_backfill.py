from django.core.management.base import BaseCommand

from bookings.services import booking_documents_backfill
from wallet.services import ledger_documents_backfill


class Command(BaseCommand):
    help = (
        "Issue the invoices and credit notes that events before frozen documents did not, and "
        "give invoices numbered before then their snapshot (their number and date are kept). "
        "Safe to run again: what is already issued is left alone."
    )

    def handle(self, *args, **options):
        ledger = ledger_documents_backfill()
        bookings = booking_documents_backfill()
        self.stdout.write(f"Wallet rows documented: {ledger}. Bookings documented: {bookings}.")
