"""Staff reach the staff endpoints only with a token whose sign-in passed the second factor."""

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD, StaffFactory
from accounts.tests.test_security import confirmed_totp, totp_code

pytestmark = pytest.mark.django_db

PENDING = "/api/v1/admin/providers/pending/"


def _post(path, data):
    return APIClient().post(path, data, format="json")


def _get(path, access):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.get(path)


def test_staff_token_from_the_two_step_sign_in_passes_and_one_without_is_refused():
    enrolled = StaffFactory()
    device = confirmed_totp(enrolled)
    step = _post("/api/v1/auth/login/", {"login": enrolled.email, "password": PASSWORD}).json()
    assert step["otp_required"] is True
    with time_machine.travel(timezone.now()):
        tokens = _post(
            "/api/v1/auth/login/otp/",
            {"otp_challenge": step["otp_challenge"], "code": totp_code(device)},
        ).json()
        assert _get(PENDING, tokens["access"]).status_code == 200

    not_enrolled = StaffFactory()
    plain = _post("/api/v1/auth/login/", {"login": not_enrolled.email, "password": PASSWORD})
    refused = _get(PENDING, plain.json()["access"])
    assert refused.status_code == 403
    assert refused["Content-Type"].startswith("application/problem+json")
