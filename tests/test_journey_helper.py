"""The journey helper itself: it must catch what it promises to catch, or every browser test
built on it could pass while the browser shows errors."""

import pytest

from .journey import Journey

pytestmark = pytest.mark.browser

SITE = "http://journey.test"
PAGES = {
    "/": "<h1>Fine</h1><a href='/next'>next</a>",
    "/next": "<h1>Next</h1>",
    "/console": "<h1>Broken</h1><script>console.error('boom')</script>",
    "/exception": "<h1>Broken</h1><script>undefined_function()</script>",
    "/missing-image": "<h1>Image</h1><img src='/nope.png' alt=''>",
    "/wide": "<div style='width:900px'>too wide for a phone</div>",
}


@pytest.fixture
def tour(page, tmp_path):
    def handle(route):
        path = route.request.url.removeprefix(SITE)
        if path in PAGES:
            html = "<meta name='viewport' content='width=device-width'>" + PAGES[path]
            route.fulfill(status=200, content_type="text/html", body=html)
        else:
            route.fulfill(status=404, content_type="text/plain", body="not found")

    page.route(f"{SITE}/**", handle)
    return Journey(page=page, base_url=SITE, folder=tmp_path)


def test_a_clean_page_is_screenshotted_at_both_widths(tour, tmp_path):
    tour.goto("/")
    tour.page.click("text=next")
    tour.settle("next")
    tour.finish()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "01-home-1280.png",
        "01-home-390.png",
        "02-next-1280.png",
        "02-next-390.png",
    ]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/console", "console error: boom"),
        ("/exception", "page error"),
        ("/missing-image", "HTTP 404: GET http://journey.test/nope.png"),
    ],
)
def test_browser_problems_fail_the_step(tour, path, message):
    with pytest.raises(AssertionError, match=message):
        tour.goto(path)


def test_an_expected_error_status_is_allowed(tour):
    with tour.expect_error_status(404, "/nope.png"):
        tour.goto("/missing-image")
    tour.finish()


def test_a_page_wider_than_a_phone_fails(tour):
    with pytest.raises(AssertionError, match="wider than a 390px phone screen"):
        tour.goto("/wide")


def test_a_page_visited_without_a_screenshot_fails_the_journey(tour):
    tour.goto("/")
    tour.page.click("text=next")
    tour.page.wait_for_load_state()
    with pytest.raises(AssertionError, match="visited without a screenshot"):
        tour.finish()
