"""Production: everything secret or host-specific comes from the environment."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

ENVIRONMENT = "production"
DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set SECRET_KEY (at least 50 characters) in the environment.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
ADMIN_OTP_REQUIRED = True
# The local test gateway must never run in production: real Razorpay keys are required.
TEST_GATEWAY_ENABLED = False
if not (RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET and RAZORPAY_WEBHOOK_SECRET):  # noqa: F405
    raise ImproperlyConfigured(
        "Set RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET and RAZORPAY_WEBHOOK_SECRET in production."
    )

# Web push: with PUSH_ENABLED a valid VAPID key pair and subject are required.
if PUSH_ENABLED:  # noqa: F405
    if not (VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY and VAPID_SUBJECT):  # noqa: F405
        raise ImproperlyConfigured(
            "PUSH_ENABLED is on: set VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT "
            "(manage.py generate_vapid_keys makes a pair)."
        )
    from accounts.vapid import vapid_keys_match

    if not vapid_keys_match(VAPID_PRIVATE_KEY, VAPID_PUBLIC_KEY):  # noqa: F405
        raise ImproperlyConfigured("VAPID_PUBLIC_KEY is not the public half of VAPID_PRIVATE_KEY.")
    if not VAPID_SUBJECT.startswith(("mailto:", "https://")):  # noqa: F405
        raise ImproperlyConfigured("VAPID_SUBJECT must be a mailto: or https:// URL.")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
CONN_MAX_AGE = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_MAX_AGE"] = CONN_MAX_AGE  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
