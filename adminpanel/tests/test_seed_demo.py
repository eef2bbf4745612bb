from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from bookings.models import Appointment
from providers.models import Provider
from wallet.models import Payment

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_accounts_shops_and_a_week_of_activity_once():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "admin@demo.bookmytoken.in" in out.getvalue()
    assert User.objects.get(email="customer@demo.bookmytoken.in").email_verified
    assert Provider.objects.filter(status=Provider.Status.PENDING).count() == 1
    approved = Provider.objects.filter(status=Provider.Status.APPROVED)
    assert approved.count() == 3
    bookings = Appointment.objects.count()
    assert bookings > 0
    assert Appointment.objects.filter(status=Appointment.Status.CONFIRMED).exists()
    assert Appointment.objects.filter(status=Appointment.Status.CANCELLED).exists()
    assert Payment.objects.filter(status=Payment.Status.PAID).count() == 3
    # Fees were debited on confirmation, so every demo wallet is below its ₹1,000 top-up.
    assert all(p.wallet_balance < 1000 for p in approved)
    # The "soonest" search sort has its values at once (then the minutely task keeps them).
    assert all(p.next_free_at is not None for p in approved)

    call_command("seed_demo", stdout=StringIO())
    assert Appointment.objects.count() == bookings
    assert Payment.objects.count() == 3
    assert User.objects.filter(email__endswith="@demo.bookmytoken.in").count() == 11


def test_demo_accounts_can_log_in_by_email_and_mobile(client):
    call_command("seed_demo", stdout=StringIO())
    response = client.post(
        "/accounts/login/", {"login": "+919800000003", "password": "demo-pass-2026"}
    )
    assert response.status_code == 302
    assert client.get("/").context["user"].email == "customer@demo.bookmytoken.in"


@pytest.mark.parametrize(
    ("environment", "debug"), [("production", False), ("base", False), ("local", False)]
)
def test_seed_demo_refuses_anything_but_local_debug_or_test(settings, environment, debug):
    from django.core.management.base import CommandError

    settings.ENVIRONMENT = environment
    settings.DEBUG = debug
    with pytest.raises(CommandError, match="only with local settings"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()
    assert not Provider.objects.exists()
