"""What every API endpoint shares: problem details, JWT checks, throttling, CORS, the docs."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import services
from accounts.models import Device
from accounts.tests.factories import CustomerFactory, StaffFactory
from config.settings.base import redis_cache
from config.tests.test_cache_outage import closed_port
from tests.api import PROBLEM_JSON

pytestmark = pytest.mark.django_db

ME = "/api/v1/auth/me/"


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM_JSON)
    body = response.json()
    assert body["type"] == "about:blank"
    assert body["status"] == status
    assert body["title"] and body["detail"]
    assert isinstance(body["errors"], dict)
    if code:
        assert body["code"] == code, body
    return body


def test_mounted_under_api_v1():
    assert reverse("api:auth-me") == ME
    assert reverse("api:schema") == "/api/v1/schema/"
    assert reverse("api:docs") == "/api/v1/docs/"


def test_anonymous_gets_401_problem_with_bearer_challenge():
    response = APIClient().get(ME)
    body = assert_problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert body["detail"] == "Please sign in to continue."


def test_problem_in_the_request_language():
    response = APIClient().get(ME, HTTP_ACCEPT_LANGUAGE="hi")
    body = assert_problem(response, 401)
    assert response["Content-Language"] == "hi"
    # The title/detail are marked for translation; until the catalogue has them they are the
    # English source, never DRF's stock text.
    assert body["detail"] != "Authentication credentials were not provided."


def test_garbage_token_is_401_problem():
    response = APIClient().get(ME, HTTP_AUTHORIZATION="Bearer not-a-jwt")
    assert_problem(response, 401, "token_not_valid")


def test_unknown_api_path_is_404_problem(api_client_for):
    client = api_client_for(CustomerFactory())
    body = assert_problem(client.get("/api/v1/no-such-thing/"), 404, "not_found")
    assert "could not find" in body["detail"]


def test_other_user_object_404_problem(api_client_for):
    owner = CustomerFactory()
    device = Device.objects.create(user=owner, device_id="a" * 32)
    client = api_client_for(CustomerFactory())
    assert_problem(client.delete(f"/api/v1/devices/{device.pk}/"), 404, "not_found")
    assert Device.objects.filter(pk=device.pk).exists()


def test_method_not_allowed_is_405_problem(api_client_for):
    client = api_client_for(CustomerFactory())
    assert_problem(client.post(ME, {}, format="json"), 405, "method_not_allowed")


def test_validation_errors_keyed_by_field():
    from rest_framework import serializers

    from config.api import problem_exception_handler

    exc = serializers.ValidationError(
        {"email": ["Enter a valid email address."], "non_field_errors": ["Passwords differ."]}
    )
    response = problem_exception_handler(exc, {})
    assert response.status_code == 400
    assert response.content_type == PROBLEM_JSON
    assert response.data["errors"] == {
        "email": ["Enter a valid email address."],
        "non_field_errors": ["Passwords differ."],
    }
    assert response.data["detail"] == "Passwords differ."
    nested = problem_exception_handler(
        serializers.ValidationError({"items": [{}, {"name": ["Required."]}]}), {}
    )
    assert nested.data["errors"] == {"items.1.name": ["Required."]}
    assert nested.data["code"] == "invalid"


def test_server_error_under_api_is_a_problem(rf):
    from config.views import server_error

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        response = server_error(rf.get("/api/v1/anything/"))
    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM_JSON


def test_throttled_is_429_problem_with_retry_after(api_client_for, monkeypatch):
    from rest_framework import throttling

    rates = {**dict.fromkeys(throttling.SimpleRateThrottle.THROTTLE_RATES, "1000/min")}
    rates["user"] = "2/min"
    monkeypatch.setattr(throttling.SimpleRateThrottle, "THROTTLE_RATES", rates)
    client = api_client_for(CustomerFactory())
    assert client.get(ME).status_code == 200
    assert client.get(ME).status_code == 200
    response = client.get(ME)
    assert_problem(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_throttling_fails_open_when_redis_is_down(api_client_for, settings):
    client = api_client_for(CustomerFactory())
    settings.CACHES = {"default": redis_cache(f"redis://127.0.0.1:{closed_port()}/0")}
    assert client.get(ME).status_code == 200


def test_throttling_fails_open_when_the_cache_raises(api_client_for, settings):
    client = api_client_for(CustomerFactory())
    settings.CACHES = {"default": {"BACKEND": "config.tests.cache_backends.RaisingCache"}}
    assert client.get(ME).status_code == 200


# --- JWT bindings ------------------------------------------------------------------------------


def test_token_works_and_carries_device_and_session_version(api_client_for):
    user = CustomerFactory()
    client = api_client_for(user)
    response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["email"] == user.email
    from rest_framework_simplejwt.tokens import AccessToken

    token = AccessToken(client.tokens["access"])
    assert token["user_id"] == str(user.pk)
    assert token["device"] == client.device_id
    assert token["sv"] == user.session_version
    assert token["otp"] is False


def test_blocked_user_is_refused(api_client_for):
    user = CustomerFactory()
    client = api_client_for(user)
    services.user_block(user=user, actor=None, reason="fraud")
    body = assert_problem(client.get(ME), 401, "blocked")
    assert "blocked" in body["detail"]


def test_session_version_bump_ends_tokens(api_client_for):
    from django.db.models import F

    from accounts.models import User

    user = CustomerFactory()
    client = api_client_for(user)
    User.objects.filter(pk=user.pk).update(session_version=F("session_version") + 1)
    assert_problem(client.get(ME), 401, "session_ended")


def test_removed_device_is_signed_out(api_client_for):
    user = CustomerFactory()
    client = api_client_for(user)
    other = api_client_for(user)
    device = Device.objects.get(user=user, device_id=client.device_id)
    assert other.delete(f"/api/v1/devices/{device.pk}/").status_code == 204
    assert_problem(client.get(ME), 401, "session_ended")
    assert other.get(ME).status_code == 200


def test_device_signed_in_again_does_not_revive_old_tokens(api_client_for):
    import time_machine
    from django.utils import timezone

    user = CustomerFactory()
    client = api_client_for(user)
    Device.objects.filter(user=user).delete()
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=5)):
        Device.objects.create(user=user, device_id=client.device_id)
        assert_problem(client.get(ME), 401, "session_ended")


def test_deactivated_user_is_refused(api_client_for):
    user = CustomerFactory()
    client = api_client_for(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert_problem(client.get(ME), 401)


def test_staff_permission_needs_the_otp_claim(api_client_for, rf):
    from accounts.permissions import IsStaffWithOTP

    staff = StaffFactory()
    allowed = api_client_for(staff)
    refused = api_client_for(staff, otp=False)
    permission = IsStaffWithOTP()
    for client, expected in ((allowed, True), (refused, False)):
        request = APIClient()  # noqa: F841
        from rest_framework.request import Request

        from accounts.authentication import JWTAuthentication

        django_request = rf.get(ME, HTTP_AUTHORIZATION=f"Bearer {client.tokens['access']}")
        drf_request = Request(django_request, authenticators=[JWTAuthentication()])
        assert permission.has_permission(drf_request, None) is expected
    customer = api_client_for(CustomerFactory())
    django_request = rf.get(ME, HTTP_AUTHORIZATION=f"Bearer {customer.tokens['access']}")
    from rest_framework.request import Request

    from accounts.authentication import JWTAuthentication

    drf_request = Request(django_request, authenticators=[JWTAuthentication()])
    assert permission.has_permission(drf_request, None) is False


# --- CORS, docs ---------------------------------------------------------------------------------


def test_cors_only_for_configured_origins_and_only_on_api(settings, api_client_for):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.bookmytoken.in"]
    client = api_client_for(CustomerFactory())
    ok = client.get(ME, HTTP_ORIGIN="https://app.bookmytoken.in")
    assert ok["Access-Control-Allow-Origin"] == "https://app.bookmytoken.in"
    other = client.get(ME, HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other
    page = client.get("/", HTTP_ORIGIN="https://app.bookmytoken.in")
    assert "Access-Control-Allow-Origin" not in page
    preflight = APIClient().options(
        ME,
        HTTP_ORIGIN="https://app.bookmytoken.in",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, idempotency-key",
    )
    assert preflight.status_code == 200
    assert "idempotency-key" in preflight["Access-Control-Allow-Headers"]


def test_schema_and_docs_are_public_and_offline():
    schema = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/auth/me/" in schema.json()["paths"]
    docs = APIClient().get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui-bundle.js" in html and "/static/" in html
    assert "cdn" not in html.lower()
    csp = docs["Content-Security-Policy"]
    assert "'unsafe-inline'" in csp.split("style-src")[1].split(";")[0]
    # Only the docs page: the rest of the site keeps its strict policy.
    assert "'unsafe-inline'" not in APIClient().get("/").get("Content-Security-Policy", "")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/devices/{huge}/",
        "/api/v1/providers/{huge}/",
        "/api/v1/providers/{huge}/services/",
        "/api/v1/providers/{huge}/services/{huge}/slots/?date=2030-01-01",
        "/api/v1/providers/{huge}/services/{huge}/availability/?month=2030-01",
        "/api/v1/bookings/{huge}/",
    ],
)
def test_ids_too_large_for_the_database_are_404_not_500(api_client_for, path):
    client = api_client_for(CustomerFactory())
    method = client.delete if path.startswith("/api/v1/devices/") else client.get
    assert_problem(method(path.format(huge=10**30)), 404, "not_found")
