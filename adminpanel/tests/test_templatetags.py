from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry

from adminpanel.templatetags.adminpanel import audit_changes, evidence_items
from providers.models import Provider
from providers.tests.factories import ProviderFactory


def test_evidence_items_are_readable():
    moment = datetime(2026, 11, 25, 1, 46, tzinfo=ZoneInfo("UTC")).isoformat()
    items = dict(
        evidence_items(
            {
                "ip": "203.0.113.9",
                "identifiers": ["a@x.in", "b@x.in"],
                "threshold": {"failures": 5, "accounts": 2},
                "window_minutes": 60.0,
                "first_at": moment,
                "odd_key": "kept",
            }
        )
    )
    assert items == {
        "IP address": "203.0.113.9",
        "Identifiers tried": "a@x.in, b@x.in",
        "Threshold": "failures: 5, accounts: 2",
        "Window (minutes)": "60",
        "First seen": "25 Nov 2026, 07:16",
        "Odd key": "kept",
    }
    assert evidence_items(None) == []


@pytest.mark.django_db
def test_audit_changes_use_labels_and_skip_noise():
    provider = ProviderFactory(status=Provider.Status.PENDING)
    provider.status = Provider.Status.APPROVED
    provider.save()
    update = LogEntry.objects.get_for_object(provider).get(action=LogEntry.Action.UPDATE)
    assert audit_changes(update) == [("Status", ["Pending approval", "Approved"])]

    create = LogEntry.objects.get_for_object(provider).get(action=LogEntry.Action.CREATE)
    labels = [label for label, _values in audit_changes(create)]
    assert "Shop name" in labels
    assert "Id" not in labels
    assert "Rejection reason" not in labels and "Reason" not in labels  # empty on creation
    user_row = dict(audit_changes(create))["Owner"]
    assert user_row == [None, f"#{provider.user_id}"]


@pytest.mark.django_db
def test_audit_changes_show_moments_in_indian_time_and_yes_or_no(settings):
    """auditlog records a date-time as naive UTC and a flag as "True"/"False": the page shows
    the moment as the rest of the staff pages do, and Yes/No in the reader's language."""
    from django.utils import translation

    provider = ProviderFactory(auto_confirm=False)
    provider.status_changed_at = datetime(2026, 11, 30, 19, 54, tzinfo=ZoneInfo("UTC"))
    provider.auto_confirm = True
    provider.save()
    update = LogEntry.objects.get_for_object(provider).get(action=LogEntry.Action.UPDATE)
    rows = dict(audit_changes(update))
    assert rows["Status changed at"] == [None, "1 Dec 2026, 01:24"]
    assert rows["Confirm bookings automatically"] == ["No", "Yes"]
    # is_approved, generated from the status, is a flag too.
    create = LogEntry.objects.get_for_object(provider).get(action=LogEntry.Action.CREATE)
    assert dict(audit_changes(create))["Approved"][1] in ("Yes", "No")
    with translation.override("hi"):
        assert dict(audit_changes(update))["बुकिंग अपने आप पक्की करें"] == ["नहीं", "हाँ"]
