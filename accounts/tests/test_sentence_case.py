"""The allauth pages we show speak in sentence case like the rest of the site."""

import re

import pytest
from django.urls import reverse

from accounts.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
# Two or more capitalised words in a row, e.g. "Verify Your Email Address", "Sign In".
TITLE_CASE = re.compile(r"\b[A-Z][a-z]+(?: (?:[A-Z][a-z]+|[A-Z]{2,}))+\b")
# Proper names that are allowed to look like Title Case.
ALLOWED = {"BookMyToken"}


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", "\n", html)
    return "\n".join(" ".join(line.split()) for line in html.splitlines() if line.strip())


def title_case_phrases(html: str) -> set[str]:
    main = html.split("<main", 1)[-1].split("</main>", 1)[0]
    head = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    found = set()
    for line in [*visible_text(main).splitlines(), head]:
        found |= {m for m in TITLE_CASE.findall(line) if m not in ALLOWED}
    return found


@pytest.mark.parametrize(
    "name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_email_verification_sent",
    ],
)
def test_public_account_pages_use_sentence_case(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert title_case_phrases(response.content.decode()) == set()


def test_a_bad_confirmation_link_uses_sentence_case(client):
    response = client.get(reverse("account_confirm_email", args=["not-a-key"]))
    assert title_case_phrases(response.content.decode()) == set()


@pytest.mark.parametrize("name", ["account_email", "account_change_password", "account_logout"])
def test_signed_in_account_pages_use_sentence_case(client, name):
    client.force_login(CustomerFactory())
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert title_case_phrases(response.content.decode()) == set()
