"""Print the staff report for a period, for cron jobs and emails.

manage.py report --from 2026-11-01 --to 2026-11-30 [--format text|csv]
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from adminpanel import exports, reports
from adminpanel.forms import DateRangeForm


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date in YYYY-MM-DD form.") from exc


class Command(BaseCommand):
    help = "Print bookings, revenue, users, top providers and categories for a period."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--from", dest="date_from", help="First day, YYYY-MM-DD (default: 30 days ago)"
        )
        parser.add_argument("--to", dest="date_to", help="Last day, YYYY-MM-DD (default: today)")
        parser.add_argument("--format", choices=["text", "csv"], default="text")

    def handle(self, *args, date_from=None, date_to=None, format="text", **options) -> None:  # noqa: A002
        data = {}
        if date_from:
            data["date_from"] = _date(date_from).isoformat()
        if date_to:
            data["date_to"] = _date(date_to).isoformat()
        form = DateRangeForm(data)
        if not form.is_valid():
            raise CommandError(" ".join(str(e) for e in form.non_field_errors()))
        report = reports.build_report(form.date_range)
        if format == "csv":
            exports.write_all_csv(report, self.stdout)
        else:
            self.stdout.write(exports.render_text(report))
