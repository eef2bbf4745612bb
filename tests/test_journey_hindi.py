"""The three journeys again (a visitor becoming a customer, the customer booking and
cancelling, the provider running the shop) in a browser that asks for Hindi.

Every page the journey lands on must show no English string of ours (its visible text, its
title and its aria-label / placeholder / title attributes are checked against the English
msgids of locale/hi, see tests/catalogue.py), must fit a 390 px phone screen, and is
screenshotted at 1280 and 390 px into artifacts/<test>/. Names shops and people typed in stay as
they were written and are allowed. Buttons and links are found by their Hindi names, taken from
the same catalogue.
"""

import re
import shutil
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.utils import timezone, translation

from accounts.models import User
from accounts.tests.factories import StaffFactory
from bookings import services as booking_services
from bookings.models import Appointment
from providers import services as provider_services
from providers.models import Provider, Service
from providers.tests.factories import (
    CategoryFactory,
    ProviderFactory,
    ServiceFactory,
    open_all_week,
)

from .catalogue import english_left
from .conftest import ARTIFACTS
from .flows import delivered_mail
from .journey import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Token-Queue-2026"  # noqa: S105 - a test account
# Text a page may show in Latin letters although it is in Hindi: what people typed in (names,
# shops, services, addresses, emails), brand and payment names.
TYPED_IN = (
    "BookMyToken", "Razorpay", "UPI", "Meera Iyer", "Meera", "meera@example.in", "Ramesh Sharma",
    "Ramesh", "ramesh@example.in", "Kavya Rao", "Glow Salon", "Haircut", "Salon & Spa", "Salon",
    "Pune", "Indiranagar", "12 MG Road", "Sharma Dental Care", "Dental", "Teeth cleaning",
    "Family dentist since 1998.", "14 MI Road", "C-Scheme", "Jaipur", "Smile Dental", "Cleaning",
    "Anita Admin", "Anita", "anita@bookmytoken.in", "Vikram Serial", "vikram@example.in",
    "Called the customer; duplicate bookings by mistake",
    # The audit log shows each object as auditlog recorded it when it changed (here by the
    # fraud scan, which runs in the site language).
    "Customer cancels many bookings: vikram@example.in",
    '"cancelled"',  # a key of the flag's recorded evidence (JSON)
)  # fmt: skip
PAGE_TEXT = """() => {
  const parts = [document.title, document.body.innerText];
  for (const el of document.querySelectorAll("[aria-label], [placeholder], [title], img[alt]")) {
    for (const name of ["aria-label", "placeholder", "title", "alt"]) {
      if (el.hasAttribute(name)) parts.push(el.getAttribute(name));
    }
  }
  return parts.join("\\n");
}"""


def t(english: str) -> str:
    """Our Hindi for ``english`` (a msgid), as the pages show it."""
    with translation.override("hi"):
        return translation.gettext(english)


class HindiJourney(Journey):
    """A journey whose every page must be Hindi: no English string of ours left."""

    typed_in: tuple[str, ...] = TYPED_IN

    def settle(self, label: str | None = None) -> None:
        super().settle(label)
        assert self.page.evaluate("document.documentElement.lang") == "hi", self.page.url
        text = self.page.evaluate(PAGE_TEXT)
        # People's names as they typed them in, including the random ones factories give
        # (Faker's Indian surnames include English words such as "Date").
        names = tuple(User.objects.exclude(name="").values_list("name", flat=True))
        left = english_left(text, allowed=self.typed_in + names)
        if left:
            (self.folder / f"{self.count:02d}-{label or 'page'}-text.txt").write_text(text)
        assert not left, f"English left on {self.page.url} ({label}): {left}"


@pytest.fixture
def hindi(browser, browser_context_args, live_server, request, settings) -> Iterator[Journey]:
    """A browser whose language is Hindi (Accept-Language: hi-IN), on the live server."""
    cache.clear()
    mail.outbox = []
    settings.SITE_URL = live_server.url
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    folder = ARTIFACTS / name
    shutil.rmtree(folder, ignore_errors=True)
    context = browser.new_context(**{**browser_context_args, "locale": "hi-IN"})
    tour = HindiJourney(page=context.new_page(), base_url=live_server.url, folder=folder)
    yield tour
    tour.finish()
    context.close()


def sign_up_and_verify(journey: Journey, *, name: str, email: str, role: str) -> None:
    page = journey.page
    journey.goto("/accounts/signup/" + ("?role=provider" if role == "provider" else ""), "signup")
    page.fill("input[name=name]", name)
    page.fill("input[name=email]", email)
    page.check(f"input[name=role][value={role}]")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.get_by_role("button", name=t("Sign up")).click()
    journey.settle("verify-sent")
    (message,) = [m for m in delivered_mail() if email in m.to]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    page.goto(link)
    journey.settle("confirm-email")
    page.get_by_role("button", name=t("Confirm")).click()
    journey.settle("email-confirmed")


def log_in(journey: Journey, email: str) -> None:
    page = journey.page
    journey.goto("/accounts/login/", "login")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form").get_by_role("button", name=t("Sign in")).click()
    journey.settle("logged-in")


def test_customer_signs_up_books_and_cancels_in_hindi(hindi):
    salon = CategoryFactory(name="Salon & Spa", slug="salon-spa", icon="💇")
    glow = ProviderFactory(shop_name="Glow Salon", slug="glow-salon", category=salon, city="Pune")
    dental = CategoryFactory(name="Dental", slug="dental", icon="🦷")
    smile = ProviderFactory(
        shop_name="Smile Dental", slug="smile-dental", category=dental, city="Pune"
    )
    for provider in (glow, smile):
        open_all_week(provider)
    haircut = ServiceFactory(provider=glow, service_name="Haircut", rate=Decimal("300.00"))
    cleaning = ServiceFactory(provider=smile, service_name="Cleaning", rate=Decimal("800.00"))
    page = hindi.page
    tomorrow = timezone.localdate() + timedelta(days=1)

    hindi.goto("/", "home")
    assert t("Skip the queue. Book a slot, get a token.") in page.inner_text("h1")
    sign_up_and_verify(hindi, name="Meera Iyer", email="meera@example.in", role="customer")
    log_in(hindi, "meera@example.in")
    customer = User.objects.get(email="meera@example.in")
    assert customer.email_verified

    # The signed-in customer saves Hindi with the switcher (it was only the browser's so far).
    page.locator("footer .language-switcher").get_by_role("button", name="हिंदी").click()
    hindi.settle("language-saved")
    customer.refresh_from_db()
    assert customer.language == "hi"

    page.get_by_role("link", name=t("Find services")).first.click()
    hindi.settle("search-all")
    page.select_option("select[name=category]", "salon-spa")
    page.select_option("select[name=city]", "Pune")
    page.locator("main form").get_by_role("button", name=t("Search")).click()
    hindi.settle("search-pune-salon")
    assert "1 दुकान बुकिंग लेती है" in page.inner_text("main")
    assert "₹300.00" in page.inner_text("main")

    hindi.goto("/providers/glow-salon/", "provider")
    assert page.get_by_role("heading", name="Glow Salon").is_visible()
    hindi.goto(f"/providers/glow-salon/book/{haircut.pk}/", "book")
    hindi.goto(f"/providers/glow-salon/book/{haircut.pk}/?date={tomorrow:%Y-%m-%d}", "slots")
    hindi.goto(
        f"/providers/glow-salon/book/{haircut.pk}/confirm/?date={tomorrow:%Y-%m-%d}&time=10:00",
        "confirm",
    )
    summary = page.inner_text("main")
    assert "Glow Salon" in summary and "Haircut" in summary and "₹300.00" in summary
    page.get_by_role("button", name=t("Confirm booking")).click()
    hindi.settle("booked")
    booking = Appointment.objects.get(customer=customer, service=haircut)
    assert "बुकिंग हो गई! आपका टोकन नंबर 1 है।" in page.inner_text("main")

    # Her booking email is in Hindi too.
    email = [m for m in delivered_mail() if m.to == [customer.email]][-1]
    assert email.subject == "बुकिंग मिली: Glow Salon पर टोकन 1"

    other = booking_services.appointment_book(
        customer=customer,
        service=cleaning,
        booking_date=tomorrow + timedelta(days=1),
        slot_time=time(11),
    )
    page.get_by_role("link", name=t("My bookings")).first.click()
    hindi.settle("my-bookings")
    hindi.goto(f"/bookings/{booking.pk}/", "booking")
    hindi.goto(f"/bookings/{other.pk}/cancel/", "cancel")
    page.locator("main form").get_by_role("button", name=t("Cancel booking")).click()
    hindi.settle("cancelled")
    other.refresh_from_db()
    assert other.status == Appointment.Status.CANCELLED
    hindi.goto("/accounts/security/", "security")
    hindi.goto("/accounts/password/change/", "password-change")
    hindi.goto("/accounts/email/", "email-addresses")
    with hindi.expect_error_status(404, "/no-such-page/"):
        hindi.goto("/no-such-page/", "not-found")


@pytest.fixture
def mid_morning():
    moment = timezone.make_aware(datetime.combine(timezone.localdate(), time(10)))
    with time_machine.travel(moment, tick=True):
        yield


def test_provider_sets_up_and_runs_the_day_in_hindi(hindi, mid_morning):
    CategoryFactory(name="Dental", slug="dental", icon="🦷")
    page = hindi.page
    sign_up_and_verify(hindi, name="Ramesh Sharma", email="ramesh@example.in", role="provider")
    log_in(hindi, "ramesh@example.in")
    if "/portal/onboarding/" not in page.url:
        hindi.goto("/portal/onboarding/", "onboarding")
    page.fill("input[name=shop_name]", "Sharma Dental Care")
    page.select_option("select[name=category]", label="Dental")
    page.fill("textarea[name=description]", "Family dentist since 1998.")
    page.fill("input[name=address]", "14 MI Road")
    page.fill("input[name=area]", "C-Scheme")
    page.fill("input[name=city]", "Jaipur")
    page.fill("input[name=pincode]", "302001")
    page.fill("input[name=phone]", "98450 12345")
    page.get_by_role("button", name=t("Submit for approval")).click()
    hindi.settle("pending")
    provider = Provider.objects.get(shop_name="Sharma Dental Care")
    assert t("Your shop is waiting for approval.") in page.inner_text("main")

    # Staff approve it (the admin site is Django's own; its journey runs in English).
    provider_services.provider_approve(provider=provider, actor=StaffFactory())
    status_email = [m for m in delivered_mail() if m.to == ["ramesh@example.in"]][-1]
    assert status_email.subject == "Sharma Dental Care अब BookMyToken पर लाइव है"

    hindi.goto("/portal/", "dashboard-approved")
    hindi.goto("/portal/services/new/", "service-new")
    page.fill("input[name=service_name]", "Teeth cleaning")
    page.fill("input[name=rate]", "800")
    page.fill("input[name=duration_minutes]", "30")
    page.locator("main form").get_by_role("button", name=t("Add service")).click()
    hindi.settle("services")
    service = Service.objects.get(provider=provider, service_name="Teeth cleaning")

    hindi.goto("/portal/hours/", "hours")
    monday = page.locator(".day-card[data-prefix=d0]")
    monday.get_by_role("button", name=re.compile(re.escape(t("Add interval")))).click()
    monday.locator("input[type=time]").nth(0).fill("09:00")
    monday.locator("input[type=time]").nth(1).fill("18:00")
    monday.get_by_role("button", name=t("Copy to Tue–Sat")).click()
    sunday = page.locator(".day-card[data-prefix=d6]")
    sunday.get_by_role("button", name=re.compile(re.escape(t("Add interval")))).click()
    sunday.locator("input[type=time]").nth(0).fill("09:00")
    sunday.locator("input[type=time]").nth(1).fill("18:00")
    page.get_by_role("button", name=t("Save the week")).click()
    hindi.settle("hours-saved")
    assert provider.working_hours.count() == 7
    hindi.goto("/portal/time-off/", "time-off")
    hindi.goto("/portal/profile/", "profile")
    hindi.goto("/portal/settings/", "settings")

    hindi.goto("/wallet/add/", "topup")
    page.fill("input[name=amount]", "100000")
    page.get_by_role("button", name=t("Continue to payment")).click()
    hindi.settle("test-gateway")
    page.get_by_role("button", name=re.compile(r"₹1,00,000\.00")).click()
    # The TEST MODE return page posts the result back to our callback after 400 ms.
    page.wait_for_url(lambda url: "test-gateway" not in url)
    hindi.settle("payment-done")
    provider.refresh_from_db()
    assert provider.wallet_balance == Decimal("100000.00")
    hindi.goto("/wallet/", "wallet")
    assert "₹1,00,000.00" in page.inner_text("main")

    customer = User.objects.create_user(
        email="kavya@example.in", name="Kavya Rao", password=PASSWORD, role=User.Role.CUSTOMER
    )
    booking = booking_services.appointment_book(
        customer=customer, service=service, booking_date=timezone.localdate(), slot_time=time(12)
    )
    hindi.goto("/portal/bookings/", "bookings-today")
    page.locator("tr", has_text="Kavya Rao").get_by_role("button", name=t("Confirm")).click()
    hindi.settle("booking-confirmed")
    booking.refresh_from_db()
    assert booking.status == Appointment.Status.CONFIRMED

    hindi.goto("/portal/", "dashboard-queue")
    page.locator(".queue-controls").get_by_role("button", name=t("Call next token")).click()
    hindi.settle("queue-advanced")
    hindi.goto("/portal/bookings/walk-in/", "walk-in")
    hindi.goto("/wallet/documents/", "documents")
    hindi.goto(f"/queue/{provider.slug}/", "token-board")


def test_admin_reads_the_dashboard_and_reviews_a_flag_in_hindi(hindi):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.tests.factories import PASSWORD as STAFF_PASSWORD
    from accounts.tests.factories import CustomerFactory
    from adminpanel import fraud
    from adminpanel.models import FraudFlag
    from bookings.tests.factories import AppointmentFactory

    staff = StaffFactory(name="Anita Admin", email="anita@bookmytoken.in")
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    service = ServiceFactory(
        provider=ProviderFactory(shop_name="Glow Salon", category=CategoryFactory(name="Salon")),
        service_name="Haircut",
        rate=Decimal("400"),
    )
    serial = CustomerFactory(name="Vikram Serial", email="vikram@example.in")
    for i in range(5):
        AppointmentFactory(
            service=service, customer=serial, slot_time=time(14, 0), token_number=100 + i,
            status=Appointment.Status.CANCELLED, cancelled_at=timezone.now(),
            cancelled_by_role="customer", booking_date=timezone.localdate(),
        )  # fmt: skip
    fraud.scan()
    flag = FraudFlag.objects.get(user=serial)
    # Recorded keys and the slugs typed in with the shop and the category.
    hindi.typed_in += (flag.subject_key, service.provider.slug, service.provider.category.slug)
    page = hindi.page

    hindi.goto("/accounts/login/", "login")
    page.fill("input[name=login]", staff.email)
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.locator("main form").get_by_role("button", name=t("Sign in")).click()
    hindi.settle("staff-login")
    if page.locator("input[name=token]").count() == 0:
        hindi.goto("/admin/", "admin-entry")
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.fill("input[name=token]", f"{code:06d}")
    page.locator("main form button[type=submit]").first.click()
    hindi.settle("two-factor-code")

    hindi.goto("/adminpanel/", "dashboard")
    assert t("Marketplace dashboard") in page.inner_text("main")
    hindi.goto("/adminpanel/fraud/", "fraud")
    card = page.locator(".card", has_text="vikram@example.in").first
    card.locator("input[name=note]").fill("Called the customer; duplicate bookings by mistake")
    card.get_by_role("button", name=t("Mark actioned")).click()
    hindi.settle("fraud-reviewed")
    flag.refresh_from_db()
    assert flag.status == FraudFlag.Status.ACTIONED
    hindi.goto("/adminpanel/audit/", "audit")
