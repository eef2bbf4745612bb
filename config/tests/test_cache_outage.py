"""The cache is an optimisation, never a dependency (DESIGN invariant 8).

With Redis unreachable (the real django-redis backend and our settings, pointed at a closed
loopback port) every page still answers, sign-in and bookings work, and the per-account lockout
still holds. With a cache whose every call raises, bookings still commit. No cache call happens
inside a database transaction.
"""

import json
import logging
import socket
import time as time_module
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import PASSWORD, CustomerFactory, ProviderUserFactory
from bookings import services as booking_services
from bookings.models import Appointment
from config.settings.base import redis_cache
from providers import services as provider_services
from providers.tests.factories import ProviderFactory, ServiceFactory, open_all_week
from wallet.forms import new_idempotency_key
from wallet.models import WalletTransaction
from wallet.services import credit

pytestmark = pytest.mark.django_db

IST = ZoneInfo("Asia/Kolkata")
NOW = datetime(2026, 12, 7, 7, 0, tzinfo=IST)  # Monday 07:00
RAISING = {"default": {"BACKEND": "config.tests.cache_backends.RaisingCache"}}
CHECKING = {"default": {"BACKEND": "config.tests.cache_backends.TransactionCheckingCache"}}


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released): connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {"default": redis_cache(f"redis://127.0.0.1:{closed_port()}/0")}


@pytest.fixture
def shop(db):
    owner = ProviderUserFactory()
    provider = ProviderFactory(
        user=owner, slot_step_minutes=30, capacity=1, min_notice_minutes=0, max_days_ahead=14
    )
    open_all_week(provider)
    credit(
        provider=provider,
        amount="500.00",
        kind=WalletTransaction.Kind.ADJUSTMENT,
        reference_id="opening",
    )
    return provider


@pytest.fixture
def service(shop):
    return ServiceFactory(provider=shop, duration_minutes=30)


def public_urls(service) -> list[tuple[str, dict]]:
    slug = service.provider.slug
    return [
        (reverse("home"), {}),
        (reverse("bookings:search"), {}),
        (reverse("bookings:search"), {"category": service.provider.category.slug}),
        (reverse("bookings:provider", args=[slug]), {}),
        (reverse("bookings:book", args=[slug, service.pk]), {"date": "2026-12-07"}),
        (reverse("bookings:slots", args=[slug, service.pk]), {"date": "2026-12-07"}),
        (reverse("account_login"), {}),
        (reverse("account_signup"), {}),
    ]


def book_post(client, service, at="10:00", key=""):
    url = reverse("bookings:confirm", args=[service.provider.slug, service.pk])
    return client.post(url, {"date": "2026-12-07", "time": at, "note": "", "idempotency_key": key})


# --- Redis unreachable ----------------------------------------------------------------------


@pytest.mark.usefixtures("redis_down", "frozen")
def test_public_pages_answer_with_redis_down(client, service, caplog):
    caplog.set_level(logging.ERROR, logger="cache")
    for url, params in public_urls(service):
        for _ in range(2):  # a miss each time: nothing was stored
            response = client.get(url, params)
            assert response.status_code == 200, url
    assert service.provider.shop_name in client.get(reverse("bookings:search")).text
    assert 'name="time" value="10:00"' in client.get(*public_urls(service)[5]).text
    assert "Exception ignored" in caplog.text  # every failed call is logged


@pytest.mark.usefixtures("redis_down", "frozen")
def test_sign_in_and_sign_up_work_with_redis_down(client, deliver_mail):
    customer = CustomerFactory()
    response = client.post(
        reverse("account_login"), {"login": customer.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == customer.pk
    # The session is in the database: the next page knows who is signed in.
    assert client.get(reverse("bookings:mine")).status_code == 200

    client.logout()
    response = client.post(
        reverse("account_signup"),
        {
            "role": "customer",
            "name": "Meera Iyer",
            "email": "meera@example.in",
            "mobile": "98450 12345",
            "password1": "a-long-secret-9",
            "password2": "a-long-secret-9",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert User.objects.filter(email="meera@example.in").exists()
    assert any("meera@example.in" in m.to for m in deliver_mail()), [m.to for m in deliver_mail()]


@pytest.mark.usefixtures("redis_down", "frozen")
def test_password_reset_works_with_redis_down(client, deliver_mail):
    customer = CustomerFactory()
    response = client.post(reverse("account_reset_password"), {"email": customer.email})
    assert response.status_code == 302
    assert any(customer.email in m.to for m in deliver_mail())


@pytest.mark.usefixtures("redis_down", "frozen")
def test_account_lockout_still_holds_with_redis_down(client):
    """The per-IP rate limit fails open, but five failures still lock the account (axes keeps
    its counts in the database)."""
    customer = CustomerFactory()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": customer.email, "password": "wrong"})
    response = client.post(
        reverse("account_login"), {"login": customer.email, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.usefixtures("redis_down", "frozen")
def test_logged_in_pages_and_a_booking_work_with_redis_down(client, service):
    customer = CustomerFactory()
    client.force_login(customer)
    key = new_idempotency_key()
    response = book_post(client, service, key=key)
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("bookings:detail", args=[appointment.pk])
    # The same form sent again (a retry after a slow answer): still one booking.
    assert book_post(client, service, key=key)["Location"] == response["Location"]
    assert Appointment.objects.count() == 1
    assert client.get(response["Location"]).status_code == 200
    assert client.get(reverse("bookings:mine")).status_code == 200
    # The booking shows on the shop's pages at once.
    assert 'name="time" value="10:00"' not in client.get(*public_urls(service)[5]).text

    client.force_login(service.provider.user)
    for name in ("bookings:dashboard", "bookings:provider_bookings", "wallet:home"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("providers:profile")).status_code == 200


@pytest.mark.usefixtures("frozen")
def test_a_hanging_redis_costs_a_page_about_a_second_not_a_worker(client, service, settings):
    """A Redis that accepts connections and never answers: each call gives up after the
    socket timeout, and the pages answer from the database."""
    with socket.socket() as hanging:
        hanging.bind(("127.0.0.1", 0))
        hanging.listen(64)
        port = hanging.getsockname()[1]
        settings.CACHES = {"default": redis_cache(f"redis://127.0.0.1:{port}/0")}
        for url, params in public_urls(service)[:6]:
            started = time_module.monotonic()
            assert client.get(url, params).status_code == 200, url
            assert time_module.monotonic() - started < 3, url


# --- every cache call raises ----------------------------------------------------------------


@override_settings(CACHES=RAISING)
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("frozen")
def test_bookings_and_shop_changes_commit_when_every_cache_call_raises(service, caplog):
    customer = CustomerFactory()
    appointment = booking_services.appointment_book(
        customer=customer, service=service, booking_date=NOW.date(), slot_time=time(10)
    )
    booking_services.appointment_confirm(appointment=appointment, actor=service.provider.user)
    booking_services.appointment_cancel(appointment=appointment, actor=customer, reason="")
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED

    # Shop changes delete cached pages after commit; the failure is a log line.
    provider_services.time_off_create(provider=service.provider, start_date=NOW.date())
    provider_services.service_deactivate(service=service)
    assert service.provider.time_off.count() == 1
    assert "could not delete cache keys" in caplog.text


# --- no cache call inside a transaction -----------------------------------------------------


@override_settings(CACHES=CHECKING)
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("frozen")
def test_no_cache_call_inside_a_transaction_when_booking_confirming_or_cancelling(client, service):
    """The checking backend raises on any call made while a transaction is open, so a 500 here
    (or an exception from a service) means the cache was used inside one."""
    client.raise_request_exception = True
    for url, params in public_urls(service):
        assert client.get(url, params).status_code == 200
    customer = CustomerFactory()
    client.force_login(customer)
    assert book_post(client, service).status_code == 302
    appointment = Appointment.objects.get()

    client.force_login(service.provider.user)
    confirm = reverse("bookings:provider_action", args=[appointment.pk, "confirm"])
    assert client.post(confirm).status_code == 302
    cancel = reverse("bookings:cancel", args=[appointment.pk])
    assert client.post(cancel, {"reason": "Closed for a repair"}).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED

    # Shop changes: their cache deletions wait for the commit.
    provider_services.time_off_create(provider=service.provider, start_date=NOW.date())
    provider_services.service_update(service=service, data={"service_name": "Trim"})
    assert "Trim" in client.get(reverse("bookings:provider", args=[service.provider.slug])).text


def test_the_checking_backend_does_fail_inside_a_transaction(settings):
    """The test above can fail: the same backend refuses a call inside ``atomic``."""
    from django.core.cache import cache
    from django.db import transaction

    from config.tests.cache_backends import CacheCalledInTransaction

    settings.CACHES = CHECKING
    with pytest.raises(CacheCalledInTransaction), transaction.atomic():
        cache.set("k", 1, 5)


def test_production_settings_treat_the_cache_as_optional():
    from config.tests.test_production import PRODUCTION_ENV, run_python

    result = run_python(
        """
        import json
        import django
        from django.conf import settings
        django.setup()
        print(json.dumps({
            "options": settings.CACHES["default"]["OPTIONS"],
            "session": settings.SESSION_ENGINE,
            "fail_open": settings.RATELIMIT_FAIL_OPEN,
            "log": settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS,
        }))
        """,
        PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["options"]["IGNORE_EXCEPTIONS"] is True
    assert values["options"]["SOCKET_TIMEOUT"] <= 0.5
    assert values["options"]["SOCKET_CONNECT_TIMEOUT"] <= 0.5
    assert values["session"] == "django.contrib.sessions.backends.db"
    assert values["fail_open"] is True
    assert values["log"] is True
