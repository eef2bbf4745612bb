import pytest
import time_machine
from django.test import RequestFactory
from django.utils import timezone

from accounts.ip import UNKNOWN_IP, client_ip

rf = RequestFactory()


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [
        (0, None, "203.0.113.5", "203.0.113.5"),
        (0, "198.51.100.1", "203.0.113.5", "203.0.113.5"),  # header ignored without a proxy
        (1, "198.51.100.1", "10.0.0.2", "198.51.100.1"),  # nginx appended the client
        (1, "6.6.6.6, 198.51.100.1", "10.0.0.2", "198.51.100.1"),  # forged left part ignored
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.9", "10.0.0.2", "198.51.100.1"),
        (2, "198.51.100.1", "10.0.0.2", "10.0.0.2"),  # fewer entries than proxies: socket only
        (1, "not-an-ip", "10.0.0.2", "10.0.0.2"),
        (1, "2001:db8::1", "10.0.0.2", "2001:db8::1"),
        (0, None, "", UNKNOWN_IP),
    ],
)
def test_client_ip(settings, proxies, forwarded, remote, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_ip(rf.get("/", **meta)) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("proxies", [0, 1])
def test_forged_forwarded_for_does_not_escape_the_per_ip_limit(client, settings, proxies):
    from accounts.tests.factories import CustomerFactory

    settings.TRUSTED_PROXY_COUNT = proxies
    settings.ACCOUNTS_RATE_LIMITS = {**settings.ACCOUNTS_RATE_LIMITS, "login": "3/m"}
    users = CustomerFactory.create_batch(4)
    statuses = []
    # The clock stands still: a rate window that turns between two requests would reset the
    # count (django-ratelimit staggers each key's window boundary).
    with time_machine.travel(timezone.now(), tick=False):
        for n, user in enumerate(users):
            forged = f"10.1.1.{n}" if proxies == 0 else f"10.1.1.{n}, 203.0.113.50"
            response = client.post(
                "/accounts/login/",
                {"login": user.email, "password": "wrong-password"},
                HTTP_X_FORWARDED_FOR=forged,
            )
            statuses.append(response.status_code)
    assert statuses == [200, 200, 200, 429]
