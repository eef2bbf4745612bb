"""A first-time customer's path through the account pages: "check your email" names the
address, can send the link again (rate limited) and says how to reach support; signing in
before confirming says why and sends a fresh link (rate limited); the first sign-in says
"Welcome", later ones "Welcome back"."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.urls import reverse

from accounts.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-secret-9"  # noqa: S105 - a test account


@pytest.fixture(autouse=True)
def _clean_limits():
    cache.clear()


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def sign_up(client, email="meera@example.in"):
    return client.post(
        reverse("account_signup"),
        {
            "role": "customer",
            "name": "Meera Iyer",
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        follow=True,
    )


def test_check_your_email_names_the_address_and_the_support_contact(client, settings):
    settings.SUPPORT_EMAIL = "help@bookmytoken.in"
    settings.SUPPORT_PHONE = "+918045671234"
    page = sign_up(client)
    assert page.redirect_chain[-1][0] == reverse("account_email_verification_sent")
    body = text(page)
    assert "Confirm your email address" in body
    assert "We have sent a link to meera@example.in" in body
    html = page.content.decode()
    assert 'href="mailto:help@bookmytoken.in"' in html
    assert 'href="tel:+918045671234"' in html
    assert f'action="{reverse("accounts:verification_resend")}"' in html
    assert "Verify Your Email Address" not in body


def test_send_it_again_sends_a_new_link_until_the_address_limit(client, settings, deliver_mail):
    # The sign-up email counts: two more within the hour, then none.
    settings.ACCOUNTS_RATE_LIMITS = {**settings.ACCOUNTS_RATE_LIMITS, "verification_email": "3/h"}
    sign_up(client)
    assert len(deliver_mail()) == 1
    resend = reverse("accounts:verification_resend")
    for expected in (2, 3):
        page = client.post(resend, follow=True)
        assert "We have sent a new confirmation link to meera@example.in." in text(page)
        sent = deliver_mail()
        assert len(sent) == expected
        assert "/accounts/confirm-email/" in sent[-1].body
    page = client.post(resend, follow=True)
    assert page.status_code == 200
    assert "only a few minutes ago" in text(page)
    assert len(deliver_mail()) == 3


def test_send_it_again_is_post_only_and_limited_per_ip(client, settings, deliver_mail):
    assert client.get(reverse("accounts:verification_resend")).status_code == 405
    settings.ACCOUNTS_RATE_LIMITS = {**settings.ACCOUNTS_RATE_LIMITS, "verification_resend": "1/h"}
    sign_up(client)
    assert client.post(reverse("accounts:verification_resend")).status_code == 302
    assert client.post(reverse("accounts:verification_resend")).status_code == 429


def test_send_it_again_without_a_remembered_address_asks_to_sign_in(client, deliver_mail):
    response = client.post(reverse("accounts:verification_resend"))
    assert response.status_code == 302 and response["Location"] == reverse("account_login")
    assert deliver_mail() == []


def test_send_it_again_for_a_confirmed_address_sends_nothing(client, deliver_mail):
    sign_up(client)
    deliver_mail().clear()
    EmailAddress.objects.filter(email="meera@example.in").update(verified=True)
    page = client.post(reverse("accounts:verification_resend"), follow=True)
    assert page.status_code == 200
    assert deliver_mail() == []


def test_signing_in_before_confirming_says_why_and_sends_a_fresh_link(
    client, settings, deliver_mail
):
    settings.ACCOUNTS_RATE_LIMITS = {**settings.ACCOUNTS_RATE_LIMITS, "verification_email": "2/h"}
    sign_up(client, email="asha@example.in")
    deliver_mail().clear()
    other = client.__class__()  # another browser: nothing remembered in its session
    login = {"login": "asha@example.in", "password": PASSWORD}
    page = other.post(reverse("account_login"), login, follow=True)
    body = text(page)
    assert "Your email address is not confirmed yet, so you cannot sign in." in body
    assert "We have sent a new confirmation link to asha@example.in." in body
    assert "We have sent a link to asha@example.in" in body
    assert len(deliver_mail()) == 1
    # Again at once: past the address's limit, no email, but still a clear message.
    page = other.post(reverse("account_login"), login, follow=True)
    assert "We sent a confirmation link to asha@example.in a few minutes ago" in text(page)
    assert len(deliver_mail()) == 1


def test_the_first_sign_in_says_welcome_and_later_ones_welcome_back(client):
    user = CustomerFactory(name="Ravi Kumar", password=PASSWORD)
    login_page = client.get(reverse("account_login"))
    assert "Welcome back" not in text(login_page)
    page = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True
    )
    assert "Welcome to BookMyToken, Ravi!" in text(page)
    assert "Welcome back" not in text(page)
    client.logout()
    page = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True
    )
    assert "Welcome back, Ravi." in text(page)


def test_the_verification_email_subject_is_in_sentence_case(client, deliver_mail):
    sign_up(client)
    assert deliver_mail()[-1].subject == "[BookMyToken] Confirm your email address"
