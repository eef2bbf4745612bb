"""Each shop's soonest free slot is kept on its row for the "soonest" search sort."""

import io
from datetime import datetime, time

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import CustomerFactory
from bookings import next_free, services
from bookings.tests.conftest import IST, MONDAY
from providers.models import Provider
from providers.tests.factories import ProviderFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def refreshed(provider) -> datetime | None:
    provider.refresh_from_db(fields=["next_free_at"])
    return provider.next_free_at


def test_refresh_stores_the_soonest_free_slot_and_follows_bookings(service):
    provider = service.provider
    assert next_free.refresh() == 1
    assert refreshed(provider) == datetime(2026, 12, 7, 9, 0, tzinfo=IST)
    services.appointment_book(
        customer=CustomerFactory(), service=service, booking_date=MONDAY, slot_time=time(9)
    )
    next_free.refresh()
    assert refreshed(provider) == datetime(2026, 12, 7, 9, 30, tzinfo=IST)


def test_refresh_writes_only_changes_without_audit_entries(service):
    next_free.refresh()
    entries = LogEntry.objects.count()
    assert next_free.refresh() == 0
    out = io.StringIO()
    call_command("refresh_next_free", stdout=out)
    assert out.getvalue() == "Updated 0 shop(s).\n"
    assert LogEntry.objects.count() == entries


def test_a_shop_that_leaves_the_public_pages_loses_its_value(service):
    provider = service.provider
    next_free.refresh()
    Provider.objects.filter(pk=provider.pk).update(status=Provider.Status.SUSPENDED)
    assert next_free.refresh() == 1
    assert refreshed(provider) is None


def test_a_shop_without_a_free_slot_this_week_has_none(provider):
    assert next_free.refresh() == 0  # no active service: nothing to book
    assert refreshed(provider) is None


def test_refresh_writes_name_their_rows_and_lock_nothing_else(service):
    """Bookings lock shop rows: every UPDATE the refresh makes names its rows by primary key
    (no scan, no subquery), so it holds no lock beyond those rows for one short statement."""
    hidden = ProviderFactory()
    Provider.objects.filter(pk=hidden.pk).update(
        next_free_at=datetime(2026, 12, 7, 9, 0, tzinfo=IST), status=Provider.Status.SUSPENDED
    )
    with CaptureQueriesContext(connection) as queries:
        assert next_free.refresh() == 2
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 2
    assert all("SELECT" not in sql and "FOR UPDATE" not in sql for sql in updates)
    assert not any("FOR UPDATE" in q["sql"] for q in queries.captured_queries)
