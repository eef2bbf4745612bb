"""``manage.py report``: the staff report as text or CSV for cron jobs and emails."""

import csv
import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from providers.tests.factories import ProviderFactory, ServiceFactory

from .factories import AppointmentFactory

pytestmark = pytest.mark.django_db
IST = ZoneInfo("Asia/Kolkata")


@pytest.fixture
def bookings():
    service = ServiceFactory(
        provider=ProviderFactory(shop_name="Sharma Dental", city="Jaipur"),
        rate=Decimal("123456.00"),
    )
    for day, status in [(3, "confirmed"), (4, "cancelled"), (4, "completed")]:
        AppointmentFactory(
            provider=service.provider,
            service=service,
            status=status,
            created_at=datetime(2026, 11, day, 11, tzinfo=IST),
        )
    AppointmentFactory(created_at=datetime(2026, 12, 1, 11, tzinfo=IST))


def run(*args) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_text_report(bookings):
    text = run("--from", "2026-11-01", "--to", "2026-11-30")
    assert text.startswith("BookMyToken report 2026-11-01 to 2026-11-30")
    lines = text.splitlines()
    bookings_line = next(line for line in lines if line.startswith("Bookings  "))
    assert bookings_line.split()[-1] == "3"
    assert any(line.startswith("Cancellation rate (%)") and line.endswith("33.3") for line in lines)
    provider_line = next(line for line in lines if line.startswith("Sharma Dental"))
    assert "Jaipur" in provider_line
    assert "3,70,368.00" in provider_line  # three bookings at ₹1,23,456
    assert "2026-11-04" in text


def test_csv_report_has_every_table(bookings):
    text = run("--from", "2026-11-01", "--to", "2026-11-30", "--format", "csv")
    rows = list(csv.reader(io.StringIO(text)))
    titles = [
        row[0]
        for row in rows
        if len(row) == 1
        and row[0]
        in {
            "Summary",
            "Bookings and revenue per day",
            "Top providers",
            "Top categories",
            "Pending approvals",
        }
    ]
    assert len(titles) == 5
    assert ["Bookings", "3"] in rows
    assert ["2026-11-04", "2", "0", "0", "1", "1", "0", "0.00", "0.00"] in rows
    provider = next(row for row in rows if row and row[0] == "Sharma Dental")
    assert (provider[1], provider[3], provider[6]) == ("Jaipur", "3", "370368.00")


def test_empty_period_says_so():
    text = run("--from", "2026-01-01", "--to", "2026-01-02")
    assert "(nothing in this period)" in text


@pytest.mark.parametrize(
    "args",
    [
        ("--from", "2026-13-01", "--to", "2026-11-30"),
        ("--from", "2026-11-30", "--to", "2026-11-01"),
        ("--from", "2024-01-01", "--to", "2026-11-01"),
    ],
)
def test_bad_dates_are_a_clear_error(args):
    with pytest.raises(CommandError):
        run(*args)
