"""Access-matrix entries of the provider portal API (tests/test_api_access_matrix.py)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from providers.tests.factories import ProviderFactory, ServiceFactory, TimeOffFactory
from tests.api import Endpoint, Setup


def _shop(data=None):
    def arrange(user) -> Setup:
        ProviderFactory(user=user, phone="+919845012345")
        return Setup(data=data() if data else None)

    return arrange


def _service(data=None):
    def arrange(user) -> Setup:
        service = ServiceFactory(provider=ProviderFactory(user=user))
        return Setup(kwargs={"pk": service.pk}, data=data)

    return arrange


def _time_off(user) -> Setup:
    day = timezone.localdate() + timedelta(days=5)
    entry = TimeOffFactory(provider=ProviderFactory(user=user), start_date=day, end_date=day)
    return Setup(kwargs={"pk": entry.pk})


def _new_service():
    return {"service_name": "Beard trim", "category": None, "rate": "150", "duration_minutes": 30}


def _new_service_arrange(user) -> Setup:
    shop = ProviderFactory(user=user)
    return Setup(data={**_new_service(), "category": shop.category.slug})


def _week():
    return {"days": [{"weekday": 0, "intervals": [{"start_time": "09:00", "end_time": "17:00"}]}]}


def _time_off_data():
    day = timezone.localdate() + timedelta(days=7)
    return {"start_date": day.isoformat(), "reason": "Family wedding"}


P = {"role": "provider", "wrong_role": "customer"}

ENDPOINTS = [
    Endpoint("provider-profile", "GET", arrange=_shop(), **P),
    Endpoint("provider-profile", "PATCH", arrange=_shop(lambda: {"description": "Haircuts"}), **P),
    Endpoint("provider-services-list", "GET", arrange=_shop(), **P),
    Endpoint("provider-services-list", "POST", arrange=_new_service_arrange, success=201, **P),
    Endpoint("provider-services-detail", "GET", arrange=_service(), **P),
    Endpoint("provider-services-detail", "PATCH", arrange=_service({"rate": "320.00"}), **P),
    Endpoint("provider-services-detail", "DELETE", arrange=_service(), success=204, **P),
    Endpoint("provider-hours", "GET", arrange=_shop(), **P),
    Endpoint("provider-hours", "PUT", arrange=_shop(_week), **P),
    Endpoint("provider-time-off-list", "GET", arrange=_shop(), **P),
    Endpoint("provider-time-off-list", "POST", arrange=_shop(_time_off_data), success=201, **P),
    Endpoint("provider-time-off-detail", "DELETE", arrange=_time_off, success=204, **P),
]
