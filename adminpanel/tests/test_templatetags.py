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
