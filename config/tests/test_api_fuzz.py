"""Schemathesis against the live schema (/api/v1/schema/), in process through the WSGI app:
every operation, a bounded number of generated requests each, signed in as a customer, a
provider and staff (who passed the second factor). No 5xx, and every answer conforms to the
schema: documented status, content type and body.

Requests that change the signed-in account (sign out, remove a device, reset a password) may
end the session partway: later answers are then 401s, which are documented too.
"""

import os

import hypothesis
import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase
from rest_framework import throttling
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.tests.factories import CustomerFactory, ProviderUserFactory, StaffFactory
from tests.api import api_client_for

MAX_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "5"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ_SETTINGS = hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


# The schema as the site serves it (no database needed to answer it).
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """Schemathesis calls the WSGI handler itself, which (unlike Django's test client) closes
    "old" database connections at each request's start and end: on MariaDB that would close
    the test's transaction. Disconnected here as the test client does."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _generous_limits(settings, monkeypatch):
    """Requests should reach the endpoints rather than the throttles (which have their own
    tests); a 429 would conform to the schema anyway."""
    rates = dict.fromkeys(throttling.SimpleRateThrottle.THROTTLE_RATES, "100000/min")
    monkeypatch.setattr(throttling.SimpleRateThrottle, "THROTTLE_RATES", rates)
    settings.ACCOUNTS_RATE_LIMITS = dict.fromkeys(settings.ACCOUNTS_RATE_LIMITS, "100000/m")


def _headers(user) -> dict[str, str]:
    client = api_client_for(user)
    return {"Authorization": f"Bearer {client.tokens['access']}"}


@pytest.fixture
def customer_headers(db):
    return _headers(CustomerFactory())


@pytest.fixture
def provider_headers(db):
    user = ProviderUserFactory()
    try:  # a shop of their own, where the providers app has one
        from providers.tests.factories import ProviderFactory

        ProviderFactory(user=user)
    except Exception:  # noqa: BLE001, S110 - factories differ per app version
        pass
    return _headers(user)


@pytest.fixture
def staff_headers(db):
    return _headers(StaffFactory())


# Each role fuzzes the operations made for it (what other roles get is the access matrix's).
OWN = r"^/api/v1/(provider|wallet|admin)/"


@pytest.mark.django_db
@schema.exclude(path_regex=OWN).parametrize()
@FUZZ_SETTINGS
def test_api_as_customer(case, customer_headers):
    case.call_and_validate(headers=customer_headers, checks=CHECKS)


@pytest.mark.django_db
@schema.include(path_regex=r"^/api/v1/(provider|wallet|providers)/").parametrize()
@FUZZ_SETTINGS
def test_api_as_provider(case, provider_headers):
    case.call_and_validate(headers=provider_headers, checks=CHECKS)


@pytest.mark.django_db
@schema.include(path_regex=r"^/api/v1/(admin|auth/me|devices)/").parametrize()
@FUZZ_SETTINGS
def test_api_as_staff(case, staff_headers):
    case.call_and_validate(headers=staff_headers, checks=CHECKS)
