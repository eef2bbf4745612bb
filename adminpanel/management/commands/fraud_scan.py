"""Run every fraud rule over all users, devices, payments and bookings now."""

from django.core.management.base import BaseCommand

from adminpanel import fraud
from adminpanel.models import FraudFlag


class Command(BaseCommand):
    help = "Run the fraud rules (as the periodic task does) and print how many flags are open."

    def handle(self, *args, **options) -> None:
        results = fraud.scan()
        labels = dict(FraudFlag.Rule.choices)
        for rule, count in results.items():
            self.stdout.write(f"{labels[rule]}: {count}")
        open_count = FraudFlag.objects.filter(status=FraudFlag.Status.OPEN).count()
        self.stdout.write(self.style.SUCCESS(f"Open flags: {open_count}"))
