"""Every portal page is for the logged-in provider's own shop only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from providers.models import Service, TimeOff
from providers.tests.factories import ServiceFactory, TimeOffFactory, WorkingHoursFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "bookings:dashboard",
    "providers:profile",
    "providers:settings",
    "providers:services",
    "providers:service_create",
    "providers:hours",
    "providers:time_off",
]
OBJECT_URLS = [
    ("providers:service_edit", "service", "get"),
    ("providers:service_edit", "service", "post"),
    ("providers:service_deactivate", "service", "post"),
    ("providers:service_reactivate", "service", "post"),
    ("providers:service_delete", "service", "post"),
    ("providers:time_off_delete", "time_off", "post"),
]


@pytest.fixture
def owned(provider):
    return {
        "service": ServiceFactory(provider=provider, service_name="Bridal make-up"),
        "time_off": TimeOffFactory(
            provider=provider, start_date=timezone.localdate() + timedelta(days=2)
        ),
    }


def all_urls(owned):
    urls = [(reverse(name), "get") for name in PAGES]
    urls += [(reverse(name), "post") for name in PAGES if name != "bookings:dashboard"]
    urls += [(reverse(name, args=[owned[kind].pk]), method) for name, kind, method in OBJECT_URLS]
    return urls


def assert_untouched(owned):
    service = Service.objects.get(pk=owned["service"].pk)
    assert service.is_active and service.service_name == "Bridal make-up"
    assert TimeOff.objects.filter(pk=owned["time_off"].pk).exists()


def test_anonymous_is_sent_to_login(client, owned):
    for url, method in all_urls(owned):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert reverse("account_login") in response.url, url
    assert_untouched(owned)


def test_customer_gets_403(client, customer, owned):
    client.force_login(customer)
    for url, method in [*all_urls(owned), (reverse("providers:onboarding"), "get")]:
        assert getattr(client, method)(url).status_code == 403, url
    assert_untouched(owned)


def test_staff_without_a_shop_gets_403(client, staff, owned):
    client.force_login(staff)
    for url, method in all_urls(owned):
        assert getattr(client, method)(url).status_code == 403, url
    assert_untouched(owned)


def test_provider_without_a_shop_is_sent_to_onboarding(client, new_provider_user, owned):
    client.force_login(new_provider_user)
    for url, method in all_urls(owned):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url == reverse("providers:onboarding"), url
    assert_untouched(owned)


def test_another_provider_gets_404_for_tampered_ids(client, other_provider, owned):
    client.force_login(other_provider.user)
    for name, kind, method in OBJECT_URLS:
        url = reverse(name, args=[owned[kind].pk])
        response = getattr(client, method)(
            url, {"service_name": "Hacked", "rate": "1", "duration_minutes": "15"}
        )
        assert response.status_code == 404, url
    assert_untouched(owned)


def test_another_provider_sees_only_its_own_data(client, provider, other_provider, owned):
    WorkingHoursFactory(provider=provider, weekday=0, start_time="07:15", end_time="11:45")
    ServiceFactory(provider=other_provider, service_name="Beard trim")
    client.force_login(other_provider.user)
    services = client.get(reverse("providers:services")).content.decode()
    assert "Beard trim" in services and "Bridal make-up" not in services
    dashboard = client.get(reverse("bookings:dashboard")).content.decode()
    assert "Bridal make-up" not in dashboard and "Priya" not in dashboard
    hours = client.get(reverse("providers:hours")).content.decode()
    assert "07:15" not in hours
    profile = client.get(reverse("providers:profile"))
    assert profile.context["form"].instance == other_provider


def test_unknown_ids_get_404(provider_client):
    for name, _kind, method in OBJECT_URLS:
        url = reverse(name, args=[999999])
        assert getattr(provider_client, method)(url).status_code == 404, url


def test_action_urls_refuse_get(provider_client, owned):
    for name, kind, method in OBJECT_URLS:
        if method == "post" and name != "providers:service_edit":
            url = reverse(name, args=[owned[kind].pk])
            assert provider_client.get(url).status_code == 405, url
    assert_untouched(owned)
