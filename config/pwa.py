"""The installable web app: manifest, service worker (served from the site root so its scope is
the whole site) and the offline page it falls back to.

The worker's bytes change with APP_VERSION and with the (content-hashed) URLs of the assets it
pre-caches, so a deploy installs a new worker and drops the old one's cache. Booking pages are
cached only when the server marks them (``OFFLINE_CACHE_HEADER``: the signed-in customer's own
upcoming booking), and the page script deletes that cache on sign-out.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

THEME_COLOR = "#4f46e5"  # the icons' indigo; also <meta name="theme-color"> in base.html
BACKGROUND_COLOR = "#ffffff"
# What a response carries for the worker to keep it for offline reading.
OFFLINE_CACHE_HEADER = "X-Offline-Cache"
# The page cache of the signed-in customer's booking pages (static/js/pwa.js deletes it).
PRIVATE_CACHE = "bmt-private"


def _precache() -> list[str]:
    return [
        reverse("offline"),
        static("vendor/bootstrap-5.3.9.min.css"),
        static("css/site.css"),
        static("js/pwa.js"),
        static("img/favicon.svg"),
        static("img/icons/icon-192.png"),
    ]


def worker_version() -> str:
    """APP_VERSION plus a digest of the pre-cached assets' URLs (hashed names in production)."""
    digest = hashlib.sha256("\n".join(_precache()).encode()).hexdigest()[:10]
    return f"{settings.APP_VERSION}-{digest}"


@require_GET
@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    config = {
        "version": worker_version(),
        "offline": reverse("offline"),
        "precache": _precache(),
        "privateCache": PRIVATE_CACHE,
        "offlineHeader": OFFLINE_CACHE_HEADER,
        "icon": static("img/icons/icon-192.png"),
        "name": settings.PLATFORM_NAME,
    }
    response = render(
        request,
        "pwa/sw.js",
        {"config": json.dumps(config, separators=(",", ":"))},
        content_type="application/javascript; charset=utf-8",
    )
    # A worker at /sw.js may control "/" anyway; the header says so explicitly.
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@cache_control(max_age=3600, public=True)
def manifest(request: HttpRequest) -> JsonResponse:
    data = {
        "id": "/",
        "name": settings.PLATFORM_NAME,
        "short_name": settings.PLATFORM_NAME,
        "description": _(
            "Book salons, clinics, tutors and repair shops near you and get a token number."
        ),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("bookings:mine") + "?source=app",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            {"src": static("img/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("img/icons/maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
@cache_control(max_age=0, public=True)
def offline(request: HttpRequest) -> HttpResponse:
    """Shown by the worker when a page cannot be fetched; holds nobody's data (it is cached
    for every visitor of this browser)."""
    return render(request, "pwa/offline.html", {"theme_color": THEME_COLOR})
