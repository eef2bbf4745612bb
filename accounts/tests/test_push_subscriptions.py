"""Opting a device in to push: stored with the device cookie, refused for unknown push services,
and gone when the user signs out there or signs out every other device."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Device, PushSubscription
from accounts.tests.factories import PASSWORD, CustomerFactory
from accounts.tests.push_service import b64url

pytestmark = pytest.mark.django_db

SUBSCRIBE = reverse("accounts:push_subscribe")
UNSUBSCRIBE = reverse("accounts:push_unsubscribe")


def signed_in(user, user_agent="Phone Chrome") -> Client:
    client = Client(HTTP_USER_AGENT=user_agent)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    return client


def post_json(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_a_device_opts_in_and_the_subscription_is_stored_with_it(push_service):
    user = CustomerFactory()
    client = signed_in(user)
    browser = push_service.browser("phone")
    assert post_json(client, SUBSCRIBE, browser.info).status_code == 201
    subscription = PushSubscription.objects.get()
    device = Device.objects.get(user=user)
    assert (subscription.user, subscription.device) == (user, device)
    assert subscription.endpoint == browser.endpoint
    # The same subscription again updates the row rather than adding one.
    assert post_json(client, SUBSCRIBE, browser.info).status_code == 201
    assert PushSubscription.objects.count() == 1
    # The security page shows the device with notifications on.
    page = client.get(reverse("accounts:security")).content.decode()
    assert "Notifications on" in page and "Notify me on this device" in page


@pytest.mark.parametrize(
    "change",
    [
        {"endpoint": "https://evil.example.com/push/1"},
        {"endpoint": "http://127.0.0.1.evil.example/push/1"},
        {"endpoint": "file:///etc/passwd"},
        {"endpoint": ""},
        {"keys": {"p256dh": "not-a-key", "auth": b64url(b"0" * 16)}},
        {"keys": {"auth": b64url(b"short")}},
        {"keys": "nope"},
    ],
)
def test_a_bad_subscription_is_refused_and_writes_nothing(push_service, change):
    client = signed_in(CustomerFactory())
    data = {**push_service.browser().info}
    if "keys" in change and isinstance(change["keys"], dict):
        data["keys"] = {**data["keys"], **change["keys"]}
    else:
        data.update(change)
    response = post_json(client, SUBSCRIBE, data)
    assert response.status_code == 400
    assert "error" in response.json()
    assert not PushSubscription.objects.exists()


def test_malformed_or_oversized_bodies_are_a_400(push_service):
    client = signed_in(CustomerFactory())
    assert client.post(SUBSCRIBE, "{not json", content_type="application/json").status_code == 400
    assert post_json(client, SUBSCRIBE, ["a", "list"]).status_code == 400
    big = {**push_service.browser().info, "padding": "x" * 5000}
    assert post_json(client, SUBSCRIBE, big).status_code == 400
    assert post_json(client, UNSUBSCRIBE, {"endpoint": 5}).status_code == 400


def test_opting_in_needs_a_signed_in_user_and_a_post(push_service):
    anonymous = Client()
    response = post_json(anonymous, SUBSCRIBE, push_service.browser().info)
    assert response.status_code == 302
    assert signed_in(CustomerFactory()).get(SUBSCRIBE).status_code == 405
    assert not PushSubscription.objects.exists()


def test_turning_it_off_forgets_only_this_users_subscription(push_service):
    user, other = CustomerFactory(), CustomerFactory()
    mine, theirs = push_service.browser("mine"), push_service.browser("theirs")
    me = signed_in(user)
    post_json(me, SUBSCRIBE, mine.info)
    post_json(signed_in(other), SUBSCRIBE, theirs.info)
    # Someone else's endpoint: nothing happens to it.
    assert post_json(me, UNSUBSCRIBE, {"endpoint": theirs.endpoint}).status_code == 200
    assert PushSubscription.objects.count() == 2
    post_json(me, UNSUBSCRIBE, {"endpoint": mine.endpoint})
    assert list(PushSubscription.objects.values_list("user", flat=True)) == [other.pk]


def test_signing_out_removes_this_devices_subscription_only(push_service):
    user = CustomerFactory()
    phone, laptop = signed_in(user, "Phone"), signed_in(user, "Laptop")
    post_json(phone, SUBSCRIBE, push_service.browser("phone").info)
    post_json(laptop, SUBSCRIBE, push_service.browser("laptop").info)
    phone.post(reverse("account_logout"))
    assert [s.endpoint.rsplit("/", 1)[-1] for s in PushSubscription.objects.all()] == ["laptop"]


def test_signing_out_other_devices_removes_their_subscriptions(push_service):
    user = CustomerFactory()
    phone, laptop = signed_in(user, "Phone"), signed_in(user, "Laptop")
    post_json(phone, SUBSCRIBE, push_service.browser("phone").info)
    post_json(laptop, SUBSCRIBE, push_service.browser("laptop").info)
    laptop.post(reverse("accounts:sessions_end_others"))
    assert [s.endpoint.rsplit("/", 1)[-1] for s in PushSubscription.objects.all()] == ["laptop"]


def test_a_browser_that_changes_account_moves_its_subscription(push_service):
    first, second = CustomerFactory(), CustomerFactory()
    browser = push_service.browser("shared")
    post_json(signed_in(first), SUBSCRIBE, browser.info)
    post_json(signed_in(second), SUBSCRIBE, browser.info)
    assert list(PushSubscription.objects.values_list("user", flat=True)) == [second.pk]


def test_notification_preferences_page_saves_each_channel(client):
    user = CustomerFactory()
    client.force_login(user)
    url = reverse("bookings:notification_preferences")
    page = client.get(url)
    assert page.status_code == 200
    assert "Your turn is near" in page.content.decode()
    response = client.post(url, {"confirmed__email": "on", "turn_near__push": "on"})
    assert response.status_code == 302
    choices = {p.kind: (p.email, p.push) for p in user.notification_preferences.all()}
    assert choices["confirmed"] == (True, False)
    assert choices["turn_near"] == (False, True)
    assert choices["reminder_1h"] == (False, False)
    assert "low_balance" not in choices  # a provider's kind


def test_providers_choose_their_own_kinds(client):
    from accounts.tests.factories import ProviderUserFactory

    client.force_login(ProviderUserFactory())
    page = client.get(reverse("bookings:notification_preferences")).content.decode()
    assert "Low wallet balance" in page and "waiting for wallet money" in page
    assert "Your turn is near" not in page


def test_preferences_need_a_signed_in_user(client):
    response = client.get(reverse("bookings:notification_preferences"))
    assert response.status_code == 302
