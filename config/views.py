"""Site-wide pages: home, health check and the friendly error pages."""

import sys

from django.core.cache import cache
from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from providers import caching
from providers.models import Category


def _active_categories() -> list[Category]:
    return list(Category.objects.filter(is_active=True))


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Called by the template only when its {% cache %} fragment misses.
        context["categories"] = _active_categories
        context["categories_ttl"] = caching.HOME_CATEGORIES_TTL
        return context


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Report whether the database, cache and broker answer (for load balancers, monitors)."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - report any failure as unhealthy
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        cache.set("healthz", "1", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "error: no round trip"
    except Exception as exc:  # noqa: BLE001
        checks["cache"] = f"error: {exc.__class__.__name__}"
    checks["broker"] = _broker_status()
    healthy = all(v in ("ok", "eager") for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


def _broker_status() -> str:
    """Connect to the configured Celery broker once, without retrying.

    A load balancer polls this every few seconds: a dead broker must answer within about two
    seconds rather than hang the check behind kombu's retry back-off.
    """
    from django.conf import settings

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    try:
        from config.celery import app

        with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=0, timeout=2)
        return "ok"
    except Exception as exc:  # noqa: BLE001
        return f"error: {exc.__class__.__name__}"


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages without an icon link (the Django admin)."""
    # Temporary: the hashed file name changes with each release.
    return redirect(static("img/favicon.svg"))


def _error(request: HttpRequest, status: int, template: str) -> HttpResponse:
    from .api import is_api_request, problem_json_response

    if is_api_request(request):
        codes = {400: "parse_error", 403: "permission_denied", 404: "not_found", 429: "throttled"}
        return problem_json_response(request, status, code=codes.get(status, "error"))
    return render(request, template, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "errors/400.html")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "errors/403.html")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "errors/404.html")


# Driver errors that mean "the database cannot be reached or is overloaded right now", not a
# fault in our code: MySQL/MariaDB client and server codes, and SQLite's lock and file errors.
_UNREACHABLE_MYSQL_CODES = {1040, 1053, 1129, 2002, 2003, 2005, 2006, 2013, 2026, 2055, 4031}
_UNREACHABLE_SQLITE_MESSAGES = ("database is locked", "unable to open database file")


def database_unreachable(exc: BaseException | None) -> bool:
    """Whether ``exc`` says the database is down, unreachable or too busy to answer."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__ or exc
    code = cause.args[0] if cause.args else None
    if isinstance(code, int):
        return code in _UNREACHABLE_MYSQL_CODES
    return str(cause) in _UNREACHABLE_SQLITE_MESSAGES


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page; the 503 page when the request failed because the database is unreachable.

    Django calls this for an exception raised anywhere in the request, middleware included (a
    session or user loaded from a database that is down), while the exception is being handled.
    Both pages are rendered without a RequestContext: context processors may touch the failing
    database.
    """
    from django.template import loader

    from .api import is_api_request, problem_json_response

    if is_api_request(request):
        if database_unreachable(sys.exc_info()[1]):
            response = problem_json_response(request, 503, code="unavailable")
            response["Retry-After"] = "30"
            return response
        return problem_json_response(request, 500, code="server_error")
    if database_unreachable(sys.exc_info()[1]):
        body = loader.get_template("errors/503.html").render({})
        return HttpResponse(body, status=503, headers={"Retry-After": "30"})
    return HttpResponse(loader.get_template("errors/500.html").render({}), status=500)


def ratelimited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 429, "errors/429.html")
