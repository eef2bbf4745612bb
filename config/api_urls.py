"""The JSON API, mounted at /api/v1/ (config.urls): each app's ``api.py`` urlpatterns, the
OpenAPI schema and its browsable docs. URL names live in the "api" namespace
(``reverse("api:auth-login")``); every path ends with a slash."""

from csp.decorators import csp_update
from django.urls import include, path
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

app_name = "api"

# Swagger UI (served from our static files by drf-spectacular-sidecar, no CDN) styles its
# widgets with inline styles: allowed on the docs page only.
DOCS_CSP = {"style-src": ["'unsafe-inline'"]}


@method_decorator(csp_update(DOCS_CSP), name="dispatch")
class DocsView(SpectacularSwaggerSplitView):
    url_name = "api:schema"
    title = "BookMyToken API"


urlpatterns = [
    path("", include("accounts.api")),
    path("", include("providers.api")),
    path("", include("wallet.api")),
    path("", include("bookings.api")),
    path("", include("adminpanel.api")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(), name="docs"),
]
