"""A mobile developer opens the API docs: Swagger UI renders from our own static files under the
site's CSP (relaxed for inline styles on that page only), with no console error, CSP violation
or failed request, and lists the sign-in endpoints."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_offline_under_our_csp(journey):
    page = journey.page
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(journey.base_url) and not request.url.startswith("data:")
            else None
        ),
    )
    journey.page.goto(journey.url("/api/v1/docs/"))
    page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    page.wait_for_selector("text=/api/v1/auth/login/", timeout=20_000)
    journey.settle("api-docs")
    assert "BookMyToken API" in page.inner_text(".swagger-ui .info .title")
    assert not outside, f"the docs page fetched from elsewhere: {outside}"
