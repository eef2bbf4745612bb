"""The README's API walkthrough (the bash block after ``<!-- api-walkthrough -->``), run exactly
as written with bash, curl and jq against a live server, seeded like the demo data: a salon in
Bengaluru open every day. The verification code is typed in from the email, as a person would."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from datetime import time as clock
from pathlib import Path

import pytest
from django.conf import settings

from bookings.models import Appointment

README = Path(settings.BASE_DIR) / "README.md"
EMAIL = "asha@example.in"

pytestmark = pytest.mark.skipif(
    not (shutil.which("curl") and shutil.which("jq") and shutil.which("bash")),
    reason="needs bash, curl and jq (bin/system-deps installs them)",
)


def walkthrough() -> str:
    text = README.read_text()
    match = re.search(r"<!-- api-walkthrough -->\s*```bash\n(.*?)```", text, re.S)
    assert match, "README has no API walkthrough block"
    return match.group(1)


def _seed_demo_salon():
    from providers.tests.factories import (
        CategoryFactory,
        ProviderFactory,
        ServiceFactory,
        open_all_week,
    )
    from wallet.tests.factories import fund

    salon = CategoryFactory(slug="salon-spa", name="Salon & Spa")
    shop = ProviderFactory(
        category=salon,
        city="Bengaluru",
        slot_step_minutes=15,
        min_notice_minutes=0,
        max_days_ahead=30,
    )
    open_all_week(shop, start=clock(8), end=clock(20))
    ServiceFactory(provider=shop, duration_minutes=30)
    fund(shop, "500.00")
    return shop


def _emailed_code(deadline: float) -> str | None:
    from post_office.models import Email

    while time.monotonic() < deadline:
        for email in Email.objects.order_by("-id"):
            if EMAIL in (email.to or []):
                found = re.search(r"^\s+(\d{6})\s*$", email.message or "", re.M)
                if found:
                    return found.group(1)
        time.sleep(0.2)
    return None


def test_readme_api_walkthrough_runs_as_written(live_server, settings):
    settings.ACCOUNTS_RATE_LIMITS = dict.fromkeys(settings.ACCOUNTS_RATE_LIMITS, "1000/m")
    shop = _seed_demo_salon()
    env = {**os.environ, "API": f"{live_server.url}/api/v1"}
    process = subprocess.Popen(  # noqa: S603 - our own README, run by bash
        ["bash", "-euo", "pipefail", "-c", walkthrough()],  # noqa: S607
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    code = _emailed_code(time.monotonic() + 60)
    assert code, "no verification code was emailed"
    output, _ = process.communicate(f"{code}\n", timeout=120)
    assert process.returncode == 0, output

    booking = Appointment.objects.get(customer__email=EMAIL)
    assert booking.provider == shop
    assert booking.status == Appointment.Status.CANCELLED
    assert f'"token_number": {booking.token_number}' in output
    assert '"status": "cancelled"' in output
    assert '"role": "customer"' in output
