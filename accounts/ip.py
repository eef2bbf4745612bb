"""The client's IP address, the one way every part of the site reads it.

Axes (lockouts), django-ratelimit (per-IP limits) and the login logs all call
:func:`client_ip`, so they always agree on who is knocking.

Behind ``settings.TRUSTED_PROXY_COUNT`` reverse proxies that each *append* the address they
saw to ``X-Forwarded-For`` (nginx: ``proxy_add_x_forwarded_for``), the client is the entry
that the outermost trusted proxy appended: the N-th from the right. Entries further left were
written by the client itself and can be forged, so they are never used. With no trusted
proxy the header is ignored and ``REMOTE_ADDR`` is the client.
"""

from ipaddress import ip_address

from django.conf import settings
from django.http import HttpRequest

UNKNOWN_IP = "0.0.0.0"  # noqa: S104 - a placeholder value, not a bind address


def _valid(value: str) -> str | None:
    try:
        return str(ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """Return the client's IP address as a string (never None)."""
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "") or UNKNOWN_IP
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        # The request did not pass through all of our proxies: trust only the socket.
        return remote
    return _valid(forwarded[-proxies]) or remote


def ratelimit_key(group: str, request: HttpRequest) -> str:
    """Key function for django-ratelimit: one bucket per client IP."""
    return client_ip(request)
