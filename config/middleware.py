"""Stock middleware that does its work only when a response needs it.

django-csp's, with the site-wide policy's header built once per policy setting, and Django's
messages middleware with a storage built on first use.
"""

from functools import partial

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware as DjangoMessageMiddleware
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponseBase
from django.utils.functional import SimpleLazyObject, empty

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
