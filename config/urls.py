from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from accounts.views import set_language

from . import pwa, views

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
# allauth answers its own rate limits through handler429: the same friendly page.
handler429 = "config.views.ratelimited"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    # The language switcher posts here (Django's set_language; the choice saved on the user).
    path("i18n/setlang/", set_language, name="set_language"),
    # Translations for gettext() in static/js (locale/hi/LC_MESSAGES/djangojs.po).
    path("i18n/js/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    # The installable app: the worker must sit at the root to control every page.
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("offline/", pwa.offline, name="offline"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("portal/", include("providers.urls")),
    path("wallet/", include("wallet.urls")),
    path("adminpanel/", include("adminpanel.urls")),
    path("", include("bookings.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
