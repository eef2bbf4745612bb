"""Helpers for API tests: a client signed in as a user, and the access matrix every endpoint
under /api/v1/ must have an entry in (see tests/test_api_access_matrix.py).

    from tests.api import api_client_for
    client = api_client_for(user)                 # Bearer access token of a fresh device
    client = api_client_for(staff)                # staff: the token passed two-factor (otp)
    client = api_client_for(staff, otp=False)     # staff who signed in without the code
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.utils import timezone
from rest_framework.test import APIClient

from accounts.authentication import tokens_issue
from accounts.models import Device, User

PROBLEM_JSON = "application/problem+json"
# Apps whose tests/api_matrix.py declares ENDPOINTS (in import order).
MATRIX_APPS = ("accounts", "providers", "wallet", "bookings", "adminpanel", "config")


def api_client_for(
    user: User, *, otp: bool | None = None, device_id: str | None = None, language: str = "en"
) -> APIClient:
    """An APIClient sending a valid access token of ``user`` from a device of theirs.

    ``client.tokens`` holds the pair ({"access", "refresh"}), ``client.device_id`` the device.
    ``otp`` defaults to True for staff (their token passed the second factor)."""
    device_id = device_id or secrets.token_hex(16)
    Device.objects.get_or_create(
        user=user,
        device_id=device_id,
        defaults={"user_agent": "tests", "first_seen_at": timezone.now() - timedelta(minutes=1)},
    )
    if otp is None:
        otp = user.is_staff
    tokens = tokens_issue(user=user, device_id=device_id, otp=otp)
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    client.tokens = tokens
    client.device_id = device_id
    client.user = user
    return client


# --- The access matrix ------------------------------------------------------------------------


@dataclass
class Setup:
    """What one request of a matrix entry needs: URL kwargs, JSON body, query, headers."""

    kwargs: dict[str, Any] = field(default_factory=dict)
    data: Any = None
    query: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Endpoint:
    """One (URL name, method) of the API and who may call it.

    ``name``       URL name in the "api" namespace ("devices-detail").
    ``method``     HTTP method.
    ``role``       who succeeds: "customer", "provider", "staff" (with OTP), "any" (every
                   signed-in role; tested as a customer) or None (public: no token needed).
    ``arrange``    builds the data the owner needs and returns a Setup; it gets the owner (a
                   user of ``role``; for public endpoints a verified customer). For the
                   another-user's-object check it is also called for that other user, who must
                   get 404 on the owner's kwargs.
    ``success``    the owner's expected status.
    ``wrong_role`` a role that must get 403 ("customer", "provider", "staff",
                   "staff_without_otp"); None when every signed-in role may call it.
    ``anonymous``  the status without a token (401; None for public endpoints).
    ``idor``       whether the path names someone's object (default: it has kwargs).
    ``check``      extra assertions on the success response: check(response, setup, owner).
    """

    name: str
    method: str
    role: str | None
    arrange: Callable[[User], Setup] | None = None
    success: int = 200
    wrong_role: str | None = None
    anonymous: int | None = 401
    idor: bool | None = None
    check: Callable[..., None] | None = None

    @property
    def id(self) -> str:
        return f"{self.method} {self.name}"


def make_user(role: str | None) -> tuple[User, bool]:
    """A verified user for a matrix role, and whether their token passed the second factor."""
    from accounts.tests.factories import CustomerFactory, ProviderUserFactory, StaffFactory

    if role == "provider":
        return ProviderUserFactory(), False
    if role == "staff":
        return StaffFactory(), True
    if role == "staff_without_otp":
        return StaffFactory(), False
    return CustomerFactory(), False


def matrix() -> list[Endpoint]:
    """Every app's declared entries (``<app>/tests/api_matrix.py``: ``ENDPOINTS``)."""
    entries: list[Endpoint] = []
    for app in MATRIX_APPS:
        module_name = f"{app}.tests.api_matrix"
        if find_spec(f"{app}.tests") is None or find_spec(module_name) is None:
            continue
        entries.extend(import_module(module_name).ENDPOINTS)
    return entries


def api_routes() -> set[tuple[str, str]]:
    """(URL name, method) of every endpoint mounted under /api/v1/, read from the resolver."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: set[tuple[str, str]] = set()

    def walk(patterns, inside: bool) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, inside or pattern.namespace == "api")
            elif isinstance(pattern, URLPattern) and inside:
                for method in view_methods(pattern.callback):
                    found.add((pattern.name or repr(pattern), method))

    walk(get_resolver().url_patterns, False)
    return found


def view_methods(callback) -> list[str]:
    actions = getattr(callback, "actions", None)
    if actions:
        return sorted(m.upper() for m in actions)
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if cls is None:
        return ["GET"]
    return sorted(
        m.upper()
        for m in ("get", "post", "put", "patch", "delete")
        if hasattr(cls, m) and m in getattr(cls, "http_method_names", [m])
    )
