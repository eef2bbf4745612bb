"""The Django admin's approval actions, called as the admin site calls them."""

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory

from providers.models import Provider
from providers.tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def model_admin():
    return admin.site._registry[Provider]


def changelist(model_admin, staff, data=None, query=""):
    factory = RequestFactory()
    if data is None:
        request = factory.get(f"/admin/providers/provider/{query}")
    else:
        request = factory.post("/admin/providers/provider/", data)
        request._dont_enforce_csrf_checks = True
    request.user = staff
    request._messages = CookieStorage(request)
    response = model_admin.changelist_view(request)
    if hasattr(response, "render"):
        response.render()
    return response, request


def action(name, providers, **extra):
    return {
        "action": name,
        ACTION_CHECKBOX_NAME: [p.pk for p in providers],
        "index": "0",
        **extra,
    }


def messages_of(request):
    return [str(m) for m in request._messages._queued_messages]


def test_changelist_filters_by_status(model_admin, staff, category):
    ProviderFactory(category=category, shop_name="Live shop")
    ProviderFactory(category=category, shop_name="New shop", status="pending")
    response, _ = changelist(model_admin, staff, query="?status__exact=pending")
    body = response.content.decode()
    assert "New shop" in body and "Live shop" not in body


def test_search_by_owner_email(model_admin, staff, pending_provider, provider):
    response, _ = changelist(model_admin, staff, query=f"?q={pending_provider.user.email}")
    body = response.content.decode()
    assert pending_provider.shop_name in body and provider.shop_name not in body


def test_approve_action(
    model_admin, staff, category, django_capture_on_commit_callbacks, deliver_mail
):
    shops = ProviderFactory.create_batch(2, category=category, status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        response, request = changelist(model_admin, staff, action("approve_selected", shops))
    assert response.status_code == 302
    assert {p.status for p in Provider.objects.all()} == {"approved"}
    assert {p.status_changed_by for p in Provider.objects.all()} == {staff}
    assert len(deliver_mail()) == 2
    assert "2 shops approved." in messages_of(request)


def test_approve_action_reports_shops_it_cannot_change(model_admin, staff, provider, deliver_mail):
    response, request = changelist(model_admin, staff, action("approve_selected", [provider]))
    assert response.status_code == 302
    assert any("cannot be changed" in m for m in messages_of(request))
    assert deliver_mail() == []


def test_reject_asks_for_a_reason_first(model_admin, staff, pending_provider):
    response, _ = changelist(model_admin, staff, action("reject_selected", [pending_provider]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Reason (sent to the provider)" in body
    assert pending_provider.shop_name in body
    pending_provider.refresh_from_db()
    assert pending_provider.status == "pending"


def test_reject_without_reason_shows_the_form_again(
    model_admin, staff, pending_provider, deliver_mail
):
    data = action("reject_selected", [pending_provider], reason_submitted="1", reason="   ")
    response, _ = changelist(model_admin, staff, data)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    pending_provider.refresh_from_db()
    assert pending_provider.status == "pending"
    assert deliver_mail() == []


def test_reject_with_reason(
    model_admin, staff, pending_provider, django_capture_on_commit_callbacks, deliver_mail
):
    data = action(
        "reject_selected", [pending_provider], reason_submitted="1", reason="Blurry photo"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response, request = changelist(model_admin, staff, data)
    assert response.status_code == 302
    pending_provider.refresh_from_db()
    assert (pending_provider.status, pending_provider.rejection_reason) == (
        "rejected",
        "Blurry photo",
    )
    assert pending_provider.status_changed_by == staff
    assert "Blurry photo" in deliver_mail()[0].body
    assert "1 shop rejected." in messages_of(request)


def test_suspend_with_reason(
    model_admin, staff, provider, django_capture_on_commit_callbacks, deliver_mail
):
    data = action("suspend_selected", [provider], reason_submitted="1", reason="Complaints")
    with django_capture_on_commit_callbacks(execute=True):
        changelist(model_admin, staff, data)
    provider.refresh_from_db()
    assert (provider.status, provider.rejection_reason) == ("suspended", "Complaints")
    assert len(deliver_mail()) == 1


def test_status_is_read_only_in_the_change_form(model_admin, staff):
    request = RequestFactory().get("/")
    request.user = staff
    readonly = model_admin.get_readonly_fields(request)
    assert {"status", "status_changed_by", "status_changed_at", "wallet_balance"} <= set(readonly)


def test_provider_changes_are_audited(provider, staff):
    from auditlog.models import LogEntry

    from providers.services import provider_suspend

    provider_suspend(provider=provider, actor=staff, reason="Check")
    entry = LogEntry.objects.get_for_object(provider).latest("timestamp")
    assert "status" in entry.changes_dict


@pytest.mark.parametrize("model_name", ["Category", "Service", "WorkingHours", "TimeOff"])
def test_other_changelists_render(staff, provider, model_name):
    from datetime import date

    from providers import models
    from providers.tests.factories import ServiceFactory, TimeOffFactory, WorkingHoursFactory

    ServiceFactory(provider=provider)
    WorkingHoursFactory(provider=provider)
    TimeOffFactory(provider=provider, start_date=date(2026, 12, 25))
    model_admin = admin.site._registry[getattr(models, model_name)]
    request = RequestFactory().get("/")
    request.user = staff
    request._messages = CookieStorage(request)
    response = model_admin.changelist_view(request)
    response.render()
    assert response.status_code == 200
    assert "Priya&#x27;s Studio" in response.content.decode() or model_name == "Category"
