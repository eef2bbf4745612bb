"""Stock middleware that does its work only when a response needs it, in as few layers as
the behaviour allows.

Each layer of the stack costs a call and a frame on every request, so cheap concerns share one:
the security response headers (django-csp's policy built once per setting and
Permissions-Policy), Django's messages middleware with a storage built on first use, the
language negotiation remembered per (cookie, Accept-Language) pair, and one layer for the
request context of django-htmx, the audit trail and django-ratelimit's 429 page.
"""

from functools import lru_cache, partial

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.messages.middleware import MessageMiddleware as DjangoMessageMiddleware
from django.contrib.messages.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty
from django.utils.module_loading import import_string
from django_htmx.middleware import HtmxDetails
from django_permissions_policy import PermissionsPolicyMiddleware
from django_ratelimit.exceptions import Ratelimited

from adminpanel.middleware import current_request as audit_request

# What a view's csp_update/csp_replace/csp_exempt decorators leave on its response.
_VIEW_OVERRIDES = ("_csp_config", "_csp_update", "_csp_replace")
_VIEW_OVERRIDES_RO = ("_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")


class CSPMiddleware(BaseCSPMiddleware):
    """The stock middleware rebuilds the same policy string from settings on every response,
    twice (enforced and report-only). Most responses use the site policy unchanged and no
    nonce, so its header is built once per policy setting and reused; a response a view
    widened (the Razorpay checkout page's ``csp_update``) or a page that used
    ``request.csp_nonce`` goes through django-csp's own code as before."""

    def __init__(self, get_response) -> None:
        super().__init__(get_response)
        self._built_for: tuple[object, object] | None = None
        self._headers: tuple[str, str] = ("", "")
        # Raises when evaluated, so it never holds a value and one object serves every request.
        self._post_response_nonce = CheckableLazyObject(self._csp_nonce_post_response)

    def _site_headers(self) -> tuple[str, str]:
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        policy_ro = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        built_for = self._built_for
        if built_for is None or built_for[0] is not policy or built_for[1] is not policy_ro:
            self._headers = (build_policy(), build_policy(report_only=True))
            self._built_for = (policy, policy_ro)
        return self._headers

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in _VIEW_OVERRIDES + _VIEW_OVERRIDES_RO
        ):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response  # django-csp leaves Django's debug pages alone
        header, header_ro = self._site_headers()
        if header:
            self._set(request, response, HEADER, header, "_csp_exempt", "CONTENT_SECURITY_POLICY")
        if header_ro:
            self._set(
                request,
                response,
                HEADER_REPORT_ONLY,
                header_ro,
                "_csp_exempt_ro",
                "CONTENT_SECURITY_POLICY_REPORT_ONLY",
            )
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = self._post_response_nonce
        return response

    @staticmethod
    def _set(request, response, header: str, value: str, exempt: str, setting: str) -> None:
        if header in response or getattr(response, exempt, False):
            return
        prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
        if prefixes and request.path_info.startswith(tuple(prefixes)):
            return
        response[header] = value


class MessageMiddleware(DjangoMessageMiddleware):
    """Django's messages middleware with the storage built when a view or template first uses
    it. Building it signs nothing but sets up a cookie signer and a session store on every
    request; an untouched storage has nothing to save, so the response step skips it too."""

    def process_request(self, request: HttpRequest) -> None:
        request._messages = SimpleLazyObject(partial(default_storage, request))

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        storage = getattr(request, "_messages", None)
        if isinstance(storage, SimpleLazyObject) and storage._wrapped is empty:
            return response
        return super().process_response(request, response)


class SecurityHeadersMiddleware(CSPMiddleware):
    """django-csp's policy (as ``CSPMiddleware``) and Permissions-Policy in one layer: each
    header is set by its own package's code, as the two stock middlewares did, but the
    response passes one layer instead of two. It sits where Permissions-Policy's middleware
    was, before WhiteNoise, so static files keep that header (and now also get the policy,
    which costs them nothing). X-Frame-Options stays Django's own middleware, which
    ``check --deploy`` looks for by name."""

    def __init__(self, get_response) -> None:
        super().__init__(get_response)
        self._permissions = PermissionsPolicyMiddleware(get_response)

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        return self._permissions._apply_headers(super().process_response(request, response))


_LANGUAGE_SETTINGS = {"LANGUAGES", "LANGUAGE_CODE", "LANGUAGE_COOKIE_NAME", "LOCALE_PATHS"}
# Django reads at most this much of an Accept-Language header; a longer one is not remembered.
_ACCEPT_LANGUAGE_MAX = 500


@lru_cache(maxsize=512)
def _negotiated_language(cookie: str | None, accept: str) -> str:
    """Django's own choice (``get_language_from_request``) for a cookie value and an
    Accept-Language header: a pure function of the two, so each pair is parsed once. Browsers
    send a handful of distinct headers; the LRU bound keeps made-up ones from growing it."""
    request = HttpRequest()
    if cookie is not None:
        request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = cookie
    request.META["HTTP_ACCEPT_LANGUAGE"] = accept
    return translation.get_language_from_request(request, check_path=False)


@receiver(setting_changed)
def _forget_languages(*, setting: str, **kwargs) -> None:
    if setting in _LANGUAGE_SETTINGS:
        _negotiated_language.cache_clear()


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware with the language negotiated once per (language cookie,
    Accept-Language) pair instead of on every request: the same choice, from the same code.
    ``language_for`` is the step to extend (e.g. with a signed-in user's own language) before
    the cookie and the header. With ``i18n_patterns`` in the URLconf it is Django's
    middleware unchanged."""

    @staticmethod
    def _uses_prefixes(request: HttpRequest) -> bool:
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        return is_language_prefix_patterns_used(urlconf)[0]  # an lru_cache look-up

    def language_for(self, request: HttpRequest) -> str:
        accept = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if len(accept) > _ACCEPT_LANGUAGE_MAX:
            return _negotiated_language.__wrapped__(cookie, accept)
        return _negotiated_language(cookie, accept)

    def process_request(self, request: HttpRequest) -> None:
        if self._uses_prefixes(request):
            return super().process_request(request)
        language = self.language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if self._uses_prefixes(request):
            return super().process_response(request, response)
        if "Vary" in response:
            patch_vary_headers(response, ("Accept-Language",))
        else:
            response.headers["Vary"] = "Accept-Language"
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class RequestContextMiddleware:
    """Three small concerns in one layer, each with its package's code: ``request.htmx``
    (django-htmx's ``HtmxDetails``), the audit context of the request
    (``adminpanel.middleware``), and django-ratelimit's ``Ratelimited`` turned into
    ``RATELIMIT_VIEW`` (the friendly 429 page), as ``RatelimitMiddleware`` did."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request.htmx = HtmxDetails(request)
        token = audit_request.set(request)
        try:
            return self.get_response(request)
        finally:
            audit_request.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, Ratelimited):
            return None
        return import_string(settings.RATELIMIT_VIEW)(request, exception)
