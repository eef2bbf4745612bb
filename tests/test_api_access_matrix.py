"""The access matrix of the JSON API, generated from the URL list: an endpoint without an entry
fails the suite. For each entry: anonymous → 401, wrong role → 403, another user's object → 404
(when the path names one), and the owner's success. Entries: ``<app>/tests/api_matrix.py``."""

from __future__ import annotations

from datetime import datetime, time

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.api import PROBLEM_JSON, Endpoint, Setup, api_client_for, api_routes, make_user, matrix

ENTRIES = matrix()


@pytest.fixture(autouse=True)
def _shop_hours():
    """Run each case at 10:00 today (the clock moving on): walk-ins and the queue need a slot in
    progress, which a shop open 00:00-23:59 lacks in the last minutes before midnight."""
    ten = datetime.combine(timezone.localdate(), time(10), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(ten, tick=True):
        yield


def test_every_api_endpoint_has_a_matrix_entry():
    declared = {(e.name, e.method) for e in ENTRIES}
    routes = api_routes()
    missing = sorted(routes - declared)
    stale = sorted(declared - routes)
    assert not missing, f"API endpoints without an access-matrix entry: {missing}"
    assert not stale, f"matrix entries for endpoints that do not exist: {stale}"


def test_matrix_entries_are_unique():
    ids = [e.id for e in ENTRIES]
    assert len(ids) == len(set(ids))


def _call(client: APIClient, entry: Endpoint, setup: Setup):
    url = reverse(f"api:{entry.name}", kwargs=setup.kwargs)
    method = entry.method.lower()
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in setup.headers.items()}
    if method == "get":
        return client.get(url, setup.query or {}, **headers)
    if setup.query:
        from urllib.parse import urlencode

        url = f"{url}?{urlencode(setup.query)}"
    return getattr(client, method)(url, setup.data, format="json", **headers)


def _arrange(entry: Endpoint, user) -> Setup:
    return entry.arrange(user) if entry.arrange else Setup()


def _client(role: str | None, user, otp: bool) -> APIClient:
    if role is None:
        return APIClient()
    return api_client_for(user, otp=otp)


def _assert_problem(response, status: int) -> None:
    assert response.status_code == status, (response.status_code, getattr(response, "data", ""))
    assert response["Content-Type"].startswith(PROBLEM_JSON)
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"] and "type" in body


def _has_object(entry: Endpoint) -> bool:
    if entry.idor is not None:
        return entry.idor
    return "<" in _route_of(entry.name)


def _route_of(name: str) -> str:
    from django.urls import get_resolver

    for _, pattern, _, _ in get_resolver().namespace_dict["api"][1].reverse_dict.getlist(name):
        return pattern
    return ""


def _cases() -> list[tuple[Endpoint, str]]:
    cases = []
    for entry in ENTRIES:
        if entry.anonymous:
            cases.append((entry, "anonymous"))
        if entry.wrong_role:
            cases.append((entry, "wrong_role"))
        if entry.role and _has_object(entry):
            cases.append((entry, "another_users_object"))
        cases.append((entry, "success"))
    return cases


@pytest.mark.django_db
@pytest.mark.parametrize(("entry", "case"), _cases(), ids=[f"{e.id} {c}" for e, c in _cases()])
def test_access(entry: Endpoint, case: str):
    owner, otp = make_user(entry.role)
    setup = _arrange(entry, owner)
    if case == "anonymous":
        _assert_problem(_call(APIClient(), entry, setup), entry.anonymous)
    elif case == "wrong_role":
        intruder, intruder_otp = make_user(entry.wrong_role)
        _assert_problem(_call(api_client_for(intruder, otp=intruder_otp), entry, setup), 403)
    elif case == "another_users_object":
        other, other_otp = make_user(entry.role)
        _arrange(entry, other)
        _assert_problem(_call(api_client_for(other, otp=other_otp), entry, setup), 404)
    else:
        response = _call(_client(entry.role, owner, otp), entry, setup)
        assert response.status_code == entry.success, (
            response.status_code,
            response.content[:500],
        )
        if entry.check:
            entry.check(response, setup, owner)
