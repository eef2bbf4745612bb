"""The fraud review queue in the Django admin, and the admin site's own branding."""

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.urls import reverse

from adminpanel.models import FraudEvent, FraudFlag
from providers.tests.factories import ProviderFactory

from .factories import FraudFlagFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:adminpanel_fraudflag_changelist"


def run_action(client, action, flags):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [f.pk for f in flags]},
        follow=True,
    )


def test_site_is_branded(staff_client):
    assert admin.site.site_header == "BookMyToken admin"
    response = staff_client.get(reverse("admin:index"))
    assert "BookMyToken admin" in response.content.decode()


def test_changelist_search_and_filters(staff_client):
    flag = FraudFlagFactory()
    FraudFlagFactory(status=FraudFlag.Status.DISMISSED)
    response = staff_client.get(reverse(CHANGELIST), {"q": flag.user.email})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [flag]
    response = staff_client.get(reverse(CHANGELIST), {"status__exact": "dismissed"})
    assert response.context["cl"].result_count == 1


def test_evidence_is_read_only_and_flags_cannot_be_added_or_deleted(staff_client):
    flag = FraudFlagFactory(evidence={"cancelled": 7})
    url = reverse("admin:adminpanel_fraudflag_change", args=[flag.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    assert "&quot;cancelled&quot;: 7" in page.content.decode()
    staff_client.post(url, {"note": "Looked at it", "evidence": "{}", "status": "dismissed"})
    flag.refresh_from_db()
    assert flag.evidence == {"cancelled": 7}
    assert flag.status == FraudFlag.Status.OPEN
    assert flag.note == "Looked at it"
    assert staff_client.get(reverse("admin:adminpanel_fraudflag_add")).status_code == 403
    delete = reverse("admin:adminpanel_fraudflag_delete", args=[flag.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert FraudFlag.objects.filter(pk=flag.pk).exists()


def test_dismiss_action_records_reviewer_and_audit_row(staff_client, staff):
    flags = FraudFlagFactory.create_batch(2)
    response = run_action(staff_client, "dismiss", flags)
    assert "Dismissed 2 flag(s)." in response.content.decode()
    for flag in flags:
        flag.refresh_from_db()
        assert (flag.status, flag.reviewer) == (FraudFlag.Status.DISMISSED, staff)
        entry = LogEntry.objects.get_for_object(flag).filter(action=LogEntry.Action.UPDATE).get()
        assert entry.actor == staff
        assert entry.changes_dict["status"] == ["open", "dismissed"]


def test_mark_actioned_action_skips_reviewed_flags(staff_client):
    fresh = FraudFlagFactory()
    done = FraudFlagFactory(status=FraudFlag.Status.DISMISSED)
    response = run_action(staff_client, "mark_actioned", [fresh, done])
    assert "already reviewed" in response.content.decode()
    fresh.refresh_from_db()
    done.refresh_from_db()
    assert fresh.status == FraudFlag.Status.ACTIONED
    assert done.status == FraudFlag.Status.DISMISSED


def test_block_user_action_blocks_and_closes(staff_client, staff):
    flag = FraudFlagFactory()
    ip_flag = FraudFlagFactory(
        rule=FraudFlag.Rule.FAILED_LOGINS_IP, user=None, subject_key="ip:203.0.113.1"
    )
    response = run_action(staff_client, "block_user", [flag, ip_flag])
    assert "not about one account" in response.content.decode()
    flag.refresh_from_db()
    flag.user.refresh_from_db()
    assert flag.user.is_blocked
    assert flag.user.blocked_reason.startswith("Suspicious activity")
    assert flag.status == FraudFlag.Status.ACTIONED
    user_entry = LogEntry.objects.get_for_object(flag.user).filter(actor=staff).get()
    assert user_entry.changes_dict["is_blocked"] == ["False", "True"]
    ip_flag.refresh_from_db()
    assert ip_flag.is_open


def test_fraud_events_are_read_only(staff_client):
    event = FraudEvent.objects.create(
        kind=FraudEvent.Kind.PAYMENT_SIGNATURE_INVALID, provider=ProviderFactory()
    )
    assert staff_client.get(reverse("admin:adminpanel_fraudevent_changelist")).status_code == 200
    url = reverse("admin:adminpanel_fraudevent_change", args=[event.pk])
    assert staff_client.get(url).status_code == 200  # view only
    staff_client.post(url, {"source": "edited"})
    event.refresh_from_db()
    assert event.source == ""
    assert staff_client.get(reverse("admin:adminpanel_fraudevent_add")).status_code == 403


def test_changelists_filter_by_date_without_time_zone_tables(staff_client):
    """MariaDB without time zone tables: date filters must not need CONVERT_TZ."""
    FraudFlagFactory()
    for name in ["fraudflag", "fraudevent"]:
        url = reverse(f"admin:adminpanel_{name}_changelist")
        response = staff_client.get(url, {"created_at__gte": "2020-01-01 00:00:00+05:30"})
        assert response.status_code == 200
        assert response.context["cl"].model_admin.date_hierarchy is None
