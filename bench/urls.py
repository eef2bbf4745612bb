"""The site's URLs plus a bare view: the throughput ceiling of Django and its middleware on
this server, measured in the same run as the real pages."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    """No database, no template: the full middleware stack and nothing else."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare", bare, name="bench_bare"), *site_urlpatterns]
