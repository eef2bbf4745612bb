"""Local development: DEBUG on, SQLite, console email, eager tasks, test gateway."""

import secrets

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = env.bool("DEBUG", default=True)

if not SECRET_KEY:  # noqa: F405
    # Generated once per checkout into an ignored file, never committed.
    _key_file = BASE_DIR / ".secret_key"
    if not _key_file.exists():
        _key_file.write_text(secrets.token_urlsafe(50))
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text().strip()

ADMIN_OTP_REQUIRED = env.bool("ADMIN_OTP_REQUIRED", default=False)

# Nothing runs Celery beat locally without a broker: queued mail (printed by the console
# backend) is delivered right after the commit that queued it, never raising into the request.
MAIL_DELIVER_ON_COMMIT = not CELERY_BROKER_URL  # noqa: F405
