"""A push service on loopback, standing where a browser's push service (FCM, Mozilla's…) would.

It checks each request as a real one does — a VAPID ``Authorization: vapid t=<JWT>,k=<key>``
whose ES256 signature verifies with the site's public key and whose ``aud`` is this origin,
``Content-Encoding: aes128gcm`` and a TTL — then decrypts the body with the private key of the
subscription it was sent to (made here as a browser makes it: a P-256 key pair and a 16-byte
auth secret) and records the JSON inside. Answers can be scripted per subscription (404, 410,
503…); the default is 201 Created.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """One browser's subscription: what it hands the site, and the secrets it keeps."""

    name: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    answers: list[int] = field(default_factory=list)

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def info(self) -> dict:
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth)},
        }


@dataclass
class Received:
    browser: str
    status: int
    headers: dict
    payload: dict | None
    error: str = ""


class PushService:
    def __init__(self) -> None:
        self.browsers: dict[str, Browser] = {}
        self.received: list[Received] = []
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, record = service.handle(self.path, headers, body)
                with service.lock:
                    service.received.append(record)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> PushService:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def browser(self, name: str | None = None) -> Browser:
        name = name or secrets.token_hex(4)
        browser = Browser(
            name=name,
            endpoint=f"{self.origin}/push/{name}",
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth=os.urandom(16),
        )
        self.browsers[name] = browser
        return browser

    # --- what a push service checks ------------------------------------------------------------

    def _verify_vapid(self, headers: dict) -> str:
        """ "" when the VAPID header is right, else what is wrong with it."""
        authorization = headers.get("authorization", "")
        if not authorization.startswith("vapid "):
            return "no vapid Authorization"
        parts = dict(p.strip().split("=", 1) for p in authorization[6:].split(","))
        if parts.get("k") != settings.VAPID_PUBLIC_KEY:
            return "k is not the site's public key"
        public_key = ec.EllipticCurvePublicKey.from_encoded_point(
            ec.SECP256R1(), b64url_decode(parts["k"])
        )
        try:
            claims = jwt.decode(
                parts.get("t", ""),
                public_key,
                algorithms=["ES256"],
                audience=self.origin,
                options={"require": ["aud", "exp", "sub"]},
            )
        except jwt.PyJWTError as exc:
            return f"JWT: {exc}"
        if claims["exp"] > time.time() + 24 * 3600:
            return "exp more than 24 h ahead"
        if claims["sub"] != settings.VAPID_SUBJECT:
            return "sub is not the site's subject"
        return ""

    def handle(self, path: str, headers: dict, body: bytes) -> tuple[int, Received]:
        name = path.rsplit("/", 1)[-1]
        browser = self.browsers.get(name)
        if browser is None:
            return 404, Received(name, 404, headers, None, "unknown subscription")
        problem = self._verify_vapid(headers)
        if not problem and headers.get("content-encoding") != "aes128gcm":
            problem = "not aes128gcm"
        if not problem and not headers.get("ttl", "").isdigit():
            problem = "no TTL"
        if problem:
            return 401, Received(name, 401, headers, None, problem)
        payload = json.loads(
            http_ece.decrypt(
                body,
                private_key=browser.private_key,
                auth_secret=browser.auth,
                version="aes128gcm",
            )
        )
        status = browser.answers.pop(0) if browser.answers else 201
        return status, Received(name, status, headers, payload)

    def delivered(self, name: str | None = None) -> list[dict]:
        """The decrypted payloads accepted (2xx), for one browser or all."""
        with self.lock:
            return [
                r.payload
                for r in self.received
                if r.status < 300 and (name is None or r.browser == name)
            ]


@pytest.fixture
def push_service():
    service = PushService().start()
    yield service
    service.stop()


def subscribe(user, browser: Browser, device_id: str | None = None):
    """Opt ``user`` in from ``browser`` as the site's page would (the device is its cookie)."""
    from accounts import services

    return services.push_subscribe(
        user=user,
        device_id=device_id or secrets.token_hex(16),
        endpoint=browser.endpoint,
        p256dh=browser.p256dh,
        auth=b64url(browser.auth),
    )
