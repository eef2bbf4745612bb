"""Accessibility in the browser: axe-core (vendored, tests/vendor/) finds no serious or
critical violation on the pages a customer and a shop use, in English and with Hindi chosen,
at desktop and phone widths; the booking journey works with the keyboard alone and with
JavaScript switched off."""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import CustomerFactory
from bookings import services as booking_services
from bookings.models import Appointment
from providers.tests.factories import (
    CategoryFactory,
    ProviderFactory,
    ServiceFactory,
    open_all_week,
)

from .conftest import ARTIFACTS
from .journey import DESKTOP, PHONE, Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_VERSION = "4.14.1"
AXE = ARTIFACTS.parent / "tests" / "vendor" / f"axe-{AXE_VERSION}.min.js"
BLOCKING = {"serious", "critical"}
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
  }));
}"""


@pytest.fixture
def mid_morning():
    """10:00 in India today with the clock running, so today's later slots are still free."""
    moment = timezone.make_aware(datetime.combine(timezone.localdate(), time(10)))
    with time_machine.travel(moment, tick=True):
        yield


@pytest.fixture
def shop(mid_morning):
    salon = CategoryFactory(name="Salon & Spa", slug="salon-spa", icon="scissors")
    provider = ProviderFactory(
        shop_name="Priya's Hair & Beauty Studio", slug="priya", category=salon, city="Pune",
        phone="+919845012345", max_days_ahead=14,
    )  # fmt: skip
    open_all_week(provider)
    haircut = ServiceFactory(provider=provider, service_name="Haircut", rate=Decimal("300.00"))
    customer = CustomerFactory(name="Meera Iyer")
    booking = booking_services.appointment_book(
        customer=customer,
        service=haircut,
        booking_date=timezone.localdate() + timedelta(days=2),
        slot_time=time(11),
    )
    return {"provider": provider, "service": haircut, "customer": customer, "booking": booking}


def open_tab(browser, browser_context_args, live_server, folder, *, language, user=None, js=True):
    """A separate browser (own cookies) in ``language``, signed in as ``user`` if given. The
    context bypasses the site's CSP only so axe can be injected; the site's own scripts run as
    they would anyway."""
    context = browser.new_context(
        **browser_context_args,
        bypass_csp=True,
        java_script_enabled=js,
        extra_http_headers={"Accept-Language": language},
    )
    cookies = [{"name": "django_language", "value": language, "url": live_server.url}]
    if user is not None:
        client = Client()
        client.force_login(user)
        session = client.cookies["sessionid"].value
        cookies.append({"name": "sessionid", "value": session, "url": live_server.url})
    context.add_cookies(cookies)
    return context, Journey(page=context.new_page(), base_url=live_server.url, folder=folder)


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in BLOCKING]


def check_page(tour: Journey, path: str, label: str, language: str) -> list[str]:
    tour.goto(path, label)
    found = []
    html_lang = tour.page.get_attribute("html", "lang")
    assert html_lang == language, f"{path}: <html lang={html_lang!r}> with {language} chosen"
    for width in (DESKTOP, PHONE):
        tour.page.set_viewport_size(width)
        for v in axe_violations(tour.page):
            found.append(
                f"{path} at {width['width']}px: {v['id']} ({v['impact']}): {v['help']} {v['nodes']}"
            )
    tour.page.set_viewport_size(DESKTOP)
    return found


@pytest.mark.parametrize("language", ["en-in", "hi"])
def test_no_serious_or_critical_axe_violations(
    shop, browser, browser_context_args, live_server, settings, language
):
    settings.SITE_URL = live_server.url
    provider, service, booking = shop["provider"], shop["service"], shop["booking"]
    day = (timezone.localdate() + timedelta(days=1)).isoformat()
    folder = ARTIFACTS / f"accessibility-{language}"
    pages = {
        None: [
            ("/", "home"),
            ("/providers/", "search"),
            ("/providers/?city=Atlantis", "search-unknown-city"),
            (f"/providers/{provider.slug}/", "provider"),
            (f"/providers/{provider.slug}/book/{service.pk}/", "book"),
            (f"/providers/{provider.slug}/book/{service.pk}/?date={day}", "book-day"),
            ("/accounts/login/", "sign-in"),
            ("/accounts/signup/", "sign-up"),
        ],
        shop["customer"]: [
            ("/bookings/", "my-bookings"),
            (f"/bookings/{booking.pk}/", "booking-detail"),
        ],
        provider.user: [("/portal/", "portal"), ("/wallet/", "wallet")],
    }
    problems = []
    for user, paths in pages.items():
        name = "visitor" if user is None else user.email.split("@")[0]
        context, tour = open_tab(
            browser, browser_context_args, live_server, folder / name, language=language, user=user
        )
        try:
            for path, label in paths:
                problems += check_page(tour, path, label, language)
            tour.finish()
        finally:
            context.close()
    assert not problems, "axe found serious or critical problems:\n  " + "\n  ".join(problems)


def focused(page) -> dict:
    return page.evaluate(
        """() => { const el = document.activeElement;
           return {tag: el.tagName.toLowerCase(), id: el.id, text: el.innerText || el.value || "",
                   label: el.getAttribute("aria-label") || ""}; }"""
    )


def tab_to(page, matches, limit: int = 200) -> dict:
    """Press Tab until the focused element satisfies ``matches``; fail if it never does."""
    for _press in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if matches(element):
            return element
    raise AssertionError("Tab never reached the element")


@pytest.mark.parametrize("js", [True, False], ids=["with-javascript", "without-javascript"])
def test_the_booking_journey_with_the_keyboard_only(
    shop, browser, browser_context_args, live_server, settings, js
):
    """Search → shop → booking page → a day → a time → confirm, by Tab, Enter and Space
    alone (no mouse), with htmx and with JavaScript off; focus lands on the day's times."""
    settings.SITE_URL = live_server.url
    customer = shop["customer"]
    tomorrow = timezone.localdate() + timedelta(days=1)
    name = "keyboard-js" if js else "keyboard-no-js"
    context, tour = open_tab(
        browser, browser_context_args, live_server, ARTIFACTS / name, language="en-in",
        user=customer, js=js,
    )  # fmt: skip
    page = tour.page
    try:
        tour.goto("/providers/?city=Pune", "search")
        tab_to(
            page, lambda e: e["tag"] == "a" and e["text"].strip() == "Priya's Hair & Beauty Studio"
        )
        page.keyboard.press("Enter")
        tour.settle("provider")
        tab_to(page, lambda e: e["tag"] == "a" and "Book" in e["text"] and "Haircut" in e["text"])
        page.keyboard.press("Enter")
        tour.settle("book")
        day_name = f"{tomorrow:%A} {tomorrow.day} {tomorrow:%B}, "
        href = f"?date={tomorrow:%Y-%m-%d}#times"
        tab_to(page, lambda e: (page.evaluate("document.activeElement.href") or "").endswith(href))
        link = page.get_by_role("link", name=re.compile(re.escape(day_name) + r"\d+ free"))
        assert link.count() == 1, "the day is not a link named by its date and free times"
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(f"date={tomorrow:%Y-%m-%d}"))
        tour.settle("day-chosen")
        # Focus moved to the times' heading, which is on screen.
        assert focused(page)["id"] == "times", focused(page)
        heading = page.locator("#times").bounding_box()
        assert 0 <= heading["y"] < DESKTOP["height"], heading
        # The first time after the heading is a button named by its time; Space picks it.
        page.keyboard.press("Tab")
        button = focused(page)
        assert button["tag"] == "button" and re.fullmatch(r"\d{1,2}:\d{2} [AP]M", button["text"])
        with page.expect_navigation():
            page.keyboard.press("Space")
        tour.settle("confirm")
        tab_to(page, lambda e: e["tag"] == "button" and e["text"].strip() == "Confirm booking")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        tour.settle("booked")
        booking = Appointment.objects.filter(customer=customer, booking_date=tomorrow).get()
        assert page.get_by_text(
            f"Booked! Your token number is {booking.token_number}."
        ).is_visible()
        tour.finish()
    finally:
        context.close()


def test_choosing_a_day_on_a_phone_brings_its_times_into_view(
    shop, browser, browser_context_args, live_server, settings
):
    """At 390 px the times sit below the whole calendar: choosing a day scrolls to them."""
    settings.SITE_URL = live_server.url
    provider, service = shop["provider"], shop["service"]
    tomorrow = timezone.localdate() + timedelta(days=1)
    context, tour = open_tab(
        browser, {**browser_context_args, "viewport": PHONE}, live_server,
        ARTIFACTS / "booking-phone", language="en-in",
    )  # fmt: skip
    page = tour.page
    try:
        page.set_viewport_size(PHONE)
        page.goto(tour.url(f"/providers/{provider.slug}/book/{service.pk}/"))
        page.wait_for_load_state("networkidle")
        page.screenshot(path=tour.folder / "phone-calendar.png")
        page.locator(f"a.day-cell[href='?date={tomorrow:%Y-%m-%d}#times']").click()
        page.wait_for_url(re.compile(f"date={tomorrow:%Y-%m-%d}"))
        page.wait_for_function("document.activeElement && document.activeElement.id === 'times'")
        page.wait_for_timeout(300)
        page.screenshot(path=tour.folder / "phone-times.png")
        box = page.locator("#times").bounding_box()
        assert 0 <= box["y"] < PHONE["height"], box
        first_time = page.locator("#slots button[name=time]").first.bounding_box()
        assert first_time["y"] < PHONE["height"], "the first time is still off screen"
        tour.check()
    finally:
        context.close()
