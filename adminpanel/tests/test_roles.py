"""Staff roles (adminpanel.roles): each role reaches its pages and actions and nothing else;
staff sessions are short."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CustomerFactory, StaffFactory, login_verified_staff
from adminpanel.models import FraudFlag
from adminpanel.roles import ROLES
from providers.models import Provider
from providers.tests.factories import ProviderFactory

from .factories import FraudFlagFactory

pytestmark = pytest.mark.django_db

DASHBOARD = ("get", "adminpanel:dashboard", ())
EXPORT = ("get", "adminpanel:export", ("summary",))
FRAUD = ("get", "adminpanel:fraud", ())
AUDIT = ("get", "adminpanel:audit", ())
REJECT_PAGE = ("get", "adminpanel:reject", ("provider",))
APPROVE = ("post", "adminpanel:approve", ("provider",))
REVIEW = ("post", "adminpanel:fraud_review", ("flag",))
PAGES = [DASHBOARD, EXPORT, FRAUD, AUDIT, REJECT_PAGE, APPROVE, REVIEW]

ALLOWED = {
    "approvals": {DASHBOARD, REJECT_PAGE, APPROVE},
    "support": {FRAUD, REVIEW},
    "finance": {DASHBOARD, EXPORT},
    "auditor": {DASHBOARD, EXPORT, FRAUD, AUDIT},
    None: set(),  # staff in no group
}


def _member(client, role: str | None):
    user = StaffFactory(is_superuser=False)
    if role:
        user.groups.add(Group.objects.get(name=role))
    login_verified_staff(client, user)
    return user


def _call(client, page, provider, flag):
    method, name, args = page
    args = [
        {"provider": provider.pk, "flag": flag.pk}[a] if a in ("provider", "flag") else a
        for a in args
    ]
    data = {"action": "dismiss", "note": "checked"} if page is REVIEW else {}
    return getattr(client, method)(reverse(name, args=args), data)


def test_the_role_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)
    auditor = Group.objects.get(name="auditor")
    assert not auditor.permissions.filter(codename__startswith="change_").exists()


@pytest.mark.parametrize("role", list(ALLOWED))
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p[1])
def test_each_role_reaches_its_pages_only(client, role, page):
    _member(client, role)
    provider = ProviderFactory(status=Provider.Status.PENDING)
    flag = FraudFlagFactory()
    response = _call(client, page, provider, flag)
    if page in ALLOWED[role]:
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == 403
        provider.refresh_from_db()
        flag.refresh_from_db()
        assert provider.status == Provider.Status.PENDING
        assert flag.status == FraudFlag.Status.OPEN


def test_superuser_reaches_everything(client):
    login_verified_staff(client)
    provider = ProviderFactory(status=Provider.Status.PENDING)
    flag = FraudFlagFactory()
    for page in PAGES:
        assert _call(client, page, provider, flag).status_code in (200, 302), page


def test_fraud_review_block_needs_the_block_permission(client):
    from django.contrib.auth.models import Permission

    user = _member(client, None)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["review_fraudflag", "view_fraudflag"])
    )
    flag = FraudFlagFactory(user=CustomerFactory())
    url = reverse("adminpanel:fraud_review", args=[flag.pk])
    assert client.post(url, {"action": "block", "note": "x"}).status_code == 403
    flag.user.refresh_from_db()
    assert not flag.user.is_blocked
    user.groups.add(Group.objects.get(name="support"))
    assert client.post(url, {"action": "block", "note": "x"}).status_code == 302
    flag.user.refresh_from_db()
    assert flag.user.is_blocked


def _admin_action(client, url: str, action: str, pks: list[int]):
    return client.post(url, {"action": action, "_selected_action": pks, "index": 0})


def test_admin_actions_check_the_role_permission(client):
    provider = ProviderFactory(status=Provider.Status.PENDING)
    url = reverse("admin:providers_provider_changelist")
    _member(client, "auditor")  # may read shops, not decide them
    _admin_action(client, url, "approve_selected", [provider.pk])
    provider.refresh_from_db()
    assert provider.status == Provider.Status.PENDING

    _member(client, "approvals")
    _admin_action(client, url, "approve_selected", [provider.pk])
    provider.refresh_from_db()
    assert provider.status == Provider.Status.APPROVED


def test_admin_block_and_unlock_are_for_support(client):
    customer = CustomerFactory()
    url = reverse("admin:accounts_user_changelist")
    _member(client, "auditor")
    _admin_action(client, url, "unblock_users", [customer.pk])
    response = client.post(
        url,
        {
            "action": "block_users",
            "_selected_action": [customer.pk],
            "apply": "1",
            "reason": "fraud",
        },
    )
    customer.refresh_from_db()
    assert not customer.is_blocked
    assert response.status_code in (200, 302)

    _member(client, "support")
    client.post(
        url,
        {
            "action": "block_users",
            "_selected_action": [customer.pk],
            "apply": "1",
            "reason": "fraud",
        },
    )
    customer.refresh_from_db()
    assert customer.is_blocked


# --- Staff session lifetime -------------------------------------------------------------------


def test_staff_session_ends_after_30_minutes_idle(client):
    login_verified_staff(client)
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get(reverse("adminpanel:dashboard")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=58), tick=False):
        assert client.get(reverse("adminpanel:dashboard")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=89), tick=False):
        response = client.get(reverse("adminpanel:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert SESSION_KEY not in client.session


def test_staff_session_ends_after_12_hours_even_when_active(client):
    login_verified_staff(client)
    start = timezone.now()
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get(reverse("accounts:security")).status_code == 200, minutes
    with time_machine.travel(start + timedelta(hours=12, minutes=5), tick=False):
        response = client.get(reverse("accounts:security"))
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_customer_sessions_keep_their_length(client):
    client.force_login(CustomerFactory())
    with time_machine.travel(timezone.now() + timedelta(hours=13), tick=False):
        assert client.get(reverse("accounts:security")).status_code == 200
