"""The installable app's files: manifest, service worker, offline page, icons; and which pages
the worker may keep for offline reading. Plus the VAPID settings production insists on."""

import json
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from accounts.tests.factories import CustomerFactory
from accounts.vapid import generate_vapid_keys, vapid_keys_match

from .test_production import PRODUCTION_ENV, PYTHON, run

pytestmark = pytest.mark.django_db


def test_the_service_worker_is_served_from_the_root_uncached_under_the_csp(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    body = response.content.decode()
    assert '"offline":"/offline/"' in body
    assert "bmt-private" in body and "notificationclick" in body


def test_a_new_version_changes_the_worker(client, settings):
    first = client.get("/sw.js").content
    settings.APP_VERSION = "next-deploy"
    second = client.get("/sw.js").content
    assert first != second and b"next-deploy" in second


def test_the_manifest_names_the_app_its_icons_and_scope(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "BookMyToken" and manifest["short_name"]
    assert manifest["display"] == "standalone"
    assert manifest["scope"] == "/" and manifest["start_url"].startswith("/bookings/")
    assert manifest["theme_color"] == "#4f46e5"
    sizes = {(i["sizes"], i.get("purpose", "any")) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix(settings.STATIC_URL))
        width, height = Image.open(path).size
        assert f"{width}x{height}" == icon["sizes"]


def test_every_page_links_the_manifest_and_the_apple_icon(client):
    page = client.get("/").content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in page
    assert 'name="theme-color"' in page
    assert "apple-touch-icon-180" in page
    assert Image.open(finders.find("img/icons/apple-touch-icon-180.png")).size == (180, 180)
    assert 'data-sw-url="/sw.js"' in page and 'data-signed-in="0"' in page


def test_the_offline_page_holds_no_personal_data(client):
    user = CustomerFactory(name="Asha Verma")
    client.force_login(user)
    page = client.get("/offline/").content.decode()
    assert "You are offline" in page
    assert "Asha" not in page and user.email not in page


@pytest.fixture
def booking(db):
    from bookings import services
    from providers.tests.factories import ProviderFactory, ServiceFactory, open_all_week
    from wallet.services import credit

    provider = ProviderFactory(min_notice_minutes=0, max_days_ahead=30, auto_confirm=True)
    open_all_week(provider, start=time(0), end=time(23, 45))
    credit(provider=provider, amount=Decimal("500"), kind="adjustment", reference_id="s")
    tomorrow = timezone.localdate() + timedelta(days=1)
    return services.appointment_book(
        customer=CustomerFactory(),
        service=ServiceFactory(provider=provider, duration_minutes=30),
        booking_date=tomorrow,
        slot_time=time(10),
    )


def test_only_the_customers_own_upcoming_booking_is_kept_offline(client, booking):
    url = f"/bookings/{booking.pk}/"
    client.force_login(booking.customer)
    response = client.get(url)
    assert response["X-Offline-Cache"] == "booking"
    assert "Notify me on this device" in response.content.decode()

    client.force_login(booking.provider.user)
    assert "X-Offline-Cache" not in client.get(url)

    from bookings import services

    services.appointment_cancel(appointment=booking, actor=booking.customer)
    client.force_login(booking.customer)
    assert "X-Offline-Cache" not in client.get(url)


def test_a_past_booking_is_not_kept_offline(client, booking):
    import time_machine

    client.force_login(booking.customer)
    with time_machine.travel(booking.ends_at + timedelta(minutes=1)):
        response = client.get(f"/bookings/{booking.pk}/")
    assert response.status_code == 200 and "X-Offline-Cache" not in response


# --- VAPID keys and production settings --------------------------------------------------------


def test_the_command_prints_a_matching_key_pair(capsys):
    call_command("generate_vapid_keys")
    lines = dict(line.split("=", 1) for line in capsys.readouterr().out.split())
    assert vapid_keys_match(lines["VAPID_PRIVATE_KEY"], lines["VAPID_PUBLIC_KEY"])
    other_private, _ = generate_vapid_keys()
    assert not vapid_keys_match(other_private, lines["VAPID_PUBLIC_KEY"])
    assert not vapid_keys_match("garbage", lines["VAPID_PUBLIC_KEY"])


@pytest.mark.parametrize(
    ("push_env", "message"),
    [
        ({"VAPID_PRIVATE_KEY": ""}, "VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY"),
        ({"VAPID_SUBJECT": ""}, "VAPID_SUBJECT"),
        ({"VAPID_PUBLIC_KEY": generate_vapid_keys()[1]}, "not the public half"),
        ({"VAPID_SUBJECT": "ops@bookmytoken.in"}, "mailto:"),
    ],
)
def test_production_refuses_to_start_with_push_on_and_keys_missing(push_env, message):
    private, public = generate_vapid_keys()
    env = {
        **PRODUCTION_ENV,
        "PUSH_ENABLED": "true",
        "VAPID_PRIVATE_KEY": private,
        "VAPID_PUBLIC_KEY": public,
        "VAPID_SUBJECT": "mailto:ops@bookmytoken.in",
        **push_env,
    }
    result = run([PYTHON, "manage.py", "check"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_production_starts_with_push_on_and_a_valid_pair_or_with_push_off():
    private, public = generate_vapid_keys()
    env = {
        **PRODUCTION_ENV,
        "PUSH_ENABLED": "true",
        "VAPID_PRIVATE_KEY": private,
        "VAPID_PUBLIC_KEY": public,
        "VAPID_SUBJECT": "mailto:ops@bookmytoken.in",
    }
    result = run([PYTHON, "manage.py", "check"], env)
    assert result.returncode == 0, result.stderr
    assert run([PYTHON, "manage.py", "check"], PRODUCTION_ENV).returncode == 0


def test_push_is_off_without_keys(settings, client):
    from accounts import push

    settings.PUSH_ENABLED = False
    assert not push.push_configured()
    settings.PUSH_ENABLED = True
    settings.VAPID_PRIVATE_KEY = ""
    assert not push.push_configured()
    assert push.send_due() == {"sent": 0, "gone": 0, "retry": 0, "failed": 0}
