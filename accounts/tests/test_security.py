import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import Device, LoginLog, User
from accounts.tests.factories import PASSWORD, CustomerFactory, ProviderUserFactory, StaffFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def login(client, identifier, password=PASSWORD, **extra):
    return client.post(LOGIN, {"login": identifier, "password": password}, **extra)


def totp_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def confirmed_totp(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


# --- Devices ---------------------------------------------------------------------------------


def test_first_device_is_recorded_quietly_and_a_new_device_emails_the_user(
    client, django_capture_on_commit_callbacks, deliver_mail
):
    from django.test import Client

    user = CustomerFactory()
    login(client, user.email, HTTP_USER_AGENT="Laptop Firefox")
    assert Device.objects.filter(user=user).count() == 1
    assert deliver_mail() == []
    user.refresh_from_db()
    first_device = Device.objects.get(user=user)
    assert user.device_id == first_device.device_id

    # The same browser again: no email, last seen updated.
    client.post(reverse("account_logout"))  # keeps the browser's cookies
    with django_capture_on_commit_callbacks(execute=True):
        login(client, user.email, HTTP_USER_AGENT="Laptop Firefox")
    assert deliver_mail() == []
    assert Device.objects.filter(user=user).count() == 1

    other_browser = Client()
    with django_capture_on_commit_callbacks(execute=True):
        login(other_browser, user.email, HTTP_USER_AGENT="Phone Chrome")
    assert Device.objects.filter(user=user).count() == 2
    assert len(deliver_mail()) == 1
    message = deliver_mail()[0]
    assert message.to == [user.email]
    assert "New sign-in" in message.subject
    assert "Phone Chrome" in message.body
    user.refresh_from_db()
    assert user.device_id == Device.objects.get(user=user, user_agent="Phone Chrome").device_id


def test_tampered_device_cookie_gets_a_new_device_id(client):
    user = CustomerFactory()
    client.cookies["bmt_device"] = "a" * 32  # unsigned: not accepted
    login(client, user.email)
    device = Device.objects.get(user=user)
    assert device.device_id != "a" * 32


def test_anonymous_pages_issue_no_device_cookie_and_signing_in_does(client):
    user = CustomerFactory()
    assert "bmt_device" not in client.get(reverse("home")).cookies
    assert "bmt_device" not in client.get(LOGIN).cookies
    response = login(client, user.email)
    assert response.status_code == 302
    issued = response.cookies["bmt_device"]
    assert issued["httponly"] and issued["samesite"] == "Lax"
    assert Device.objects.get(user=user).device_id == issued.value.split(":")[0]
    # Once issued, it is not issued again.
    assert "bmt_device" not in client.get(reverse("accounts:security")).cookies


def test_a_failed_sign_in_keeps_the_device_id_it_logged(client):
    user = CustomerFactory()
    response = login(client, user.email, "wrong-password")
    logged = LoginLog.objects.get(user=user).device_id
    assert logged and response.cookies["bmt_device"].value.split(":")[0] == logged
    login(client, user.email)
    assert Device.objects.get(user=user).device_id == logged


def test_a_signed_in_browser_without_a_device_cookie_gets_one(client):
    client.force_login(CustomerFactory())
    assert "bmt_device" in client.get(reverse("accounts:security")).cookies


# --- Blocking ------------------------------------------------------------------------------


def test_blocked_user_is_logged_out_at_next_request(client):
    user = CustomerFactory()
    client.force_login(user)
    assert client.get(reverse("accounts:security")).status_code == 200
    User.objects.filter(pk=user.pk).update(is_blocked=True)
    response = client.get(reverse("accounts:security"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert SESSION_KEY not in client.session
    response = client.get(response["Location"])
    assert "has been blocked" in response.content.decode()


def test_user_block_service_ends_sessions_and_unblock_lets_them_back(client):
    staff = StaffFactory()
    user = CustomerFactory()
    client.force_login(user)
    services.user_block(user=user, actor=staff, reason="Fraud report")
    user.refresh_from_db()
    assert user.is_blocked and user.blocked_reason == "Fraud report"
    assert client.get(reverse("accounts:security")).status_code == 302
    assert SESSION_KEY not in client.session
    assert login(client, user.email).status_code == 200
    services.user_unblock(user=user, actor=staff)
    user.refresh_from_db()
    assert not user.is_blocked and user.blocked_reason == ""
    assert login(client, user.email).status_code == 302


def test_sign_out_all_other_sessions(client):
    from django.test import Client

    user = CustomerFactory()
    other = Client()
    other.force_login(user)
    client.force_login(user)
    response = client.post(reverse("accounts:sessions_end_others"))
    assert response.status_code == 302
    assert client.get(reverse("accounts:security")).status_code == 200  # this one stays
    response = other.get(reverse("accounts:security"))
    assert response.status_code == 302  # the other one is gone
    assert SESSION_KEY not in other.session


def test_security_page_lists_devices_and_recent_logins_of_this_user_only(client):
    user = CustomerFactory()
    stranger = CustomerFactory()
    login(client, stranger.email, HTTP_USER_AGENT="Stranger Browser 1.0")
    client.post(reverse("account_logout"))  # keeps the browser's cookies
    login(client, user.email, HTTP_USER_AGENT="My Browser 2.0")
    body = client.get(reverse("accounts:security")).content.decode()
    assert "My Browser 2.0" in body
    assert "Stranger Browser" not in body
    assert "Signed in" in body


def test_security_page_needs_login(client):
    response = client.get(reverse("accounts:security"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- Admin and OTP ------------------------------------------------------------------------------


def test_anonymous_admin_goes_to_site_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_non_staff_gets_403_in_admin(client):
    client.force_login(CustomerFactory())
    assert client.get("/admin/").status_code == 403


def test_staff_without_otp_is_kept_out_of_admin(client, settings):
    settings.ADMIN_OTP_REQUIRED = True
    staff = StaffFactory()
    login(client, staff.email)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor")
    assert client.get("/admin/accounts/user/").status_code == 302


def test_staff_with_verified_totp_device_is_let_in(client, settings):
    settings.ADMIN_OTP_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0  # retry at once
    staff = StaffFactory()
    device = confirmed_totp(staff)
    # A known browser: the password is enough to sign in, but the admin wants the code.
    Device.objects.create(user=staff, device_id="f" * 32)
    client.cookies["bmt_device"] = client_cookie_for("f" * 32)
    login(client, staff.email)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    response = client.post(reverse("accounts:otp_verify"), {"token": "000000", "next": "/admin/"})
    assert response.status_code == 200
    assert response.context["form"].errors
    response = client.post(
        reverse("accounts:otp_verify"), {"token": totp_code(device), "next": "/admin/"}
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_admin_otp_can_be_relaxed_for_local_demo(client, settings):
    settings.ADMIN_OTP_REQUIRED = False
    client.force_login(StaffFactory())
    assert client.get("/admin/").status_code == 200


def client_cookie_for(device_id: str) -> str:
    from django.core.signing import get_cookie_signer

    from accounts.middleware import DEVICE_COOKIE, DEVICE_COOKIE_SALT

    return get_cookie_signer(salt=DEVICE_COOKIE + DEVICE_COOKIE_SALT).sign(device_id)


# --- 2FA set-up and login from a new device ------------------------------------------------------


def test_two_factor_setup_shows_qr_and_confirms_with_a_code(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = ProviderUserFactory()
    client.force_login(user)
    response = client.get(reverse("accounts:two_factor"))
    body = response.content.decode()
    assert 'src="data:image/svg+xml;base64,' in body
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:two_factor"), {"token": "12"})
    assert response.context["form"].errors
    response = client.post(reverse("accounts:two_factor"), {"token": "000000"})
    assert response.context["form"].errors
    assert not services.user_has_two_factor(user)
    response = client.post(reverse("accounts:two_factor"), {"token": totp_code(device)})
    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    assert services.user_has_two_factor(user)
    assert StaticToken.objects.filter(device__user=user).count() == 10


def test_two_factor_user_on_new_device_must_enter_code(client, settings):
    from django.test import Client

    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0  # retry at once

    user = ProviderUserFactory(mobile="+919811122222")
    device = confirmed_totp(user)
    codes = services.backup_codes_regenerate(user=user)
    response = login(client, "98111 22222")
    assert response["Location"] == reverse("accounts:login_2fa")
    assert SESSION_KEY not in client.session
    assert not Device.objects.filter(user=user).exists()

    response = client.post(reverse("accounts:login_2fa"), {"token": "123456"})
    assert response.status_code == 200 and response.context["form"].errors
    assert SESSION_KEY not in client.session
    response = client.post(reverse("accounts:login_2fa"), {"token": totp_code(device)})
    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    assert int(client.session[SESSION_KEY]) == user.pk
    assert Device.objects.filter(user=user).count() == 1
    rows = list(LoginLog.objects.order_by("id").values_list("reason", "identifier"))
    assert rows == [
        ("otp_required", "98111 22222"),
        ("otp_failed", "98111 22222"),
        ("ok", "98111 22222"),
    ]

    # Same browser later: trusted, no code asked.
    client.post(reverse("account_logout"))  # keeps the browser's cookies
    assert login(client, user.email)["Location"] == "/portal/"

    # Another new browser can use a backup code, once.
    other = Client()
    login(other, user.email)
    assert other.post(reverse("accounts:login_2fa"), {"token": codes[0]}).status_code == 302
    third = Client()
    login(third, user.email)
    response = third.post(reverse("accounts:login_2fa"), {"token": codes[0]})
    assert response.status_code == 200


def test_login_code_page_without_pending_login_goes_back_to_login(client):
    response = client.get(reverse("accounts:login_2fa"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")


def test_disable_two_factor_needs_password(client):
    user = ProviderUserFactory()
    confirmed_totp(user)
    services.backup_codes_regenerate(user=user)
    client.force_login(user)
    response = client.post(reverse("accounts:two_factor_disable"), {"password": "wrong"})
    assert response.context["form"].errors
    assert services.user_has_two_factor(user)
    response = client.post(reverse("accounts:two_factor_disable"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not services.user_has_two_factor(user)
    assert not StaticToken.objects.filter(device__user=user).exists()


def test_new_backup_codes_replace_old_ones(client):
    user = ProviderUserFactory()
    confirmed_totp(user)
    old = services.backup_codes_regenerate(user=user)
    client.force_login(user)
    response = client.post(reverse("accounts:backup_codes"), {"password": PASSWORD})
    new = response.context["codes"]
    assert set(new).isdisjoint(old)
    assert StaticToken.objects.filter(device__user=user).count() == 10


# --- Email change is re-verified ------------------------------------------------------------------


def test_change_email_is_verified_before_it_counts(client, deliver_mail):
    user = CustomerFactory(email="old@example.in")
    client.force_login(user)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "new@example.in"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "old@example.in"
    link = re.search(r"/accounts/confirm-email/[^\s]+/", deliver_mail()[-1].body).group(0)
    client.post(link)
    user.refresh_from_db()
    assert user.email == "new@example.in"
    assert user.email_verified
