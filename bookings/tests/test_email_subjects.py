"""Email subjects are plain text: a shop name with an apostrophe or an ampersand arrives as
written, not HTML-escaped ("Priya&#x27;s Hair &amp; Beauty Studio")."""

from datetime import time

import pytest

from accounts.tests.factories import StaffFactory
from bookings import services
from bookings.tests.test_services import MONDAY, fund
from providers.services import provider_approve, provider_suspend
from providers.tests.factories import ProviderFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
SHOP = "Priya's Hair & Beauty Studio"


def test_booking_email_subjects_are_not_html_escaped(
    provider, service, django_capture_on_commit_callbacks, deliver_mail
):
    provider.shop_name = SHOP
    provider.save(update_fields=["shop_name"])
    fund(provider)
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.appointment_book(
            customer=service.provider.user.__class__.objects.create_user(
                email="asha@example.in", password="x-long-pass-1", name="Asha & Co"
            ),
            service=service,
            booking_date=MONDAY,
            slot_time=time(10),
        )
    subjects = [m.subject for m in deliver_mail()]
    assert f"Booking received: token {booking.token_number} at {SHOP}" in subjects
    assert f"New booking: token {booking.token_number} for Asha & Co" in subjects
    assert not any("&amp;" in s or "&#x27;" in s or "\n" in s for s in subjects)


def test_provider_status_email_subjects_are_not_html_escaped(
    django_capture_on_commit_callbacks, deliver_mail
):
    shop = ProviderFactory(shop_name=SHOP, status="pending", is_approved=False)
    staff = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        provider_approve(provider=shop, actor=staff)
    with django_capture_on_commit_callbacks(execute=True):
        provider_suspend(provider=shop, actor=staff, reason="Check")
    subjects = [m.subject for m in deliver_mail()]
    assert f"{SHOP} is live on BookMyToken" in subjects
    assert f"{SHOP} has been suspended" in subjects
