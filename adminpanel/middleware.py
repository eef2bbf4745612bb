"""django-auditlog's middleware, reading the client IP the way the rest of the site does."""

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings

from accounts.ip import UNKNOWN_IP, client_ip


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """Record who made a change and from which address, without trusting request headers.

    The stock middleware stores the first ``X-Forwarded-For`` entry and ``X-Forwarded-Port``
    as sent, so any client could write a false address into the audit trail, and an oversized
    value made the audited write itself fail on MySQL. Here the address is
    ``accounts.ip.client_ip`` (``TRUSTED_PROXY_COUNT`` aware, always a valid IP) and the port,
    which no proxy of ours vouches for, is not recorded.
    """

    @staticmethod
    def _get_remote_addr(request):
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        address = client_ip(request)
        return None if address == UNKNOWN_IP else address

    @staticmethod
    def _get_remote_port(request):
        return None
