"""The JSON API, mounted at /api/v1/ (config.urls): each app's ``api.py`` urlpatterns, the
OpenAPI schema and its browsable docs. URL names live in the "api" namespace
(``reverse("api:auth-login")``); every path ends with a slash."""

from csp.decorators import csp_update
from django.templatetags.static import static
from django.urls import include, path
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

app_name = "api"

# Swagger UI, vendored under static/vendor/ (no CDN; only the three files the page loads, not
# the several megabytes of source maps and Redoc a packaged copy brings to collectstatic).
SWAGGER_UI = "vendor/swagger-ui-5.33.1"
# Swagger UI styles its widgets with inline styles: allowed on the docs page only.
DOCS_CSP = {"style-src": ["'unsafe-inline'"]}


@method_decorator(csp_update(DOCS_CSP), name="dispatch")
class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI for /api/v1/; its start-up script is a separate request (no inline script)."""

    url_name = "api:schema"
    title = "BookMyToken API"

    @staticmethod
    def _swagger_ui_resource(filename: str) -> str:
        return static(f"{SWAGGER_UI}/{filename}")

    @staticmethod
    def _swagger_ui_favicon() -> str:
        return static(f"{SWAGGER_UI}/favicon-32x32.png")


urlpatterns = [
    path("", include("accounts.api")),
    path("", include("providers.api")),
    path("", include("wallet.api")),
    path("", include("bookings.api")),
    path("", include("adminpanel.api")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(), name="docs"),
]
