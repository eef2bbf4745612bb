"""Local development: DEBUG on, SQLite, console email, eager tasks, test gateway.

Also what loads when ``DJANGO_ENV`` is missing, so it fails closed: DEBUG with a host other
than loopback refuses to start, and the TEST MODE gateway and relaxed admin OTP need DEBUG.
"""

import os
import secrets

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import BASE_DIR, env

ENVIRONMENT = "local"
DEBUG = env.bool("DEBUG", default=True)

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


def _is_loopback(host: str) -> bool:
    return host in LOOPBACK_HOSTS or host.endswith(".localhost")


if (
    DEBUG
    and not os.environ.get("DJANGO_ENV")
    and not all(_is_loopback(host) for host in ALLOWED_HOSTS)  # noqa: F405
):
    raise ImproperlyConfigured(
        "DJANGO_ENV is not set, so local settings with DEBUG on would serve "
        f"{', '.join(ALLOWED_HOSTS)}. Set DJANGO_ENV=production on a server "  # noqa: F405
        "(or DJANGO_ENV=local to run DEBUG on another host on purpose)."
    )

# TEST MODE payments (a provider can credit their own wallet) only on a DEBUG machine.
TEST_GATEWAY_ENABLED = DEBUG and not RAZORPAY_KEY_ID  # noqa: F405

if not SECRET_KEY:  # noqa: F405
    # Generated once per checkout into an ignored file, never committed.
    _key_file = BASE_DIR / ".secret_key"
    if not _key_file.exists():
        _key_file.write_text(secrets.token_urlsafe(50))
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text().strip()

# Staff OTP may be relaxed for a demo on a DEBUG machine only.
ADMIN_OTP_REQUIRED = env.bool("ADMIN_OTP_REQUIRED", default=False) or not DEBUG

# Nothing runs Celery beat locally without a broker: queued mail (printed by the console
# backend) is delivered right after the commit that queued it, never raising into the request.
MAIL_DELIVER_ON_COMMIT = not CELERY_BROKER_URL  # noqa: F405
