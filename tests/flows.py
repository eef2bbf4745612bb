"""Steps several journeys share: signing up through the form and verifying the emailed link,
logging in."""

import re

from django.core import mail

from .journey import Journey


def sign_up_and_verify(journey: Journey, *, name: str, email: str, role: str, password: str):
    """Fill in the sign-up form, open the verification link from the email, confirm it."""
    page = journey.page
    journey.goto("/accounts/signup/" + ("?role=provider" if role == "provider" else ""), "signup")
    page.fill("input[name=name]", name)
    page.fill("input[name=email]", email)
    page.check(f"input[name=role][value={role}]")
    page.fill("input[name=password1]", password)
    page.fill("input[name=password2]", password)
    page.get_by_role("button", name=re.compile("sign up", re.I)).click()
    journey.settle("verify-sent")
    assert email in page.inner_text("main")
    sent = [m for m in mail.outbox if email in m.to]
    assert len(sent) == 1, [m.subject for m in mail.outbox]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", sent[0].body).group(0)
    page.goto(link)
    journey.settle("confirm-email")
    page.get_by_role("button", name=re.compile("confirm", re.I)).click()
    journey.settle("email-confirmed")


def log_in(journey: Journey, *, login: str, password: str, label: str = "logged-in") -> None:
    page = journey.page
    journey.goto("/accounts/login/", "login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name=re.compile("log in|sign in", re.I)).click()
    journey.settle(label)
