"""Journey 2, the provider: sign up, onboard, see "pending"; an admin approves the shop through
the two-factor-protected admin; the provider adds a service and weekly hours, tops up ₹500
through the TEST MODE gateway, confirms a booking (the fee is debited), calls the next token in
the live queue and downloads the booking's invoice PDF."""

import re
import subprocess
from datetime import datetime, time
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.factories import PASSWORD as STAFF_PASSWORD
from accounts.tests.factories import CustomerFactory, StaffFactory
from bookings import services as booking_services
from bookings.models import Appointment
from providers.models import Provider, Service
from providers.tests.factories import CategoryFactory

from .flows import log_in, log_in_staff_with_code, sign_up_and_verify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Shop-Owner-2026"  # noqa: S105 - a test account


@pytest.fixture
def mid_morning():
    """10:00 in India today, with the clock running: today's slots are still ahead, whenever
    the suite runs."""
    today = timezone.localdate()
    moment = timezone.make_aware(datetime.combine(today, time(10)))
    with time_machine.travel(moment, tick=True):
        yield


def test_provider_onboards_gets_approved_and_runs_the_day(journey, second_browser, mid_morning):
    CategoryFactory(name="Dental", slug="dental", icon="emoji-smile")
    staff = StaffFactory(name="Anita Admin", email="anita@bookmytoken.in")
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    page = journey.page

    # Sign up as a provider, verify, log in, onboard.
    sign_up_and_verify(
        journey, name="Ramesh Sharma", email="ramesh@example.in", role="provider",
        password=PASSWORD,
    )  # fmt: skip
    log_in(journey, login="ramesh@example.in", password=PASSWORD)
    if "/portal/onboarding/" not in page.url:
        journey.goto("/portal/onboarding/", "onboarding")
    page.fill("input[name=shop_name]", "Sharma Dental Care")
    page.select_option("select[name=category]", label="Dental")
    page.fill("textarea[name=description]", "Family dentist since 1998.")
    page.fill("input[name=address]", "14 MI Road")
    page.fill("input[name=area]", "C-Scheme")
    page.fill("input[name=city]", "Jaipur")
    page.fill("input[name=pincode]", "302001")
    page.fill("input[name=phone]", "98450 12345")
    page.get_by_role("button", name="Submit for approval").click()
    journey.settle("pending")
    provider = Provider.objects.get(shop_name="Sharma Dental Care")
    assert provider.status == Provider.Status.PENDING
    banner = page.locator(".provider-status-banner")
    assert "Pending approval" in banner.inner_text()
    assert "Your shop is waiting for approval." in banner.inner_text()

    # The admin approves it in /admin/, after the two-factor code.
    admin = second_browser("admin")
    log_in_staff_with_code(admin, email=staff.email, password=STAFF_PASSWORD, device=device)
    admin.goto("/admin/providers/provider/?status__exact=pending", "admin-pending-providers")
    row = admin.page.locator("#result_list tbody tr", has_text="Sharma Dental Care")
    row.locator("input[name=_selected_action]").check()
    admin.page.select_option("select[name=action]", "approve_selected")
    admin.page.get_by_role("button", name="Go").click()
    admin.settle("admin-approved")
    assert admin.page.locator(".messagelist").inner_text().strip()
    provider.refresh_from_db()
    assert provider.status == Provider.Status.APPROVED

    # Approved: the banner is gone. Add a service and the week's hours.
    journey.goto("/portal/", "dashboard-approved")
    assert page.locator(".provider-status-banner").count() == 0
    journey.goto("/portal/services/new/", "service-new")
    page.fill("input[name=service_name]", "Teeth cleaning")
    page.fill("input[name=rate]", "800")
    page.fill("input[name=duration_minutes]", "30")
    page.get_by_role("button", name="Add service").click()
    journey.settle("services")
    assert "Teeth cleaning" in page.inner_text("main")
    service = Service.objects.get(provider=provider, service_name="Teeth cleaning")
    assert service.rate == Decimal("800.00")

    journey.goto("/portal/hours/", "hours")
    monday = page.locator(".day-card[data-prefix=d0]")
    monday.get_by_role("button", name="+ Add interval").click()
    monday.locator("input[type=time]").nth(0).fill("09:00")
    monday.locator("input[type=time]").nth(1).fill("18:00")
    monday.get_by_role("button", name="Copy to Tue–Sat").click()
    sunday = page.locator(".day-card[data-prefix=d6]")
    sunday.get_by_role("button", name="+ Add interval").click()
    sunday.locator("input[type=time]").nth(0).fill("09:00")
    sunday.locator("input[type=time]").nth(1).fill("18:00")
    page.get_by_role("button", name="Save the week").click()
    journey.settle("hours-saved")
    assert provider.working_hours.count() == 7

    # Top up ₹500 through the TEST MODE gateway.
    journey.goto("/wallet/add/", "topup")
    page.fill("input[name=amount]", "500")
    page.get_by_role("button", name="Continue to payment").click()
    journey.settle("test-gateway")
    page.get_by_role("button", name=re.compile(r"Pay ₹500\.00")).click()
    # The TEST MODE return page posts the result back to our callback after 400 ms.
    page.wait_for_url(lambda url: "test-gateway" not in url)
    journey.settle("payment-done")
    provider.refresh_from_db()
    assert provider.wallet_balance == Decimal("500.00")
    journey.goto("/wallet/", "wallet")
    assert "₹500.00" in page.inner_text("main")

    # A customer books 12:00 today; the provider confirms it and the fee is debited.
    customer = CustomerFactory(name="Kavya Rao")
    booking = booking_services.appointment_book(
        customer=customer, service=service, booking_date=timezone.localdate(), slot_time=time(12)
    )
    assert booking.status == Appointment.Status.PENDING
    journey.goto("/portal/bookings/", "bookings-today")
    booking_row = page.locator("tr", has_text="Kavya Rao")
    booking_row.get_by_role("button", name="Confirm").click()
    journey.settle("booking-confirmed")
    booking.refresh_from_db()
    provider.refresh_from_db()
    assert booking.status == Appointment.Status.CONFIRMED
    fee = booking.fee_charged
    assert fee > 0
    assert provider.wallet_balance == Decimal("500.00") - fee

    journey.goto("/wallet/", "wallet-after-fee")
    assert f"₹{Decimal('500.00') - fee:,.2f}" in page.inner_text("main")

    # The live queue: call the next token.
    journey.goto("/portal/", "dashboard-queue")
    controls = page.locator(".queue-controls")
    assert "1 token waiting" in controls.inner_text()
    controls.get_by_role("button", name="Call next token").click()
    journey.settle("queue-advanced")
    serving = page.locator(".queue-controls .fs-2").text_content().split()
    assert serving == ["Token", str(booking.token_number)]  # "Token" for screen readers

    # The booking's invoice as a PDF, fetched with the provider's session.
    response = page.request.get(journey.url(f"/bookings/{booking.pk}/invoice.pdf"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],  # noqa: S607 - poppler-utils (bin/system-deps)
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "Sharma Dental Care" in text
    assert "Kavya Rao" in text
    assert "Teeth cleaning" in text
    assert "800.00" in text
