"""The staff API: approvals, blocking and reports, behind the second factor and the same
roles as the staff pages (adminpanel.roles). Access is also in the matrix."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.tests.factories import CustomerFactory, StaffFactory
from providers.models import Provider
from providers.tests.factories import ProviderFactory
from tests.api import PROBLEM_JSON, api_client_for

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content[:400]
    assert response["Content-Type"].startswith(PROBLEM_JSON)
    return response.json()


def staff_in(role: str):
    user = StaffFactory(is_superuser=False)
    user.groups.add(Group.objects.get(name=role))
    return user


def test_pending_queue_oldest_first_and_approve():
    first = ProviderFactory(status=Provider.Status.PENDING)
    second = ProviderFactory(status=Provider.Status.PENDING)
    ProviderFactory()  # approved: not in the queue
    client = api_client_for(staff_in("approvals"))
    rows = client.get(url("admin-providers-pending")).json()["results"]
    assert [r["id"] for r in rows] == [first.pk, second.pk]
    assert rows[0]["owner_email"] == first.user.email
    approved = client.post(url("admin-providers-approve", pk=first.pk))
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    # Approving it again collides with its state: the service's message.
    assert _problem(client.post(url("admin-providers-approve", pk=first.pk)), 409)["detail"]


def test_reject_needs_a_reason_the_provider_can_act_on():
    shop = ProviderFactory(status=Provider.Status.PENDING)
    client = api_client_for(staff_in("approvals"))
    body = _problem(client.post(url("admin-providers-reject", pk=shop.pk), {"reason": "no"}), 400)
    assert body["errors"]["reason"] == ["Tell the provider what to fix (at least 5 characters)."]
    done = client.post(url("admin-providers-reject", pk=shop.pk), {"reason": "Add the address."})
    assert done.json()["status"] == "rejected"
    assert done.json()["rejection_reason"] == "Add the address."
    _problem(client.post(url("admin-providers-reject", pk=999999), {"reason": "Whatever"}), 404)


def test_block_and_unblock():
    user = CustomerFactory()
    staff = staff_in("support")
    client = api_client_for(staff)
    blocked = client.post(url("admin-users-block", pk=user.pk), {"reason": "Fraud report"})
    assert blocked.json()["is_blocked"] is True
    user.refresh_from_db()
    assert user.is_blocked and user.blocked_reason == "Fraud report"
    # The blocked user's token stops working at once.
    assert api_client_for(user).get(url("bookings-list")).status_code in (401, 403)
    _problem(client.post(url("admin-users-block", pk=user.pk), {}), 400)
    body = _problem(client.post(url("admin-users-block", pk=staff.pk), {"reason": "oops"}), 422)
    assert body["detail"] == "You cannot block your own account."
    unblocked = client.post(url("admin-users-unblock", pk=user.pk))
    assert unblocked.json()["is_blocked"] is False


def test_reports_for_a_period():
    client = api_client_for(staff_in("finance"))
    body = client.get(url("admin-reports"), {"date_from": "2026-11-01", "date_to": "2026-11-30"})
    assert body.status_code == 200
    data = body.json()
    assert (data["date_from"], data["date_to"]) == ("2026-11-01", "2026-11-30")
    assert len(data["daily"]) == 30 and "bookings" in data and "revenue" in data
    bad = _problem(
        client.get(url("admin-reports"), {"date_from": "2026-11-30", "date_to": "2026-11-01"}),
        400,
    )
    assert bad["detail"] == "The start date must be on or before the end date."


@pytest.mark.parametrize(
    ("role", "name", "method"),
    [
        ("support", "admin-providers-pending", "get"),
        ("finance", "admin-providers-approve", "post"),
        ("approvals", "admin-users-block", "post"),
        ("support", "admin-reports", "get"),
    ],
)
def test_staff_without_the_role_get_403(role, name, method):
    kwargs = {
        "admin-providers-approve": {"pk": ProviderFactory(status=Provider.Status.PENDING).pk},
        "admin-users-block": {"pk": CustomerFactory().pk},
    }.get(name, {})
    response = getattr(api_client_for(staff_in(role)), method)(url(name, **kwargs), {"reason": "x"})
    assert _problem(response, 403)["detail"] == "Your staff role does not include this."


def test_staff_without_their_second_factor_get_403_and_nothing_changes():
    shop = ProviderFactory(status=Provider.Status.PENDING)
    client = api_client_for(StaffFactory(), otp=False)
    _problem(client.post(url("admin-providers-approve", pk=shop.pk)), 403)
    shop.refresh_from_db()
    assert shop.status == Provider.Status.PENDING
