"""The provider portal API: profile, services, hours, time off, with the portal forms' rules
and messages. Access is the matrix's (providers/tests/api_matrix.py)."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import ProviderUserFactory
from providers.models import Provider, Service, TimeOff, WorkingHours
from providers.tests.factories import ProviderFactory, ServiceFactory, TimeOffFactory
from tests.api import PROBLEM_JSON, api_client_for

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content[:400]
    assert response["Content-Type"].startswith(PROBLEM_JSON)
    return response.json()


@pytest.fixture
def shop():
    return ProviderFactory(user=ProviderUserFactory(), phone="+919845012345", slot_step_minutes=15)


@pytest.fixture
def client(shop):
    return api_client_for(shop.user)


def test_profile_read_and_patch_only_the_fields_sent(client, shop):
    body = client.get(url("provider-profile")).json()
    assert body["slug"] == shop.slug and body["status"] == "approved"
    response = client.patch(url("provider-profile"), {"description": "Haircuts and colour"})
    assert response.status_code == 200, response.content
    shop.refresh_from_db()
    assert shop.description == "Haircuts and colour" and shop.city == "Bengaluru"


def test_a_listed_shops_new_name_waits_for_review(client, shop):
    body = client.patch(url("provider-profile"), {"shop_name": "Priya Studio Two"}).json()
    assert body["shop_name"] == shop.shop_name and body["pending_shop_name"] == "Priya Studio Two"


def test_profile_errors_are_the_forms(client, shop):
    body = _problem(client.patch(url("provider-profile"), {"gstin": "27AAPFU0939F1ZX"}), 400)
    assert body["errors"]["gstin"] == [
        "This GSTIN's last character does not match; please check it for typos."
    ]
    body = _problem(client.patch(url("provider-profile"), {"pincode": "12"}), 400)
    assert "pincode" in body["errors"]
    body = _problem(client.patch(url("provider-profile"), {"category": "no-such"}), 400)
    assert "category" in body["errors"]


def test_services_add_list_edit_deactivate_delete(client, shop):
    created = client.post(
        url("provider-services-list"),
        {
            "service_name": "  Beard   trim ",
            "category": shop.category.slug,
            "rate": "150",
            "duration_minutes": 30,
        },  # fmt: skip
    )
    assert created.status_code == 201, created.content
    service_id = created.json()["id"]
    assert created.json()["service_name"] == "Beard trim"
    listed = client.get(url("provider-services-list")).json()["results"]
    assert [s["id"] for s in listed] == [service_id]
    edited = client.patch(url("provider-services-detail", pk=service_id), {"rate": "175.50"})
    assert edited.json()["rate"] == "175.50"
    assert Service.objects.get(pk=service_id).duration_minutes == 30
    off = client.patch(url("provider-services-detail", pk=service_id), {"is_active": False})
    assert off.json()["is_active"] is False
    on = client.patch(url("provider-services-detail", pk=service_id), {"is_active": True})
    assert on.json()["is_active"] is True
    assert client.delete(url("provider-services-detail", pk=service_id)).status_code == 204
    assert not Service.objects.filter(pk=service_id).exists()


def test_service_rules_are_the_forms(client, shop):
    data = {"service_name": "Cut", "category": shop.category.slug, "rate": "0.50",
            "duration_minutes": 20}  # fmt: skip
    body = _problem(client.post(url("provider-services-list"), data), 400)
    assert "rate" in body["errors"]
    assert body["errors"]["duration_minutes"][0].startswith("Use a multiple of 15 minutes")
    assert not Service.objects.exists()


def test_a_booked_service_is_deactivated_not_deleted(client, shop):
    from bookings.tests.factories import AppointmentFactory

    service = ServiceFactory(provider=shop)
    AppointmentFactory(service=service)
    response = client.delete(url("provider-services-detail", pk=service.pk))
    assert response.status_code == 200 and response.json()["is_active"] is False


def test_another_shops_service_is_not_found(client):
    foreign = ServiceFactory()
    _problem(client.patch(url("provider-services-detail", pk=foreign.pk), {"rate": "1"}), 404)
    _problem(client.delete(url("provider-services-detail", pk=foreign.pk)), 404)
    assert Service.objects.filter(pk=foreign.pk).exists()


def test_hours_replace_the_week(client, shop):
    week = {
        "days": [
            {
                "weekday": 0,
                "intervals": [
                    {"start_time": "09:00", "end_time": "13:00"},
                    {"start_time": "14:00", "end_time": "18:00"},
                ],
            },  # fmt: skip
            {"weekday": 5, "intervals": [{"start_time": "10:00", "end_time": "14:00"}]},
        ]
    }
    response = client.put(url("provider-hours"), week)
    assert response.status_code == 200, response.content
    days = {d["weekday"]: d["intervals"] for d in response.json()["days"]}
    assert days[0] == week["days"][0]["intervals"] and days[1] == []
    assert WorkingHours.objects.filter(provider=shop).count() == 3
    assert client.get(url("provider-hours")).json() == response.json()


def test_overlapping_or_backwards_hours_are_refused_with_the_day_named(client, shop):
    WorkingHours.objects.create(provider=shop, weekday=2, start_time=time(9), end_time=time(17))
    overlap = {"days": [{"weekday": 0, "intervals": [
        {"start_time": "09:00", "end_time": "13:00"},
        {"start_time": "12:00", "end_time": "18:00"}]}]}  # fmt: skip
    body = _problem(client.put(url("provider-hours"), overlap), 400)
    assert body["errors"]["days.0"] == ["09:00–13:00 overlaps 12:00–18:00."] or (
        "overlap" in body["errors"]["days.0"][0]
    )
    backwards = {"days": [{"weekday": 1, "intervals": [
        {"start_time": "18:00", "end_time": "09:00"}]}]}  # fmt: skip
    body = _problem(client.put(url("provider-hours"), backwards), 400)
    assert body["errors"]["days.1"] == [
        "18:00–09:00: the closing time must be after the opening time."
    ]
    # Nothing changed.
    assert list(WorkingHours.objects.filter(provider=shop).values_list("weekday", flat=True)) == [2]


def test_time_off_add_list_delete(client, shop):
    day = timezone.localdate() + timedelta(days=7)
    made = client.post(
        url("provider-time-off-list"),
        {
            "start_date": day.isoformat(),
            "kind": "special",
            "open_time": "10:00",
            "close_time": "14:00",
            "reason": "Half day",
        },  # fmt: skip
    )
    assert made.status_code == 201, made.content
    assert made.json()["end_date"] == day.isoformat() and made.json()["open_time"] == "10:00"
    listed = client.get(url("provider-time-off-list")).json()["results"]
    assert [e["id"] for e in listed] == [made.json()["id"]]
    clash = client.post(url("provider-time-off-list"), {"start_date": day.isoformat()})
    assert _problem(clash, 409)["code"] == "OverlappingTimeOff"
    assert client.delete(url("provider-time-off-detail", pk=made.json()["id"])).status_code == 204
    assert not TimeOff.objects.exists()


def test_time_off_rules_are_the_forms(client):
    past = timezone.localdate() - timedelta(days=1)
    body = _problem(
        client.post(url("provider-time-off-list"), {"start_date": past.isoformat()}), 400
    )
    assert body["errors"]["start_date"] == ["Choose today or a later date."]
    day = timezone.localdate() + timedelta(days=3)
    body = _problem(
        client.post(
            url("provider-time-off-list"), {"start_date": day.isoformat(), "kind": "special"}
        ),
        400,
    )
    assert body["errors"]["open_time"] == ["When do you open on these days?"]


def test_another_shops_time_off_is_not_found(client):
    entry = TimeOffFactory(start_date=timezone.localdate(), end_date=timezone.localdate())
    _problem(client.delete(url("provider-time-off-detail", pk=entry.pk)), 404)
    assert TimeOff.objects.filter(pk=entry.pk).exists()


def test_rejected_shop_saving_goes_back_to_review(shop):
    Provider.objects.filter(pk=shop.pk).update(status=Provider.Status.REJECTED)
    client = api_client_for(shop.user)
    body = client.patch(url("provider-profile"), {"address": "14 MG Road"}).json()
    assert body["status"] == "pending"
    assert Decimal(body["wallet_balance"]) == Decimal("0")


def test_a_weekday_sent_twice_counts_its_intervals_together(client, shop):
    week = {"days": [
        {"weekday": 3, "intervals": [{"start_time": "09:00", "end_time": "12:00"}]},
        {"weekday": 3, "intervals": [{"start_time": "11:00", "end_time": "15:00"}]},
    ]}  # fmt: skip
    _problem(client.put(url("provider-hours"), week), 400)
    week["days"][1]["intervals"][0]["start_time"] = "13:00"
    assert client.put(url("provider-hours"), week).status_code == 200
    assert WorkingHours.objects.filter(provider=shop, weekday=3).count() == 2
