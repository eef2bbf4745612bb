"""What every endpoint of the JSON API (/api/v1/) shares: errors as RFC 9457 problem details,
cursor paging and throttling. Endpoints live in each app's ``api.py``; config wires them up.

Error bodies (``application/problem+json``)::

    {"type": "about:blank", "title": "Not found", "status": 404,
     "detail": "We could not find that page. …", "code": "not_found", "errors": {}}

``errors`` maps a field name to its messages (``non_field_errors`` for the form as a whole);
``code`` is a stable machine-readable word. Messages are the pages' own, translated into the
request's language (``Accept-Language``: ``hi`` or ``en``).
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django_ratelimit.exceptions import Ratelimited
from rest_framework import exceptions, pagination, throttling
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings

from accounts.ip import client_ip

logger = logging.getLogger("api")

PROBLEM_CONTENT_TYPE = "application/problem+json"
API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


# --- Problem details --------------------------------------------------------------------------


def _titles() -> dict[int, str]:
    # The pages' headings (templates/errors/*.html), translated per request.
    return {
        400: _("Bad request"),
        401: _("Sign-in required"),
        403: _("Not allowed"),
        404: _("Page not found"),
        405: _("Method not allowed"),
        406: _("Not acceptable"),
        409: _("Conflict"),
        413: _("Request too large"),
        415: _("Unsupported media type"),
        429: _("Too many attempts"),
        500: _("Server error"),
        503: _("Service unavailable"),
    }


def _details() -> dict[str, str]:
    # The pages' own sentences, so the apps and the site say the same thing.
    return {
        "not_authenticated": _("Please sign in to continue."),
        "authentication_failed": _("Your session has ended. Please sign in again."),
        "permission_denied": _(
            "You do not have permission to see this page. If you think this is a mistake, "
            "log in with the right account."
        ),
        "not_found": _("We could not find that page. It may have moved, or the link may be wrong."),
        "throttled": _(
            "You have tried this too many times in a short while. Please wait a few minutes "
            "and try again."
        ),
        "invalid": _("Some of what you sent needs correcting; see the fields."),
        "parse_error": _(
            "We could not understand that request. Please check what you entered and try again."
        ),
        "method_not_allowed": _("This address does not accept that method."),
        "server_error": _("Something went wrong on our side. Please try again in a moment."),
    }


def problem(
    status: int,
    *,
    code: str,
    detail: str | None = None,
    errors: dict[str, list[str]] | None = None,
    title: str | None = None,
    **extra,
) -> dict:
    """The body of an RFC 9457 problem (``type`` is ``about:blank``: the status says it)."""
    titles = _titles()
    if title is None:
        title = titles.get(status) or HTTPStatus(status).phrase
    if detail is None:
        detail = _details().get(code) or title
    return {
        "type": "about:blank",
        "title": str(title),
        "status": status,
        "detail": str(detail),
        "code": code,
        "errors": errors or {},
        **extra,
    }


def problem_response(status: int, *, headers: dict | None = None, **kwargs) -> Response:
    """A DRF response carrying a problem (for views that answer an error themselves)."""
    return Response(
        problem(status, **kwargs),
        status=status,
        headers=headers,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def problem_json_response(request: HttpRequest, status: int, **kwargs) -> JsonResponse:
    """A plain Django response carrying a problem, for errors raised outside DRF views
    (unknown /api/ paths, server errors, axes' lockout)."""
    return JsonResponse(
        problem(status, **kwargs),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"field": [...], "items.0.name": [...]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for k, v in _flatten(value, name).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            out[prefix or api_settings.NON_FIELD_ERRORS_KEY] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                name = f"{prefix}.{index}" if prefix else str(index)
                for k, v in _flatten(item, name).items():
                    out.setdefault(k, []).extend(v)
    else:
        out[prefix or api_settings.NON_FIELD_ERRORS_KEY] = [str(detail)]
    return out


def _first_code(detail) -> str | None:
    if isinstance(detail, dict):
        for value in detail.values():
            code = _first_code(value)
            if code:
                return code
    elif isinstance(detail, list):
        for value in detail:
            code = _first_code(value)
            if code:
                return code
    else:
        return getattr(detail, "code", None)
    return None


def problem_exception_handler(exc, context) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every error of every endpoint as a problem document."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    elif isinstance(exc, Ratelimited):
        exc = exceptions.Throttled()
    if not isinstance(exc, exceptions.APIException):
        return None  # a real fault: Django's handler500 answers (as a problem under /api/)

    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = f"{int(exc.wait)}"

    status = exc.status_code
    default_code = exc.default_code
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        non_field = errors.get(api_settings.NON_FIELD_ERRORS_KEY)
        code = _first_code(exc.detail) or "invalid"
        body = problem(
            status,
            code=code if non_field else "invalid",
            detail=non_field[0] if non_field else None,
            errors=errors,
        )
        if not non_field:
            body["detail"] = _details()["invalid"]
    else:
        detail = exc.detail
        code = getattr(detail, "code", None) or default_code
        if isinstance(detail, (dict, list)):
            # simplejwt's token errors: {"detail": ..., "code": ..., "messages": [...]}
            message = detail.get("detail") if isinstance(detail, dict) else None
            code = (detail.get("code") if isinstance(detail, dict) else None) or default_code
            body = problem(status, code=str(code), detail=_own_detail(exc, code, message))
        else:
            body = problem(status, code=str(code), detail=_own_detail(exc, code, detail))
    from rest_framework.views import set_rollback  # not at import: views reads these settings

    set_rollback()
    return Response(body, status=status, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def _own_detail(exc: exceptions.APIException, code: str, message) -> str:
    """Our sentence for the stock errors (DRF's English defaults have no Hindi); a message a
    view raised on purpose (``PermissionDenied(_("…"))``) is kept."""
    details = _details()
    stock = str(exc.default_detail)
    if message is None or str(message) == stock or code in ("token_not_valid", "user_not_found"):
        if isinstance(exc, exceptions.MethodNotAllowed):
            return details["method_not_allowed"]
        if isinstance(exc, exceptions.Throttled):
            return details["throttled"]
        if isinstance(exc, exceptions.NotAuthenticated):
            return details["not_authenticated"]
        if isinstance(exc, exceptions.AuthenticationFailed):
            return details["authentication_failed"]
        return details.get(exc.default_code, str(message or stock))
    if isinstance(exc, exceptions.Throttled):
        return details["throttled"]
    if isinstance(exc, exceptions.MethodNotAllowed):
        return details["method_not_allowed"]
    return str(message)


# --- Paging -------------------------------------------------------------------------------------


class CursorPagination(pagination.CursorPagination):
    """Every list pages with an opaque ``cursor`` (stable under inserts); ``page_size`` up to
    100. Views set ``ordering`` to a unique, indexed column order (default newest id first)."""

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-pk"


# --- Throttling ---------------------------------------------------------------------------------


class _FailOpen:
    """A throttle whose cache is down lets the request through (django-redis with
    IGNORE_EXCEPTIONS already turns most failures into misses; anything else is caught here)."""

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception:  # noqa: BLE001 - a cache outage must never fail a request
            logger.warning("API throttle skipped: cache unavailable", exc_info=True)
            return True

    def get_ident(self, request) -> str:
        return client_ip(request._request if hasattr(request, "_request") else request)


class IPRateThrottle(_FailOpen, throttling.SimpleRateThrottle):
    """Every request, per client IP (proxy-aware, as the site's own rate limits)."""

    scope = "ip"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserRateThrottle(_FailOpen, throttling.UserRateThrottle):
    """Signed-in requests, per user (anonymous ones fall back to the IP)."""

    scope = "user"


class ScopedRateThrottle(_FailOpen, throttling.ScopedRateThrottle):
    """Views with ``throttle_scope`` (e.g. "auth"), per user or IP, on top of the above."""


# --- OpenAPI ------------------------------------------------------------------------------------

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An error, as RFC 9457 problem details (application/problem+json).",
    "properties": {
        "type": {"type": "string", "example": "about:blank"},
        "title": {"type": "string", "example": "Page not found"},
        "status": {"type": "integer", "example": 404},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "Stable machine-readable reason."},
        "errors": {
            "type": "object",
            "description": "Messages per field (non_field_errors: the request as a whole).",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["type", "title", "status", "detail", "code", "errors"],
    "additionalProperties": True,
}

_PROBLEM_EXAMPLES = {
    "400": ("Bad request", "invalid", {"email": ["Enter a valid email address."]}),
    "401": ("Sign-in required", "not_authenticated", {}),
    "403": ("Not allowed", "permission_denied", {}),
    "404": ("Page not found", "not_found", {}),
    "429": ("Too many attempts", "throttled", {}),
}
_PROBLEM_DESCRIPTIONS = {
    "400": "Invalid input: `errors` holds the messages per field.",
    "401": "No token, or the token expired or was revoked (sign in or refresh).",
    "403": "This account may not do this (role, unverified email, staff without 2FA).",
    "404": "No such object for this account (someone else's ids look the same).",
    "429": "Too many requests (see Retry-After), or the account is locked.",
}


def problem_responses_hook(result, generator, request, public):
    """drf-spectacular postprocessing: the Problem schema, and the error responses each
    operation can give, so the apps (and Schemathesis) know every error's shape."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            secured = any(item for item in operation.get("security", []))
            codes = {"429"}
            if secured:
                codes |= {"401", "403"}
            names = {p.get("name") for p in operation.get("parameters", [])}
            if "{" in path or "cursor" in names:
                codes.add("404")  # someone else's id, or a cursor that is not ours
            if method in ("post", "put", "patch") or operation.get("parameters"):
                codes.add("400")
            codes |= {code for code in responses if code[:1] in ("4", "5")}
            for code in sorted(codes):
                title, reason, errors = _PROBLEM_EXAMPLES.get(code, ("Error", "error", {}))
                existing = responses.get(code) or {}
                responses[code] = {
                    "description": existing.get("description")
                    or _PROBLEM_DESCRIPTIONS.get(code, title),
                    "content": {
                        PROBLEM_CONTENT_TYPE: {
                            "schema": {"$ref": "#/components/schemas/Problem"},
                            "example": {
                                "type": "about:blank",
                                "title": title,
                                "status": int(code),
                                "detail": "…",
                                "code": reason,
                                "errors": errors,
                            },
                        }
                    },
                }
    return result


_PAGED: dict[tuple[type, str | None], type] = {}


def paged(serializer_class, *, name: str | None = None):
    """The schema of one page of a cursor-paged list of ``serializer_class`` items, for views
    that page by hand (``extend_schema(responses={200: paged(ItemSerializer)})``). One
    component per item serializer, however many views list it."""
    key = (serializer_class, name)
    if key not in _PAGED:
        _PAGED[key] = _paged(serializer_class, name=name)
    return _PAGED[key]


def _paged(serializer_class, *, name: str | None = None):
    from drf_spectacular.utils import inline_serializer
    from rest_framework import serializers

    base = name or serializer_class.__name__.removesuffix("Serializer")
    return inline_serializer(
        name=f"Paginated{base}List",
        fields={
            "next": serializers.URLField(allow_null=True, help_text="The next page, or null."),
            "previous": serializers.URLField(
                allow_null=True, help_text="The previous page, or null."
            ),
            "results": serializer_class(many=True),
        },
    )


_CURSOR_PARAMETERS = [
    {
        "in": "query",
        "name": "cursor",
        "required": False,
        "schema": {"type": "string"},
        "description": "The pagination cursor value (from `next` or `previous`).",
    },
    {
        "in": "query",
        "name": "page_size",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": CursorPagination.max_page_size},
        "description": "Items per page.",
    },
]


def cursor_parameters_hook(result, generator, request, public):
    """drf-spectacular postprocessing: every operation answering a paged list documents the
    ``cursor`` and ``page_size`` query parameters (and the 404 of a cursor that is not ours)."""
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method != "get":
                continue
            ok = operation.get("responses", {}).get("200", {})
            schema = ok.get("content", {}).get("application/json", {}).get("schema", {})
            ref = schema.get("$ref", "")
            if not ref.split("/")[-1].startswith("Paginated"):
                continue
            parameters = operation.setdefault("parameters", [])
            names = {p.get("name") for p in parameters}
            parameters.extend(p for p in _CURSOR_PARAMETERS if p["name"] not in names)
    return result


# Integer bounds that come from the database backend (Django's integer_field_range), not from
# our rules: SQLite's 64-bit range, MySQL's per-type ranges. The schema must not depend on the
# database the generator ran against.
_BACKEND_BOUNDS = {
    2**7 - 1,
    2**8 - 1,
    2**15 - 1,
    2**16 - 1,
    2**23 - 1,
    2**24 - 1,
    2**31 - 1,
    2**32 - 1,
    2**63 - 1,
    2**64 - 1,
}


def _strip_backend_bounds(node) -> None:
    if isinstance(node, dict):
        if node.get("maximum") in _BACKEND_BOUNDS:
            del node["maximum"]
        if isinstance(node.get("minimum"), int) and -node["minimum"] - 1 in _BACKEND_BOUNDS:
            del node["minimum"]
        for value in node.values():
            _strip_backend_bounds(value)
    elif isinstance(node, list):
        for value in node:
            _strip_backend_bounds(value)


def database_neutral_hook(result, generator, request, public):
    """drf-spectacular postprocessing: drop integer bounds that only say which database the
    schema was generated on, so docs/openapi.yaml is the same on SQLite and MariaDB."""
    _strip_backend_bounds(result.get("components", {}))
    _strip_backend_bounds(result.get("paths", {}))
    return result
