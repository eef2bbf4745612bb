"""A visitor becomes a customer: home page, sign-up, email verification, login, security page."""

import re

import pytest

from accounts.models import User
from accounts.tests.factories import PASSWORD, CustomerFactory
from providers.tests.factories import CategoryFactory

from .flows import delivered_mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_signs_up_verifies_email_and_logs_in(journey):
    CategoryFactory(
        name="Salon & Spa", slug="salon-spa", icon="scissors", description="Hair, beauty"
    )
    page = journey.page

    journey.goto("/", "home")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Skip the queue")
    assert page.get_by_text("Salon & Spa").is_visible()

    page.get_by_role("link", name="Create a free account").click()
    journey.settle("signup")
    page.fill("input[name=name]", "Asha Verma")
    page.fill("input[name=email]", "asha@example.in")
    page.fill("input[name=mobile]", "98765 43210")
    page.check("input[name=role][value=customer]")
    page.fill("input[name=password1]", "a-long-Secret-2026")
    page.fill("input[name=password2]", "a-long-Secret-2026")
    page.get_by_role("button", name=re.compile("sign up", re.I)).click()
    journey.settle("verify-sent")
    main = page.locator("main")
    assert page.get_by_role("heading", name="Confirm your email address").is_visible()
    assert "We have sent a link to asha@example.in" in main.inner_text()
    assert main.get_by_role("link", name="support@bookmytoken.in").is_visible()

    user = User.objects.get(email="asha@example.in")
    assert user.name == "Asha Verma"
    assert str(user.mobile) == "+919876543210"
    assert not user.email_verified
    outbox = delivered_mail()
    assert len(outbox) == 1
    # The email names the site and its address, never example.com.
    host = journey.base_url.split("//", 1)[1]
    assert "Hello from BookMyToken!" in outbox[0].body
    assert f"an account on {host}" in outbox[0].body and "example.com" not in outbox[0].body

    # No email yet? Send it again, with the keyboard.
    page.get_by_role("button", name="Send the link again").focus()
    with page.expect_navigation():  # the form's POST: settle on the page it leads to
        page.keyboard.press("Enter")
    journey.settle("verify-resent")
    assert "We have sent a new confirmation link to asha@example.in." in main.inner_text()
    assert len(delivered_mail()) == 2

    # Signing in before confirming says why, and sends a fresh link.
    journey.goto("/accounts/login/", "login-unconfirmed")
    page.fill("input[name=login]", "asha@example.in")
    page.fill("input[name=password]", "a-long-Secret-2026")
    page.get_by_role("button", name=re.compile("log in|sign in", re.I)).click()
    journey.settle("login-unconfirmed-sent")
    assert "Your email address is not confirmed yet, so you cannot sign in." in main.inner_text()
    outbox = delivered_mail()
    assert len(outbox) == 3
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", outbox[-1].body).group(0)

    journey.page.goto(link)
    journey.settle("confirm-email")
    page.get_by_role("button", name=re.compile("confirm", re.I)).click()
    journey.settle("email-confirmed")
    user.refresh_from_db()
    assert user.email_verified

    journey.goto("/accounts/login/", "login")
    page.fill("input[name=login]", "asha@example.in")
    page.fill("input[name=password]", "a-long-Secret-2026")
    page.get_by_role("button", name=re.compile("log in|sign in", re.I)).click()
    journey.settle("logged-in")
    assert (
        page.get_by_role("button", name="Asha").is_visible()
        or page.get_by_text("Asha", exact=True).is_visible()
    )
    assert page.get_by_text("Welcome to BookMyToken, Asha!").is_visible()
    assert not page.get_by_text("Welcome back").count()


def test_customer_logs_in_by_mobile_and_reviews_security(journey):
    CustomerFactory(name="Ravi Kumar", email="ravi@example.in", mobile="+919812345678")
    page = journey.page

    journey.goto("/accounts/login/", "login")
    page.fill("input[name=login]", "98123 45678")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name=re.compile("log in|sign in", re.I)).click()
    journey.settle("logged-in")

    journey.goto("/accounts/security/", "security")
    main = page.locator("main")
    assert "Ravi" in page.inner_text("nav")
    devices = main.locator(".card", has_text="Your devices")
    assert devices.get_by_text("This browser").is_visible()
    assert "IP 127.0.0.1" in devices.inner_text()
    activity = main.locator(".card", has_text="Recent sign-in activity")
    assert activity.get_by_text("Signed in").count() == 1
