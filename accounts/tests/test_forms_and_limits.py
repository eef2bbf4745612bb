import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import LoginLog, User
from accounts.tests.factories import PASSWORD, CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def login(client, identifier, password=PASSWORD, **extra):
    return client.post(LOGIN, {"login": identifier, "password": password}, **extra)


def signup_data(**overrides):
    data = {
        "role": "customer",
        "name": "Meera Iyer",
        "email": "meera@example.in",
        "mobile": "",
        "password1": "a-long-secret-9",
        "password2": "a-long-secret-9",
    }
    data.update(overrides)
    return data


# --- Rate limits -------------------------------------------------------------------------------


def test_login_rate_limit_per_ip_gives_friendly_429_and_is_logged(client, settings):
    settings.ACCOUNTS_RATE_LIMITS = {**settings.ACCOUNTS_RATE_LIMITS, "login": "3/m"}
    users = CustomerFactory.create_batch(4)
    for user in users[:3]:
        assert login(client, user.email, "wrong-password").status_code == 200
    response = login(client, users[3].email)  # a different account, same IP
    assert response.status_code == 429
    assert "Too many" in response.content.decode() or "too many" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert LoginLog.objects.filter(reason="rate_limited").count() == 1
    # Another IP is not affected.
    assert login(client, users[3].email, REMOTE_ADDR="198.51.100.4").status_code == 302


def test_signup_rate_limit(client, settings):
    settings.ACCOUNTS_RATE_LIMITS = {**settings.ACCOUNTS_RATE_LIMITS, "signup": "2/h"}
    for n in range(2):
        client.post(reverse("account_signup"), signup_data(email=f"p{n}@example.in"))
    response = client.post(reverse("account_signup"), signup_data(email="p9@example.in"))
    assert response.status_code == 429
    assert not User.objects.filter(email="p9@example.in").exists()


def test_password_reset_rate_limit(client, settings):
    settings.ACCOUNTS_RATE_LIMITS = {**settings.ACCOUNTS_RATE_LIMITS, "password_reset": "2/h"}
    for n in range(2):
        client.post(reverse("account_reset_password"), {"email": f"x{n}@example.in"})
    response = client.post(reverse("account_reset_password"), {"email": "x9@example.in"})
    assert response.status_code == 429


def test_password_reset_emails_to_one_address_are_limited(client, settings):
    settings.ACCOUNTS_RATE_LIMITS = {**settings.ACCOUNTS_RATE_LIMITS, "password_reset_email": "2/m"}
    for _ in range(2):
        client.post(reverse("account_reset_password"), {"email": "asha@example.in"})
    response = client.post(reverse("account_reset_password"), {"email": "Asha@Example.in "})
    assert response.status_code == 429
    response = client.post(reverse("account_reset_password"), {"email": "ravi@example.in"})
    assert response.status_code == 302


def test_code_entry_rate_limit(client, settings):
    settings.ACCOUNTS_RATE_LIMITS = {**settings.ACCOUNTS_RATE_LIMITS, "otp": "2/5m"}
    user = CustomerFactory()
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    for _ in range(2):
        assert client.post(reverse("accounts:otp_verify"), {"token": "000000"}).status_code == 200
    assert client.post(reverse("accounts:otp_verify"), {"token": "000000"}).status_code == 429


# --- Bad input on every form ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": "", "email": "", "password1": "", "password2": ""},
        {"name": "x" * 151},
        {"name": "   "},
        {"email": "not-an-email"},
        {"email": "a" * 250 + "@example.in"},
        {"mobile": "12345"},
        {"mobile": "+1 202"},
        {"mobile": "9" * 40},
        {"role": "admin"},
        {"role": ""},
        {"password2": "different-secret-1"},
        {"password1": "short", "password2": "short"},
    ],
)
def test_signup_bad_input_gives_form_errors_and_creates_nothing(client, overrides):
    response = client.post(reverse("account_signup"), signup_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not User.objects.exists()


def test_signup_mobile_must_be_unique(client):
    CustomerFactory(mobile="+919812345678")
    response = client.post(reverse("account_signup"), signup_data(mobile="9812345678"))
    assert "already registered" in str(response.context["form"].errors["mobile"])
    assert User.objects.count() == 1


@pytest.mark.parametrize("email", ["", "nope", "a" * 300 + "@example.in"])
def test_password_reset_bad_input(client, email):
    response = client.post(reverse("account_reset_password"), {"email": email})
    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.parametrize(
    "data",
    [
        {"oldpassword": "", "password1": "", "password2": ""},
        {"oldpassword": "wrong", "password1": "new-secret-77", "password2": "new-secret-77"},
        {"oldpassword": PASSWORD, "password1": "x" * 5, "password2": "x" * 5},
        {"oldpassword": PASSWORD, "password1": "new-secret-77", "password2": "other-secret-8"},
    ],
)
def test_change_password_bad_input(client, data):
    user = CustomerFactory()
    client.force_login(user)
    response = client.post(reverse("account_change_password"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_change_password_works(client):
    user = CustomerFactory()
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "new-secret-77", "password2": "new-secret-77"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("new-secret-77")


@pytest.mark.parametrize("email", ["", "nope", "a" * 300 + "@example.in"])
def test_add_email_bad_input(client, email):
    client.force_login(CustomerFactory())
    response = client.post(reverse("account_email"), {"action_add": "", "email": email})
    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.parametrize("token", ["", "abc", "12", "1" * 40, "12 34"])
@pytest.mark.parametrize("url_name", ["accounts:two_factor", "accounts:otp_verify"])
def test_code_forms_bad_input(client, token, url_name):
    user = CustomerFactory()
    TOTPDevice.objects.create(user=user, name="app", confirmed=url_name != "accounts:two_factor")
    client.force_login(user)
    response = client.post(reverse(url_name), {"token": token})
    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.parametrize("password", ["", "x" * 500])
def test_disable_two_factor_bad_input(client, password):
    user = CustomerFactory()
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    response = client.post(reverse("accounts:two_factor_disable"), {"password": password})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert services.user_has_two_factor(user)


# --- Admin actions --------------------------------------------------------------------------------


@pytest.fixture
def admin_client_otp(client, settings):
    settings.ADMIN_OTP_REQUIRED = False
    staff = StaffFactory()
    client.force_login(staff)
    client.staff = staff
    return client


CHANGELIST = "/admin/accounts/user/"


def test_admin_unlock_action(admin_client_otp):
    user = CustomerFactory()
    from django.test import Client

    browser = Client()
    for _ in range(5):
        login(browser, user.email, "wrong-password")
    assert login(browser, user.email).status_code == 429
    response = admin_client_otp.post(
        CHANGELIST, {"action": "unlock_accounts", "_selected_action": [user.pk]}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=user.email).exists()
    assert login(browser, user.email).status_code == 302


def test_admin_block_action_asks_for_reason_then_blocks(admin_client_otp):
    user = CustomerFactory()
    from django.test import Client

    browser = Client()
    browser.force_login(user)
    response = admin_client_otp.post(
        CHANGELIST, {"action": "block_users", "_selected_action": [user.pk]}
    )
    assert response.status_code == 200
    assert "Reason for blocking" in response.content.decode()
    user.refresh_from_db()
    assert not user.is_blocked
    # Empty reason: the form asks again, nothing changes.
    response = admin_client_otp.post(
        CHANGELIST,
        {"action": "block_users", "_selected_action": [user.pk], "apply": "1", "reason": ""},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert not user.is_blocked
    response = admin_client_otp.post(
        CHANGELIST,
        {
            "action": "block_users",
            "_selected_action": [user.pk],
            "apply": "1",
            "reason": "Fake bookings",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_blocked and user.blocked_reason == "Fake bookings"
    assert browser.get(reverse("accounts:security")).status_code == 302
    assert SESSION_KEY not in browser.session


def test_admin_cannot_block_themselves(admin_client_otp):
    staff = admin_client_otp.staff
    admin_client_otp.post(
        CHANGELIST,
        {"action": "block_users", "_selected_action": [staff.pk], "apply": "1", "reason": "x"},
    )
    staff.refresh_from_db()
    assert not staff.is_blocked


def test_admin_unblock_action(admin_client_otp):
    user = CustomerFactory(is_blocked=True, blocked_reason="Spam")
    response = admin_client_otp.post(
        CHANGELIST, {"action": "unblock_users", "_selected_action": [user.pk]}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_blocked and user.blocked_reason == ""
    assert login(__import__("django.test").test.Client(), user.email).status_code == 302


def test_user_changes_are_audited_without_password(admin_client_otp):
    from auditlog.models import LogEntry

    user = CustomerFactory()
    services.user_block(user=user, actor=admin_client_otp.staff, reason="Spam")
    entry = LogEntry.objects.get_for_object(user).latest("timestamp")
    assert "is_blocked" in entry.changes_dict
    assert entry.actor == admin_client_otp.staff
    user.set_password("another-pass-1")
    user.save()
    assert not any("password" in e.changes_dict for e in LogEntry.objects.get_for_object(user))
