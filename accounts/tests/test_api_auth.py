"""The accounts API: sign-up and verification by code, sign-in with the web's rules, the
two-factor step, refresh/rotation/blacklist, sign-out, password reset by code, devices."""

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from accounts import services
from accounts.models import Device, EmailCode, LoginLog, User
from accounts.tests.factories import PASSWORD, CustomerFactory, StaffFactory
from accounts.tests.test_security import confirmed_totp, totp_code
from tests.api import PROBLEM_JSON

pytestmark = pytest.mark.django_db

ME = "/api/v1/auth/me/"


def post(path, data, client=None, **extra):
    return (client or APIClient()).post(f"/api/v1/{path}", data, format="json", **extra)


def login(identifier, password=PASSWORD, **data):
    return post("auth/login/", {"login": identifier, "password": password, **data})


def bearer(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM_JSON)
    body = response.json()
    if code:
        assert body["code"] == code, body
    return body


def mailed_code(outbox, email: str) -> str:
    message = [m for m in outbox if email in m.to][-1]
    return re.search(r"^\s+(\d{6})\s*$", message.body, re.M).group(1)


SIGNUP = {
    "role": "customer",
    "name": "Meera Iyer",
    "email": "meera@example.in",
    "mobile": "98450 12345",
    "password1": "a-long-secret-9",
    "password2": "a-long-secret-9",
}


# --- Sign-up and verification -------------------------------------------------------------------


def test_register_verify_by_code_then_login(deliver_mail):
    response = post("auth/register/", SIGNUP)
    assert response.status_code == 202, response.content
    user = User.objects.get(email="meera@example.in")
    assert str(user.mobile) == "+919845012345" and not user.email_verified

    # Password right, email not verified: refused, logged, and a fresh code is emailed.
    problem(login("meera@example.in", "a-long-secret-9"), 403, "email_unverified")
    assert LoginLog.objects.filter(user=user, reason=LoginLog.Reason.UNVERIFIED).exists()

    code = mailed_code(deliver_mail(), "meera@example.in")
    body = problem(post("auth/verify-email/", {"email": "meera@example.in", "code": "000000"}), 400)
    assert "code" in body["errors"]
    response = post("auth/verify-email/", {"email": "meera@example.in", "code": code})
    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert user.email_verified and EmailAddress.objects.get(user=user).verified
    # A code works once.
    problem(post("auth/verify-email/", {"email": "meera@example.in", "code": code}), 400)

    response = login("98450 12345", "a-long-secret-9")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["otp_required"] is False and data["user"]["role"] == "customer"
    assert bearer(data["access"]).get(ME).json()["email"] == "meera@example.in"


def test_register_same_answer_for_an_existing_address(deliver_mail):
    existing = CustomerFactory(email="taken@example.in")
    fresh = post("auth/register/", {**SIGNUP, "email": "new@example.in", "mobile": ""})
    taken = post("auth/register/", {**SIGNUP, "email": "taken@example.in", "mobile": ""})
    assert fresh.status_code == taken.status_code == 202
    assert set(fresh.json()) == set(taken.json())
    assert User.objects.filter(email="taken@example.in").count() == 1
    outbox = deliver_mail()
    assert any(existing.email in m.to for m in outbox)  # the owner is told instead
    assert not EmailCode.objects.filter(user=existing).exists()


def test_register_validation_is_the_web_forms(deliver_mail):
    body = problem(
        post("auth/register/", {**SIGNUP, "password2": "other", "mobile": "12", "name": " "}), 400
    )
    assert set(body["errors"]) >= {"mobile", "name"}
    assert body["errors"]["mobile"] == ["Enter a valid mobile number, e.g. 98765 43210."]
    assert body["errors"]["name"]
    body = problem(post("auth/register/", ["not", "an", "object"]), 400)
    body = problem(post("auth/register/", {**SIGNUP, "email": {"x": 1}}), 400)
    assert "email" in body["errors"]
    assert not User.objects.exists()


def test_register_in_hindi_request_language():
    response = post("auth/register/", {**SIGNUP, "mobile": "12"}, HTTP_ACCEPT_LANGUAGE="hi")
    assert response["Content-Language"] == "hi"


def test_verification_code_dies_after_five_wrong_tries(deliver_mail):
    post("auth/register/", SIGNUP)
    code = mailed_code(deliver_mail(), "meera@example.in")
    wrong = "111111" if code != "111111" else "222222"
    for _ in range(5):
        problem(post("auth/verify-email/", {"email": "meera@example.in", "code": wrong}), 400)
    problem(post("auth/verify-email/", {"email": "meera@example.in", "code": code}), 400)


# --- Sign-in ----------------------------------------------------------------------------------


def test_login_tokens_carry_device_and_new_device_is_emailed(deliver_mail):
    user = CustomerFactory()
    response = login(user.email)
    assert "bmt_device" not in response.cookies  # the app keeps `device` instead
    first = response.json()
    token = AccessToken(first["access"])
    assert token["user_id"] == str(user.pk) and token["otp"] is False
    device = Device.objects.get(user=user)
    assert token["device"] == device.device_id
    assert LoginLog.objects.filter(user=user, status="success").count() == 1
    assert not deliver_mail()  # the account's first device is recorded quietly
    # Same app again (sends back its device): no new device, no email.
    again = login(user.email, device=first["device"]).json()
    assert AccessToken(again["access"])["device"] == device.device_id
    assert Device.objects.filter(user=user).count() == 1
    assert not deliver_mail()
    # Another phone: a new device, and an email about it.
    login(user.email)
    assert Device.objects.filter(user=user).count() == 2
    assert any(user.email in m.to for m in deliver_mail())


def test_login_errors_are_the_pages_messages():
    user = CustomerFactory()
    body = problem(login(user.email, "wrong-password"), 400, "email_password_mismatch")
    assert body["detail"] == "The email/mobile number or password is not correct."
    body = problem(login("not an email", "x"), 400)
    assert body["errors"]["login"] == ["Enter a valid email address or mobile number."]
    body = problem(post("auth/login/", {}), 400)
    assert body["errors"]["login"] == ["Enter your email address or mobile number."]


def test_blocked_user_cannot_log_in():
    user = CustomerFactory()
    services.user_block(user=user, actor=None, reason="x")
    body = problem(login(user.email), 400, "blocked")
    assert "blocked" in body["detail"]
    assert LoginLog.objects.filter(user=user, reason=LoginLog.Reason.BLOCKED).exists()


def test_five_failures_lock_the_account_for_30_minutes_through_the_api():
    user = CustomerFactory(mobile="+919812345670")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(4):
            problem(login(user.email, "wrong-password"), 400)
        body = problem(login("9812345670", "wrong-password"), 429, "account_locked")
        body = problem(login(user.email), 429, "account_locked")  # correct password
        assert "This account is locked" in body["detail"]
        until = timezone.localtime(start + timedelta(minutes=30))
        assert until.strftime("%H:%M") in body["detail"]
        assert body["locked_until"]
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        problem(login(user.email), 429, "account_locked")
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        assert login(user.email).status_code == 200


def test_web_and_api_failures_count_for_the_same_lock(client):
    user = CustomerFactory()
    for _ in range(3):
        client.post("/accounts/login/", {"login": user.email, "password": "nope"})
    problem(login(user.email, "nope"), 400)
    problem(login(user.email, "nope"), 429, "account_locked")


def test_per_ip_login_limit_is_shared_with_the_web(settings):
    settings.ACCOUNTS_RATE_LIMITS = {**settings.ACCOUNTS_RATE_LIMITS, "login": "2/m"}
    user = CustomerFactory()
    assert login(user.email).status_code == 200
    assert login(user.email).status_code == 200
    problem(login(user.email), 429, "throttled")
    assert LoginLog.objects.filter(reason=LoginLog.Reason.RATE_LIMITED).exists()


def test_two_factor_login_returns_a_challenge_then_tokens_with_otp():
    user = CustomerFactory()
    device = confirmed_totp(user)
    first = login(user.email).json()
    assert first["otp_required"] is True and "access" not in first
    assert LoginLog.objects.filter(user=user, reason=LoginLog.Reason.OTP_REQUIRED).exists()
    challenge = first["otp_challenge"]
    body = problem(post("auth/login/otp/", {"otp_challenge": challenge, "code": "000000"}), 400)
    assert body["errors"]["code"] == ["That code is not right. Try again."]
    assert LoginLog.objects.filter(user=user, reason=LoginLog.Reason.OTP_FAILED).exists()
    # django-otp makes the next try wait a little after a wrong code.
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        device.refresh_from_db()
        code = totp_code(device)
        response = post("auth/login/otp/", {"otp_challenge": challenge, "code": code})
        assert response.status_code == 200, response.content
        assert AccessToken(response.json()["access"])["otp"] is True
        # That device is now known: the next sign-in from it needs no code (the web's rule).
        again = login(user.email, device=first["device"]).json()
        assert again["otp_required"] is False


def test_backup_code_works_once_and_challenge_expires():
    user = CustomerFactory()
    confirmed_totp(user)
    static = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    StaticToken.objects.create(device=static, token="12345678")
    challenge = login(user.email).json()["otp_challenge"]
    ok = post("auth/login/otp/", {"otp_challenge": challenge, "code": "12345678"})
    assert ok.status_code == 200
    problem(post("auth/login/otp/", {"otp_challenge": challenge, "code": "12345678"}), 400)
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        body = problem(post("auth/login/otp/", {"otp_challenge": challenge, "code": "1"}), 400)
        assert "otp_challenge" in body["errors"]
    problem(post("auth/login/otp/", {"otp_challenge": "forged", "code": "123456"}), 400)


def test_staff_always_give_the_code_and_only_then_pass_staff_checks(rf):
    staff = StaffFactory()
    device = confirmed_totp(staff)
    first = login(staff.email).json()
    assert first["otp_required"] is True
    tokens = post(
        "auth/login/otp/", {"otp_challenge": first["otp_challenge"], "code": totp_code(device)}
    ).json()
    # Known device, still asked: a staff token always passed the second factor.
    assert login(staff.email, device=first["device"]).json()["otp_required"] is True
    from rest_framework.request import Request

    from accounts.authentication import JWTAuthentication
    from accounts.permissions import IsStaffWithOTP

    request = Request(
        rf.get(ME, HTTP_AUTHORIZATION=f"Bearer {tokens['access']}"),
        authenticators=[JWTAuthentication()],
    )
    assert IsStaffWithOTP().has_permission(request, None)


def test_staff_without_two_factor_get_tokens_that_staff_checks_refuse(api_client_for):
    staff = StaffFactory()
    data = login(staff.email).json()
    assert data["otp_required"] is False
    assert AccessToken(data["access"])["otp"] is False


# --- Tokens ---------------------------------------------------------------------------------------


def test_access_token_expires_within_15_minutes():
    user = CustomerFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        access = login(user.email).json()["access"]
        assert bearer(access).get(ME).status_code == 200
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        problem(bearer(access).get(ME), 401, "token_not_valid")


def test_refresh_rotates_and_a_rotated_token_is_refused():
    user = CustomerFactory()
    tokens = login(user.email).json()
    new = post("auth/token/refresh/", {"refresh": tokens["refresh"]})
    assert new.status_code == 200, new.content
    new = new.json()
    assert new["refresh"] != tokens["refresh"]
    assert bearer(new["access"]).get(ME).status_code == 200
    problem(post("auth/token/refresh/", {"refresh": tokens["refresh"]}), 401, "token_not_valid")
    assert post("auth/token/refresh/", {"refresh": new["refresh"]}).status_code == 200
    # The rotated token keeps the device binding.
    assert AccessToken(new["access"])["device"] == AccessToken(tokens["access"])["device"]


def test_refresh_refused_after_block_password_change_and_sign_out_elsewhere():
    for end in ("block", "password", "session_version", "device"):
        user = CustomerFactory()
        tokens = login(user.email).json()
        if end == "block":
            services.user_block(user=user, actor=None, reason="x")
        elif end == "password":
            user.set_password("another-long-secret")
            user.save()
        elif end == "session_version":
            User.objects.filter(pk=user.pk).update(session_version=user.session_version + 1)
        else:
            Device.objects.filter(user=user).delete()
        problem(post("auth/token/refresh/", {"refresh": tokens["refresh"]}), 401)
        problem(bearer(tokens["access"]).get(ME), 401)


def test_refresh_expired_and_garbage_refused():
    user = CustomerFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        refresh = login(user.email).json()["refresh"]
    with time_machine.travel(start + timedelta(days=31), tick=False):
        problem(post("auth/token/refresh/", {"refresh": refresh}), 401, "token_not_valid")
    problem(post("auth/token/refresh/", {"refresh": "x"}), 401)
    problem(post("auth/token/refresh/", {}), 400)


def test_logout_blacklists_the_refresh_token():
    user = CustomerFactory()
    tokens = login(user.email).json()
    other = CustomerFactory()
    other_tokens = login(other.email).json()
    client = bearer(tokens["access"])
    problem(post("auth/logout/", {"refresh": other_tokens["refresh"]}, client), 401)
    assert post("auth/logout/", {"refresh": tokens["refresh"]}, client).status_code == 204
    problem(post("auth/token/refresh/", {"refresh": tokens["refresh"]}), 401)
    assert post("auth/token/refresh/", {"refresh": other_tokens["refresh"]}).status_code == 200


# --- Password reset by code ---------------------------------------------------------------------


def test_forgot_and_reset_password_by_code(deliver_mail):
    user = CustomerFactory()
    tokens = login(user.email).json()
    known = post("auth/forgot-password/", {"email": user.email})
    unknown = post("auth/forgot-password/", {"email": "nobody@example.in"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    code = mailed_code(deliver_mail(), user.email)
    body = problem(
        post("auth/reset-password/", {"email": user.email, "code": code, "password": "123"}),
        400,
    )
    assert "password" in body["errors"]  # the site's password rules; the code is kept
    response = post(
        "auth/reset-password/",
        {"email": user.email, "code": code, "password": "a-new-long-secret"},
    )
    assert response.status_code == 200, response.content
    problem(bearer(tokens["access"]).get(ME), 401)
    problem(post("auth/token/refresh/", {"refresh": tokens["refresh"]}), 401)
    problem(login(user.email), 400)
    assert login(user.email, "a-new-long-secret").status_code == 200
    problem(
        post(
            "auth/reset-password/",
            {"email": user.email, "code": code, "password": "yet-another-secret"},
        ),
        400,
    )


def test_completed_reset_lifts_a_lockout(deliver_mail):
    user = CustomerFactory()
    for _ in range(5):
        login(user.email, "wrong")
    problem(login(user.email), 429, "account_locked")
    post("auth/forgot-password/", {"email": user.email})
    code = mailed_code(deliver_mail(), user.email)
    post("auth/reset-password/", {"email": user.email, "code": code, "password": "fresh-secret-77"})
    assert login(user.email, "fresh-secret-77").status_code == 200


# --- Profile and devices ------------------------------------------------------------------------


def test_me_and_devices(api_client_for):
    user = CustomerFactory()
    client = api_client_for(user)
    me = client.get(ME).json()
    assert me["role"] == "customer" and me["two_factor_enabled"] is False
    Device.objects.create(user=user, device_id="b" * 32, user_agent="laptop")
    page = client.get("/api/v1/devices/").json()
    assert {"results", "next", "previous"} <= set(page)
    assert [d["current"] for d in page["results"]].count(True) == 1


@pytest.mark.mariadb
@pytest.mark.django_db(transaction=True)
def test_one_refresh_token_sent_twice_at_once_rotates_once():
    import threading

    from django.db import connection

    user = CustomerFactory()
    refresh = login(user.email).json()["refresh"]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def worker() -> None:
        try:
            barrier.wait()
            statuses.append(post("auth/token/refresh/", {"refresh": refresh}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 401]
