"""Steps several journeys share: signing up through the form and verifying the emailed link,
logging in."""

import re

from django.core import mail

from bookings.tasks import deliver_mail

from .journey import Journey


def delivered_mail() -> list:
    """Run the mail worker once, as Celery beat does every minute; return Django's outbox."""
    deliver_mail()
    return mail.outbox


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
    outbox = delivered_mail()
    sent = [m for m in outbox if email in m.to]
    assert len(sent) == 1, [m.subject for m in outbox]
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


def log_in_staff_with_code(journey: Journey, *, email: str, password: str, device) -> None:
    """Staff log in, then pass the two-factor code the admin site requires (TOTP)."""
    from django_otp.oath import totp

    log_in(journey, login=email, password=password, label="staff-login")
    page = journey.page
    for _attempt in range(2):
        if page.locator("input[name=token]").count() == 0:
            journey.goto("/admin/", "admin-entry")
        if page.locator("input[name=token]").count() == 0:
            return
        device.refresh_from_db()
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        page.fill("input[name=token]", f"{code:06d}")
        page.locator("main form").filter(has=page.locator("input[name=token]")).locator(
            "button[type=submit]"
        ).first.click()
        journey.settle("two-factor-code")
