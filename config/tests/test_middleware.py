"""The middleware stack does nothing for a request that needs nothing, and keeps every header.

A trivial view (this module is also the URLconf of these tests) shows what the stack alone
does: an anonymous GET loads no session and no user and gets no cookie, and the security
headers are the site policy's.
"""

import pytest
from csp.constants import NONCE
from csp.utils import build_policy
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path
from django.utils.functional import empty


def plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


def with_nonce(request: HttpRequest) -> HttpResponse:
    template = engines["django"].from_string('<script nonce="{{ request.csp_nonce }}">1</script>')
    return HttpResponse(template.render(request=request))


def with_message(request: HttpRequest) -> HttpResponse:
    messages.info(request, "Saved.")
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("plain", plain),
    path("nonce", with_nonce),
    path("message", with_message),
    path("", include("config.urls")),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def test_an_anonymous_get_loads_no_session_and_no_user_and_sets_no_cookie(client):
    response = client.get("/plain")
    assert response.status_code == 200
    request = response.wsgi_request
    assert request.session.accessed is False
    assert request.user._wrapped is empty  # the lazy user was never looked at
    assert request._messages._wrapped is empty  # nor the message storage
    assert dict(response.cookies) == {}


def test_the_site_policy_and_security_headers_are_on_every_response(client, settings):
    response = client.get("/plain")
    assert response["Content-Security-Policy"] == build_policy()
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in response
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_a_changed_policy_setting_changes_the_header(client, settings):
    first = client.get("/plain")["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {
        "DIRECTIVES": {"default-src": ["'self'"], "report-uri": "/csp-report"}
    }
    response = client.get("/plain")
    assert first != response["Content-Security-Policy"] == "default-src 'none'"
    assert response["Content-Security-Policy-Report-Only"] == (
        "default-src 'self'; report-uri /csp-report"
    )


def test_excluded_prefixes_get_no_policy(client, settings):
    settings.CONTENT_SECURITY_POLICY = {
        **settings.CONTENT_SECURITY_POLICY,
        "EXCLUDE_URL_PREFIXES": ["/pla"],
    }
    assert "Content-Security-Policy" not in client.get("/plain")


def test_a_page_that_uses_a_nonce_gets_it_in_its_policy_and_others_do_not(client, settings):
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**directives, "script-src": ["'self'", NONCE]}
    }
    response = client.get("/nonce")
    nonce = response.wsgi_request.csp_nonce
    assert f'nonce="{nonce}"' in response.content.decode()
    assert f"script-src 'self' 'nonce-{nonce}'" in response["Content-Security-Policy"]
    assert "nonce-" not in client.get("/plain")["Content-Security-Policy"]


def test_a_nonce_asked_for_after_the_header_is_written_is_an_error(client):
    from csp.exceptions import CSPNonceError

    request = client.get("/plain").wsgi_request
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


def test_a_message_added_by_a_view_reaches_the_next_page(client):
    response = client.get("/message")
    assert "messages" in response.cookies
    shown = client.get("/accounts/login/")
    assert "Saved." in shown.content.decode()


@pytest.mark.parametrize(
    ("cookie", "accept", "expected"),
    [
        (None, "", "en-in"),
        (None, "hi-IN,hi;q=0.9,en;q=0.8", "hi"),
        (None, "fr-FR, de;q=0.5", "en-in"),
        ("hi", "en-US,en;q=0.9", "hi"),  # the language cookie wins over the header
        ("xx", "hi", "hi"),  # an unknown cookie value is ignored
        (None, "hi;q=0.1, " + "x" * 600, "hi"),  # an oversized header, parsed as Django does
    ],
)
def test_the_language_is_negotiated_as_django_does(client, settings, cookie, accept, expected):
    """The remembered negotiation (config.middleware.LocaleMiddleware) picks what Django's
    LocaleMiddleware picks, asked twice (the second answer comes from the memo)."""
    from django.utils import translation

    if cookie is not None:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    for _ in range(2):
        response = client.get("/plain", HTTP_ACCEPT_LANGUAGE=accept)
        assert response["Content-Language"] == expected
        assert "Accept-Language" in response["Vary"]
        request = response.wsgi_request
        assert expected == request.LANGUAGE_CODE
        assert translation.get_language_from_request(request) == expected


def test_a_changed_languages_setting_is_seen(client, settings):
    assert client.get("/plain", HTTP_ACCEPT_LANGUAGE="hi")["Content-Language"] == "hi"
    settings.LANGUAGES = [("en-in", "English")]
    assert client.get("/plain", HTTP_ACCEPT_LANGUAGE="hi")["Content-Language"] == "en-in"


def test_static_files_keep_the_permissions_policy_header(client, settings):
    from django.contrib.staticfiles.storage import staticfiles_storage

    response = client.get(staticfiles_storage.url("css/site.css"))
    assert response.status_code == 200
    assert "Permissions-Policy" in response
