"""Access-matrix entries of the accounts API (tests/test_api_access_matrix.py)."""

import secrets

from accounts import services
from accounts.authentication import otp_challenge_issue, tokens_issue
from accounts.models import Device, EmailCode
from accounts.tests.factories import PASSWORD
from tests.api import Endpoint, Setup


def _own_device(user) -> Setup:
    device = Device.objects.create(user=user, device_id=f"{user.pk:032d}", user_agent="phone")
    return Setup(kwargs={"pk": device.pk})


def _register(user) -> Setup:
    email = f"new-{secrets.token_hex(4)}@example.in"
    password = "a-long-secret-9"
    data = {"role": "customer", "name": "Asha Rao", "email": email}
    return Setup(data={**data, "password1": password, "password2": password})


def _verify(user) -> Setup:
    code = services.email_code_send(user=user, purpose=EmailCode.Purpose.VERIFY_EMAIL)
    return Setup(data={"email": user.email, "code": code})


def _login(user) -> Setup:
    return Setup(data={"login": user.email, "password": PASSWORD})


def _login_otp(user) -> Setup:
    from accounts.tests.test_security import confirmed_totp, totp_code

    device = confirmed_totp(user)
    challenge = otp_challenge_issue(user=user, device_id="c" * 32, identifier=user.email)
    return Setup(data={"otp_challenge": challenge, "code": totp_code(device)})


def _refresh(user) -> Setup:
    device = Device.objects.create(user=user, device_id=secrets.token_hex(16))
    tokens = tokens_issue(user=user, device_id=device.device_id, otp=False)
    return Setup(data={"refresh": tokens["refresh"]})


def _forgot(user) -> Setup:
    return Setup(data={"email": user.email})


def _reset(user) -> Setup:
    code = services.email_code_send(user=user, purpose=EmailCode.Purpose.RESET_PASSWORD)
    return Setup(data={"email": user.email, "code": code, "password": "a-new-long-secret"})


def _public(name: str, arrange, success: int = 200) -> Endpoint:
    return Endpoint(name, "POST", role=None, arrange=arrange, success=success, anonymous=None)


ENDPOINTS = [
    _public("auth-register", _register, 202),
    _public("auth-verify-email", _verify),
    _public("auth-login", _login),
    _public("auth-login-otp", _login_otp),
    _public("auth-token-refresh", _refresh),
    _public("auth-forgot-password", _forgot, 202),
    _public("auth-reset-password", _reset),
    Endpoint("auth-logout", "POST", role="any", arrange=_refresh, success=204),
    Endpoint("auth-me", "GET", role="any"),
    Endpoint("devices-list", "GET", role="any"),
    Endpoint("devices-detail", "DELETE", role="any", arrange=_own_device, success=204),
]
