"""Who made an audited change and from where: django-auditlog's request context, built lazily.

django-auditlog's own middleware reads the client address from raw headers, resolves the
user and connects and disconnects a ``pre_save`` receiver on every request, reads included.
Here the middleware only remembers the current request (one context variable), and one
receiver, connected once (``adminpanel.apps``), fills in the actor, the client address and
the correlation id when a log entry is actually written. Requests that change nothing audited
(nearly every GET) pay nothing else; a request that does write is attributed as before.
"""

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse

from accounts.ip import UNKNOWN_IP, client_ip

# The request being served, for the receiver below (set by this middleware or by
# config.middleware.RequestContextMiddleware, which does its work in the site's stack).
current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


class AuditlogMiddleware:
    """Record who made a change and from which address, without trusting request headers.

    The stock middleware stores the first ``X-Forwarded-For`` entry and ``X-Forwarded-Port``
    as sent, so any client could write a false address into the audit trail, and an oversized
    value made the audited write itself fail on MySQL. Here the address is
    ``accounts.ip.client_ip`` (``TRUSTED_PROXY_COUNT`` aware, always a valid IP) and the port,
    which no proxy of ours vouches for, is not recorded.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)


def _remote_addr(request: HttpRequest) -> str | None:
    if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
        return None
    address = client_ip(request)
    return None if address == UNKNOWN_IP else address


def _actor(request: HttpRequest):
    user = getattr(request, "user", None)
    if isinstance(user, get_user_model()) and user.is_authenticated:
        return user
    return None


def request_cid() -> str | None:
    """``AUDITLOG_CID_GETTER``: the correlation id header of the request being served."""
    request = current_request.get()
    if request is None:
        return None
    header = settings.AUDITLOG_CID_HEADER
    if not header:
        return None
    return request.headers.get(header) or request.META.get(header)


def attach_request(sender, instance, **kwargs) -> None:
    """``pre_save`` of auditlog's LogEntry: the actor and address of the current request.

    An explicit ``auditlog.context.set_actor`` block (staff actions in our services) runs its
    own receiver after this one and keeps the last word, as with the stock middleware.
    """
    request = current_request.get()
    if request is None:
        return
    if instance.actor_id is None:
        actor = _actor(request)
        if actor is not None:
            instance.actor = actor
            instance.actor_email = getattr(actor, "email", None)
    instance.remote_addr = _remote_addr(request)
    instance.remote_port = None
