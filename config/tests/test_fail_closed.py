"""Without DJANGO_ENV the site must not start open: DEBUG with a public host is refused, the
TEST MODE gateway needs DEBUG, and staff OTP can be relaxed only with DEBUG."""

import json

import pytest

from config.tests.test_production import run_python

SHOW = """
    import json
    import django
    from django.conf import settings
    django.setup()
    print(json.dumps({
        "ENVIRONMENT": settings.ENVIRONMENT,
        "DEBUG": settings.DEBUG,
        "TEST_GATEWAY_ENABLED": settings.TEST_GATEWAY_ENABLED,
        "ADMIN_OTP_REQUIRED": settings.ADMIN_OTP_REQUIRED,
    }))
"""
# A key from the environment so the checkout's .secret_key is not written by these runs.
BASE = {"SECRET_KEY": "x" * 60}


def _settings(env: dict) -> dict:
    result = run_python(SHOW, {**BASE, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("hosts", ["bookmytoken.in", "*", "localhost,203.0.113.5"])
def test_no_django_env_with_debug_and_a_public_host_refuses_to_start(hosts):
    result = run_python(SHOW, {**BASE, "ALLOWED_HOSTS": hosts})
    assert result.returncode != 0
    assert "DJANGO_ENV" in result.stderr


def test_no_django_env_on_loopback_is_the_developer_machine():
    values = _settings({})
    assert values == {
        "ENVIRONMENT": "local",
        "DEBUG": True,
        "TEST_GATEWAY_ENABLED": True,
        "ADMIN_OTP_REQUIRED": False,
    }


def test_without_debug_the_test_gateway_is_off_and_staff_need_otp():
    values = _settings(
        {"DEBUG": "false", "ALLOWED_HOSTS": "bookmytoken.in", "ADMIN_OTP_REQUIRED": "false"}
    )
    assert values["DEBUG"] is False
    assert values["TEST_GATEWAY_ENABLED"] is False
    assert values["ADMIN_OTP_REQUIRED"] is True


def test_razorpay_keys_turn_the_test_gateway_off_even_with_debug():
    values = _settings({"RAZORPAY_KEY_ID": "rzp_test_x", "RAZORPAY_KEY_SECRET": "s"})
    assert values["TEST_GATEWAY_ENABLED"] is False


def test_explicit_local_may_run_debug_on_another_host():
    values = _settings({"DJANGO_ENV": "local", "ALLOWED_HOSTS": "192.168.1.20"})
    assert values["DEBUG"] is True
