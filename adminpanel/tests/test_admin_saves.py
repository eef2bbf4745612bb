"""Admin forms never write money or security columns (DESIGN invariant 11): a change saved in the
Django admin leaves what a service changed meanwhile as the service left it."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.files import File
from django.db.models import F
from django.urls import reverse

from accounts import services as account_services
from accounts.models import User
from accounts.tests.factories import CustomerFactory
from providers.models import Provider
from providers.services import provider_suspend
from providers.tests.factories import ProviderFactory, ServiceFactory
from wallet import services as wallet_services
from wallet.models import WalletTransaction
from wallet.tests.factories import fund

pytestmark = pytest.mark.django_db


def _form_data(response) -> dict:
    """What the browser sends back for the change form exactly as it was rendered."""
    data: dict = {}

    def add(form, prefix: str = "") -> None:
        for name, field in form.fields.items():
            if field.disabled:
                continue
            value = form[name].value()
            if value is None or isinstance(value, File):
                continue
            data[form.add_prefix(name) if prefix else name] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for form in formset.forms:
            add(form, prefix=formset.prefix)
    return data


def _meanwhile(monkeypatch, model, change) -> None:
    """Run ``change`` (another request's service call) right after the admin has loaded the
    object it is about to save: the window in which a full-row save would undo it."""
    model_admin = admin.site._registry[model]
    load = model_admin.get_object

    def load_then_change(request, object_id, from_field=None):
        obj = load(request, object_id, from_field)
        if request.method == "POST":
            change()
        return obj

    monkeypatch.setattr(model_admin, "get_object", load_then_change)


def test_provider_save_keeps_a_fee_debited_while_the_form_was_open(staff_client, monkeypatch):
    provider = ProviderFactory()
    ServiceFactory(provider=provider)
    fund(provider, "880.00")
    url = reverse("admin:providers_provider_change", args=[provider.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    _meanwhile(
        monkeypatch,
        Provider,
        lambda: wallet_services.debit(
            provider=Provider.objects.get(pk=provider.pk),
            amount=Decimal("5.00"),
            kind=WalletTransaction.Kind.BOOKING_FEE,
            reference_id="appt-1",
        ),
    )
    data = _form_data(page)
    data["shop_name"] = "Renamed shop"
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    provider.refresh_from_db()
    assert provider.shop_name == "Renamed shop"
    assert provider.wallet_balance == Decimal("875.00")  # as the ledger says


def test_provider_save_keeps_a_suspension_made_while_the_form_was_open(
    staff_client, staff, monkeypatch
):
    provider = ProviderFactory()
    url = reverse("admin:providers_provider_change", args=[provider.pk])
    page = staff_client.get(url)
    _meanwhile(
        monkeypatch,
        Provider,
        lambda: provider_suspend(
            provider=Provider.objects.get(pk=provider.pk), actor=staff, reason="Unpaid fees"
        ),
    )
    data = _form_data(page)
    data["capacity"] = 3
    assert staff_client.post(url, data).status_code == 302
    provider.refresh_from_db()
    assert provider.capacity == 3
    assert provider.status == Provider.Status.SUSPENDED
    assert provider.rejection_reason == "Unpaid fees"


def test_user_save_keeps_a_block_made_while_the_form_was_open(staff_client, staff, monkeypatch):
    user = CustomerFactory(name="Old name")
    url = reverse("admin:accounts_user_change", args=[user.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    _meanwhile(
        monkeypatch,
        User,
        lambda: account_services.user_block(
            user=User.objects.get(pk=user.pk), actor=staff, reason="Chargeback fraud"
        ),
    )
    data = _form_data(page)
    data["name"] = "New name"
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    fresh = User.objects.get(pk=user.pk)
    assert fresh.name == "New name"
    assert fresh.is_blocked and fresh.blocked_reason == "Chargeback fraud"
    assert fresh.session_version == user.session_version + 1


def test_user_save_keeps_sessions_ended_while_the_form_was_open(staff_client, monkeypatch):
    user = CustomerFactory(is_blocked=True)
    url = reverse("admin:accounts_user_change", args=[user.pk])
    page = staff_client.get(url)

    def unblock_and_sign_out_everywhere() -> None:
        account_services.user_unblock(user=User.objects.get(pk=user.pk), actor=None)
        # What "sign out everywhere else" does (accounts.services.sessions_end_others).
        User.objects.filter(pk=user.pk).update(session_version=F("session_version") + 1)

    _meanwhile(monkeypatch, User, unblock_and_sign_out_everywhere)
    data = _form_data(page)
    data["name"] = "Someone else"
    assert staff_client.post(url, data).status_code == 302
    fresh = User.objects.get(pk=user.pk)
    assert not fresh.is_blocked
    assert fresh.session_version == user.session_version + 1


def test_security_flags_are_read_only_in_the_user_form(staff_client):
    user = CustomerFactory(email_verified=False)
    url = reverse("admin:accounts_user_change", args=[user.pk])
    page = staff_client.get(url)
    form = page.context["adminform"].form
    assert not {"is_blocked", "email_verified", "session_version"} & set(form.fields)
    data = _form_data(page)
    data.update(is_blocked="on", email_verified="on", session_version="99")
    assert staff_client.post(url, data).status_code == 302
    fresh = User.objects.get(pk=user.pk)
    assert not fresh.is_blocked and not fresh.email_verified
    assert fresh.session_version == user.session_version
