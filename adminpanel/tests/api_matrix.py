"""Access-matrix entries of the staff API (tests/test_api_access_matrix.py). Staff see every
shop and user, so no entry has an "another user's object" case."""

from __future__ import annotations

from accounts.tests.factories import CustomerFactory
from providers.models import Provider
from providers.tests.factories import ProviderFactory
from tests.api import Endpoint, Setup


def _pending(data=None):
    def arrange(_user) -> Setup:
        shop = ProviderFactory(status=Provider.Status.PENDING)
        return Setup(kwargs={"pk": shop.pk}, data=data)

    return arrange


def _customer(data=None, blocked=False):
    def arrange(_user) -> Setup:
        return Setup(kwargs={"pk": CustomerFactory(is_blocked=blocked).pk}, data=data)

    return arrange


S = {"role": "staff", "idor": False}

ENDPOINTS = [
    Endpoint("admin-providers-pending", "GET", wrong_role="staff_without_otp", **S),
    Endpoint("admin-providers-approve", "POST", wrong_role="customer", arrange=_pending(), **S),
    Endpoint(
        "admin-providers-reject",
        "POST",
        wrong_role="staff_without_otp",
        arrange=_pending({"reason": "Add the street address."}),
        **S,
    ),  # fmt: skip
    Endpoint(
        "admin-users-block",
        "POST",
        wrong_role="provider",
        arrange=_customer({"reason": "Fraud report"}),
        **S,
    ),  # fmt: skip
    Endpoint(
        "admin-users-unblock",
        "POST",
        wrong_role="staff_without_otp",
        arrange=_customer(blocked=True),
        **S,
    ),  # fmt: skip
    Endpoint("admin-reports", "GET", wrong_role="customer", **S),
]
