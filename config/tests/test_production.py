"""The production settings, loaded the way a server loads them: in a fresh process whose only
configuration is a production-like environment."""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PYTHON = sys.executable

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k7#Qv9!pZ2@xL4$wN8^rT1&yU6*eB3(oM5)sD0-fG2_hJ9+cV7=aX4?iK8%lP1~zY3",
    "ALLOWED_HOSTS": "bookmytoken.in,www.bookmytoken.in",
    "CSRF_TRUSTED_ORIGINS": "https://bookmytoken.in,https://www.bookmytoken.in",
    "DATABASE_URL": "mysql://booking:s3cret@db.internal:3306/booking",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:p4ss@smtp.example.in:587",
    "TRUSTED_PROXY_COUNT": "1",
    "RAZORPAY_KEY_ID": "rzp_live_0123456789abcd",
    "RAZORPAY_KEY_SECRET": "live-secret-0123456789",
    "RAZORPAY_WEBHOOK_SECRET": "webhook-secret-0123456789",
}


def run(args: list[str], env: dict[str, str], cwd: Path = BASE_DIR):
    """Run ``args`` with only ``env`` (plus PATH/HOME) as the environment."""
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(cwd), **env}
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        args, cwd=cwd, env=clean, capture_output=True, text=True, timeout=120, check=False
    )


def run_python(code: str, env: dict[str, str], cwd: Path = BASE_DIR):
    env = {"DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return run([PYTHON, "-c", textwrap.dedent(code)], env, cwd)


def production_settings(env: dict[str, str]) -> dict:
    result = run_python(
        """
        import json
        import django
        from django.conf import settings
        django.setup()
        db = settings.DATABASES["default"]
        print(json.dumps({
            "DEBUG": settings.DEBUG,
            "ROOT_URLCONF": settings.ROOT_URLCONF,
            "TEST_GATEWAY_ENABLED": settings.TEST_GATEWAY_ENABLED,
            "ADMIN_OTP_REQUIRED": settings.ADMIN_OTP_REQUIRED,
            "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
            "db_engine": db["ENGINE"],
            "db_host": db["HOST"],
            "db_charset": db["OPTIONS"]["charset"],
            "db_sql_mode": db["OPTIONS"]["init_command"],
            "CONN_MAX_AGE": db["CONN_MAX_AGE"],
            "cache": settings.CACHES["default"]["BACKEND"],
            "cache_location": settings.CACHES["default"]["LOCATION"],
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": settings.CELERY_TASK_ALWAYS_EAGER,
            "EMAIL_BACKEND": settings.EMAIL_BACKEND,
            "mail_transport": settings.POST_OFFICE["BACKENDS"]["default"],
            "EMAIL_HOST": settings.EMAIL_HOST,
            "EMAIL_PORT": settings.EMAIL_PORT,
            "EMAIL_USE_TLS": settings.EMAIL_USE_TLS,
            "EMAIL_HOST_USER": settings.EMAIL_HOST_USER,
            "TRUSTED_PROXY_COUNT": settings.TRUSTED_PROXY_COUNT,
            "SECURE_PROXY_SSL_HEADER": settings.SECURE_PROXY_SSL_HEADER,
            "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
            "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
        }))
        """,
        env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_with_a_production_environment():
    result = run(
        [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_check_deploy_fails_when_a_security_setting_is_weakened():
    """The check above can fail: switching HSTS off makes the same command exit non-zero."""
    result = run(
        [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {**PRODUCTION_ENV, "SECURE_HSTS_SECONDS": "0"},
    )
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_production_settings_come_from_the_environment():
    values = production_settings({**PRODUCTION_ENV, "DEBUG": "true"})
    assert values["DEBUG"] is False  # even when the environment asks for it
    assert values["ROOT_URLCONF"] == "config.urls"
    assert values["TEST_GATEWAY_ENABLED"] is False
    assert values["ADMIN_OTP_REQUIRED"] is True
    assert values["ALLOWED_HOSTS"] == ["bookmytoken.in", "www.bookmytoken.in"]
    assert values["db_engine"] == "django.db.backends.mysql"
    assert values["db_host"] == "db.internal"
    assert values["db_charset"] == "utf8mb4"
    assert "STRICT_TRANS_TABLES" in values["db_sql_mode"]
    assert values["CONN_MAX_AGE"] == 60
    assert values["cache"] == "django_redis.cache.RedisCache"
    assert values["cache_location"] == "redis://cache.internal:6379/0"
    assert values["CELERY_BROKER_URL"] == "redis://cache.internal:6379/0"
    assert values["CELERY_TASK_ALWAYS_EAGER"] is False
    # Mail is queued in the database; the worker sends it over SMTP.
    assert values["EMAIL_BACKEND"] == "post_office.EmailBackend"
    assert values["mail_transport"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["EMAIL_HOST"], values["EMAIL_PORT"]) == ("smtp.example.in", 587)
    assert values["EMAIL_USE_TLS"] is True
    assert values["EMAIL_HOST_USER"] == "mailer"
    assert values["TRUSTED_PROXY_COUNT"] == 1
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "too-short-to-be-a-real-key"}, "SECRET_KEY"),
        ({"RAZORPAY_KEY_SECRET": ""}, "RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_its_secrets(missing, message):
    env = {**PRODUCTION_ENV, **{k: v for k, v in missing.items() if v is not None}}
    for key in [k for k, v in missing.items() if v is None]:
        env.pop(key)
    result = run([PYTHON, "manage.py", "check"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_serves_https_only_with_security_headers(tmp_path):
    """A request through the real middleware stack: HTTP redirects to HTTPS, a request that
    nginx marks as HTTPS (X-Forwarded-Proto) is served with HSTS and CSP, and /healthz answers."""
    result = run_python(
        """
        import json
        import django
        django.setup()
        from django.test import Client
        client = Client(HTTP_HOST="bookmytoken.in")
        plain = client.get("/healthz")
        proxied = client.get("/healthz", HTTP_X_FORWARDED_PROTO="https")
        print(json.dumps({
            "plain_status": plain.status_code,
            "plain_location": plain.headers.get("Location"),
            "status": proxied.status_code,
            "body": proxied.json(),
            "hsts": proxied.headers.get("Strict-Transport-Security"),
            "csp": proxied.headers.get("Content-Security-Policy"),
            "frame": proxied.headers.get("X-Frame-Options"),
            "nosniff": proxied.headers.get("X-Content-Type-Options"),
            "cache": proxied.headers.get("Cache-Control"),
        }))
        """,
        {
            **PRODUCTION_ENV,
            # A server without Redis (e.g. shared hosting) runs tasks eagerly.
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
            "REDIS_URL": "",
        },
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["plain_status"] == 301
    assert values["plain_location"] == "https://bookmytoken.in/healthz"
    assert values["status"] == 200
    assert values["body"] == {"status": "ok", "database": "ok", "cache": "ok", "broker": "eager"}
    assert values["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "default-src 'self'" in values["csp"]
    assert "frame-ancestors 'none'" in values["csp"]
    assert values["frame"] == "DENY"
    assert values["nosniff"] == "nosniff"
    assert "no-cache" in values["cache"]


def test_local_settings_generate_the_secret_key_once(tmp_path):
    """Local settings write a random key into the checkout's ignored .secret_key on first use
    and read the same key afterwards. Run on a copy of the settings so the real key is left
    alone."""
    settings_dir = tmp_path / "config" / "settings"
    settings_dir.mkdir(parents=True)
    (tmp_path / "config" / "__init__.py").write_text("")
    for name in ("__init__.py", "base.py", "envfile.py", "local.py"):
        shutil.copy(BASE_DIR / "config" / "settings" / name, settings_dir / name)
    code = """
        import sys
        sys.path.insert(1, {repo!r})
        from config.settings import local
        print(local.SECRET_KEY)
        print(local.DEBUG)
    """.replace("{repo!r}", repr(str(BASE_DIR)))
    env = {"DJANGO_ENV": "local", "PYTHONPATH": str(tmp_path)}

    first = run_python(code, env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    key, debug = first.stdout.split()
    key_file = tmp_path / ".secret_key"
    assert key_file.read_text().strip() == key
    assert len(key) >= 50
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert debug == "True"

    second = run_python(code, env, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert second.stdout.split()[0] == key

    # A key from the environment wins and no file is written.
    key_file.unlink()
    third = run_python(code, {**env, "SECRET_KEY": "from-the-environment"}, cwd=tmp_path)
    assert third.stdout.split()[0] == "from-the-environment"
    assert not key_file.exists()


@pytest.fixture(scope="module")
def production_site(tmp_path_factory):
    """A migrated scratch database and collected static files, as a deployment has them."""
    folder = tmp_path_factory.mktemp("production-site")
    env = {
        **PRODUCTION_ENV,
        "DATABASE_URL": f"sqlite:///{folder / 'site.sqlite3'}",
        "REDIS_URL": "",
        "STATIC_ROOT": str(folder / "static"),
    }
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        result = run([PYTHON, "manage.py", *command, "-v0"], env)
        assert result.returncode == 0, result.stderr
    return env


def test_test_gateway_cannot_be_reached_in_production(production_site):
    """Even the provider who owns a pending order gets a 404 from the TEST MODE gateway, and
    checkout does not send anyone there."""
    result = run_python(
        """
        import json
        import django
        django.setup()
        from decimal import Decimal
        from django.test import Client
        from django.urls import reverse
        from accounts.models import User
        from providers.models import Category, Provider
        from wallet.models import Payment

        user = User.objects.create_user(
            "shop@example.in", "pw-123456789", name="Shop", role="provider", email_verified=True
        )
        category = Category.objects.create(name="Salon", slug="salon")
        provider = Provider.objects.create(
            user=user, shop_name="Shop", slug="shop", category=category, address="1 Road",
            area="Centre", city="Pune", pincode="411001", status="approved",
        )
        Payment.objects.create(
            provider=provider, amount=Decimal("500.00"), order_id="order_TEST1", receipt="r1"
        )
        client = Client(HTTP_HOST="bookmytoken.in", HTTP_X_FORWARDED_PROTO="https")
        path = reverse("wallet:test_checkout", args=["order_TEST1"])
        anonymous = client.get(path).status_code
        client.force_login(user)
        owner_get = client.get(path)
        owner_post = client.post(path, {"outcome": "pay"})
        checkout = client.get(reverse("wallet:checkout", args=["order_TEST1"]))
        print(json.dumps({
            "path": path,
            "anonymous": anonymous,
            "owner_get": owner_get.status_code,
            "owner_post": owner_post.status_code,
            "friendly_404": "Page not found" in owner_get.content.decode(),
            "checkout": checkout.status_code,
            "checkout_location": checkout.headers.get("Location", ""),
            "paid": Payment.objects.get(order_id="order_TEST1").status,
        }))
        """,
        production_site,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["path"] == "/wallet/test-gateway/order_TEST1/"
    assert values["anonymous"] == 404
    assert values["owner_get"] == 404
    assert values["owner_post"] == 404
    assert values["friendly_404"] is True
    assert "test-gateway" not in values["checkout_location"]
    assert values["paid"] != "paid"
