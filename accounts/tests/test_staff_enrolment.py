"""Staff two-factor is enrolled out of band: an emailed one-time link or an operator command."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import TwoFactorEnrolmentLink
from accounts.tests.factories import CustomerFactory, StaffFactory
from accounts.tests.test_security import confirmed_totp, login, totp_code

pytestmark = pytest.mark.django_db

TWO_FACTOR = "/accounts/security/two-factor/"


@pytest.fixture(autouse=True)
def _otp(settings):
    settings.ADMIN_OTP_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0


def _link_from_mail(deliver_mail) -> str:
    body = deliver_mail()[-1].body
    return re.search(r"/accounts/security/two-factor/enrol/[^\s/]+/", body).group(0)


def test_password_only_staff_session_cannot_enrol_an_authenticator(client):
    staff = StaffFactory()
    login(client, staff.email)
    response = client.get("/admin/")
    assert response["Location"] == reverse("accounts:two_factor")
    page = client.get(TWO_FACTOR)
    assert page.status_code == 200
    assert "Email me a set-up link" in page.content.decode()
    assert "data:image/svg" not in page.content.decode()
    assert client.post(TWO_FACTOR, {"start": "1"}).status_code == 403
    assert client.post(TWO_FACTOR, {"token": "123456"}).status_code == 403
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert client.get("/admin/").status_code == 302
    assert client.get("/adminpanel/").status_code == 302


def test_staff_enrol_through_the_emailed_single_use_link(client, deliver_mail):
    staff = StaffFactory()
    login(client, staff.email)
    client.post(reverse("accounts:two_factor_link"))
    assert deliver_mail()[-1].to == [staff.email]
    link = _link_from_mail(deliver_mail)
    assert TwoFactorEnrolmentLink.objects.filter(user=staff).count() == 1
    assert link.split("/")[-2] not in TwoFactorEnrolmentLink.objects.get().token_hash

    # Opening the link (a mail scanner does) uses nothing.
    assert client.get(link).status_code == 200
    assert TwoFactorEnrolmentLink.objects.get().used_at is None
    assert client.post(link)["Location"] == TWO_FACTOR
    assert TwoFactorEnrolmentLink.objects.get().used_at is not None

    client.post(TWO_FACTOR, {"start": "1"})
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    response = client.post(TWO_FACTOR, {"token": totp_code(device)})
    assert response.status_code == 200
    assert services.user_has_two_factor(staff)
    assert client.get("/admin/").status_code == 200

    # Single use: the same link does nothing a second time.
    client.post(reverse("account_logout"))
    other = CustomerFactory()  # noqa: F841 - a second user in the table
    login(client, staff.email)
    client.post(link)
    assert not services.enrolment_allowed(_request_for(client, staff))


def _request_for(client, user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    request.session = client.session
    return request


def test_expired_or_foreign_link_grants_nothing(client, deliver_mail):
    staff = StaffFactory()
    stranger = StaffFactory()
    services.enrolment_link_create(user=staff)
    link = _link_from_mail(deliver_mail)
    # Someone else's session cannot use it.
    login(client, stranger.email)
    client.post(link)
    assert client.post(TWO_FACTOR, {"start": "1"}).status_code == 403
    assert TwoFactorEnrolmentLink.objects.get().used_at is None
    client.post(reverse("account_logout"))
    # Expired.
    TwoFactorEnrolmentLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    login(client, staff.email)
    client.post(link)
    assert client.post(TWO_FACTOR, {"start": "1"}).status_code == 403
    assert not TOTPDevice.objects.filter(user=staff).exists()


def test_link_drops_an_authenticator_prepared_before_it(client, deliver_mail):
    staff = StaffFactory()
    planted = TOTPDevice.objects.create(user=staff, name="x", confirmed=False)
    services.enrolment_link_create(user=staff)
    login(client, staff.email)
    client.post(_link_from_mail(deliver_mail))
    assert not TOTPDevice.objects.filter(pk=planted.pk).exists()


def test_staff_disabling_two_factor_needs_a_current_code(client):
    staff = StaffFactory()
    device = confirmed_totp(staff)
    client.force_login(staff)
    url = reverse("accounts:two_factor_disable")
    client.post(url, {"password": "correct-horse-battery"})
    assert services.user_has_two_factor(staff)
    client.post(url, {"password": "correct-horse-battery", "token": totp_code(device)})
    assert not services.user_has_two_factor(staff)
    # And now it cannot come back from this password-only session.
    assert client.post(TWO_FACTOR, {"start": "1"}).status_code == 403


def test_customer_two_factor_page_get_writes_nothing(client):
    user = CustomerFactory()
    client.force_login(user)
    client.get(TWO_FACTOR)
    client.get(TWO_FACTOR)
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_operator_command_enrols_and_prints_the_uri(capsys):
    staff = StaffFactory()
    call_command("staff_2fa_enrol", staff.email)
    out = capsys.readouterr().out
    assert "otpauth://totp/" in out
    assert services.user_has_two_factor(staff)
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed
    with pytest.raises(CommandError, match="already has"):
        call_command("staff_2fa_enrol", staff.email)
    call_command("staff_2fa_enrol", staff.email, "--replace", "--no-qr")
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    with pytest.raises(CommandError, match="not a staff"):
        call_command("staff_2fa_enrol", CustomerFactory().email)
    with pytest.raises(CommandError, match="No account"):
        call_command("staff_2fa_enrol", "nobody@example.in")
