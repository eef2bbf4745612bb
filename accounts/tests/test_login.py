import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from accounts.models import LoginLog, User
from accounts.tests.factories import PASSWORD, CustomerFactory, ProviderUserFactory, StaffFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def login(client, identifier, password=PASSWORD, **extra):
    return client.post(LOGIN, {"login": identifier, "password": password}, **extra)


def signup_data(**overrides):
    data = {
        "role": "customer",
        "name": "Meera Iyer",
        "email": "meera@example.in",
        "mobile": "98450 12345",
        "password1": "a-long-secret-9",
        "password2": "a-long-secret-9",
    }
    data.update(overrides)
    return data


def test_signup_email_verify_then_login(client, deliver_mail):
    response = client.post(reverse("account_signup"), signup_data(role="provider"))
    assert response.status_code == 302
    user = User.objects.get(email="meera@example.in")
    assert user.role == User.Role.PROVIDER
    assert str(user.mobile) == "+919845012345"
    assert user.name == "Meera Iyer"
    assert not user.email_verified
    assert "_auth_user_id" not in client.session

    # Not verified yet: the password is right but no login happens.
    response = login(client, "meera@example.in", "a-long-secret-9")
    assert "_auth_user_id" not in client.session
    assert LoginLog.objects.filter(user=user, reason=LoginLog.Reason.UNVERIFIED).exists()

    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", deliver_mail()[-1].body)
    assert link, deliver_mail()[-1].body
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    response = client.post("/" + path)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_verified
    assert EmailAddress.objects.get(user=user).verified

    response = login(client, "meera@example.in", "a-long-secret-9")
    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    assert int(client.session["_auth_user_id"]) == user.pk


def test_signup_role_preselected_from_url(client):
    response = client.get(reverse("account_signup") + "?role=provider")
    assert response.context["form"].initial["role"] == "provider"
    response = client.get(reverse("account_signup"))
    assert response.context["form"]["role"].value() == "customer"


def test_unverified_user_cannot_log_in(client):
    user = CustomerFactory(email_verified=False)
    response = login(client, user.email)
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")


def test_login_by_mobile_number(client):
    user = CustomerFactory(mobile="+919812345678")
    response = login(client, "98123 45678")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    ("factory", "target"), [(CustomerFactory, "/"), (ProviderUserFactory, "/portal/")]
)
def test_login_redirects_by_role(client, factory, target):
    user = factory()
    assert login(client, user.email)["Location"] == target


def test_staff_lands_on_staff_dashboard(client):
    user = StaffFactory()
    assert login(client, user.email)["Location"] == "/adminpanel/"


def test_wrong_password_says_so(client):
    user = CustomerFactory()
    response = login(client, user.email, "nope-nope")
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_failures_lock_sixth_correct_refused_30_minutes_later_works(client):
    user = CustomerFactory(mobile="+919812345670")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(4):
            assert login(client, user.email, "wrong-password").status_code == 200
        # The fifth failure, typed as the mobile number, counts for the same account.
        response = login(client, "9812345670", "wrong-password")
        assert response.status_code == 429
        response = login(client, user.email)  # correct password, 6th attempt
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session
        body = response.content.decode()
        assert "This account is locked" in body
        until = timezone.localtime(start + timedelta(minutes=30))
        assert until.strftime("%H:%M") in body
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert login(client, user.email).status_code == 429
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        response = login(client, user.email)
        assert response.status_code == 302
        assert int(client.session["_auth_user_id"]) == user.pk


def test_lock_is_per_account_whichever_address_or_number_is_typed(client):
    user = CustomerFactory(mobile="+919812345671")
    EmailAddress.objects.create(user=user, email="second@example.in", verified=True)
    for _ in range(5):
        login(client, user.email, "wrong-password")
    # The secondary address and the mobile reach the same lock; none has its own 5 tries.
    assert login(client, "Second@Example.in").status_code == 429
    assert login(client, "98123 45671").status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_through_a_secondary_address_lock_the_account(client):
    user = CustomerFactory()
    EmailAddress.objects.create(user=user, email="second@example.in", verified=True)
    for _ in range(3):
        login(client, "second@example.in", "wrong-password")
    for _ in range(2):
        login(client, user.email, "wrong-password")
    assert login(client, user.email).status_code == 429
    assert login(client, "second@example.in").status_code == 429


def test_failures_from_different_addresses_behind_the_proxy_lock_and_say_until_when(
    client, settings
):
    """Axes keeps one attempt row per client address: five failures from five addresses (as
    nginx reports them) lock the account, and the page names the time the lock ends."""
    settings.TRUSTED_PROXY_COUNT = 1
    user = CustomerFactory()
    start = timezone.now().replace(second=0, microsecond=0)
    for n in range(5):
        with time_machine.travel(start + timedelta(minutes=n), tick=False):
            login(
                client,
                user.email,
                "wrong-password",
                HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 1}",
                REMOTE_ADDR="127.0.0.1",
            )
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        response = login(
            client, user.email, HTTP_X_FORWARDED_FOR="198.51.100.1", REMOTE_ADDR="127.0.0.1"
        )
        assert response.status_code == 429
        body = response.content.decode()
        assert "This account is locked" in body
        # The oldest of the five failures stops counting 30 minutes after it happened.
        until = timezone.localtime(start + timedelta(minutes=30))
        assert f"You can try again after {until.day} {until:%b %Y, %H:%M}" in body
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert login(client, user.email).status_code == 429
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        assert login(client, user.email).status_code == 302


def test_locked_until_adds_up_failures_across_attempt_rows(settings):
    from axes.models import AccessAttempt

    from accounts.services import locked_until

    user = CustomerFactory()
    now = timezone.now()
    for minutes_ago, failures in [(40, 4), (20, 2), (10, 2), (2, 1)]:
        attempt = AccessAttempt.objects.create(
            username=user.email,
            ip_address=f"203.0.113.{minutes_ago}",
            user_agent="test",
            failures_since_start=failures,
            get_data="",
            post_data="",
            http_accept="",
            path_info=LOGIN,
        )
        # attempt_time is set on creation; move it back (as time passing would).
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            attempt_time=now - timedelta(minutes=minutes_ago)
        )
    # Within the 30-minute cool-off: 1 + 2 + 2 = 5 failures, the limit reached at the row of
    # 20 minutes ago; the row of 40 minutes ago no longer counts.
    assert locked_until(user.email) == now - timedelta(minutes=20) + timedelta(minutes=30)
    AccessAttempt.objects.filter(ip_address="203.0.113.2").delete()
    assert locked_until(user.email) is None


def test_lock_is_per_account_not_per_ip(client):
    victim = CustomerFactory()
    other = CustomerFactory()
    for _ in range(5):
        login(client, victim.email, "wrong-password")
    assert login(client, victim.email).status_code == 429
    assert login(client, other.email).status_code == 302


def test_completed_password_reset_unlocks(client, deliver_mail):
    user = CustomerFactory()
    for _ in range(5):
        login(client, user.email, "wrong-password")
    assert login(client, user.email).status_code == 429

    client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(
        r"https?://[^\s]+/accounts/password/reset/key/[^\s]+/", deliver_mail()[-1].body
    )
    assert link, deliver_mail()[-1].body
    path = "/" + link.group(0).split("://", 1)[1].split("/", 1)[1]
    response = client.get(path)
    assert response.status_code == 302  # allauth moves the key into the session
    form_url = response["Location"]
    response = client.post(
        form_url, {"password1": "brand-new-pass-42", "password2": "brand-new-pass-42"}
    )
    assert response.status_code == 302
    response = login(client, user.email, "brand-new-pass-42")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_forged_forwarded_for_neither_escapes_nor_causes_lock(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    user = CustomerFactory()
    # Attacker rotates a forged left-most entry; our proxy appends the real address.
    for n in range(5):
        login(
            client,
            user.email,
            "wrong-password",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.7",
            REMOTE_ADDR="127.0.0.1",
        )
    ips = set(LoginLog.objects.filter(status="failed").values_list("ip_address", flat=True))
    assert ips == {"203.0.113.7"}
    # Still locked whatever the forged header says.
    response = login(
        client,
        user.email,
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9",
        REMOTE_ADDR="127.0.0.1",
    )
    assert response.status_code == 429


def test_forged_forwarded_for_without_trusted_proxy_is_ignored(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    other = CustomerFactory()
    # A forged header naming someone else's IP cannot get that IP rate limited or logged.
    login(client, other.email, "wrong-password", HTTP_X_FORWARDED_FOR="198.51.100.77")
    assert LoginLog.objects.get().ip_address == "127.0.0.1"


def test_every_attempt_writes_a_login_log_without_the_password(client):
    user = CustomerFactory()
    login(client, user.email, "secret-wrong-1")
    login(client, "nobody@example.in", "secret-wrong-2")
    login(client, user.email, HTTP_USER_AGENT="Firefox/140")
    rows = list(LoginLog.objects.order_by("id"))
    assert [(r.status, r.reason) for r in rows] == [
        ("failed", "bad_credentials"),
        ("failed", "bad_credentials"),
        ("success", "ok"),
    ]
    assert rows[0].user == user and rows[0].identifier == user.email
    assert rows[1].user is None and rows[1].identifier == "nobody@example.in"
    assert rows[2].device_info == "Firefox/140"
    assert rows[2].ip_address == "127.0.0.1"
    assert (
        rows[2].device_id and rows[2].device_id == client.cookies["bmt_device"].value.split(":")[0]
    )
    for row in rows:
        assert "secret-wrong" not in str(row.__dict__)
        assert PASSWORD not in str(row.__dict__)


def test_locked_and_blocked_attempts_are_logged_too(client):
    user = CustomerFactory()
    for _ in range(6):
        login(client, user.email, "wrong-password")
    reasons = list(LoginLog.objects.order_by("id").values_list("reason", flat=True))
    assert reasons == ["bad_credentials"] * 4 + ["locked", "locked"]
    blocked = CustomerFactory(is_blocked=True)
    login(client, blocked.email)
    assert LoginLog.objects.filter(user=blocked, reason="blocked", status="failed").count() == 1


def test_blocked_user_cannot_log_in(client):
    user = CustomerFactory(is_blocked=True)
    response = login(client, user.email)
    assert response.status_code == 200
    assert "This account has been blocked" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("login_value", "password"),
    [
        ("", ""),
        ("", PASSWORD),
        ("x" * 300 + "@example.in", PASSWORD),
        ("not-an-email", PASSWORD),
        ("12345", PASSWORD),
        ("user@", PASSWORD),
    ],
)
def test_login_bad_input_gives_form_errors(client, login_value, password):
    response = login(client, login_value, password)
    assert response.status_code == 200
    assert response.context["form"].errors
