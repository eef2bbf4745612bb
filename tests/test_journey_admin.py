"""Journey 3, the admin: the dashboard's numbers and charts, blocking a user in the admin (their
open session ends), reviewing a fraud flag raised by the real rule."""

from datetime import time
from decimal import Decimal

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.tests.factories import PASSWORD, CustomerFactory, StaffFactory
from adminpanel import fraud
from adminpanel.models import FraudFlag
from bookings.models import Appointment
from bookings.tests.factories import AppointmentFactory
from providers.tests.factories import ProviderFactory, ServiceFactory

from .flows import log_in, log_in_staff_with_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def kpi(page, label: str) -> str:
    card = page.locator(".kpis .card", has=page.locator(".kpi-label", has_text=label))
    return card.locator(".kpi-value").inner_text().strip()


def test_admin_reads_the_dashboard_blocks_a_user_and_reviews_a_flag(journey, second_browser):
    staff = StaffFactory(name="Anita Admin", email="anita@bookmytoken.in")
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    service = ServiceFactory(provider=ProviderFactory(shop_name="Glow Salon"), rate=Decimal("400"))
    now = timezone.now()
    S = Appointment.Status
    for i, status in enumerate([S.CONFIRMED, S.COMPLETED, S.PENDING]):
        AppointmentFactory(service=service, status=status, slot_time=time(10 + i))
    # A customer who cancelled five bookings: the cancellation rule flags them.
    serial = CustomerFactory(name="Vikram Serial", email="vikram@example.in")
    for i in range(5):
        AppointmentFactory(
            service=service, customer=serial, slot_time=time(14, 0), token_number=100 + i,
            status=S.CANCELLED, cancelled_at=now, cancelled_by_role="customer",
            booking_date=timezone.localdate(),
        )  # fmt: skip
    fraud.scan()
    flag = FraudFlag.objects.get(user=serial)
    assert flag.status == FraudFlag.Status.OPEN

    # The customer to be blocked is signed in elsewhere.
    CustomerFactory(name="Rohit Spam", email="rohit@example.in")
    rohit = second_browser("rohit")
    log_in(rohit, login="rohit@example.in", password=PASSWORD)
    assert "Rohit" in rohit.page.inner_text("nav")

    # Dashboard: numbers and both charts.
    log_in_staff_with_code(journey, email=staff.email, password=PASSWORD, device=device)
    journey.goto("/adminpanel/", "dashboard")
    page = journey.page
    assert kpi(page, "Bookings") == "8"
    assert kpi(page, "Cancellation rate").startswith("62.5")
    assert kpi(page, "New customers") == str(User.objects.filter(role="customer").count())
    status_row = page.locator(".card", has_text="Bookings by status").inner_text()
    assert "Cancelled: 5" in status_row and "Confirmed: 1" in status_row
    drawn = page.evaluate(
        """() => ["bookings-chart", "revenue-chart"].map((id) => {
            const chart = Chart.getChart(id);
            return chart ? chart.data.datasets.reduce(
                (sum, d) => sum + d.data.reduce((a, b) => a + Number(b || 0), 0), 0) : null;
        })"""
    )
    assert drawn[0] == 8  # every booking of the range is a bar segment
    assert drawn[1] is not None
    assert page.locator("#bookings-chart").bounding_box()["height"] > 100

    # Block Rohit in the admin, with a reason.
    journey.goto("/admin/accounts/user/?q=rohit%40example.in", "admin-users")
    page.locator("#result_list tbody tr", has_text="rohit@example.in").locator(
        "input[name=_selected_action]"
    ).check()
    page.select_option("select[name=action]", "block_users")
    page.get_by_role("button", name="Go").click()
    journey.settle("block-reason")
    page.locator("form input[type=text], form textarea").first.fill("Posting spam reviews")
    page.locator("input[name=apply]").click()
    journey.settle("blocked")
    blocked = User.objects.get(email="rohit@example.in")
    assert blocked.is_blocked
    assert blocked.blocked_reason == "Posting spam reviews"

    # Rohit's open session ends at his next request.
    rohit.goto("/bookings/", "after-block")
    assert "/accounts/login/" in rohit.page.url
    assert "Rohit" not in rohit.page.inner_text("nav")

    # Review the fraud flag: mark it actioned with a note.
    journey.goto("/adminpanel/fraud/", "fraud")
    card = page.locator(".card", has_text="vikram@example.in").first
    card.locator("input[name=note]").fill("Called the customer; duplicate bookings by mistake")
    card.get_by_role("button", name="Mark actioned").click()
    journey.settle("fraud-reviewed")
    flag.refresh_from_db()
    assert flag.status == FraudFlag.Status.ACTIONED
    assert flag.reviewer == staff
    assert page.get_by_text("Flag marked as actioned.").is_visible()
    assert page.get_by_text("0 open · 1 actioned · 0 dismissed").is_visible()
    page.select_option("select[name=status]", "actioned")
    page.get_by_role("button", name="Filter").click()
    journey.settle("fraud-actioned")
    reviewed = page.locator(".card", has_text="vikram@example.in").first.inner_text()
    assert "Reviewed by Anita Admin" in reviewed
    assert "duplicate bookings by mistake" in reviewed
