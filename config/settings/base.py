"""Settings shared by every environment. Host-specific values come from the environment.

Every variable read here is documented in ``.env.example``.
"""

import tempfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from .envfile import read_env_file

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
read_env_file(BASE_DIR / ".env")

# Which settings module loaded (config.settings picks it from DJANGO_ENV); commands that must
# never run on a real site (seed_demo) check it.
ENVIRONMENT = "base"
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    # third party
    "allauth",
    "allauth.account",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_email",
    "auditlog",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "phonenumber_field",
    "post_office",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "corsheaders",
    # ours, in import order
    "accounts",
    "providers",
    "wallet",
    "bookings",
    "adminpanel",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything that can answer (whitenoise, common): CORS headers on /api/ only.
    "corsheaders.middleware.CorsMiddleware",
    # django-csp's policy (built once per setting) and Permissions-Policy, each by its
    # package's code, in one layer (config.middleware).
    "config.middleware.SecurityHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's, with the language negotiated once per (cookie, Accept-Language) pair.
    "config.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user's saved language when the browser has no language cookie yet.
    "accounts.middleware.UserLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Django's, with the message storage built on first use (config.middleware).
    "config.middleware.MessageMiddleware",
    # After messages (its redirects put a message on the next page): blocked users, staff
    # session limits, /admin/ behind sign-in and OTP, the device cookie (accounts.middleware).
    "accounts.middleware.AccountGuardMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # request.htmx, the audit context (proxy-aware client IP, resolved only when an audited
    # change is written) and django-ratelimit's 429 page, in one layer (config.middleware).
    "config.middleware.RequestContextMiddleware",
    # Axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
            # {% include_shared %}: the chrome every visitor shares, rendered once per process.
            "libraries": {"fragments": "config.fragments"},
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# SQLite file by default; mysql://user:pass@host:port/name for MySQL/MariaDB.
# Per-account lockout is deliberate (axes.W006): many Indian mobile users share one carrier-NAT
# IP, so whole IPs are rate limited (django-ratelimit, higher limit) rather than locked.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "charset": "utf8mb4",
            "init_command": "SET sql_mode='STRICT_TRANS_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,"
            "ERROR_FOR_DIVISION_BY_ZERO'",
        }
    )
    DATABASES["default"]["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
    # allauth's EmailAddress has conditional unique constraints MySQL cannot hold; the
    # non-conditional unique email on users is our guarantee instead.
    SILENCED_SYSTEM_CHECKS.append("models.W036")
# Seconds to wait for the database before the request fails with the 503 page: MySQL's
# connect timeout (a dead or black-holed host fails fast instead of hanging every worker until
# gunicorn's timeout), SQLite's wait for another writer's lock.
DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    DATABASES["default"]["OPTIONS"]["connect_timeout"] = DATABASE_CONNECT_TIMEOUT
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = DATABASE_CONNECT_TIMEOUT
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions, background jobs ----------------------------------------------------
# The cache is an optimisation, never a dependency: with Redis down or slow every cache call
# is a miss (reads) or skipped (writes), logged by the "cache" logger, and pages come from the
# database. Nothing that must survive an outage (sessions, lockouts, bookings) lives in it.
REDIS_URL = env("REDIS_URL", default="")
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=0.25)


def redis_cache(url: str) -> dict:
    """django-redis at ``url``, where a failing call is a miss (or a skipped write), not an
    error."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            # A dead or hanging Redis costs a request at most this long per cache call.
            "SOCKET_CONNECT_TIMEOUT": REDIS_SOCKET_TIMEOUT,
            "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
            "IGNORE_EXCEPTIONS": True,
        },
    }


if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "cache"
# Sessions in the database: a cache outage logs no one out and fails no logged-in page.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# django-ratelimit lets a request through when its counter cannot be read or written (cache
# down). The per-account lockout (axes, 5 failures -> 30 minutes) is kept in the database and
# still holds.
RATELIMIT_FAIL_OPEN = True

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Kolkata"
CELERY_TASK_ACKS_LATE = True
CELERY_BEAT_SCHEDULE: dict = {}
# Booking reminders (24 h and 1 h before the slot; each sent once). Cron alternative:
# `manage.py send_reminders` every few minutes.
CELERY_BEAT_SCHEDULE["bookings-send-reminders"] = {
    "task": "bookings.tasks.send_reminders",
    "schedule": timedelta(minutes=5),
}
# Pending bookings still unconfirmed (fee unpaid) when their slot begins expire and free the
# slot. Cron alternative: `manage.py expire_bookings` every minute.
CELERY_BEAT_SCHEDULE["bookings-expire-pending"] = {
    "task": "bookings.tasks.expire_pending",
    "schedule": timedelta(minutes=1),
}
# Queued email: render pending booking notifications, then send everything due (post-office
# retries failures). Every ten seconds: sign-up links, emailed sign-in codes and booking
# confirmations are waited for, and a run with nothing to send is five small statements. Cron
# alternative: `manage.py deliver_mail` every minute (cron's finest step).
CELERY_BEAT_SCHEDULE["bookings-deliver-mail"] = {
    "task": "bookings.tasks.deliver_mail",
    "schedule": timedelta(seconds=10),
    # A run that waited that long for a worker is superseded by the next one.
    "options": {"expires": 9},
}
# Sent and failed emails (and booking events) older than MAIL_KEEP_DAYS are deleted daily.
# Cron alternative: `manage.py cleanup_queued_mail` once a day.
MAIL_KEEP_DAYS = env.int("MAIL_KEEP_DAYS", default=90)
CELERY_BEAT_SCHEDULE["bookings-cleanup-mail"] = {
    "task": "bookings.tasks.cleanup_mail",
    "schedule": timedelta(days=1),
}
# Each shop's soonest free slot, for sorting search results by it. Cron alternative:
# `manage.py refresh_next_free` every minute.
CELERY_BEAT_SCHEDULE["bookings-refresh-next-free"] = {
    "task": "bookings.tasks.refresh_next_free",
    "schedule": timedelta(minutes=1),
}

# --- Email -------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# A mail server that accepts the connection and then hangs must not hold the worker forever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# Every message is queued in the database (django-post-office) in the transaction that causes
# it; `bookings.tasks.deliver_mail` (Celery beat, or `manage.py deliver_mail` from cron) sends
# the queue through the transport EMAIL_URL names. A request never talks to SMTP or the broker.
POST_OFFICE = {
    "BACKENDS": {"default": EMAIL_BACKEND},  # noqa: F821 - set from EMAIL_CONFIG above
    "DEFAULT_PRIORITY": "medium",
    # A failed message is tried again every MAIL_RETRY_MINUTES, up to MAIL_MAX_RETRIES times;
    # after that it stays in the table as "failed" (requeue it from the admin).
    "MAX_RETRIES": env.int("MAIL_MAX_RETRIES", default=36),
    "RETRY_INTERVAL": timedelta(minutes=env.int("MAIL_RETRY_MINUTES", default=10)),
    # Delivery is the beat task, never a `.delay()` from a request (the broker may be down).
    "CELERY_ENABLED": False,
    "LOG_LEVEL": 1,
    # The Message-ID is fixed when the message is queued, so a retry is the same message.
    "MESSAGE_ID_ENABLED": True,
    "MESSAGE_ID_FQDN": SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "localhost",
}
EMAIL_BACKEND = "post_office.EmailBackend"
# post-office's lock file (a pid lock): one delivery run at a time on a host; an overlapping
# beat or cron run on the same host finds it held and leaves. Deliver from one host only.
MAIL_LOCKFILE = env("MAIL_LOCKFILE", default="") or str(
    Path(tempfile.gettempdir()) / "bookmytoken-mail"
)
# Deliver right after the commit, in the web process: only for local development without a
# broker (config/settings/local.py). Everywhere else beat or cron delivers.
MAIL_DELIVER_ON_COMMIT = False
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="BookMyToken <no-reply@bookmytoken.in>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Ops", a) for a in env.list("ADMIN_EMAILS", default=[])]

# --- Web push and the installable app -----------------------------------------------------
# Booking pushes go out only with PUSH_ENABLED and a VAPID key pair (`manage.py
# generate_vapid_keys`); production refuses to start with push on and a key missing.
PUSH_ENABLED = env.bool("PUSH_ENABLED", default=False)
VAPID_PUBLIC_KEY = env("VAPID_PUBLIC_KEY", default="")
VAPID_PRIVATE_KEY = env("VAPID_PRIVATE_KEY", default="")
# Who the push services contact about this sender: "mailto:ops@…" or an https URL.
VAPID_SUBJECT = env("VAPID_SUBJECT", default="")
# Push-service failures (5xx, 429, timeouts) are tried again every PUSH_RETRY_MINUTES, up to
# PUSH_MAX_RETRIES times, by the mail worker (`bookings.tasks.deliver_mail`).
PUSH_MAX_RETRIES = env.int("PUSH_MAX_RETRIES", default=8)
PUSH_RETRY_MINUTES = env.int("PUSH_RETRY_MINUTES", default=5)
PUSH_TIMEOUT = env.float("PUSH_TIMEOUT", default=10.0)
# The server posts to the endpoint a browser hands it: only to these push services' hosts (and
# their subdomains), over https. Chrome/Edge (FCM), Firefox, Safari, Windows.
PUSH_ENDPOINT_HOSTS = env.list(
    "PUSH_ENDPOINT_HOSTS",
    default=[
        "fcm.googleapis.com",
        "push.services.mozilla.com",
        "push.apple.com",
        "notify.windows.com",
    ],
)
PUSH_ALLOW_HTTP_ENDPOINTS = False  # the test suite's loopback push service only
# Names this build: a deploy with a new APP_VERSION (e.g. the git commit) ships a new service
# worker, which replaces the old one and its cached app shell.
APP_VERSION = env("APP_VERSION", default="1")
PWA_THEME_COLOR = "#4f46e5"

# --- Auth --------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first so a locked account is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[BookMyToken] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")
ACCOUNT_CHANGE_EMAIL = True
# Adding, removing or making primary an email address (used for sign-in and recovery) asks for
# the password again unless it was confirmed in the last ACCOUNT_REAUTHENTICATION_TIMEOUT
# seconds (allauth's default, 5 minutes).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "signup": "accounts.forms.SignupForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "set_password": "accounts.forms.SetPasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
}
# allauth's own per-IP login/signup limits and its failed-login limit are off: axes enforces
# "5 failures lock the account for 30 minutes" and django-ratelimit the per-IP limits
# (ACCOUNTS_RATE_LIMITS); allauth's "login_failed" would otherwise answer first. allauth's
# limits fail closed when the cache is down (each waits a second for a cache lock, then
# refuses), so the per-email limit on reset emails is django-ratelimit's too
# ("password_reset_email", failing open), and the cooldown between verification emails to one
# address is off: it would silently drop the verification email of every sign-up during a
# Redis outage; resends are triggered by sign-in attempts, which the per-IP login limit bounds.
ACCOUNT_RATE_LIMITS = {
    "login": None,
    "login_failed": None,
    "signup": None,
    "confirm_email": None,
    "reset_password": None,
}
# Per client IP (accounts.ip.client_ip), POSTs only. Carrier NAT puts many people behind one
# IP, so these are well above what one person needs.
ACCOUNTS_RATE_LIMITS = {
    "login": env("RATE_LIMIT_LOGIN", default="30/5m"),
    "signup": env("RATE_LIMIT_SIGNUP", default="10/h"),
    "password_reset": env("RATE_LIMIT_PASSWORD_RESET", default="10/h"),
    # Per email address asked for (the others are per client IP).
    "password_reset_email": env("RATE_LIMIT_PASSWORD_RESET_EMAIL", default="5/m"),
    "otp": env("RATE_LIMIT_OTP", default="10/5m"),
    # Verification emails to one address (resend button, signing in before confirming) and
    # resend requests per client IP.
    "verification_email": env("RATE_LIMIT_VERIFICATION_EMAIL", default="3/15m"),
    "verification_resend": env("RATE_LIMIT_VERIFICATION_RESEND", default="10/h"),
}
# Who a customer can reach when something does not work ("confirm your email" page).
SUPPORT_EMAIL = env("SUPPORT_EMAIL", default="support@bookmytoken.in")
SUPPORT_PHONE = env("SUPPORT_PHONE", default="")
OTP_TOTP_ISSUER = "BookMyToken"

# Lockout policy: 5 failed logins on one account lock it for 30 minutes (axes).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# The lock is on the account's email even when the mobile number was typed.
AXES_USERNAME_CALLABLE = "accounts.identifiers.axes_username"
# One client-IP function (proxy-aware, TRUSTED_PROXY_COUNT) for axes, rate limits and logs.
AXES_CLIENT_IP_CALLABLE = "accounts.ip.client_ip"
# The login page saying "locked until …" (HTTP 429) instead of axes' bare text.
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"
# Number of reverse proxies in front of the app whose X-Forwarded-For entries we trust.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Staff sessions: 30 minutes without a request, 12 hours at most (accounts.middleware).
# Other users keep Django's SESSION_COOKIE_AGE.
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=30 * 60)
STAFF_SESSION_MAX_SECONDS = env.int("STAFF_SESSION_MAX_SECONDS", default=12 * 60 * 60)

# Admin OTP can be relaxed for local demo use only (never honoured in production settings).
ADMIN_OTP_REQUIRED = env.bool("ADMIN_OTP_REQUIRED", default=True)

# The audit trail's correlation id comes from the request being served (adminpanel.middleware).
AUDITLOG_CID_GETTER = "adminpanel.middleware.request_cid"

PHONENUMBER_DEFAULT_REGION = "IN"
PHONENUMBER_DB_FORMAT = "E164"

# --- I18N / time ------------------------------------------------------------------------
LANGUAGE_CODE = "en-in"
LANGUAGES = [("en-in", _("English")), ("hi", _("Hindi"))]
# Our catalogue (locale/hi/LC_MESSAGES/django.po, djangojs.po), compiled by `make install`;
# it comes before Django's and allauth's, so our wording wins where they differ.
LOCALE_PATHS = [BASE_DIR / "locale"]
# Indian digit grouping (1,00,000) in both languages (config/formats/{en,hi}/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
# The language switcher's choice (and a signed-in user's saved language, accounts.middleware)
# lives in this cookie for a year; LocaleMiddleware reads it, then the browser's
# Accept-Language.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Kolkata"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
# collectstatic writes here; nginx (deploy/nginx) serves it directly in production.
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Rendered invoice and credit note PDFs (wallet.Invoice.pdf): written on first download, never
# changed. Private, so outside MEDIA_ROOT, which nginx serves to anyone at /media/; they are
# served only through the views that check who may read them.
DOCUMENTS_ROOT = Path(env.str("DOCUMENTS_ROOT", default="") or BASE_DIR / "documents")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DOCUMENTS_ROOT)},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security headers ---------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Permissions-Policy (django-permissions-policy): every browser feature the site does not use is
# denied to it and to any frame. Payments (Payment Request API) only for us and Razorpay
# Checkout's frame, which may also read an SMS OTP on phones.
_RAZORPAY_ORIGINS = ["https://api.razorpay.com", "https://checkout.razorpay.com"]
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "ambient-light-sensor",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "clipboard-read",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "gamepad",
        "geolocation",
        "gyroscope",
        "hid",
        "identity-credentials-get",
        "idle-detection",
        "interest-cohort",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "picture-in-picture",
        "publickey-credentials-create",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "storage-access",
        "usb",
        "web-share",
        "window-management",
        "xr-spatial-tracking",
    )
}
PERMISSIONS_POLICY["payment"] = ["self", *_RAZORPAY_ORIGINS]
PERMISSIONS_POLICY["otp-credentials"] = ["self", *_RAZORPAY_ORIGINS]
# Razorpay Checkout's hosts are allowed only on the page that opens it (wallet.views.CheckoutView,
# wallet.views.RAZORPAY_CHECKOUT_CSP), not site-wide.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# --- Payments and fees ------------------------------------------------------------------
RAZORPAY_KEY_ID = env("RAZORPAY_KEY_ID", default="")
RAZORPAY_KEY_SECRET = env("RAZORPAY_KEY_SECRET", default="")
RAZORPAY_WEBHOOK_SECRET = env("RAZORPAY_WEBHOOK_SECRET", default="")
# The local TEST MODE gateway stands in for Razorpay when no keys are set: only with DEBUG on
# (local settings) and in the test suite, never otherwise.
TEST_GATEWAY_ENABLED = False
# Razorpay webhook: per-client-IP limit (django-ratelimit rate) and the largest body read.
# Razorpay's payment and order events are a few kilobytes.
WALLET_WEBHOOK_RATE_LIMIT = env("WALLET_WEBHOOK_RATE_LIMIT", default="120/m")
WALLET_WEBHOOK_MAX_BYTES = env.int("WALLET_WEBHOOK_MAX_BYTES", default=64 * 1024)
PLATFORM_FEE_FLAT = Decimal(env("PLATFORM_FEE_FLAT", default="5.00"))
PLATFORM_FEE_PERCENT = Decimal(env("PLATFORM_FEE_PERCENT", default="0"))
WALLET_LOW_BALANCE = Decimal(env("WALLET_LOW_BALANCE", default="100.00"))
# Top-up orders still unpaid after this many minutes are checked with Razorpay (wallet task).
WALLET_RECONCILE_AFTER_MINUTES = env.int("WALLET_RECONCILE_AFTER_MINUTES", default=15)
CELERY_BEAT_SCHEDULE["wallet-reconcile-payments"] = {
    "task": "wallet.tasks.reconcile_payments",
    "schedule": timedelta(minutes=env.int("WALLET_RECONCILE_EVERY_MINUTES", default=10)),
}
PLATFORM_NAME = "BookMyToken"
PLATFORM_GSTIN = env("PLATFORM_GSTIN", default="")
PLATFORM_ADDRESS = env("PLATFORM_ADDRESS", default="Bengaluru, Karnataka, India")
# The platform's state on its invoices when PLATFORM_GSTIN is empty (a GSTIN names its own).
PLATFORM_STATE = env("PLATFORM_STATE", default="29-Karnataka")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        # Server error reports to ADMINS go straight to the mail transport, as Django's own
        # handler does, not through the queue: the error may be the database itself.
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
            "email_backend": POST_OFFICE["BACKENDS"]["default"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        # WeasyPrint logs seven progress lines per PDF at INFO.
        "weasyprint": {"level": "WARNING"},
    },
}
RATELIMIT_VIEW = "config.views.ratelimited"

# --- Fraud review (adminpanel.fraud) ------------------------------------------------------
# A rule raises one open FraudFlag per subject when its threshold is reached within its window.
# Failed logins from one IP: at least N failures spread over at least M distinct accounts.
FRAUD_FAILED_LOGINS = env.int("FRAUD_FAILED_LOGINS", default=5)
FRAUD_FAILED_LOGIN_ACCOUNTS = env.int("FRAUD_FAILED_LOGIN_ACCOUNTS", default=2)
FRAUD_FAILED_LOGIN_WINDOW = timedelta(
    minutes=env.int("FRAUD_FAILED_LOGIN_WINDOW_MINUTES", default=60)
)
# One device cookie used by at least N different accounts.
FRAUD_DEVICE_ACCOUNTS = env.int("FRAUD_DEVICE_ACCOUNTS", default=3)
# Payment signature mismatches for one provider within the window.
FRAUD_SIGNATURE_FAILURES = env.int("FRAUD_SIGNATURE_FAILURES", default=3)
FRAUD_SIGNATURE_WINDOW = timedelta(hours=env.int("FRAUD_SIGNATURE_WINDOW_HOURS", default=24))
# A provider cancelling at least this share of at least MIN bookings made in the window.
FRAUD_PROVIDER_CANCEL_RATE = Decimal(env("FRAUD_PROVIDER_CANCEL_RATE", default="0.30"))
FRAUD_PROVIDER_CANCEL_MIN_BOOKINGS = env.int("FRAUD_PROVIDER_CANCEL_MIN_BOOKINGS", default=10)
FRAUD_PROVIDER_CANCEL_WINDOW = timedelta(
    days=env.int("FRAUD_PROVIDER_CANCEL_WINDOW_DAYS", default=30)
)
# A customer cancelling at least N bookings within the window.
FRAUD_CUSTOMER_CANCELLATIONS = env.int("FRAUD_CUSTOMER_CANCELLATIONS", default=5)
FRAUD_CUSTOMER_CANCEL_WINDOW = timedelta(
    days=env.int("FRAUD_CUSTOMER_CANCEL_WINDOW_DAYS", default=30)
)
CELERY_BEAT_SCHEDULE["adminpanel-fraud-scan"] = {
    "task": "adminpanel.tasks.fraud_scan",
    "schedule": timedelta(minutes=env.int("FRAUD_SCAN_EVERY_MINUTES", default=15)),
}

# --- JSON API (/api/v1/, the mobile apps) -------------------------------------------------
# JWT only (no session auth: no CSRF to think about, the web pages keep their own sessions).
# Shared pieces live in config.api (errors, paging, throttles); each app's serializers.py and
# api.py hold its endpoints, mounted by config.api_urls.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "config.api.CursorPagination",
    "PAGE_SIZE": env.int("API_PAGE_SIZE", default=20),
    "DEFAULT_THROTTLE_CLASSES": [
        "config.api.IPRateThrottle",
        "config.api.UserRateThrottle",
        "config.api.ScopedRateThrottle",
    ],
    # Per client IP (accounts.ip.client_ip, proxy-aware), per signed-in user, and per scope
    # (views with ``throttle_scope``, e.g. "auth"), all failing open when the cache is down.
    "DEFAULT_THROTTLE_RATES": {
        "ip": env("API_THROTTLE_IP", default="600/min"),
        "user": env("API_THROTTLE_USER", default="300/min"),
        "auth": env("API_THROTTLE_AUTH", default="30/min"),
        # The booking and payment pages' own limits (django-ratelimit there), per user.
        "booking": env("API_THROTTLE_BOOKING", default="30/min"),
        "payment": env("API_THROTTLE_PAYMENT", default="30/hour"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.problem_exception_handler",
    "DEFAULT_VERSIONING_CLASS": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
API_ACCESS_TOKEN_MINUTES = min(env.int("API_ACCESS_TOKEN_MINUTES", default=10), 15)
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=API_ACCESS_TOKEN_MINUTES),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("API_REFRESH_TOKEN_DAYS", default=30)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "TOKEN_REFRESH_SERIALIZER": "accounts.serializers.TokenRefreshSerializer",
}
if env("API_JWT_SIGNING_KEY", default=""):
    SIMPLE_JWT["SIGNING_KEY"] = env("API_JWT_SIGNING_KEY")
# An "otp challenge" (password passed, second factor pending) is valid this many seconds.
API_OTP_CHALLENGE_SECONDS = env.int("API_OTP_CHALLENGE_SECONDS", default=300)
SPECTACULAR_SETTINGS = {
    "TITLE": "BookMyToken API",
    "DESCRIPTION": (
        "JSON API for the BookMyToken mobile apps. Sign in at /api/v1/auth/login/, send the "
        "access token as `Authorization: Bearer <token>`, refresh it at "
        "/api/v1/auth/token/refresh/. Errors are RFC 9457 problem details "
        "(application/problem+json)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AppointmentStatusEnum": "bookings.models.Appointment.Status",
        "ProviderStatusEnum": "providers.models.Provider.Status",
        "PaymentStatusEnum": "wallet.models.Payment.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.cursor_parameters_hook",
        "config.api.problem_responses_hook",
        "config.api.database_neutral_hook",
    ],
}
# CORS (django-cors-headers) for a Flutter web build: only these origins, only under /api/.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_HEADERS = (
    "accept",
    "accept-language",
    "authorization",
    "content-type",
    "idempotency-key",
    "user-agent",
)
CORS_EXPOSE_HEADERS = ("Retry-After", "Content-Language")
