"""/healthz: what a load balancer or monitor sees of the database, cache and broker."""

import socket

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from config.settings.base import redis_cache

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_all_ok_with_eager_tasks(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "eager"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_reachable_broker_is_ok(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "memory://"
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


def test_unreachable_broker_is_503(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["broker"] == "error: OperationalError"
    assert body["database"] == "ok"
    assert body["cache"] == "ok"


def test_unreachable_cache_is_503(client, settings):
    """Pages treat a down cache as a miss (test_cache_outage); the health check still says so."""
    settings.CACHES = {"default": redis_cache(f"redis://127.0.0.1:{closed_port()}/0")}
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["cache"].startswith("error: ")
    assert response.json()["database"] == "ok"


def test_failing_database_is_503(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("server has gone away")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "error: OperationalError"
    # The error class is reported, never the message (it may carry host names).
    assert "gone away" not in response.content.decode()
