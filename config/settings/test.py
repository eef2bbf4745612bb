"""Settings for the test suite: fast hashing, in-memory email, eager tasks."""

from .base import *  # noqa: F403

ENVIRONMENT = "test"

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Mail is queued (post-office) and delivered to Django's in-memory outbox by the `deliver_mail`
# fixture, as the worker would; nothing is delivered on commit.
POST_OFFICE = {  # noqa: F405
    **POST_OFFICE,  # noqa: F405
    "BACKENDS": {"default": "django.core.mail.backends.locmem.EmailBackend"},
}
CELERY_TASK_ALWAYS_EAGER = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "documents": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
ADMIN_OTP_REQUIRED = True
# The test runner forces DEBUG off; the suite drives the TEST MODE gateway as local use does.
TEST_GATEWAY_ENABLED = True
RAZORPAY_KEY_ID = ""
RAZORPAY_KEY_SECRET = ""
RAZORPAY_WEBHOOK_SECRET = "test-webhook-secret"  # noqa: S105

# Web push against the suite's loopback push service, with a key pair made for this run.
from accounts.vapid import generate_vapid_keys  # noqa: E402

VAPID_PRIVATE_KEY, VAPID_PUBLIC_KEY = generate_vapid_keys()
VAPID_SUBJECT = "mailto:ops@bookmytoken.test"
PUSH_ENABLED = True
PUSH_ALLOW_HTTP_ENDPOINTS = True
PUSH_ENDPOINT_HOSTS = ["127.0.0.1", "localhost"]
APP_VERSION = "test"
