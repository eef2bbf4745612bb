"""The audit trail records the client IP the rest of the site trusts, and a forged header can
neither put a false address in it nor break the request."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from providers.models import Provider
from providers.tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db


def approve(client, **headers):
    provider = ProviderFactory(status=Provider.Status.PENDING)
    response = client.post(reverse("adminpanel:approve", args=[provider.pk]), **headers)
    assert response.status_code == 302
    return LogEntry.objects.get_for_object(provider).get(action=LogEntry.Action.UPDATE)


def test_forged_forwarded_for_is_not_recorded_without_a_trusted_proxy(staff_client):
    entry = approve(staff_client, REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert entry.remote_addr == "192.0.2.10"


def test_behind_one_trusted_proxy_the_proxys_entry_is_recorded(staff_client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    entry = approve(
        staff_client, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.23"
    )
    assert entry.remote_addr == "198.51.100.23"


def test_garbage_headers_do_not_break_an_audited_change(staff_client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    entry = approve(
        staff_client,
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="x" * 80,
        HTTP_X_FORWARDED_PORT="99999999999999",
    )
    assert entry.remote_addr == "10.0.0.2"
    assert entry.remote_port is None


def test_the_staff_member_and_the_correlation_id_are_recorded(staff_client, staff):
    entry = approve(staff_client, HTTP_X_CORRELATION_ID="req-42")
    assert entry.actor == staff
    assert entry.actor_email == staff.email
    assert entry.cid == "req-42"


def test_requests_wire_no_signal_receivers(staff_client):
    from django.db.models.signals import pre_save

    before = len(pre_save.receivers)
    staff_client.get(reverse("adminpanel:dashboard"))
    approve(staff_client)
    assert len(pre_save.receivers) == before


def test_changes_outside_a_request_have_no_actor_or_address():
    provider = ProviderFactory()
    entry = LogEntry.objects.get_for_object(provider).get(action=LogEntry.Action.CREATE)
    assert entry.actor is None and entry.remote_addr is None and entry.cid is None
