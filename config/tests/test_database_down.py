"""While the database is unreachable every page answers a plain 503 within seconds: no hang, no
traceback. The site runs in a child process pointed at a loopback port that refuses (closed) or
accepts and never answers (hang), as an operator would see it."""

import json
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import MySQLdb
import pytest
from django.db import OperationalError
from django.test import Client

from config.views import database_unreachable

BASE_DIR = Path(__file__).resolve().parent.parent.parent
CONNECT_TIMEOUT = 2

PROBE = """
import json, sys, time
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(raise_request_exception=False)
for path in sys.argv[1:]:
    if path.startswith("signed-in:"):
        path = path.removeprefix("signed-in:")
        client.cookies["sessionid"] = "s" * 32  # a session that must be read from the database
    start = time.monotonic()
    response = client.get(path)
    print("PROBE", json.dumps({
        "path": path,
        "status": response.status_code,
        "seconds": time.monotonic() - start,
        "retry_after": response.headers.get("Retry-After"),
        "body": response.content.decode(),
    }))
"""
# /healthz as a load balancer calls it (no cookies) before the signed-in visitor.
PATHS = ["/", "/providers/", "/accounts/login/", "/healthz", "signed-in:/bookings/"]


def _site_with_database_at(port: int) -> list[dict]:
    env = {
        **os.environ,
        "PYTHONPATH": str(BASE_DIR),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"mysql://booking:booking@127.0.0.1:{port}/booking",
        "DATABASE_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
    }
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", PROBE, *PATHS],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    )
    lines = done.stdout.splitlines()  # log lines may come between the probe's own
    return [json.loads(line.removeprefix("PROBE ")) for line in lines if line.startswith("PROBE ")]


def _assert_clean_503s(results: list[dict], within: float) -> None:
    assert [r["path"] for r in results] == [p.split(":")[-1] for p in PATHS]
    for result in results:
        assert result["status"] == 503, result["path"]
        assert result["seconds"] < within, result
        assert "Traceback" not in result["body"] and "OperationalError(" not in result["body"]
    health = results.pop(3)
    assert json.loads(health["body"])["database"] == "error: OperationalError"
    for page in results:
        assert "We are back in a moment" in page["body"]
        assert page["retry_after"] == "30"


def test_database_port_closed_answers_503_at_once():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    results = _site_with_database_at(port)
    _assert_clean_503s(results, within=CONNECT_TIMEOUT + 1)  # the first loads the templates
    assert sorted(r["seconds"] for r in results)[len(results) // 2] < 1


def test_database_that_never_answers_gives_503_after_the_connect_timeout():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)  # connections are accepted by the kernel; nothing ever answers
        results = _site_with_database_at(sock.getsockname()[1])
    _assert_clean_503s(results, within=CONNECT_TIMEOUT + 2.5)
    assert max(r["seconds"] for r in results) >= CONNECT_TIMEOUT - 0.5  # it did wait, once


@pytest.mark.parametrize(
    ("cause", "unreachable"),
    [
        (MySQLdb.OperationalError(2003, "Can't connect to server on '127.0.0.1'"), True),
        (MySQLdb.OperationalError(2013, "Lost connection to server"), True),
        (MySQLdb.OperationalError(1040, "Too many connections"), True),
        (MySQLdb.OperationalError(1054, "Unknown column 'x' in 'field list'"), False),
        (sqlite3.OperationalError("database is locked"), True),
        (sqlite3.OperationalError("no such table: users"), False),
    ],
)
def test_only_an_unreachable_database_is_a_503(cause, unreachable):
    """A missing column or table is a fault in our code: a 500, reported as one."""
    error = OperationalError(*cause.args)
    error.__cause__ = cause
    assert database_unreachable(error) is unreachable
    assert database_unreachable(ValueError("x")) is False


@pytest.mark.django_db
def test_a_locked_database_mid_request_gets_the_503_page(monkeypatch):
    def locked(*args, **kwargs):
        cause = sqlite3.OperationalError("database is locked")
        raise OperationalError(*cause.args) from cause

    monkeypatch.setattr("config.views.HomeView.get_context_data", locked)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 503
    assert "We are back in a moment" in response.content.decode()


@pytest.mark.django_db
def test_other_errors_keep_the_500_page(monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("no such column: providers.nope")

    monkeypatch.setattr("config.views.HomeView.get_context_data", broken)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
